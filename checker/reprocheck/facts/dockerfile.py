"""Dockerfiles parsed the way BuildKit reads them: stages, resolved base images, RUN scripts with their lines.

Handled: parser directives (`# syntax=`, `# escape=`), lower-case instructions, `\\` (or the declared escape)
continuations with comment and blank lines inside them, heredocs (`RUN <<EOF`, `COPY <<EOF`), JSON (exec) form,
`ARG` scoping (global ARGs feed `FROM`; a stage sees them only when it re-declares them; defaults and
`${VAR:-default}` forms), `ENV` inherited from a parent stage, stage aliases, `FROM scratch`, `--platform`,
`COPY --from=<image or stage>`, `RUN --mount=...,from=<image or stage>` and `ADD --checksum`.
"""

from __future__ import annotations

import fnmatch
import json
import os
import posixpath
import re
import shlex
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from reprocheck import filekinds
from reprocheck.facts import fact
from reprocheck.facts.devcontainers import COMPOSE_FILE, devcontainer_of
from reprocheck.facts.shell import (
    SHELLS,
    Command,
    SourcedCommand,
    expand_word,
    page_commands,
    scan_word,
    split_commands,
    strip_wrappers,
)
from reprocheck.facts.yamlfiles import load_yaml
from reprocheck.patterns import lazy_pattern

INSTRUCTIONS = frozenset(
    {
        "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
        "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
    }
)  # fmt: skip
# ARGs BuildKit defines itself: declaring them without a default is the normal way to use them.
AUTOMATIC_ARGS = frozenset(
    {
        "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", "BUILDPLATFORM", "BUILDOS", "BUILDARCH",
        "BUILDVARIANT", "TARGETSTAGE", "BUILDKIT_SBOM_SCAN_STAGE", "BUILDKIT_SBOM_SCAN_CONTEXT",
        "BUILDKIT_INLINE_CACHE", "BUILDKIT_MULTI_PLATFORM", "BUILDKIT_CONTEXT_KEEP_GIT_DIR",
        "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY",
        "no_proxy", "ALL_PROXY", "all_proxy", "SOURCE_DATE_EPOCH",
    }
)  # fmt: skip
DIRECTIVE = lazy_pattern(r"^#\s*([A-Za-z]+)\s*=\s*(.*?)\s*$")
HEREDOC_MARKER = lazy_pattern(r"(?<!<)<<(?!<)(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
KEYWORD = lazy_pattern(r"[ \t]*([^\s\\`]*)")
VARIABLE = lazy_pattern(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
DOCKER_HUB_PREFIXES = ("docker.io/library/", "index.docker.io/library/", "registry-1.docker.io/library/")
DOCKER_HUB_HOSTS = ("docker.io/", "index.docker.io/", "registry-1.docker.io/")


# -- data ---------------------------------------------------------------------------------------------------------
@dataclass
class ImageRef:
    """An image reference after ARG substitution. `name` is normalised for Docker Hub (`docker.io/library/
    python` -> `python`); `unresolved` lists variables left without a value (ARGs without default)."""

    raw: str
    resolved: str
    name: str
    tag: str | None
    digest: str | None
    line: int
    is_stage_alias: bool = False
    is_scratch: bool = False
    unresolved: tuple[str, ...] = ()
    via: str = "FROM"  # or "COPY --from", "RUN --mount"

    def __str__(self) -> str:
        return self.resolved


@dataclass
class Instruction:
    """One Dockerfile instruction, continuations joined."""

    keyword: str  # upper case
    value: str  # arguments after flags, continuations joined (RUN: see `Run.script` for the line-true text)
    line: int
    end_line: int
    flags: dict[str, str] = field(default_factory=dict)
    raw: str = ""  # the arguments as written, newlines kept


class Run(tuple):
    """`(line, script)` of a RUN, plus what the shell sees: `env` (ARG and ENV values in scope), `mounts`
    (`--mount` options as dicts), `exec_form` (JSON array form, no shell), `end_line` and `shell` (the `SHELL`
    in force; None for the default `/bin/sh -c`). `commands()` splits the script once, whoever asks."""

    line: int
    script: str

    def __new__(cls, line: int, script: str, env=None, mounts=None, exec_form=False, end_line=None, shell=None):
        self = super().__new__(cls, (line, script))
        self.env = dict(env or {})
        self.mounts = list(mounts or [])
        self.exec_form = exec_form
        self.end_line = end_line if end_line is not None else line
        self.shell = shell
        self._commands = None
        return self

    line = property(lambda self: self[0])  # type: ignore[assignment]
    script = property(lambda self: self[1])  # type: ignore[assignment]

    @property
    def is_posix_shell(self) -> bool:
        """False under `SHELL ["powershell", ...]` or `cmd`: the script is then not POSIX shell."""
        return self.exec_form or not self.shell or posixpath.basename(self.shell[0]).lower() in SHELLS

    def commands(self) -> list[Command]:
        if self._commands is None:
            self._commands = split_commands(self.script, self.line, self.env) if self.is_posix_shell else []
        return self._commands


@dataclass
class ArgDecl:
    """An `ARG` declaration and its default."""

    name: str
    default: str | None  # the default as resolved (a re-declared global ARG inherits the global default)
    line: int
    has_default: bool  # written with `=value` here
    automatic: bool = False


@dataclass
class Add:
    """An `ADD` instruction: its sources, checksum and flags."""

    line: int
    sources: list[str]
    checksum: str | None
    flags: dict[str, str]


@dataclass
class Copy:
    """A COPY from the build context (not `--from`): the sources as written, ARGs expanded."""

    line: int
    sources: list[str]
    flags: dict[str, str]


@dataclass
class ExecSpec:
    """CMD or ENTRYPOINT: `argv` for the JSON form, `script` for the shell form."""

    line: int
    argv: list[str] | None
    script: str | None


@dataclass
class Stage:
    """One build stage of a Dockerfile (from its `FROM` to the next)."""

    index: int
    base: ImageRef
    alias: str | None
    line: int
    platform: str | None = None
    runs: list[Run] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    args: list[ArgDecl] = field(default_factory=list)
    user: str | None = None
    user_line: int | None = None
    external_refs: list[ImageRef] = field(default_factory=list)  # COPY --from / RUN --mount from= images
    adds: list[Add] = field(default_factory=list)
    copies: list[Copy] = field(default_factory=list)
    cmd: ExecSpec | None = None
    entrypoint: ExecSpec | None = None
    instructions: list[Instruction] = field(default_factory=list)
    parent: int | None = None  # index of the stage named in FROM, when it is a stage alias
    shell: list[str] | None = None  # the last SHELL instruction's command, when there is one
    uses: set[int] = field(default_factory=set)  # stages it copies or mounts from (`COPY --from=builder`)


class DockerfileError(ValueError):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


@dataclass
class Dockerfile:
    """A parsed Dockerfile: its stages, global arguments and parser directives."""

    path: str
    stages: list[Stage]
    global_args: list[ArgDecl]
    directives: dict[str, str]
    instructions: list[Instruction]
    problems: list[DockerfileError] = field(default_factory=list)  # unknown or misplaced instructions
    generated: bool = False  # its header says it is generated (`# GENERATED FROM …`, `DO NOT EDIT`)

    @property
    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def stage_named(self, name: str) -> Stage | None:
        lowered = name.lower()
        return next((s for s in self.stages if s.alias is not None and s.alias.lower() == lowered), None)

    def unused_stages(self, targets: frozenset[str] | None = frozenset()) -> frozenset[int]:
        """The stages no build produces: not the final stage, not a stage a build targets (`targets`: stage names
        `--target` / `target:` give; None when a target is left to a variable, so any named stage may be one), and
        not used by either, directly or through other stages (`FROM <stage>`, `COPY --from`, `RUN --mount=from=`).
        Nothing when a `FROM` or a `--from` is left to a variable: it may name any stage."""
        if any(stage.base.unresolved or any(ref.unresolved for ref in stage.external_refs) for stage in self.stages):
            return frozenset()
        roots = [len(self.stages) - 1] if self.stages else []
        roots += [s.index for s in self.stages if s.alias and (targets is None or s.alias.lower() in targets)]
        live: set[int] = set()
        while roots:
            index = roots.pop()
            if index in live or not 0 <= index < len(self.stages):
                continue
            live.add(index)
            stage = self.stages[index]
            roots += [*stage.uses, *([stage.parent] if stage.parent is not None else [])]
        return frozenset(s.index for s in self.stages if s.index not in live)


# -- image references ---------------------------------------------------------------------------------------------
def parse_image(resolved: str, raw: str, line: int, unresolved: tuple[str, ...] = ()) -> ImageRef:
    ref, _, digest = resolved.partition("@")
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        name, tag = ref.rsplit(":", 1)
    else:
        name, tag = ref, None
    name = normalise_image_name(name)
    return ImageRef(
        raw=raw,
        resolved=resolved,
        name=name,
        tag=tag or None,
        digest=digest or None,
        line=line,
        is_scratch=resolved.lower() == "scratch",
        unresolved=unresolved,
    )


def normalise_image_name(name: str) -> str:
    for prefix in DOCKER_HUB_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    for prefix in DOCKER_HUB_HOSTS:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return name[len("library/") :] if name.startswith("library/") else name


def unresolved_names(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(VARIABLE.findall(text)))


# -- lexical layer ------------------------------------------------------------------------------------------------
def _words(text: str) -> list[str]:
    """Raw shell-like words of an instruction's arguments (quotes kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text[i] in " \t\r\n":
            i += 1
            continue
        end = _word_end(text, i)
        out.append(text[i:end])
        i = end
    return out


def _word_end(text: str, i: int) -> int:
    """Like the shell's word end, but `;&|()<>` are ordinary characters outside RUN."""
    n = len(text)
    while i < n and text[i] not in " \t\r\n":
        if text[i] in "'\"$`\\":
            end = scan_word(text, i)
            i = max(end, i + 1)
        else:
            i += 1
    return i


def _leading_flags(text: str) -> tuple[dict[str, str], list[tuple[str, str]], int]:
    """`--name=value` flags at the start: (last value by name, all in order, index where the rest starts)."""
    flags: dict[str, str] = {}
    ordered: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if not text.startswith("--", i):
            return flags, ordered, i
        end = _word_end(text, i)
        name, _, value = text[i + 2 : end].partition("=")
        value = expand_word(value, None, expand=False)[0]
        flags[name.lower()] = value
        ordered.append((name.lower(), value))
        i = end


def _split_lines(text: str) -> tuple[dict[str, str], list[tuple[str, str, int, int]]]:
    """Parser directives, then (keyword, raw arguments, first line, last line) per instruction."""
    lines = text.split("\n")
    directives: dict[str, str] = {}
    i = 0
    while i < len(lines):
        match = DIRECTIVE.match(lines[i].strip())
        if not match or match.group(1).lower() not in ("syntax", "escape", "check"):
            break
        directives.setdefault(match.group(1).lower(), match.group(2))
        i += 1
    escape = "`" if directives.get("escape") == "`" else "\\"
    continuation = re.compile(re.escape(escape) + r"[ \t\r]*$")
    out: list[tuple[str, str, int, int]] = []
    n = len(lines)
    while i < n:
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        start = i
        parts = [lines[i].rstrip("\r")]
        while continuation.search(parts[-1]) and i + 1 < n:
            i += 1
            following = lines[i].rstrip("\r")
            if not following.strip() or following.strip().startswith("#"):
                parts.append(escape)  # removed by the builder; keeps the line count and the continuation
            else:
                parts.append(following)
        i += 1
        logical = "\n".join(parts)
        head = KEYWORD.match(logical)
        keyword, rest = head.group(1), logical[head.end() :]
        if keyword.upper() in ("RUN", "COPY", "ADD") and "<<" in logical:
            for match in HEREDOC_MARKER.finditer(logical):
                strip_tabs, delimiter = match.group(1) == "-", match.group(3)
                body = []
                while i < n:
                    body_line = lines[i].rstrip("\r")
                    i += 1
                    body.append(body_line)
                    if (body_line.lstrip("\t") if strip_tabs else body_line) == delimiter:
                        break
                rest += "\n" + "\n".join(body)
        if escape == "`":
            rest = re.sub(r"`([ \t]*)\n", r"\\\1\n", rest)
        out.append((keyword, rest, start + 1, i))
    return directives, out


def _join(raw: str) -> str:
    """Arguments with continuations removed (what the builder sees on one line)."""
    return re.sub(r"\\[ \t]*\n", "", raw).strip()


# -- semantic layer -----------------------------------------------------------------------------------------------
GENERATED = lazy_pattern(r"\b(?:auto-?)?generated\b|\bdo not (?:edit|modify)\b", re.IGNORECASE)


def is_generated(text: str) -> bool:
    """Whether the comments before the first instruction say the file is generated from something else."""
    for line in text.splitlines()[:40]:
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return False
        if GENERATED.search(stripped):
            return True
    return False


def parse_dockerfile(path: str, text: str) -> Dockerfile:
    directives, raw_instructions = _split_lines(text)
    dockerfile = Dockerfile(path=path, stages=[], global_args=[], directives=directives, instructions=[])
    dockerfile.generated = is_generated(text)
    global_defaults: dict[str, str] = {}
    scope: dict[str, str] = {}
    stage: Stage | None = None
    problems = dockerfile.problems
    for keyword, raw, line, end_line in raw_instructions:
        upper = keyword.upper()
        if upper not in INSTRUCTIONS:
            problems.append(DockerfileError(f"unknown instruction {keyword!r}", line))
            continue
        flags, ordered_flags, start = _leading_flags(raw) if upper in ("FROM", "RUN", "COPY", "ADD") else ({}, [], 0)
        rest = raw[start:]
        instruction = Instruction(upper, _join(rest), line, end_line, flags, raw)
        dockerfile.instructions.append(instruction)
        if upper == "FROM":
            stage = _from(dockerfile, instruction, global_defaults, flags)
            scope = dict(dockerfile.stages[stage.parent].env) if stage.parent is not None else {}
            stage.env = dict(scope)
            continue
        if stage is None:
            if upper == "ARG":
                for decl in _args(instruction.value, line, global_defaults, scope_defaults=None):
                    dockerfile.global_args.append(decl)
                    if decl.default is not None:
                        global_defaults[decl.name] = decl.default
                continue
            problems.append(DockerfileError(f"{upper} before the first FROM", line))
            continue
        stage.instructions.append(instruction)
        first_line = line + raw[:start].count("\n")
        if upper == "ARG":
            for decl in _args(instruction.value, line, global_defaults, scope):
                stage.args.append(decl)
                if decl.default is not None:
                    scope[decl.name] = decl.default
        elif upper == "ENV":
            for key, value in _env_pairs(instruction.value, scope):
                scope[key] = value
                stage.env[key] = value
        elif upper == "SHELL":
            stage.shell = _json_list(instruction.value)
        elif upper == "RUN":
            stage.runs.append(_run(rest, first_line, end_line, scope, ordered_flags, stage.shell))
            for name, value in ordered_flags:
                if name == "mount":
                    source = _csv(value).get("from")
                    if source:
                        _reference(dockerfile, stage, source, line, scope, "RUN --mount")
        elif upper == "COPY" and "from" in flags:
            _reference(dockerfile, stage, flags["from"], line, scope, "COPY --from")
        elif upper == "COPY":
            stage.copies.append(Copy(line, _sources(instruction.value, scope), flags))
        elif upper == "ADD":
            stage.adds.append(Add(line, _sources(instruction.value, scope), flags.get("checksum"), flags))
        elif upper == "USER":
            stage.user = expand_word(instruction.value.split()[0], scope)[0] if instruction.value.split() else None
            stage.user_line = line
        elif upper in ("CMD", "ENTRYPOINT"):
            argv = _json_list(instruction.value)
            spec = ExecSpec(line, argv, None if argv is not None else instruction.value)
            setattr(stage, upper.lower(), spec)
    if not dockerfile.stages:
        raise problems[0] if problems else DockerfileError("no FROM instruction", 1)
    return dockerfile


def _from(dockerfile: Dockerfile, instruction: Instruction, global_defaults: dict[str, str], flags) -> Stage:
    words = _words(instruction.value)
    raw_image = words[0] if words else ""
    resolved = expand_word(raw_image, global_defaults)[0]
    alias = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
    ref = parse_image(resolved, raw_image, instruction.line, unresolved_names(resolved))
    parent = dockerfile.stage_named(resolved)
    if parent is not None:
        ref.is_stage_alias = True
    stage = Stage(
        index=len(dockerfile.stages),
        base=ref,
        alias=alias,
        line=instruction.line,
        platform=flags.get("platform"),
        parent=parent.index if parent is not None else None,
    )
    dockerfile.stages.append(stage)
    return stage


def _args(value: str, line: int, global_defaults: dict[str, str], scope_defaults: dict[str, str] | None):
    for word in _words(value):
        name, eq, default = word.partition("=")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            continue
        if eq:
            resolved = expand_word(default, {**global_defaults, **(scope_defaults or {})})[0]
        elif scope_defaults is not None:  # a stage re-declaring a global ARG inherits its default
            resolved = global_defaults.get(name)
        else:
            resolved = None
        yield ArgDecl(name, resolved, line, bool(eq), name in AUTOMATIC_ARGS)


def _env_pairs(value: str, scope: dict[str, str]) -> list[tuple[str, str]]:
    words = _words(value)
    if words and "=" not in words[0]:  # legacy `ENV KEY value with spaces`
        key, _, rest = value.partition(" ")
        return [(key.strip(), expand_word(rest.strip(), scope)[0])] if key.strip() else []
    pairs = []
    local = dict(scope)
    for word in words:
        key, eq, raw = word.partition("=")
        if eq:
            text = expand_word(raw, local)[0]
            local[key] = text
            pairs.append((key, text))
    return pairs


def _run(rest: str, first_line: int, end_line: int, scope: dict[str, str], flags, shell) -> Run:
    mounts = [_csv(value) for name, value in flags if name == "mount"]
    argv = _json_list(_join(rest)) if rest.lstrip().startswith("[") else None
    if argv is not None:
        return Run(first_line, shlex.join(argv), scope, mounts, exec_form=True, end_line=end_line)
    return Run(first_line, rest, scope, mounts, exec_form=False, end_line=end_line, shell=shell)


def _sources(value: str, scope: dict[str, str]) -> list[str]:
    """COPY/ADD sources: every argument but the destination; heredoc sources (`<<EOF`) are left out."""
    first_line = value.split("\n", 1)[0]
    argv = _json_list(first_line)
    words = argv if argv is not None else [expand_word(w, scope)[0] for w in _words(first_line)]
    return [w for w in words[:-1] if not w.startswith("<<")]


def _json_list(value: str) -> list[str] | None:
    if not value.lstrip().startswith("["):
        return None
    try:
        data = json.loads(value)
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, list) and all(isinstance(x, str) for x in data) else None


def _csv(value: str) -> dict[str, str]:
    out = {}
    for part in value.split(","):
        key, _, val = part.partition("=")
        out[key.strip().lower()] = val.strip()
    return out


def _reference(dockerfile: Dockerfile, stage: Stage, source: str, line: int, scope: dict[str, str], via: str) -> None:
    resolved = expand_word(source, scope)[0]
    named = dockerfile.stage_named(resolved)
    if resolved.isdigit() or named is not None:
        stage.uses.add(int(resolved) if named is None else named.index)
        return
    ref = parse_image(resolved, source, line, unresolved_names(resolved))
    ref.via = via
    stage.external_refs.append(ref)


# -- build context ------------------------------------------------------------------------------------------------
@dataclass
class BuildContext:
    """What `docker build` of one Dockerfile works from: the context `folder` ("" for the root), the .dockerignore
    in force (`ignore_file`, or None), the dev container that builds it, and `sent`: the context-relative paths
    BuildKit transfers (COPY/ADD sources and bind mounts; it sends nothing else), or None when the whole context
    goes (a `COPY . .`, or a source that cannot be resolved)."""

    dockerfile: str
    folder: str
    ignore_file: str | None
    sent: tuple[str, ...] | None
    devcontainer: str | None = None

    @property
    def prefix(self) -> str:
        return f"{self.folder}/" if self.folder else ""

    def excludes(self, project, rel: str) -> bool:
        """Whether the .dockerignore in force (or the context's bounds) keeps the root-relative `rel` out."""
        return docker_excludes(project, self.dockerfile, self.folder, rel)

    def sends(self, inside: str) -> bool:
        """Whether the build transfers the context-relative `inside` as part of a larger source (a folder or
        glob that holds it; naming it exactly is copying it on purpose)."""
        if self.sent is None:
            return True
        parts = inside.split("/")
        for source in self.sent:
            pattern = source.split("/")
            if len(pattern) > len(parts) or (len(pattern) == len(parts) and not any(c in source for c in "*?[")):
                continue
            if all(fnmatch.fnmatchcase(part, glob) for part, glob in zip(parts, pattern, strict=False)):
                return True
        return False


def named_sources(dockerfile: Dockerfile) -> list[str]:
    """The context-relative COPY/ADD and bind-mount sources of every stage, normalised (`.` is the whole
    context); remote sources are left out."""
    sources: list[str] = []
    for stage in dockerfile.stages:
        named = [s for item in [*stage.copies, *stage.adds] for s in item.sources]
        named += [m.get("source", ".") for run in stage.runs for m in run.mounts if _binds_context(m)]
        for source in named:
            if "://" not in source and not source.startswith("git@"):
                sources.append(posixpath.normpath(source.lstrip("/") or "."))
    return sources


def context_sources(dockerfile: Dockerfile) -> list[str] | None:
    """What BuildKit sends of the context: the named sources, or None when one of them is the whole context
    (`.`, `*`) or holds a variable left unresolved."""
    sources = named_sources(dockerfile)
    if any(s in (".", "*") or "$" in s for s in sources):
        return None
    return sources


def _binds_context(mount: dict[str, str]) -> bool:
    return mount.get("type", "bind") == "bind" and not mount.get("from")


def build_context(path: str, dockerfile: Dockerfile, project, commanded: dict[str, str] | None = None) -> str:
    """The folder docker builds from ("" for the root): the dev container's `build.context` when one builds it,
    else the context the repository's own build command or compose file names (`commanded`), else the
    Dockerfile's own folder or the nearest parent where all its COPY/ADD sources exist (`docker build -f
    docker/Dockerfile .` is the common layout)."""
    container = devcontainer_of(project, path)
    if container is not None:
        return container.context
    if commanded and path in commanded:
        return commanded[path]
    candidates = context_candidates(path)
    sources = [s for s in named_sources(dockerfile) if s != "." and "$" not in s and not s.startswith("..")]
    for candidate in candidates if sources else ():
        if all(source_exists(project, candidate, s) for s in sources):
            return candidate
    return candidates[0]


def context_candidates(path: str) -> list[str]:
    """The folders `docker build` of the Dockerfile at `path` may run from: its own, then each one above it up to
    the root ("")."""
    folder = posixpath.dirname(path)
    candidates = [folder]
    while folder:
        folder = posixpath.dirname(folder)
        candidates.append(folder)
    return candidates


def source_exists(project, context: str, source: str) -> bool:
    """Whether the context-relative COPY/ADD `source` is in the context folder `context` (in git or on disk; a
    glob is assumed to match something)."""
    rel = posixpath.join(context, source) if context else source
    if any(ch in rel for ch in "*?["):
        return True
    return project.exists(rel) or os.path.exists(project.root / rel)


def dockerignore_file(project, dockerfile_path: str, context: str) -> str | None:
    """The .dockerignore in force: `<Dockerfile>.dockerignore` beside the Dockerfile, else the context's own
    (looked for on disk too: an ignore file may itself be git-ignored)."""
    prefix = f"{context}/" if context else ""
    for candidate in (f"{dockerfile_path}.dockerignore", f"{prefix}.dockerignore"):
        if project.exists(candidate) or os.path.isfile(project.root / candidate):
            return candidate
    return None


def load_build_context(
    project, path: str, dockerfile: Dockerfile, commanded: dict[str, str] | None = None
) -> BuildContext:
    folder = build_context(path, dockerfile, project, commanded)
    sources = context_sources(dockerfile)
    container = devcontainer_of(project, path)
    return BuildContext(
        dockerfile=path,
        folder=folder,
        ignore_file=dockerignore_file(project, path, folder),
        sent=tuple(sources) if sources is not None else None,
        devcontainer=container.path if container is not None else None,
    )


# -- .dockerignore ------------------------------------------------------------------------------------------------
def dockerignore_pattern(pattern: str) -> re.Pattern:
    """A .dockerignore pattern (Go filepath.Match plus `**`), anchored at the context root."""
    pattern = posixpath.normpath(pattern.strip().lstrip("/")) if pattern.strip() not in ("", "/") else ""
    parts: list[str] = []
    groups = [0]
    for index, segment in enumerate(pattern.split("/")):
        if segment == "**":
            parts.append(".*" if index == len(pattern.split("/")) - 1 else "(?:[^/]+/)*")
            continue
        pieces: list[str | None] = []  # regex pieces; None for a star (a run of stars is one star)
        i = 0
        while i < len(segment):
            ch = segment[i]
            if ch == "*":
                if not pieces or pieces[-1] is not None:
                    pieces.append(None)
            elif ch == "?":
                pieces.append("[^/]")
            elif ch == "[":
                regex, end = character_class(segment, i + 1)
                if regex is None:
                    pieces.append(re.escape(ch))  # no closing `]`: a literal bracket
                else:
                    pieces.append(regex)
                    i = end
            elif ch == "\\" and i + 1 < len(segment):
                i += 1
                pieces.append(re.escape(segment[i]))
            else:
                pieces.append(re.escape(ch))
            i += 1
        parts.append(segment_regex(pieces, groups) + ("/" if index < len(pattern.split("/")) - 1 else ""))
    with warnings.catch_warnings():
        # `[[a]` or `[a--z]` in a class: literal characters in Go's filepath.Match and in today's re, which only
        # warns that a future version may read them as nested sets; the warning would reach the user's terminal.
        warnings.simplefilter("ignore", FutureWarning)
        return re.compile("".join(parts) + "$")


def character_class(segment: str, start: int) -> tuple[str | None, int]:
    """The regex of a `[...]` class whose body starts at `start`, and the index of its closing `]`, as Go's
    filepath.Match reads it: `^` negates, `\\x` is a literal x (also `\\]`), `a-z` is a range; (None, start)
    when no `]` closes it. An empty class matches nothing (Docker refuses such a pattern)."""
    j = start + 1 if segment.startswith("^", start) else start
    negate = j > start
    items: list[str] = []
    while j < len(segment):
        ch = segment[j]
        if ch == "]":
            if not items:
                return "(?!)", j
            return "[" + ("^" if negate else "") + "".join(items) + "]", j
        if ch == "\\" and j + 1 < len(segment):
            items.append(re.escape(segment[j + 1]))
            j += 2
            continue
        items.append("-" if ch == "-" else re.escape(ch))
        j += 1
    return None, start


def segment_regex(pieces: list[str | None], groups: list[int]) -> str:
    """One segment's regex. A star followed by more of the segment matches lazily inside an emulated atomic group
    (as `fnmatch` does), so `*a*a*a*b` cannot backtrack exponentially on a long name; the last star runs to the
    segment's end. Leftmost matching is exact here because every piece between stars has a fixed length."""
    chunks: list[list[str]] = [[]]
    for piece in pieces:
        if piece is None:
            chunks.append([])
        else:
            chunks[-1].append(piece)
    regex = "".join(chunks[0])
    for position, chunk in enumerate(chunks[1:], start=1):
        text = "".join(chunk)
        if position < len(chunks) - 1:
            groups[0] += 1
            regex += f"(?=(?P<g{groups[0]}>[^/]*?{text}))(?P=g{groups[0]})"
        else:
            regex += "[^/]*" + text
    return regex


def dockerignore_rules(text: str) -> list[tuple[bool, re.Pattern]]:
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        body = line[1:].strip() if negate else line
        if body:
            try:
                rules.append((negate, dockerignore_pattern(body)))
            except re.error:  # a malformed class such as `[z-a]`: Docker refuses it too, so it excludes nothing
                continue
    return rules


def docker_excludes(project, dockerfile_path: str, context: str, rel: str) -> bool:
    """Whether the .dockerignore in force (`<Dockerfile>.dockerignore`, else the context's) leaves `rel` out."""
    prefix = f"{context}/" if context else ""
    if not rel.startswith(prefix):
        return True  # outside the context: a build can never see it
    ignore_file = dockerignore_file(project, dockerfile_path, context)
    if ignore_file is None:
        return False
    rules = project.parsed("dockerignore", ignore_file, lambda p, r: dockerignore_rules(p.try_read_text(r) or ""))
    inside = rel[len(prefix) :]
    candidates = [inside] + ["/".join(inside.split("/")[:i]) for i in range(1, inside.count("/") + 1)]
    excluded = False
    for negate, pattern in rules:
        if any(pattern.match(candidate) for candidate in candidates):
            excluded = not negate
    return excluded


# -- fact ---------------------------------------------------------------------------------------------------------
def _build(project, rel: str) -> Dockerfile | None:
    text = project.try_read_text(rel, "Dockerfile")
    if text is None:
        return None
    try:
        parsed = parse_dockerfile(rel, text)
    except DockerfileError as error:
        project.problem(rel, f"invalid Dockerfile: {error}", error.line)
        return None
    except (RecursionError, ValueError) as error:
        project.problem(rel, f"invalid Dockerfile: {error}")
        return None
    for problem in parsed.problems:
        project.problem(rel, f"invalid Dockerfile: {problem}", problem.line)
    return parsed


def load_dockerfile(project, rel: str) -> Dockerfile | None:
    return project.parsed("dockerfile", rel, _build)


@fact
def dockerfiles(project) -> dict[str, Dockerfile]:
    """Every Dockerfile/Containerfile of the project, parsed once; unparsable ones are absent (RPC002)."""
    out = {}
    for rel in project.select(filekinds.is_dockerfile):
        parsed = load_dockerfile(project, rel)
        if parsed is not None:
            out[rel] = parsed
    return out


@fact
def build_contexts(project, dockerfiles, commanded_contexts) -> dict[str, BuildContext]:
    """The build context of every Dockerfile, by its path (see :class:`BuildContext`)."""
    return {
        path: load_build_context(project, path, dockerfile, commanded_contexts)
        for path, dockerfile in dockerfiles.items()
    }


# -- the repository's own docker commands -------------------------------------------------------------------
DOCKER_PROGRAMS = frozenset({"docker", "nvidia-docker", "podman"})

# `docker build` flags that take no value (the others take one: `-t x`, `-f x`, `--build-arg x`).
BUILD_FLAGS = frozenset(
    {"--no-cache", "--pull", "--quiet", "-q", "--rm", "--force-rm", "--load", "--push", "--compress", "--squash",
     "--help"}
)  # fmt: skip


def docker_subcommand(argv: list[str]) -> tuple[str, list[str]]:
    """(`run`/`build`/..., the words after it) of a `docker` command (`docker container run` too)."""
    words = argv[1:]
    if words[:1] == ["container"] or words[:1] == ["image"] or words[:1] == ["buildx"]:
        words = words[1:]
    return (words[0], words[1:]) if words else ("", [])


def option_values(words: list[str], long: str, short: str | None) -> list[str]:
    values = []
    for index, word in enumerate(words):
        if word.startswith(long + "="):
            values.append(word.split("=", 1)[1])
        elif (word == long or (short and word == short)) and index + 1 < len(words):
            values.append(words[index + 1])
    return values


def docker_commands(shell_commands) -> Iterator[tuple[SourcedCommand, str, list[str]]]:
    """(command, subcommand, words after it) of the repository's own docker commands (not a Dockerfile's RUNs)."""
    for sourced in shell_commands:
        if sourced.origin == "dockerfile":
            continue
        argv = strip_wrappers(sourced.command.argv)
        if argv and posixpath.basename(argv[0]) in DOCKER_PROGRAMS:
            sub, words = docker_subcommand(argv)
            yield sourced, sub, words


def build_positionals(words: list[str]) -> list[str]:
    positionals, index = [], 0
    while index < len(words):
        word = words[index]
        if word.startswith("-") and word != "-":
            index += 1 if "=" in word or word in BUILD_FLAGS else 2
            continue
        positionals.append(word)
        index += 1
    return positionals


def built_dockerfile(sourced: SourcedCommand, words: list[str], dockerfiles) -> str | None:
    """The Dockerfile of the repository a `docker build` builds (`-f`, else `<context>/Dockerfile`), read from the
    root or from the folder of the file that runs it."""
    found = docker_build(sourced, words, dockerfiles)
    return found[0] if found is not None else None


def docker_build(sourced: SourcedCommand, words: list[str], dockerfiles) -> tuple[str, str | None] | None:
    """(the Dockerfile of the repository a `docker build` builds, the root-relative context folder it names, or
    None when the context is not a path: `-`, a URL, a variable), read from the root or from the folder of the file
    that runs it (a Makefile's recipes run in its folder); None when the build names no Dockerfile of the
    repository."""
    files = option_values(words, "--file", "-f")
    positionals = build_positionals(words)
    context = positionals[-1] if positionals else "."
    name = files[0] if files else posixpath.join(context, "Dockerfile")
    folder = posixpath.dirname(sourced.path) if sourced.origin != "ci" else ""
    for base in dict.fromkeys(("", folder)):
        path = posixpath.normpath(posixpath.join(base, name))
        if path in dockerfiles:
            if context == "-" or "://" in context or "$" in context or context.startswith("git@"):
                return path, None
            where = posixpath.normpath(posixpath.join(base, context))
            return path, (None if where.startswith("..") else "" if where == "." else where)
    return None


@fact
def commanded_contexts(project, shell_commands, dockerfiles, compose_builds) -> dict[str, str]:
    """Dockerfile -> the context folder that the repository's own build of it names: the last argument of a
    `docker build` in a script, a Makefile recipe or a CI step (`docker build -f Dockerfile.training
    ./yelp/yelp_sentiment`), or a compose service's `build.context`; the first such build that names a folder of the
    repository wins."""
    found: dict[str, str] = {}
    for sourced, sub, words in docker_commands(shell_commands):
        built = docker_build(sourced, words, dockerfiles) if sub == "build" else None
        if built is not None and built[1] is not None and (built[1] == "" or built[1] in project.folders):
            found.setdefault(built[0], built[1])
    for service in compose_builds:
        if service.dockerfile in dockerfiles and (service.context == "" or service.context in project.folders):
            found.setdefault(service.dockerfile, service.context)
    return found


@fact
def build_targets(shell_commands, dockerfiles, compose_builds, devcontainers, ci_configs) -> frozenset[str] | None:
    """The stage names the repository's builds target (lower case): `docker build --target NAME` in its scripts,
    Makefile and CI, a compose service's `build.target`, a dev container's `build.target`, a build action's `target:`
    input; None when one is left to a variable (it may name any stage)."""
    found: set[str] = set()
    for _sourced, sub, words in docker_commands(shell_commands):
        if sub in ("build", "bake"):
            found.update(option_values(words, "--target", None))
    found.update(service.target for service in compose_builds if service.target)
    found.update(container.target for container in devcontainers if container.target)
    for config in ci_configs:
        for use in config.uses:
            target = use.inputs.get("target")
            if target is not None and use.action.lower().startswith("docker/"):
                found.add(str(target))
    if any("$" in target for target in found):
        return None
    return frozenset(target.strip("'\"").lower() for target in found)


@fact
def dead_stages(dockerfiles, build_targets) -> dict[str, frozenset[int]]:
    """Dockerfile -> the stages no build of it produces (see :meth:`Dockerfile.unused_stages`): a leftover `FROM`
    that the next `FROM` replaces, a stage nothing copies from."""
    found = {path: dockerfile.unused_stages(build_targets) for path, dockerfile in dockerfiles.items()}
    return {path: stages for path, stages in found.items() if stages}


# -- docker compose -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ComposeBuild:
    """A docker compose service built from a Dockerfile of the repository, and the host folders it bind-mounts."""

    path: str  # the compose file
    line: int  # its `build:` key
    dockerfile: str  # root-relative
    image: str | None  # the service's `image:` (the tag the build is given)
    binds: tuple[tuple[str, int], ...]  # (host folder as written, line) of each bind volume
    args: tuple[str, ...] = ()  # the names `build.args` sets
    context: str = ""  # the build context, root-relative ("" for the root; `..` when it leaves the repository)
    target: str | None = None  # the stage `build.target` names


def is_compose_file(rel: str) -> bool:
    return COMPOSE_FILE.match(filekinds.name(rel)) is not None


def is_host_folder(source: str) -> bool:
    """Whether a volume source is a host path (`./data`, `/srv/x`, `~/x`, `${PWD}`, `$(pwd)/x`, `<DATA_ROOT>`),
    not a named volume (`cache`), which Docker keeps in its own storage."""
    source = source.strip().strip("'\"")
    return bool(source) and (source[0] in "./~$`<%" or re.match(r"^[A-Za-z]:[\\/]", source) is not None)


def volume_source(spec: str) -> str | None:
    """The source of a `SOURCE:TARGET[:MODE]` volume (a Windows drive `C:\\x:/y` kept whole), None without one."""
    drive = re.match(r"^[A-Za-z]:[\\/]", spec)
    head = 2 if drive else 0
    index = spec.find(":", head)
    return spec[:index] if index > 0 else None


def _compose_build(rel: str, service: Any, node: Any) -> ComposeBuild | None:
    if not isinstance(service, dict) or "build" not in service or not isinstance(node, yaml.MappingNode):
        return None
    build = service["build"]
    folder = posixpath.dirname(rel)
    args: list[str] = []
    target = None
    if isinstance(build, str):
        context, dockerfile = build, "Dockerfile"
    elif isinstance(build, dict):
        context, dockerfile = str(build.get("context") or "."), str(build.get("dockerfile") or "Dockerfile")
        target = str(build["target"]) if build.get("target") is not None else None
        given = build.get("args")
        if isinstance(given, dict):
            args = [str(name) for name, value in given.items() if value is not None]
        elif isinstance(given, list):
            args = [str(item).split("=", 1)[0] for item in given if "=" in str(item)]
    else:
        return None
    if "$" in context + dockerfile or "://" in context:
        return None
    path = posixpath.normpath(posixpath.join(folder, context, dockerfile))
    nodes = {getattr(key, "value", None): value for key, value in node.value}
    build_line = next((key.start_mark.line + 1 for key, _ in node.value if getattr(key, "value", None) == "build"), 1)
    binds: list[tuple[str, int]] = []
    volumes = nodes.get("volumes")
    for entry in volumes.value if isinstance(volumes, yaml.SequenceNode) else ():
        line = entry.start_mark.line + 1
        if isinstance(entry, yaml.ScalarNode):
            source = volume_source(str(entry.value))
            if source is not None and is_host_folder(source):
                binds.append((source, line))
        elif isinstance(entry, yaml.MappingNode):
            values = {getattr(k, "value", None): getattr(v, "value", None) for k, v in entry.value}
            if values.get("type") == "bind" and isinstance(values.get("source"), str):
                binds.append((values["source"], line))
    image = service.get("image")
    where = posixpath.normpath(posixpath.join(folder, context))
    return ComposeBuild(
        rel,
        build_line,
        path,
        image if isinstance(image, str) else None,
        tuple(binds),
        tuple(args),
        "" if where == "." else where,
        target,
    )


@fact
def compose_builds(project) -> list[ComposeBuild]:
    """The services of docker compose files (`docker-compose.yml`, `compose.yaml`, …) built from a Dockerfile."""
    out: list[ComposeBuild] = []
    for rel in project.select(is_compose_file):
        parsed = load_yaml(project, rel)
        data = parsed.data if parsed is not None else None
        services = data.get("services") if isinstance(data, dict) else None
        node = parsed.node_at("services") if parsed is not None else None
        if not isinstance(services, dict) or not isinstance(node, yaml.MappingNode):
            continue
        for key, value in node.value:
            name = getattr(key, "value", None)
            found = _compose_build(rel, services.get(name), value)
            if found is not None:
                out.append(found)
    return out


@fact
def dockerfile_readme_commands(project, dockerfiles) -> list[SourcedCommand]:
    """The shell code blocks of the README beside each Dockerfile outside the root (`serving/README.md` next to
    `serving/Dockerfile`): how that image is built and run (`docker build --build-arg …`, `docker run -v …`)."""
    out: list[SourcedCommand] = []
    folders = {posixpath.dirname(path) for path in dockerfiles} - {""}
    for rel in project.select(filekinds.is_markdown_readme):
        if posixpath.dirname(rel) not in folders:
            continue
        out.extend(SourcedCommand(rel, c.line, "docs", c) for c in page_commands(project, rel))
    return out
