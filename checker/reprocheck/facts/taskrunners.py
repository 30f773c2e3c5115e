"""Task runners (tox, nox, hatch) as data: which commands an environment, session or script runs.

CI often runs its checks through a task runner (`tox -e lint`, `nox -s lint`, `hatch run lint:check`), so whoever
follows CI commands must see through them. Each configuration is parsed once, statically: `tox.ini`, `setup.cfg`
and `legacy_tox_ini` with configparser (no interpolation), `tox.toml` and `[tool.tox]`/`[tool.hatch]`/`hatch.toml`
with tomllib, `noxfile.py` with `ast` (never imported). The runners' own command lines are interpreted here too
(`tox -e a,b`, `nox -s lint`, `hatch run env:script` -> the tasks they run), so a follower only sees commands.
Runner substitutions (`{posargs:.}`, `{args}`, `{envpython}`) become their defaults; unknown ones stay as text.
"""

from __future__ import annotations

import ast
import configparser
import posixpath
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field

from reprocheck.facts import fact
from reprocheck.facts.pycode import PyModule, python_module
from reprocheck.facts.shell import Command, split_commands
from reprocheck.facts.structured import load_toml, toml_line_of
from reprocheck.patterns import lazy_pattern

MAX_EXPANSION_DEPTH = 8  # `{[testenv:x]commands}` / hatch script references / nox notify chains
MAX_BRACE_PRODUCTS = 256  # `py{38,39,310}-torch{1,2}` expansions kept per expression
MAX_BRACE_GROUPS = 16  # a name with more `{...}` groups is taken literally
MAX_TOX_ENVS = 512  # environments followed for one `tox` command (a generated env_list may list thousands)
MAX_NOXFILE_BYTES = 512 * 1024

# -- the runners' command lines (data) ----------------------------------------------------------------------------
TOX_CONFIG_FILES = ("tox.ini", "setup.cfg", "pyproject.toml", "tox.toml")  # tox 4's discovery order
TOX_RUN_COMMANDS = frozenset({"run", "r", "run-parallel", "p", "legacy", "le"})
TOX_OTHER_COMMANDS = frozenset(
    {"list", "l", "config", "c", "depends", "de", "devenv", "d", "quickstart", "q", "schema", "exec", "e"}
)
TOX_VALUE_OPTIONS = frozenset(
    {"-c", "--conf", "--root", "--workdir", "-x", "--override", "--installpkg", "--discover", "--hashseed",
     "--result-json", "--runner", "--colored", "--exit-and-dump-after", "--skip-env", "-i", "--index-url",
     "--parallel-live", "-o", "--develop-install"}
)  # fmt: skip
TOX_OPTIONAL_VALUES = {"-p": re.compile(r"^(auto|all|\d+)$"), "--parallel": re.compile(r"^(auto|all|\d+)$")}
TOX_NOT_RUNNING = frozenset({"--notest", "-n", "--help", "-h", "--version", "-l", "--listenvs", "-a", "--showconfig"})
TOX_SUBSTITUTIONS = {"envpython": "python", "env_python": "python", "toxinidir": ".", "tox_root": "."}

NOX_SESSION_DECORATORS = frozenset({"nox.session", "nox_poetry.session", "nox_uv.session"})
NOX_RUN_METHODS = frozenset({"run", "run_always"})
NOX_SESSION_OPTIONS = frozenset({"-s", "-e", "--session", "--sessions"})
NOX_TAG_OPTIONS = frozenset({"-t", "--tag", "--tags"})
NOX_MULTI_VALUE_OPTIONS = frozenset({"-p", "--python", "--pythons", "--extra-python", "--extra-pythons"})
NOX_VALUE_OPTIONS = frozenset(
    {"-f", "--noxfile", "--envdir", "-k", "--keywords", "-db", "--default-venv-backend", "-fb",
     "--force-venv-backend", "--report", "--download-python"}
)  # fmt: skip
NOX_NOT_RUNNING = frozenset({"-l", "--list", "--list-sessions", "--json", "--help", "-h", "--version"})

HATCH_GLOBAL_VALUE_OPTIONS = frozenset({"-e", "--env", "-p", "--project", "--color", "--data-dir", "--cache-dir",
                                        "--config"})  # fmt: skip
HATCH_SUBSTITUTIONS = {"root": ".", "home": "~"}

UNKNOWN = re.compile(r"\$|\{\{")  # a name chosen by a CI expression or variable: any of them may run
SECTION_REFERENCE = lazy_pattern(r"^\{\[([^\]]+)\]([A-Za-z0-9_.\-]+)\}$")
FACTOR_CONDITION = lazy_pattern(r"^(!?[A-Za-z0-9_.{}]+(?:[,\-]!?[A-Za-z0-9_.{}]+)*)\s*:(?:\s+|$)(.*)$")
RUNNER_FIELD = lazy_pattern(r"\{([A-Za-z_]+)(?::([^{}]*))?\}")
TRUE = frozenset({"true", "1", "yes", "on"})


# -- data ---------------------------------------------------------------------------------------------------------
@dataclass
class TaskLine:
    """One command line of a task, split into shell commands; `ignored` says how the runner ignores its failure."""

    commands: list[Command]
    ignored: str | None = None


@dataclass
class Task:
    """A tox environment, nox session or hatch script: its commands in order, and where it is defined."""

    where: str  # "tox.ini [testenv:lint]", "noxfile.py session lint", "pyproject.toml hatch script lint:check"
    lines: list[TaskLine] = field(default_factory=list)
    ignored: str | None = None  # a setting that ignores every failure of the task (tox `ignore_outcome`)


# -- shared helpers -----------------------------------------------------------------------------------------------
def split_top(text: str, separators: str) -> list[str]:
    """Split on `separators` outside braces (`py{38,39}-x, lint` -> [`py{38,39}-x`, `lint`])."""
    parts, depth, current = [], 0, []
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        if char in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def expand_braces(text: str) -> list[str]:
    """tox's generative names: `py{38,39}-lint` -> [`py38-lint`, `py39-lint`] (bounded, without recursion)."""
    if text.count("{") > MAX_BRACE_GROUPS:
        return [text]
    results, i = [""], 0
    while i < len(text):
        start = text.find("{", i)
        end = closing_brace(text, start) if start >= 0 else None
        if end is None:
            return [r + text[i:] for r in results]
        choices = split_top(text[start + 1 : end], ",") or [""]
        results = [r + text[i:start] + choice for r in results for choice in choices][:MAX_BRACE_PRODUCTS]
        i = end + 1
    return results


def closing_brace(text: str, start: int) -> int | None:
    depth = 0
    for index in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return index
    return None


def substitute(text: str, table: dict[str, str]) -> str:
    """Runner fields as their defaults: `{posargs:.}` -> `.`, `{env:X:d}` -> `d`, `{envpython}` -> `python`."""

    def replace(match: re.Match) -> str:
        name, default = match.group(1), match.group(2)
        if name in ("posargs", "args"):
            return default or ""
        if name == "env":
            return default.split(":", 1)[1] if default and ":" in default else ""
        return table.get(name, match.group(0))

    return RUNNER_FIELD.sub(replace, text)


def argv_command(argv: list[str], line: int) -> Command:
    return Command(argv=argv, line=line, text=shlex.join(argv), arg_lines=[line] * len(argv))


def unknown(name: str) -> bool:
    return bool(UNKNOWN.search(name))


def line_after(lines: list[str], start: int, needle: str) -> int:
    """1-based line of the first line from `start` (0-based) containing `needle`; `start + 1` when not found."""
    for index in range(start, len(lines)):
        if needle in lines[index]:
            return index + 1
    return start + 1


# -- tox ----------------------------------------------------------------------------------------------------------
@dataclass
class ToxConfig:
    """A tox configuration (any of its formats): environments by name, the default list and the labels."""

    path: str
    env_list: list[str]
    labels: dict[str, list[str]]
    declared: list[str]  # environments with their own section/table
    tasks: dict[str, Task] = field(default_factory=dict, repr=False)

    def task(self, env: str) -> Task:
        """The environment `env` (built once: the same object each time, so followers can remember verdicts)."""
        if env not in self.tasks:
            self.tasks[env] = self.build_task(env)
        return self.tasks[env]

    def build_task(self, env: str) -> Task:  # pragma: no cover - every format overrides it
        raise NotImplementedError

    def env_labels(self, env: str) -> list[str]:
        return []


@dataclass
class IniTox(ToxConfig):
    """tox.ini, setup.cfg `[tox:tox]` or pyproject.toml `legacy_tox_ini`; `first_line` is the ini text's line 1."""

    sections: dict[str, dict[str, str]] = field(default_factory=dict)
    env_sections: dict[str, str] = field(default_factory=dict)  # expanded env name -> its section
    text_lines: list[str] = field(default_factory=list)
    label: str = ""  # how messages name the file ("pyproject.toml legacy_tox_ini")
    first_line: int = 1
    headers: dict[str, int] = field(default_factory=dict)  # section -> 0-based index of its `[section]` line

    def section_of(self, env: str, key: str) -> str | None:
        for section in (self.env_sections.get(env), "testenv"):
            if section is not None and key in self.sections.get(section, {}):
                return section
        return None

    def env_labels(self, env: str) -> list[str]:
        section = self.section_of(env, "labels")
        return split_top(self.sections[section]["labels"], ",\n") if section else []

    def build_task(self, env: str) -> Task:
        main = self.section_of(env, "commands") or self.env_sections.get(env) or "testenv"
        task = Task(f"{self.label} [{main}]")
        outcome_section = self.section_of(env, "ignore_outcome")
        if outcome_section and self.sections[outcome_section]["ignore_outcome"].strip().lower() in TRUE:
            task.ignored = f"`ignore_outcome = true` in {self.label} [{outcome_section}]"
        factors = set(env.split("-"))
        for key in ("commands_pre", "commands", "commands_post"):
            section = self.section_of(env, key)
            if section is not None:
                task.lines.extend(self._lines(section, key, factors, 0, set()))
        return task

    def _lines(self, section: str, key: str, factors: set[str], depth: int, seen: set) -> Iterator[TaskLine]:
        if depth > MAX_EXPANSION_DEPTH or (section, key) in seen:
            return
        seen = seen | {(section, key)}
        for text in logical_lines(self.sections.get(section, {}).get(key, "")):
            condition = FACTOR_CONDITION.match(text)
            if condition and not text.startswith("{["):
                if not factors_match(condition.group(1), factors):
                    continue
                text = condition.group(2).strip()
            reference = SECTION_REFERENCE.match(text)
            if reference:
                yield from self._lines(reference.group(1), reference.group(2), factors, depth + 1, seen)
                continue
            ignored = None
            if text[:1] in "-!" and text[1:2] not in ("-", ""):
                prefix, text = text[0], text[1:].strip()
                effect = "exit code ignored" if prefix == "-" else "exit code inverted"
                ignored = f"the `{prefix}` prefix ({effect}) before `{text}` in {self.label} [{section}]"
            line = self.line_of(section, text)
            yield TaskLine(split_commands(substitute(text, TOX_SUBSTITUTIONS), line), ignored)

    def line_of(self, section: str, text: str) -> int:
        if not self.headers:
            for index, line in enumerate(self.text_lines):
                stripped = line.strip()
                if stripped.startswith("[") and stripped.endswith("]"):
                    self.headers.setdefault(stripped[1:-1].strip(), index)
        start = self.headers.get(section, 0)
        return line_after(self.text_lines, start, text.split("\n", 1)[0]) + self.first_line - 1


def logical_lines(value: str) -> list[str]:
    """An ini value's command lines: `\\`-continued lines joined, blanks dropped."""
    out, pending = [], ""
    for raw in value.splitlines():
        line = raw.strip()
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = (pending + line).strip()
        pending = ""
        if line:
            out.append(line)
    if pending.strip():
        out.append(pending.strip())
    return out


def factors_match(expression: str, factors: set[str]) -> bool:
    """tox factor conditions: `,` is or, `-` is and, `!` is not (`py311-!lint:`)."""
    for alternative in split_top(expression, ","):
        for expanded in expand_braces(alternative):
            parts = expanded.split("-")
            if all((p[1:] not in factors) if p.startswith("!") else (p in factors) for p in parts if p):
                return True
    return False


def names_of(value: str) -> list[str]:
    return [name for item in split_top(value, ",\n") for name in expand_braces(item)]


def ini_labels(value: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in value.splitlines():
        name, equals, members = line.partition("=")
        if equals and name.strip():
            out[name.strip()] = names_of(members)
    return out


def parse_tox_ini(path: str, text: str, core: str, label: str, first_line: int = 1) -> IniTox:
    parser = configparser.RawConfigParser(strict=False, default_section="\0")
    parser.read_string(text, source=path)
    sections = {name: dict(parser.items(name)) for name in parser.sections()}
    env_sections: dict[str, str] = {}
    for name in sections:
        if name.startswith("testenv:"):
            for env in expand_braces(name[len("testenv:") :].strip()):
                env_sections.setdefault(env, name)
    settings = sections.get(core, {})
    return IniTox(
        path=path,
        env_list=names_of(settings.get("env_list", settings.get("envlist", ""))),
        labels=ini_labels(settings.get("labels", "")),
        declared=list(env_sections),
        sections=sections,
        env_sections=env_sections,
        text_lines=text.splitlines(),
        label=label,
        first_line=first_line,
    )


@dataclass
class TomlTox(ToxConfig):
    """tox.toml, or `[tool.tox]` in pyproject.toml (tox 4 native TOML)."""

    table: dict = field(default_factory=dict)
    prefix: str = ""  # "" for tox.toml, "tool.tox." for pyproject.toml
    text_lines: list[str] = field(default_factory=list)

    def env_table(self, env: str) -> dict:
        envs = self.table.get("env")
        table = envs.get(env) if isinstance(envs, dict) else None
        return table if isinstance(table, dict) else {}

    def value(self, env: str, key: str) -> tuple[object, str]:
        own = self.env_table(env)
        if key in own:
            return own[key], f"env.{env}"
        base = self.table.get("env_run_base")
        return (base.get(key), "env_run_base") if isinstance(base, dict) else (None, "env_run_base")

    def env_labels(self, env: str) -> list[str]:
        labels, _ = self.value(env, "labels")
        return [str(x) for x in labels] if isinstance(labels, list) else []

    def build_task(self, env: str) -> Task:
        main = f"{self.prefix}env.{env}" if "commands" in self.env_table(env) else f"{self.prefix}env_run_base"
        task = Task(f"{self.path} [{main}]")
        outcome, table = self.value(env, "ignore_outcome")
        if outcome is True:
            task.ignored = f"`ignore_outcome = true` in {self.path} [{self.prefix}{table}]"
        for key in ("commands_pre", "commands", "commands_post"):
            commands, table = self.value(env, key)
            line = self.line_of(f"{self.prefix}{table}", key)
            for argv in self._argvs(commands, env, 0):
                ignored = None
                if argv[:1] in (["-"], ["!"]):
                    effect = "exit code ignored" if argv[0] == "-" else "exit code inverted"
                    prefix, argv = argv[0], argv[1:]
                    where = f"{self.path} [{self.prefix}{table}]"
                    ignored = f'the `"{prefix}"` element ({effect}) before `{shlex.join(argv)}` in {where}'
                if argv:
                    task.lines.append(TaskLine([argv_command(argv, line)], ignored))
        return task

    def _argvs(self, commands: object, env: str, depth: int) -> Iterator[list[str]]:
        if not isinstance(commands, list) or depth > MAX_EXPANSION_DEPTH:
            return
        for item in commands:
            if isinstance(item, list):
                argv = [word for element in item for word in self._words(element)]
                if argv:
                    yield argv
            elif isinstance(item, dict) and item.get("replace") == "ref":
                yield from self._argvs(self._reference(item, env), env, depth + 1)

    def _reference(self, item: dict, env: str) -> object:
        path = item.get("of")
        if isinstance(path, list):
            node: object = self.table
            keys = path[2:] if path[:2] == ["tool", "tox"] else path
            for key in keys:
                node = node.get(str(key)) if isinstance(node, dict) else None
            return node
        if isinstance(item.get("env"), str) and isinstance(item.get("key"), str):
            return self.value(item["env"], item["key"])[0]
        return None

    def _words(self, element: object) -> list[str]:
        if isinstance(element, str):
            return [substitute(element, TOX_SUBSTITUTIONS)]
        if isinstance(element, dict) and element.get("replace") in ("posargs", "env"):
            default = element.get("default")
            if isinstance(default, list):
                return [str(x) for x in default if isinstance(x, (str, int, float))]
            return [default] if isinstance(default, str) and default else []
        return []

    def line_of(self, table: str, key: str) -> int:
        return toml_line_of("\n".join(self.text_lines), key, table)


def toml_tox(path: str, table: dict, prefix: str, text: str) -> TomlTox:
    envs = table.get("env")
    labels = table.get("labels")
    env_list = table.get("env_list", table.get("envlist"))
    return TomlTox(
        path=path,
        env_list=[str(x) for x in env_list if isinstance(x, str)] if isinstance(env_list, list) else [],
        labels={str(k): [str(x) for x in v] for k, v in labels.items() if isinstance(v, list)}
        if isinstance(labels, dict)
        else {},
        declared=[str(name) for name in envs] if isinstance(envs, dict) else [],
        table=table,
        prefix=prefix,
        text_lines=text.splitlines(),
    )


def _build_tox(project, rel: str) -> ToxConfig | None:
    """The tox configuration in `rel`, or None when that file configures no tox."""
    name = posixpath.basename(rel)
    if name == "pyproject.toml" or name == "tox.toml":
        data = load_toml(project, rel)
        if not isinstance(data, dict):
            return None
        text = project.try_read_text(rel, "TOML file") or ""
        if name == "tox.toml":
            return toml_tox(rel, data, "", text)
        tool = data.get("tool")
        table = tool.get("tox") if isinstance(tool, dict) else None
        if not isinstance(table, dict):
            return None
        legacy = table.get("legacy_tox_ini")
        if isinstance(legacy, str):
            first = toml_line_of(text, "legacy_tox_ini", "tool.tox") + 1
            return _ini(project, rel, legacy, "tox", f"{rel} legacy_tox_ini", first)
        return toml_tox(rel, table, "tool.tox.", text)
    text = project.try_read_text(rel, "tox configuration")
    if text is None:
        return None
    if name == "setup.cfg":
        return _ini(project, rel, text, "tox:tox", rel) if "[tox:tox]" in text else None
    return _ini(project, rel, text, "tox", rel)


def _ini(project, rel: str, text: str, core: str, label: str, first_line: int = 1) -> IniTox | None:
    try:
        return parse_tox_ini(rel, text, core, label, first_line)
    except configparser.Error as error:
        what = "setup.cfg" if rel.endswith("setup.cfg") else "tox configuration"
        project.problem(rel, f"invalid {what}: {str(error).splitlines()[0]}")
        return None


def load_tox(project, folder: str = "", config: str | None = None) -> ToxConfig | None:
    """What `tox` in `folder` (or `tox -c config`) reads: the first of tox 4's files that configures tox."""
    if config is not None:
        rel = posixpath.normpath(posixpath.join(folder, config))
        if not project.exists(rel):
            return load_tox(project, rel) if rel != "." else load_tox(project)
        return project.parsed("tox", rel, _build_tox)
    for name in TOX_CONFIG_FILES:
        rel = posixpath.join(folder, name) if folder and folder != "." else name
        if project.exists(rel):
            parsed = project.parsed("tox", rel, _build_tox)
            if parsed is not None:
                return parsed
    return None


def tox_tasks(project, args: list[str], env: dict[str, str]) -> list[Task] | None:
    """The environments `tox ARGS` runs (None when it runs none: `tox list`, `tox --notest`, no config)."""
    envs: list[str] = []
    labels: list[str] = []
    factors: list[str] = []
    config_option: str | None = None
    collecting: list[str] | None = None  # `-m a b` and `-f a b` take several values
    positionals: list[str] = []
    i = 0
    while i < len(args) and args[i] != "--":
        arg = args[i]
        option, equals, value = arg.partition("=")
        following = args[i + 1] if i + 1 < len(args) else ""
        if arg in TOX_NOT_RUNNING:
            return None
        if not arg.startswith("-"):
            (positionals if collecting is None else collecting).append(arg)
        elif option in ("-e", "--env"):
            envs.extend(split_top(value if equals else following, ","))
            i += 0 if equals else 1
            collecting = None
        elif arg.startswith("-e") and not arg.startswith("--"):  # `-elint`
            envs.extend(split_top(arg[2:], ","))
            collecting = None
        elif option in ("-m", "--labels", "-f", "--factors"):
            collecting = labels if option in ("-m", "--labels") else factors
            collecting.extend([value] if equals else [])
        elif option in ("-c", "--conf"):
            config_option = value if equals else following
            i += 0 if equals else 1
            collecting = None
        else:
            takes_value = option in TOX_VALUE_OPTIONS and not equals
            optional = TOX_OPTIONAL_VALUES.get(option)
            i += 1 if takes_value or (optional is not None and optional.match(following)) else 0
            collecting = None
        i += 1
    if positionals[:1] in (["exec"], ["e"]) and "--" in args:
        command = args[args.index("--") + 1 :]
        return [Task("tox exec", [TaskLine([argv_command(command, 1)])])] if command else None
    if positionals and positionals[0] not in TOX_RUN_COMMANDS:
        return None  # `tox list`, `tox config`, `tox devenv`, ...
    config = load_tox(project, config=config_option)
    if config is None:
        return None
    if not envs and not labels and not factors and env.get("TOXENV"):
        envs = split_top(env["TOXENV"], ",")
    everything = list(dict.fromkeys([*config.env_list, *config.declared]))
    if any(unknown(name) for name in [*envs, *labels, *factors]) or "ALL" in envs:
        chosen = everything
    elif labels or factors:
        chosen = [e for label in labels for e in config.labels.get(label, [])]
        chosen += [e for e in everything if set(labels) & set(config.env_labels(e))]
        chosen += [e for e in everything if factors and all(f in e.split("-") for f in factors)]
    else:
        chosen = envs or config.env_list or ["py"]
    return [config.task(name) for name in list(dict.fromkeys(chosen))[:MAX_TOX_ENVS]]


# -- nox ----------------------------------------------------------------------------------------------------------
@dataclass
class NoxSession:
    """A nox session of a `noxfile.py`."""

    name: str
    line: int
    default: bool
    tags: list[str]
    task: Task
    notifies: list[str] = field(default_factory=list)


@dataclass
class NoxFile:
    """A `noxfile.py`: its sessions and the default ones."""

    path: str
    sessions: list[NoxSession]
    default_sessions: list[str] | None  # `nox.options.sessions = [...]`, else every session with default=True

    def matching(self, requested: str) -> list[NoxSession]:
        """A session by name; a parametrised name (`lint-3.11`, `tests(torch='2')`) selects its session."""
        exact = [s for s in self.sessions if s.name == requested]
        return exact or [s for s in self.sessions if requested.startswith((s.name + "-", s.name + "("))]


class _NoxReader:
    """Reads sessions out of a noxfile's syntax tree: decorators, `session.run(...)` calls, `session.notify`."""

    def __init__(self, path: str, module: PyModule, tree: ast.Module):
        self.path = path
        self.module = module  # its qualname() reads names through the imports (`n.session` -> `nox.session`)
        self.tree = tree
        self.decorators: set[str] = set()
        self.constants: dict[str, list[str]] = {}
        self.default_sessions: list[str] | None = None

    def read(self) -> NoxFile:
        for node in self.tree.body:
            if isinstance(node, ast.Assign):
                self._assignment(node)
        sessions = [
            session
            for node in self.tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            for session in [self._session(node)]
            if session is not None
        ]
        return NoxFile(self.path, sessions, self.default_sessions)

    def _assignment(self, node: ast.Assign) -> None:
        strings = literal_strings(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name) and strings is not None:
                self.constants[target.id] = strings
            elif self.module.qualname(target) == "nox.options.sessions" and strings is not None:
                self.default_sessions = strings

    def _session(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> NoxSession | None:
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            if self.module.qualname(call.func if call else decorator) not in NOX_SESSION_DECORATORS:
                continue
            keywords = {k.arg: k.value for k in call.keywords if k.arg} if call else {}
            name = literal_string(keywords.get("name")) or node.name
            default = not (isinstance(keywords.get("default"), ast.Constant) and keywords["default"].value is False)
            tags = (literal_strings(keywords["tags"]) or []) if "tags" in keywords else []
            parameter = (node.args.posonlyargs + node.args.args)[:1]
            session = NoxSession(name, node.lineno, default, tags, Task(f"{self.path} session {name}"))
            self._body(node, parameter[0].arg if parameter else "session", session)
            return session
        return None

    def _body(self, function: ast.AST, parameter: str, session: NoxSession) -> None:
        for node in ast.walk(function):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == parameter
            ):
                continue
            if node.func.attr == "notify" and node.args:
                target = literal_string(node.args[0])
                if target:
                    session.notifies.append(target)
            if node.func.attr not in NOX_RUN_METHODS:
                continue
            argv = self._argv(node.args, parameter)
            if not argv:
                continue
            ignored = None
            for keyword in node.keywords:
                if keyword.arg == "success_codes" and accepts_failure(keyword.value):
                    ignored = f"`success_codes={ast.unparse(keyword.value)}` in {session.task.where}"
            session.task.lines.append(TaskLine([argv_command(argv, node.lineno)], ignored))

    def _argv(self, args: list[ast.expr], parameter: str) -> list[str]:
        argv: list[str] = []
        for arg in args:
            if isinstance(arg, ast.Starred):
                value = arg.value
                if isinstance(value, ast.Name) and value.id in self.constants:
                    argv.extend(self.constants[value.id])
                elif literal_strings(value) is not None:
                    argv.extend(literal_strings(value) or [])
                elif (
                    isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Attribute)
                    and value.func.attr == "split"
                    and not value.args
                    and isinstance(value.func.value, ast.Constant)
                    and isinstance(value.func.value.value, str)
                ):
                    argv.extend(value.func.value.value.split())
                # `*session.posargs` and other run-time values add nothing known
            else:
                text = literal_string(arg)
                argv.append(text if text is not None else "…")
        return argv


def literal_string(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def literal_strings(node: ast.AST | None) -> list[str] | None:
    if isinstance(node, (ast.List, ast.Tuple)) and all(literal_string(e) is not None for e in node.elts):
        return [e.value for e in node.elts]  # type: ignore[attr-defined]
    text = literal_string(node)
    return [text] if text is not None else None


def accepts_failure(node: ast.expr) -> bool:
    """`success_codes` that let a failing run pass: a literal non-zero code (a run-time value gets the benefit of
    the doubt)."""
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return any(isinstance(e, ast.Constant) and isinstance(e.value, int) and e.value != 0 for e in node.elts)
    return isinstance(node, ast.Constant) and isinstance(node.value, int) and node.value != 0


def _build_noxfile(project, rel: str) -> NoxFile | None:
    size = project.size(rel)
    if size is not None and size > MAX_NOXFILE_BYTES:
        project.problem(rel, f"noxfile not read: {size} bytes, above the {MAX_NOXFILE_BYTES}-byte limit")
        return None
    module = python_module(project, rel)  # the tree every rule shares (an unparsable file is RPC002 there)
    tree = module.tree
    if tree is None:
        return None
    try:
        return _NoxReader(rel, module, tree).read()
    except RecursionError:
        project.problem(rel, "noxfile nested too deeply to read")
        return None


def load_noxfile(project, rel: str = "noxfile.py") -> NoxFile | None:
    return project.parsed("noxfile", rel, _build_noxfile) if project.exists(rel) else None


def nox_tasks(project, args: list[str], env: dict[str, str]) -> list[Task] | None:
    """The sessions `nox ARGS` runs, with the sessions they notify (None when it runs none)."""
    requested: list[str] = []
    tags: list[str] = []
    keywords: str | None = None
    noxfile = "noxfile.py"
    collecting: list[str] | None = None  # `-s a b`, `-t a b`, `-p 3.10 3.11` take several values
    i = 0
    while i < len(args) and args[i] != "--":
        arg = args[i]
        option, equals, value = arg.partition("=")
        if arg in NOX_NOT_RUNNING:
            return None
        if not arg.startswith("-"):
            if collecting is not None:
                collecting.append(arg)
        elif option in NOX_SESSION_OPTIONS or option in NOX_TAG_OPTIONS or option in NOX_MULTI_VALUE_OPTIONS:
            collecting = requested if option in NOX_SESSION_OPTIONS else tags if option in NOX_TAG_OPTIONS else []
            collecting.extend([value] if equals else [])
        elif option in NOX_VALUE_OPTIONS:
            given = value if equals else args[i + 1] if i + 1 < len(args) else ""
            i += 0 if equals else 1
            if option in ("-f", "--noxfile"):
                noxfile = posixpath.normpath(given)
            elif option in ("-k", "--keywords"):
                keywords = given
            collecting = None
        else:
            collecting = None
        i += 1
    parsed = load_noxfile(project, noxfile)
    if parsed is None:
        return None
    if not requested and not tags and keywords is None and env.get("NOXSESSION"):
        requested = [env["NOXSESSION"]]
    requested = [name for item in requested for name in split_top(item, ",")]
    if any(unknown(x) for x in [*requested, *tags, keywords or ""]):
        chosen = list(parsed.sessions)
    elif requested or tags or keywords is not None:
        chosen = [s for name in requested for s in parsed.matching(name)]
        chosen += [s for s in parsed.sessions if set(tags) & set(s.tags)]
        if keywords is not None:
            words = re.findall(r"[\w.\-]+", keywords)
            wanted = {w for i, w in enumerate(words) if w not in ("and", "or", "not") and words[i - 1 : i] != ["not"]}
            chosen += [s for s in parsed.sessions if s.name in wanted]
    elif parsed.default_sessions is not None:
        chosen = [s for name in parsed.default_sessions for s in parsed.matching(name)]
    else:
        chosen = [s for s in parsed.sessions if s.default]
    return [s.task for s in notified_closure(parsed, chosen)]


def notified_closure(noxfile: NoxFile, chosen: list[NoxSession]) -> list[NoxSession]:
    """The chosen sessions and every session they queue with `session.notify`, each once."""
    out: dict[int, NoxSession] = {}
    stack = list(reversed(chosen))
    while stack:
        session = stack.pop()
        if id(session) in out:
            continue
        out[id(session)] = session
        stack.extend(s for name in session.notifies for s in noxfile.matching(name))
    return list(out.values())


# -- hatch --------------------------------------------------------------------------------------------------------
@dataclass
class HatchEnv:
    """A Hatch environment with its scripts."""

    name: str
    source: str  # "pyproject.toml [tool.hatch.envs.lint]" or "hatch.toml [envs.lint]"
    template: str
    scripts: dict[str, list[str]]


@dataclass
class HatchConfig:
    """The Hatch environments of a project."""

    envs: dict[str, HatchEnv]
    tasks: dict[tuple, Task | None] = field(default_factory=dict, repr=False)

    def scripts(self, env: str) -> dict[str, tuple[list[str], str]]:
        """Scripts of `env` with those inherited through `template` (default: the `default` env), by name."""
        chain: list[HatchEnv] = []
        name: str | None = env if env in self.envs else env.split(".", 1)[0]  # matrix `test.py3.11` -> `test`
        while name in self.envs and all(e.name != name for e in chain):
            chain.append(self.envs[name])
            name = self.envs[name].template
        out: dict[str, tuple[list[str], str]] = {}
        for item in reversed(chain):
            for script, commands in item.scripts.items():
                out[script] = (commands, f"{item.source[:-1]}.scripts] {script}")
        return out

    def task(self, env: str, script: str, args: list[str]) -> Task | None:
        """`hatch run env:script args` (built once per distinct call), or None when `env` has no such script."""
        key = (env, script, tuple(args))
        if key not in self.tasks:
            scripts = self.scripts(env)
            task = Task(scripts[script][1]) if script in scripts else None
            if task is not None:
                self._expand(scripts, script, args, None, task, [])
            self.tasks[key] = task
        return self.tasks[key]

    def _expand(self, scripts, script: str, args: list[str], ignored: str | None, task: Task, stack: list[str]):
        if script in stack or len(stack) > MAX_EXPANSION_DEPTH:
            return  # hatch refuses circular expansion; a cycle runs nothing here
        commands, where = scripts[script]
        for command in commands:
            own = ignored
            if command.startswith("- "):
                command = command[2:]
                own = own or f"the `- ` prefix before `{command}` in {where}"
            command = substitute(command, HATCH_SUBSTITUTIONS)
            first, _, rest = command.partition(" ")
            if first in scripts:
                self._expand(scripts, first, [*shlex_words(rest), *args], own, task, [*stack, script])
                continue
            text = " ".join([command, *map(shlex.quote, args)])
            task.lines.append(TaskLine(split_commands(text), own))


def shlex_words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _hatch_envs(table: object, source: str) -> dict[str, HatchEnv]:
    out: dict[str, HatchEnv] = {}
    if not isinstance(table, dict):
        return out
    for name, settings in table.items():
        if not isinstance(settings, dict):
            continue
        template = settings.get("template")
        template = str(name) if settings.get("detached") is True else template
        scripts: dict[str, list[str]] = {}
        raw = settings.get("scripts")
        for script, value in raw.items() if isinstance(raw, dict) else ():
            commands = [value] if isinstance(value, str) else value if isinstance(value, list) else []
            scripts[str(script)] = [c for c in commands if isinstance(c, str)]
        default_template = "default" if name != "default" else str(name)
        out[str(name)] = HatchEnv(str(name), f"{source}.{name}]", str(template or default_template), scripts)
    return out


def _build_hatch(project, rel: str) -> HatchConfig | None:
    envs: dict[str, HatchEnv] = {}
    if project.exists("pyproject.toml"):
        data = load_toml(project, "pyproject.toml")
        tool = data.get("tool") if isinstance(data, dict) else None
        hatch = tool.get("hatch") if isinstance(tool, dict) else None
        if isinstance(hatch, dict):
            envs.update(_hatch_envs(hatch.get("envs"), "pyproject.toml [tool.hatch.envs"))
    if project.exists(rel):
        data = load_toml(project, rel)
        if isinstance(data, dict):
            for name, parsed in _hatch_envs(data.get("envs"), f"{rel} [envs").items():
                if name in envs:
                    parsed.scripts = {**envs[name].scripts, **parsed.scripts}
                envs[name] = parsed
    return HatchConfig(envs) if envs else None


def load_hatch(project) -> HatchConfig | None:
    """Hatch environments from pyproject.toml `[tool.hatch.envs]` and hatch.toml `[envs]` (which wins)."""
    return project.parsed("hatch", "hatch.toml", _build_hatch)


def hatch_tasks(project, args: list[str], env: dict[str, str]) -> list[Task] | None:
    """What `hatch [-e ENV] run [ENV:]SCRIPT ARGS` runs: the script's commands, or the command itself."""
    chosen_env: str | None = None
    i = 0
    while i < len(args) and args[i].startswith("-"):
        option, equals, value = args[i].partition("=")
        if option in ("-e", "--env"):
            chosen_env = value if equals else args[i + 1] if i + 1 < len(args) else None
        i += 2 if option in HATCH_GLOBAL_VALUE_OPTIONS and not equals else 1
    rest = args[i:]
    if rest[:2] == ["env", "run"]:
        rest = ["run", *rest[2:]]
    if rest[:1] != ["run"]:
        return None
    rest = rest[1:]
    while rest and (rest[0].startswith(("+", "-")) and rest[0] != "--"):
        rest = rest[1:]  # matrix filters (`+py=3.11`) and run options
    if rest[:1] == ["--"]:
        rest = rest[1:]
    if not rest:
        return None
    target, extra = rest[0], rest[1:]
    environment, colon, script = target.partition(":")
    if not colon:
        environment, script = chosen_env or env.get("HATCH_ENV") or "default", target
    config = load_hatch(project)
    if config is not None:
        if unknown(environment):
            tasks = [config.task(name, script, extra) for name in config.envs]
            found = [t for t in tasks if t is not None]
        else:
            found = [t] if (t := config.task(environment, script, extra)) is not None else []
        if found:
            return found
    command = [script, *extra] if colon else rest
    return [Task(f"hatch environment {environment}", [TaskLine([argv_command(command, 1)])])]


# -- the fact -----------------------------------------------------------------------------------------------------
@dataclass
class TaskRunners:
    """What `tox`, `nox` and `hatch` command lines run; each configuration is parsed on first use, once."""

    project: object

    def tox(self, args: list[str], env: dict[str, str]) -> list[Task] | None:
        return tox_tasks(self.project, args, env)

    def nox(self, args: list[str], env: dict[str, str]) -> list[Task] | None:
        return nox_tasks(self.project, args, env)

    def hatch(self, args: list[str], env: dict[str, str]) -> list[Task] | None:
        return hatch_tasks(self.project, args, env)


@fact
def task_runners(project) -> TaskRunners:
    """tox/nox/hatch interpretation, lazily: nothing is read until a CI command actually runs one of them."""
    return TaskRunners(project)
