"""DVC, read without the dvc package or binary: pipelines (`dvc.yaml`, `dvc.lock`), `*.dvc` pointer files and
`.dvc/config`.

Stages are expanded the way `dvc repro` sees them: `foreach`/`do` and `matrix` produce one stage per item, and
`${...}` interpolation is resolved from the pipeline's `vars` (params.yaml beside dvc.yaml is loaded by
default, as DVC does). Paths are made root-relative through the stage's `wdir`, so rules compare them directly
with the project's file list.
"""

from __future__ import annotations

import configparser
import itertools
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from reprocheck.facts import fact
from reprocheck.facts.structured import load_json, load_toml
from reprocheck.facts.yamlfiles import YamlFile, load_yaml
from reprocheck.patterns import lazy_pattern
from reprocheck.project import UnreadableFile

INTERPOLATION = lazy_pattern(r"\$\{\s*([^}]*?)\s*\}")
WHOLE_INTERPOLATION = lazy_pattern(r"^\$\{\s*([^}]*?)\s*\}$")
DEFAULT_PARAMS = "params.yaml"
DVC_CONFIG = ".dvc/config"
MAX_EXPANSIONS = 1000  # foreach/matrix items per stage; beyond this the template is judged once, unresolved
POINTER_HEAD_BYTES = 4096
POINTER_MAX_BYTES = 1024 * 1024
REMOTE_SECTION = lazy_pattern(r"""^\s*['"]?\s*remote\s+"([^"]+)"\s*['"]?\s*$""")


@dataclass(frozen=True)
class DvcOut:
    """An output DVC tracks (`path` root-relative); `cache=False` outputs stay in git on purpose."""

    path: str
    line: int
    cache: bool = True


@dataclass(frozen=True)
class DvcParams:
    """A params dependency: `file` root-relative, `keys` empty when the whole file is a dependency."""

    file: str
    keys: tuple[str, ...]
    line: int


@dataclass
class DvcStage:
    """One stage as `dvc repro` runs it (foreach/matrix items expanded, `${...}` resolved where possible)."""

    name: str
    path: str  # the dvc.yaml
    line: int
    wdir: str  # root-relative working directory ("" for the root)
    commands: list[tuple[int, str]]  # (line in dvc.yaml, command text)
    deps: list[str]  # root-relative
    params: list[DvcParams]
    outs: list[DvcOut]
    unresolved: bool = False  # some `${...}` could not be resolved: do not judge what it hides

    def resolve(self, path: str) -> str:
        """A path as a command in this stage would name it (relative to `wdir`), made root-relative."""
        return normalize(posixpath.join(self.wdir, path))


@dataclass
class DvcPipeline:
    """A `dvc.yaml` with its stages and the `dvc.lock` beside it."""

    path: str  # dvc.yaml
    stages: list[DvcStage]
    lock_path: str  # the dvc.lock beside it (may not exist)
    lock: dict | None = None  # parsed dvc.lock data when present


@dataclass
class DvcPointerFile:
    """A `*.dvc` file: git keeps this small YAML, DVC keeps the data it points at."""

    path: str
    outs: list[DvcOut]


@dataclass
class DvcConfig:
    """`.dvc/config`: the remotes and the default one."""

    path: str
    default_remote: str | None
    default_remote_line: int | None
    remotes: dict[str, str]  # name -> url
    remote_lines: dict[str, int] = field(default_factory=dict)


@dataclass
class DvcRepo:
    """What DVC tracks in the repository: pipelines, pointer files and its config."""

    pipelines: list[DvcPipeline]
    pointer_files: list[DvcPointerFile]
    config: DvcConfig | None

    @property
    def used(self) -> bool:
        return bool(self.pipelines or self.pointer_files or self.config)

    @property
    def stages(self) -> list[DvcStage]:
        return [stage for pipeline in self.pipelines for stage in pipeline.stages]


def normalize(path: str) -> str:
    path = posixpath.normpath(path.replace("\\", "/")) if path else ""
    return "" if path == "." else path.rstrip("/")


# -- interpolation --------------------------------------------------------------------------------
class Unresolved(LookupError):
    pass


def lookup(context: dict, expression: str) -> Any:
    """`a.b`, `a[0]`, `item.x` looked up in `context` (DVC's interpolation syntax)."""
    value: Any = context
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", expression):
        if part.startswith("["):
            index = int(part[1:-1])
            if not isinstance(value, list) or index >= len(value):
                raise Unresolved(expression)
            value = value[index]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            raise Unresolved(expression)
    return value


def interpolate(value: Any, context: dict, missing: list[str] | None = None) -> Any:
    """Resolve `${...}` in strings (dict keys included), lists and dicts.

    Without `missing`, an unknown name raises Unresolved; with it, the `${...}` is left in place and the
    expression is appended to `missing`, so the rest still resolves.
    """
    if isinstance(value, str):
        whole = WHOLE_INTERPOLATION.match(value)
        try:
            if whole:
                return lookup(context, whole.group(1))
            return INTERPOLATION.sub(lambda m: substitute(m, context, missing), value)
        except Unresolved:
            if missing is None:
                raise
            missing.append(value)
            return value
    if isinstance(value, list):
        return [interpolate(item, context, missing) for item in value]
    if isinstance(value, dict):
        return {interpolate(key, context, missing): interpolate(item, context, missing) for key, item in value.items()}
    return value


def substitute(match: re.Match, context: dict, missing: list[str] | None) -> str:
    try:
        return render(lookup(context, match.group(1)))
    except Unresolved:
        if missing is None:
            raise
        missing.append(match.group(0))
        return match.group(0)


def render(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        raise Unresolved("a dict or list cannot be embedded in a string")
    return "" if value is None else str(value)


def load_vars_file(project, rel: str) -> Any:
    if not project.exists(rel):
        return None
    if rel.endswith((".yaml", ".yml")):
        loaded = load_yaml(project, rel)
        return loaded.data if loaded is not None else None
    if rel.endswith(".json"):
        return load_json(project, rel)
    if rel.endswith(".toml"):
        return load_toml(project, rel)
    return None


def vars_context(project, base: str, entries: Any, context: dict | None = None) -> dict:
    """Merge `vars:` entries (files, `file:key` selections, inline dicts) into a context."""
    merged = dict(context or {})
    for entry in entries if isinstance(entries, list) else [entries] if entries else []:
        if isinstance(entry, dict):
            merged.update(entry)
            continue
        if not isinstance(entry, str):
            continue
        name, _, keys = entry.partition(":")
        data = load_vars_file(project, normalize(posixpath.join(base, name)))
        if not isinstance(data, dict):
            continue
        if keys:
            for key in keys.split(","):
                if key.strip() in data:
                    merged[key.strip()] = data[key.strip()]
        else:
            merged.update(data)
    return merged


# -- dvc.yaml -------------------------------------------------------------------------------------
def node_line(node: yaml.Node | None, default: int) -> int:
    return node.start_mark.line + 1 if node is not None else default


def expand_items(definition: dict, context: dict) -> list[tuple[str, dict]] | None:
    """(suffix, extra context) per generated stage; [("", {})] for a plain stage; None when unresolvable."""
    if "foreach" in definition:
        items = definition["foreach"]
        try:
            items = interpolate(items, context)
        except Unresolved:
            return None
        if isinstance(items, (dict, list)) and len(items) > MAX_EXPANSIONS:
            return None
        if isinstance(items, dict):
            return [(str(key), {"item": value, "key": key}) for key, value in items.items()]
        if isinstance(items, list):
            return [
                (str(item) if not isinstance(item, (dict, list)) else str(i), {"item": item})
                for i, item in enumerate(items)
            ]
        return None
    if isinstance(definition.get("matrix"), dict):
        names, choices = [], []
        for key, values in definition["matrix"].items():
            try:
                values = interpolate(values, context)
            except Unresolved:
                return None
            names.append(key)
            choices.append(values if isinstance(values, list) else [values])
        count = 1
        for values in choices:
            count *= max(1, len(values))
        if count > MAX_EXPANSIONS:
            return None
        out = []
        for combination in itertools.product(*choices):
            item = dict(zip(names, combination, strict=True))
            out.append(("-".join(str(v) for v in combination), {"item": item}))
        return out
    return [("", {})]


def entries_with_lines(node: yaml.Node | None, values: Any, default: int) -> list[tuple[Any, int]]:
    """List entries paired with their line in the file."""
    if not isinstance(values, list):
        return []
    lines = [node_line(n, default) for n in node.value] if isinstance(node, yaml.SequenceNode) else []
    return [(value, lines[i] if i < len(lines) else default) for i, value in enumerate(values)]


def entry_name(entry: Any) -> tuple[str | None, Any]:
    """A deps/outs/params entry is `path` or `{path: options}`."""
    if isinstance(entry, str):
        return entry, None
    if isinstance(entry, dict) and len(entry) == 1:
        key, value = next(iter(entry.items()))
        return (str(key) if key is not None else None), value
    return None, None


def build_stage(
    project, file: YamlFile, name: str, definition: dict, body_keys: tuple, context: dict, base: str
) -> DvcStage:
    stage_line = file.line_of("stages", name)
    body_node = file.node_at("stages", name, *body_keys)
    raw_body = definition.get("do", definition) if body_keys else definition
    missing: list[str] = []
    body = interpolate(raw_body, context, missing)
    body = body if isinstance(body, dict) else {}
    unresolved = bool(missing)

    def child(key: str) -> yaml.Node | None:
        if isinstance(body_node, yaml.MappingNode):
            return next((v for k, v in body_node.value if getattr(k, "value", None) == key), None)
        return None

    wdir = normalize(posixpath.join(base, str(body.get("wdir") or ".")))
    commands: list[tuple[int, str]] = []
    cmd = body.get("cmd")
    if isinstance(cmd, str):
        commands.append((node_line(child("cmd"), stage_line), cmd))
    elif isinstance(cmd, list):
        for value, line in entries_with_lines(child("cmd"), cmd, stage_line):
            if isinstance(value, str):
                commands.append((line, value))
    deps = []
    for entry, _line in entries_with_lines(child("deps"), body.get("deps"), stage_line):
        path, _ = entry_name(entry)
        if path:
            deps.append(normalize(posixpath.join(wdir, path)))
    params = []
    for entry, line in entries_with_lines(child("params"), body.get("params"), stage_line):
        path, keys = entry_name(entry)
        if isinstance(entry, str):  # a key of the default params file
            params.append(DvcParams(normalize(posixpath.join(wdir, DEFAULT_PARAMS)), (entry,), line))
        elif path:
            listed = tuple(str(k) for k in keys) if isinstance(keys, list) else ()
            params.append(DvcParams(normalize(posixpath.join(wdir, path)), listed, line))
    outs = []
    for key in ("outs", "metrics", "plots"):
        for entry, line in entries_with_lines(child(key), body.get(key), stage_line):
            path, options = entry_name(entry)
            if path:
                cache = not (isinstance(options, dict) and options.get("cache") is False)
                outs.append(DvcOut(normalize(posixpath.join(wdir, path)), line, cache))
    return DvcStage(name, file.path, stage_line, wdir, commands, deps, params, outs, unresolved)


def parse_pipeline(project, rel: str) -> DvcPipeline | None:
    file = load_yaml(project, rel)
    if file is None:
        return None
    data = file.data if isinstance(file.data, dict) else {}
    base = posixpath.dirname(rel)
    context = {}
    default_params = normalize(posixpath.join(base, DEFAULT_PARAMS))
    params_data = load_vars_file(project, default_params)
    if isinstance(params_data, dict):
        context.update(params_data)
    context = vars_context(project, base, data.get("vars"), context)
    stages = []
    definitions = data.get("stages")
    for name, definition in (definitions if isinstance(definitions, dict) else {}).items():
        if not isinstance(definition, dict):
            continue
        local = vars_context(project, base, definition.get("vars"), context)
        items = expand_items(definition, local)
        body_keys = ("do",) if "foreach" in definition else ()
        if items is None:  # foreach over something unresolvable: judge the template once, unresolved
            stage = build_stage(project, file, str(name), definition, body_keys, local, base)
            stage.unresolved = True
            stages.append(stage)
            continue
        for suffix, extra in items:
            stage = build_stage(project, file, str(name), definition, body_keys, {**local, **extra}, base)
            stage.name = f"{name}@{suffix}" if suffix else str(name)
            stages.append(stage)
    lock_path = normalize(posixpath.join(base, "dvc.lock"))
    lock = None
    if project.exists(lock_path):
        loaded = load_yaml(project, lock_path)
        lock = loaded.data if loaded is not None and isinstance(loaded.data, dict) else None
    return DvcPipeline(rel, stages, lock_path, lock)


# -- *.dvc and .dvc/config ------------------------------------------------------------------------
def looks_like_dvc_file(project, rel: str) -> bool:
    """A `*.dvc` file is a DVC pointer when its first bytes hold an `outs:`/`deps:` key (checked cheaply)."""
    try:
        head = project.read_bytes(rel, POINTER_MAX_BYTES)[:POINTER_HEAD_BYTES]
    except UnreadableFile:
        return False
    return bool(re.search(rb"^(outs|deps|md5|wdir):", head, re.MULTILINE))


def parse_pointer_file(project, rel: str) -> DvcPointerFile | None:
    file = load_yaml(project, rel)
    if file is None or not isinstance(file.data, dict):
        return None
    base = normalize(posixpath.join(posixpath.dirname(rel), str(file.data.get("wdir") or ".")))
    outs = []
    listed = file.data.get("outs")
    for index, entry in enumerate(listed if isinstance(listed, list) else []):  # `outs: true` is no list
        if isinstance(entry, dict) and isinstance(entry.get("path"), str):
            line = file.line_of("outs", index, "path")
            outs.append(DvcOut(normalize(posixpath.join(base, entry["path"])), line, entry.get("cache") is not False))
    return DvcPointerFile(rel, outs)


def parse_config(project, rel: str) -> DvcConfig | None:
    text = project.try_read_text(rel, "DVC config")
    if text is None:
        return None
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text, source=rel)
    except configparser.Error as error:
        line = getattr(error, "lineno", None)
        project.problem(rel, f"invalid DVC config: {str(error).splitlines()[0]}", line)
        return None
    remotes, remote_lines = {}, {}
    lines = text.splitlines()
    for section in parser.sections():
        match = REMOTE_SECTION.match(section)
        if match:
            remotes[match.group(1)] = parser[section].get("url", "")
            remote_lines[match.group(1)] = next((i for i, t in enumerate(lines, 1) if section in t), 1)
    default = parser["core"].get("remote") if parser.has_section("core") else None
    default_line, section = None, None
    for number, line in enumerate(lines, start=1):
        if line.strip().startswith("["):
            section = line.strip()
        elif default is not None and section == "[core]" and re.match(r"\s*remote\s*=", line):
            default_line = number
    return DvcConfig(rel, default or None, default_line, remotes, remote_lines)


@fact
def dvc(project) -> DvcRepo:
    """Every dvc.yaml, `*.dvc` pointer file and the project's .dvc/config (nothing runs dvc)."""
    pipelines = []
    for rel in project.named("dvc.yaml"):
        pipeline = project.parsed("dvc-pipeline", rel, parse_pipeline)
        if pipeline is not None:
            pipelines.append(pipeline)
    pointer_files = []
    for rel in project.select(lambda p: p.endswith(".dvc") and posixpath.basename(p) != ".dvc"):
        if looks_like_dvc_file(project, rel):
            parsed = project.parsed("dvc-file", rel, parse_pointer_file)
            if parsed is not None:
                pointer_files.append(parsed)
    config = parse_config(project, DVC_CONFIG) if project.exists(DVC_CONFIG) else None
    return DvcRepo(pipelines, pointer_files, config)
