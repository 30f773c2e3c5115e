"""Shell commands as data: a POSIX-shell lexer and the recognition of package-install commands.

Everything that runs commands (Dockerfile ``RUN``, CI ``run:``/``script:`` steps, Makefile recipes, ``*.sh``
scripts) is split here, the same way, into :class:`Command` objects with their line numbers. The lexer knows
quoting, ``\\`` continuations, comments, control operators (``&&``, ``||``, ``;``, ``|``, ``&``), redirections,
here-documents (a here-document fed to a shell, like Dockerfile ``RUN <<EOF``, is split as a script itself),
``$(...)``/backquote substitutions (kept as literal text) and parameter expansion from a given environment
(``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR:+alt}``; unknown variables stay as written).

It is hand-written rather than ``shlex``-based because ``shlex`` treats newlines as blanks, cannot report where
each command starts, and knows neither here-documents nor ``$(...)``; ``bashlex`` rejects much real-world syntax.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from reprocheck import filekinds
from reprocheck.facts import fact
from reprocheck.patterns import lazy_pattern
from reprocheck.project import UnreadableFile
from reprocheck.tables import pip_options as opts

MAX_SCRIPT_BYTES = 1024 * 1024
MAX_HEREDOC_DEPTH = 8
SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ash", "ksh", "busybox"})
RESERVED_PREFIXES = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}"})
PERSISTENT_ASSIGNERS = frozenset({"export", "declare", "typeset", "local", "readonly"})
ASSIGNMENT = lazy_pattern(r"^([A-Za-z_][A-Za-z0-9_]*)\+?=")
NAME = lazy_pattern(r"[A-Za-z_][A-Za-z0-9_]*")
METACHARS = frozenset(" \t\r\n|&;()<>")
OPERATORS = ("&&", "||", ";;", "|&", "&", "|", ";", "(", ")")
REDIRECTIONS = ("<<<", "<<-", "<<", ">>", "<&", ">&", "<>", ">|", "<", ">")


# -- data ---------------------------------------------------------------------------------------------------------
@dataclass
class Command:
    """One simple command: `argv` after quote removal and expansion, without leading `VAR=value` words,
    reserved words (`if`, `then`, `do`, ...) and redirections. `line` is the line of its first word.

    `operator` is the control operator that ended it ("&&", "||", ";", "|", "&", "\\n", or "" at the end), so a
    pipeline `curl ... | sh` is a command with operator "|" followed by the next one.
    """

    argv: list[str]
    line: int
    text: str
    arg_lines: list[int] = field(default_factory=list)
    operator: str = ""
    assignments: dict[str, str] = field(default_factory=dict)
    heredocs: list[tuple[int, str]] = field(default_factory=list)  # (first body line, body) of each <<WORD
    env: dict[str, str] = field(default_factory=dict)  # variables known when it runs (given env + assignments)

    @property
    def program(self) -> str:
        """Base name of the program run (`/usr/bin/python3` -> `python3`); "" for an empty command."""
        return posixpath.basename(self.argv[0]) if self.argv else ""


@dataclass
class Install:
    """A package-manager command: which tool, which action, and what it installs from where.

    `tool` is "pip" (pip, pip3, python -m pip, uv pip, pip-sync), "uv", "poetry", "pipenv", "conda" (conda,
    mamba, micromamba), "pipx", "apt" (apt, apt-get), "apk", "dnf" (dnf, microdnf) or "yum". `flags` holds every
    option seen, by canonical long name; `options` the values of value-taking options.
    """

    tool: str
    action: str
    packages: list[str]
    requirement_files: list[str]
    constraint_files: list[str]
    editables: list[str]
    local_paths: list[str]
    flags: frozenset[str]
    command: Command
    options: dict[str, list[str]] = field(default_factory=dict)
    package_lines: list[int] = field(default_factory=list)  # line of each entry of `packages`


@dataclass
class SourcedCommand:
    """A command together with where it comes from: origin is "dockerfile", "ci", "makefile", "script" or "docs"
    (a shell code block of a README or a docs page)."""

    path: str
    line: int
    origin: str
    command: Command


# -- lexing -------------------------------------------------------------------------------------------------------
@dataclass
class _Word:
    """A word of a shell command line, with its span."""

    raw: str
    line: int
    start: int
    end: int


@dataclass
class _Op:
    """A shell control operator (`&&`, `|`, `;`), with its span."""

    op: str
    line: int
    start: int
    end: int


@dataclass
class _Redirect:
    """A shell redirection operator, with its span."""

    op: str
    line: int
    start: int
    end: int
    heredoc: _Heredoc | None = None


@dataclass
class _Heredoc:
    """A here-document: its delimiter and body."""

    delimiter: str = ""
    strip_tabs: bool = False
    body: str = ""
    body_line: int = 0


class _Lexer:
    def __init__(self, text: str, first_line: int):
        self.s = text
        self.i = 0
        self.line = first_line
        self.pending: list[_Heredoc] = []
        self.tokens: list[_Word | _Op | _Redirect] = []

    def run(self) -> list[_Word | _Op | _Redirect]:
        s, n = self.s, len(self.s)
        expect_delimiter: _Heredoc | None = None
        while self.i < n:
            c = s[self.i]
            if c == "\\" and s.startswith("\n", self.i + 1):
                self.i += 2
                self.line += 1
            elif c in " \t\r":
                self.i += 1
            elif c == "\n":
                self.tokens.append(_Op("\n", self.line, self.i, self.i + 1))
                self.i += 1
                self.line += 1
                if self.pending:
                    self._read_heredoc_bodies()
            elif c == "#":
                end = s.find("\n", self.i)
                self.i = n if end < 0 else end
            elif c in "<>" and s.startswith("(", self.i + 1):  # process substitution <(...) is a word
                self._word(expect_delimiter)
                expect_delimiter = None
            elif c in "<>" or (c == "&" and s.startswith(">", self.i + 1)):
                op = "&>>" if s.startswith("&>>", self.i) else "&>" if c == "&" else _match(s, self.i, REDIRECTIONS)
                token = _Redirect(op, self.line, self.i, self.i + len(op))
                if op in ("<<", "<<-"):
                    token.heredoc = _Heredoc(strip_tabs=op == "<<-")
                    expect_delimiter = token.heredoc
                self.tokens.append(token)
                self.i += len(op)
            elif c in "|&;()":
                op = _match(s, self.i, OPERATORS)
                self.tokens.append(_Op(op, self.line, self.i, self.i + len(op)))
                self.i += len(op)
            else:
                self._word(expect_delimiter)
                expect_delimiter = None
        for heredoc in self.pending:  # an unterminated here-document ends with the script
            heredoc.body_line = self.line
        return self.tokens

    def _word(self, heredoc: _Heredoc | None) -> None:
        start, line = self.i, self.line
        end = scan_word(self.s, self.i)
        raw = self.s[start:end]
        self.line += raw.count("\n")
        self.i = end
        if raw.isdigit() and end < len(self.s) and self.s[end] in "<>":
            return  # an IO number (`2>&1`): part of the redirection
        self.tokens.append(_Word(raw, line, start, end))
        if heredoc is not None:
            heredoc.delimiter = unquote(raw)
            self.pending.append(heredoc)

    def _read_heredoc_bodies(self) -> None:
        s = self.s
        for heredoc in self.pending:
            heredoc.body_line = self.line
            lines: list[str] = []
            while self.i < len(s):
                end = s.find("\n", self.i)
                end = len(s) if end < 0 else end
                text = s[self.i : end]
                self.i = min(end + 1, len(s))
                self.line += 1
                if heredoc.strip_tabs:
                    text = text.lstrip("\t")
                if text.rstrip("\r") == heredoc.delimiter:
                    break
                lines.append(text)
            heredoc.body = "\n".join(lines) + ("\n" if lines else "")
        self.pending = []


def _match(s: str, i: int, candidates: tuple[str, ...]) -> str:
    return next(op for op in candidates if s.startswith(op, i))


def scan_word(s: str, i: int) -> int:
    """Index just past the word starting at `i`, honouring quotes, escapes and `$(...)`/`${...}`/backquotes."""
    n = len(s)
    if s[i] in "<>" and s.startswith("(", i + 1):
        i = _balanced(s, i + 1, "(", ")")
    while i < n:
        c = s[i]
        if c in METACHARS:
            break
        if c == "\\":
            i += 2
        elif c == "'":
            end = s.find("'", i + 1)
            i = n if end < 0 else end + 1
        elif c == '"':
            i = _scan_double(s, i + 1)
        elif c == "$" and s.startswith("(", i + 1):
            i = _balanced(s, i + 1, "(", ")")
        elif c == "$" and s.startswith("{", i + 1):
            i = _balanced(s, i + 1, "{", "}")
        elif c == "`":
            i = _scan_backquote(s, i + 1)
        else:
            i += 1
    return min(i, n)


def _scan_double(s: str, i: int) -> int:
    """Index past the closing double quote (i is just after the opening one)."""
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
        elif c == '"':
            return i + 1
        elif c == "$" and s.startswith("(", i + 1):
            i = _balanced(s, i + 1, "(", ")")
        elif c == "$" and s.startswith("{", i + 1):
            i = _balanced(s, i + 1, "{", "}")
        elif c == "`":
            i = _scan_backquote(s, i + 1)
        else:
            i += 1
    return n


def _scan_backquote(s: str, i: int) -> int:
    n = len(s)
    while i < n:
        if s[i] == "\\":
            i += 2
        elif s[i] == "`":
            return i + 1
        else:
            i += 1
    return n


def _balanced(s: str, i: int, open_: str, close: str) -> int:
    """Index past the bracket closing the one at `i`, skipping quoted text inside."""
    depth, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "'" and open_ == "(":
            end = s.find("'", i + 1)
            i = n if end < 0 else end + 1
            continue
        if c == '"':
            i = _scan_double(s, i + 1)
            continue
        if c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


# -- expansion ----------------------------------------------------------------------------------------------------
def unquote(raw: str) -> str:
    """Quote removal without parameter expansion (here-document delimiters)."""
    return expand_word(raw, None, expand=False)[0]


def expand_word(raw: str, env: Mapping[str, str] | None, expand: bool = True) -> tuple[str, bool]:
    """Quote removal and parameter expansion of one word.

    Returns the text and whether it came (partly) from an unquoted expansion, so the caller may split it on
    blanks as the shell would.
    """
    out: list[str] = []
    split = False
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c == "\\":
            if raw.startswith("\n", i + 1):
                i += 2
                continue
            out.append(raw[i + 1 : i + 2])
            i += 2
        elif c == "'":
            end = raw.find("'", i + 1)
            end = n if end < 0 else end
            out.append(raw[i + 1 : end])
            i = end + 1
        elif c == '"':
            end = _scan_double(raw, i + 1)
            out.append(_expand_double(raw[i + 1 : end - 1 if raw[end - 1 : end] == '"' else end], env, expand))
            i = end
        elif c == "$" and expand:
            text, i, expanded = _expand_dollar(raw, i, env)
            out.append(text)
            split = split or expanded
        elif c == "`":
            end = _scan_backquote(raw, i + 1)
            out.append(raw[i:end])
            i = end
        else:
            out.append(c)
            i += 1
    return "".join(out), split


def _expand_double(inner: str, env: Mapping[str, str] | None, expand: bool) -> str:
    out: list[str] = []
    i, n = 0, len(inner)
    while i < n:
        c = inner[i]
        if c == "\\" and i + 1 < n and inner[i + 1] in '$`"\\\n':
            if inner[i + 1] != "\n":
                out.append(inner[i + 1])
            i += 2
        elif c == "$" and expand:
            text, i, _ = _expand_dollar(inner, i, env)
            out.append(text)
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _expand_dollar(s: str, i: int, env: Mapping[str, str] | None) -> tuple[str, int, bool]:
    """Expand the `$...` at `i`: (text, index after it, whether a variable was substituted)."""
    env = env or {}
    nxt = s[i + 1 : i + 2]
    if nxt == "(":
        end = _balanced(s, i + 1, "(", ")")
        return s[i:end], end, False
    if nxt == "{":
        end = _balanced(s, i + 1, "{", "}")
        text, expanded = _expand_braced(s[i + 2 : end - 1], s[i:end], env)
        return text, end, expanded
    if nxt == "'":  # $'...' ANSI-C quoting: keep the content
        end = s.find("'", i + 2)
        end = len(s) if end < 0 else end
        return s[i + 2 : end], end + 1, False
    match = NAME.match(s, i + 1)
    if match:
        name = match.group(0)
        if name in env:
            return str(env[name]), match.end(), True
        return s[i : match.end()], match.end(), False
    return "$", i + 1, False


def _expand_braced(inner: str, literal: str, env: Mapping[str, str]) -> tuple[str, bool]:
    match = NAME.match(inner)
    if not match:
        return literal, False
    name, rest = match.group(0), inner[match.end() :]
    value = env.get(name)
    if rest == "":
        return (str(value), True) if value is not None else (literal, False)
    for op in (":-", ":=", "-", "="):
        if rest.startswith(op):
            unset = value is None or (op.startswith(":") and value == "")
            if unset:
                return expand_word(rest[len(op) :], env)[0], True
            return str(value), True
    for op in (":+", "+"):
        if rest.startswith(op):
            unset = value is None or (op.startswith(":") and value == "")
            if name not in env:
                return literal, False
            return ("" if unset else expand_word(rest[len(op) :], env)[0]), True
    return literal, False


# -- splitting ----------------------------------------------------------------------------------------------------
def split_commands(script: str, first_line: int = 1, env: Mapping[str, str] | None = None) -> list[Command]:
    """Every simple command of `script`, in order, with the line it starts on (`first_line` is line 1's).

    Assignments (`VAR=value`, `export VAR=value`) update the environment used to expand later commands.
    A here-document fed to a shell (`bash <<EOF`, or no command at all as in Dockerfile `RUN <<EOF`) is split
    as a script too, unless its `#!` line names another interpreter. Hostile nesting (thousands of nested
    `${A:-${B:-...}}` or here-documents) gives no commands rather than an error.
    """
    try:
        return _split(script, first_line, env, 0)
    except RecursionError:
        return []


def _split(script: str, first_line: int, env: Mapping[str, str] | None, depth: int) -> list[Command]:
    tokens = _Lexer(script, first_line).run()
    scope: dict[str, str] = dict(env or {})
    commands: list[Command] = []
    current: list[_Word] = []
    heredocs: list[_Heredoc] = []
    skip_next_word = False
    first_token: _Word | _Redirect | None = None
    last_end = 0

    def finish(operator: str) -> None:
        nonlocal current, heredocs, first_token
        if current or heredocs:
            command = _build(current, heredocs, operator, scope, script, first_token, last_end)
            if command is not None:
                if command.argv:
                    commands.append(command)
                for body_line, body in command.heredocs:
                    if depth < MAX_HEREDOC_DEPTH and _is_shell_input(command, body):
                        commands.extend(_split(body, body_line, command.env, depth + 1))
        current, heredocs, first_token = [], [], None

    for token in tokens:
        if isinstance(token, _Op):
            finish(token.op)
            continue
        if first_token is None:
            first_token = token
        last_end = token.end
        if isinstance(token, _Redirect):
            skip_next_word = True
            if token.heredoc is not None:
                heredocs.append(token.heredoc)
            continue
        if skip_next_word:
            skip_next_word = False
            continue
        current.append(token)
    finish("")
    return commands


def _build(words, heredocs, operator, scope, script, first_token, last_end) -> Command | None:
    argv: list[str] = []
    lines: list[int] = []
    assignments: dict[str, str] = {}
    leading = True
    for word in words:
        if leading and word.raw in RESERVED_PREFIXES:
            continue
        assignment = ASSIGNMENT.match(word.raw) if leading else None
        if assignment:
            value = expand_word(word.raw[assignment.end() :], {**scope, **assignments})[0]
            assignments[assignment.group(1)] = value
            continue
        leading = False
        text, split = expand_word(word.raw, scope)  # prefix assignments reach the program, not its arguments
        if split and not any(q in word.raw for q in "'\""):
            parts = text.split()
            argv.extend(parts)
            lines.extend([word.line] * len(parts))
        else:
            argv.append(text)
            lines.append(word.line)
    if not argv:  # a bare assignment persists in the shell
        scope.update(assignments)
    elif posixpath.basename(argv[0]) in PERSISTENT_ASSIGNERS:
        for arg in argv[1:]:
            match = ASSIGNMENT.match(arg)
            if match:
                scope[match.group(1)] = arg[match.end() :]
    if not argv and not heredocs:
        return None
    start = first_token.start if first_token is not None else 0
    line = lines[0] if lines else (first_token.line if first_token is not None else 1)
    return Command(
        argv=argv,
        line=line,
        text=script[start:last_end].strip(),
        arg_lines=lines,
        operator=operator,
        assignments=assignments,
        heredocs=[(h.body_line, h.body) for h in heredocs],
        env={**scope, **assignments},
    )


def _is_shell_input(command: Command, body: str) -> bool:
    if body.startswith("#!"):
        interpreter = body.split("\n", 1)[0][2:].split()
        names = [posixpath.basename(p) for p in interpreter]
        if names[:1] == ["env"]:
            names = names[1:]
        return bool(names) and names[0] in SHELLS
    argv = strip_wrappers(command.argv)
    if not argv:
        return True
    return posixpath.basename(argv[0]) in SHELLS and not any(a == "-c" or a.startswith("-c") for a in argv[1:])


# -- install recognition ------------------------------------------------------------------------------------------
PIP_PROGRAM = lazy_pattern(r"^pip(\d+(\.\d+)?)?(\.exe)?$")
PYTHON_PROGRAM = lazy_pattern(r"^(python|pypy)(\d+(\.\d+)?)?(\.exe)?$|^py$")
PYTHON_VALUE_OPTIONS = frozenset({"-W", "-X", "--check-hash-based-pycs"})
ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip", ".conda", ".rpm", ".deb", ".apk")


def strip_wrappers(argv: list[str]) -> list[str]:
    """`sudo -E env A=b timeout 60 pip install x` -> `pip install x`."""
    argv = list(argv)
    while argv:
        name = posixpath.basename(argv[0])
        if name not in opts.WRAPPERS:
            return argv
        takes_value = opts.WRAPPERS[name]
        i = 1
        while i < len(argv) and (argv[i].startswith("-") or (name == "env" and ASSIGNMENT.match(argv[i]))):
            if argv[i] == "--":
                i += 1
                break
            i += 2 if argv[i] in takes_value else 1
        i += opts.WRAPPER_POSITIONALS.get(name, 0)
        argv = argv[i:]
    return argv


@dataclass
class _Scanned:
    """A command's arguments sorted into positionals, options with values and flags."""

    positionals: list[tuple[str, int]]  # (value, index in argv)
    options: dict[str, list[str]]
    flags: set[str]


def _scan(args: list[str], value_options: Mapping[str, str], aliases: Mapping[str, str] | None = None) -> _Scanned:
    """getopt-like scan: long `--opt=value`/`--opt value`, short `-rFILE`/`-r FILE`, bundled short flags."""
    aliases = aliases or {}
    positionals: list[tuple[str, int]] = []
    options: dict[str, list[str]] = {}
    flags: set[str] = set()
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            positionals.extend((a, j) for j, a in enumerate(args[i + 1 :], start=i + 1))
            break
        if arg.startswith("--"):
            name, eq, value = arg.partition("=")
            canonical = value_options.get(name)
            if canonical is not None:
                if not eq:
                    value = args[i + 1] if i + 1 < len(args) else ""
                    i += 1
                options.setdefault(canonical, []).append(value)
                flags.add(canonical)
            else:
                flags.add(aliases.get(name, name))
            i += 1
            continue
        if arg.startswith("-") and len(arg) > 1:
            k = 1
            while k < len(arg):
                short = "-" + arg[k]
                canonical = value_options.get(short)
                if canonical is not None:
                    value = arg[k + 1 :]
                    if not value:
                        value = args[i + 1] if i + 1 < len(args) else ""
                        i += 1
                    options.setdefault(canonical, []).append(value)
                    flags.add(canonical)
                    break
                flags.add(aliases.get(short, short))
                k += 1
            i += 1
            continue
        positionals.append((arg, i))
        i += 1
    return _Scanned(positionals, options, flags)


def is_local_path(arg: str) -> bool:
    """A path or archive file rather than a requirement (`.`, `./pkg[dev]`, `dist/x.whl`, `file:///...`)."""
    if arg.startswith("file:"):
        return True
    if "://" in arg or re.match(r"^[A-Za-z0-9][\w.\-]*(\[[^\]]*\])?\s*@", arg):
        return False
    if arg.startswith((".", "/", "~")) or "/" in arg or "\\" in arg:
        return True
    return arg.lower().endswith(ARCHIVE_SUFFIXES)


def _identify(argv: list[str]) -> tuple[str, list[str]] | None:
    """(tool, arguments after the program) or None when `argv` is no package manager."""
    if not argv:
        return None
    program = posixpath.basename(argv[0])
    rest = argv[1:]
    if PIP_PROGRAM.match(program):
        return "pip", rest
    if program == "pip-sync":
        return "pip", ["sync", *rest]
    if PYTHON_PROGRAM.match(program):
        i = 0
        while i < len(rest) and rest[i].startswith("-") and rest[i] != "-m":
            if rest[i] in ("-c", "-"):
                return None
            i += 2 if rest[i] in PYTHON_VALUE_OPTIONS else 1
        if i + 1 < len(rest) and rest[i] == "-m":
            module, tail = rest[i + 1], rest[i + 2 :]
            if module == "pip":
                return "pip", tail
            if module in ("uv", "pipx", "conda", "poetry", "pipenv"):
                return _identify([module, *tail])
        return None
    if program == "uv":
        scanned_until = 0
        while scanned_until < len(rest) and rest[scanned_until].startswith("-"):
            scanned_until += 2 if rest[scanned_until] in opts.UV_VALUE_OPTIONS else 1
        tail = rest[scanned_until:]
        if tail[:1] == ["pip"]:
            return "pip", tail[1:]
        return "uv", tail
    if program == "uvx":
        return "uv", ["tool", "run", *rest]
    if program in ("conda", "mamba", "micromamba"):
        return "conda", rest
    if program in ("apt", "apt-get"):
        return "apt", rest
    if program in ("dnf", "microdnf"):
        return "dnf", rest
    if program in ("poetry", "pipenv", "pipx", "apk", "yum"):
        return program, rest
    return None


_VALUE_TABLES: dict[str, Mapping[str, str]] = {
    "pip": opts.PIP_VALUE_OPTIONS,
    "uv": opts.UV_VALUE_OPTIONS,
    "poetry": opts.POETRY_VALUE_OPTIONS,
    "pipenv": opts.PIPENV_VALUE_OPTIONS,
    "pipx": opts.PIPX_VALUE_OPTIONS,
    "conda": opts.CONDA_VALUE_OPTIONS,
    "apt": opts.APT_VALUE_OPTIONS,
    "apk": opts.APK_VALUE_OPTIONS,
    "dnf": opts.DNF_VALUE_OPTIONS,
    "yum": opts.DNF_VALUE_OPTIONS,
}
_ACTIONS: dict[str, frozenset[str] | None] = {
    "pip": opts.PIP_INSTALL_ACTIONS,
    "uv": opts.UV_ACTIONS,
    "poetry": opts.POETRY_ACTIONS,
    "pipenv": opts.PIPENV_ACTIONS,
    "pipx": opts.PIPX_ACTIONS,
    "conda": opts.CONDA_ACTIONS,
    "apt": None,
    "apk": None,
    "dnf": None,
    "yum": None,
}
# Actions made of two words (`conda env create`, `uv tool install`).
_COMPOUND = {"conda": frozenset({"env"}), "uv": frozenset({"tool"})}


def parse_install(command: Command) -> Install | None:
    """Recognise a package-manager command; None for anything else (or a read-only action like `pip list`)."""
    identified = _identify(strip_wrappers(command.argv))
    if identified is None:
        return None
    tool, args = identified
    base = len(command.argv) - len(args)
    scanned = _scan(args, _VALUE_TABLES[tool], opts.PIP_FLAG_ALIASES if tool == "pip" else None)
    if not scanned.positionals:
        return None
    action = scanned.positionals[0][0]
    rest = scanned.positionals[1:]
    if tool in _COMPOUND and action in _COMPOUND[tool] and rest:
        action = f"{action} {rest[0][0]}"
        rest = rest[1:]
    allowed = _ACTIONS[tool]
    if allowed is not None and action not in allowed:
        return None
    packages: list[str] = []
    package_lines: list[int] = []
    local_paths: list[str] = []
    options = scanned.options
    requirement_files = list(options.get("--requirement", []))
    if tool == "conda":
        requirement_files += options.get("--file", [])
    if tool == "pip" and action == "sync":  # pip-sync / uv pip sync take requirement files as arguments
        requirement_files += [value for value, _ in rest]
        rest = []
    if tool == "uv" and action == "tool run":  # only the tool itself (and --with) are packages
        rest = rest[:1]
    for value, j in rest:
        local = is_local_path(value) if tool not in ("apt", "apk", "dnf", "yum") else value.endswith(ARCHIVE_SUFFIXES)
        if local:
            local_paths.append(value)
        else:
            packages.append(value)
            position = base + j
            line_list = command.arg_lines
            package_lines.append(line_list[position] if position < len(line_list) else command.line)
    if tool == "uv":
        packages += options.get("--with", [])
        package_lines += [command.line] * len(options.get("--with", []))
    return Install(
        tool=tool,
        action=action,
        packages=packages,
        requirement_files=requirement_files,
        constraint_files=list(options.get("--constraint", [])),
        editables=list(options.get("--editable", [])),
        local_paths=local_paths,
        flags=frozenset(scanned.flags),
        command=command,
        options={k: list(v) for k, v in options.items()},
        package_lines=package_lines,
    )


def iter_installs(commands: list[Command]) -> Iterator[Install]:
    for command in commands:
        install = parse_install(command)
        if install is not None:
            yield install


# -- the fact -----------------------------------------------------------------------------------------------------
# Folders whose extension-less files are scripts when their `#!` line names a shell (e.g. `.ci/run`, `bin/setup`).
SCRIPT_DIRS = frozenset({"bin", "scripts", "script", ".ci", "ci", "tools", ".github"})


def _is_script_candidate(rel: str) -> bool:
    if filekinds.is_shell_script(rel):
        return True
    segments = rel.split("/")
    return len(segments) > 1 and segments[-2] in SCRIPT_DIRS and "." not in segments[-1]


def _build_script(project, rel: str) -> list[Command] | None:
    if not filekinds.is_shell_script(rel):
        try:
            head = project.read_bytes(rel, limit=MAX_SCRIPT_BYTES)[:128]
        except UnreadableFile:
            return None
        if not head.startswith(b"#!") or not _is_shell_input(Command([], 1, ""), head.decode("latin-1")):
            return None
    text = project.try_read_text(rel, "shell script")
    return None if text is None else split_commands(text)


def load_script(project, rel: str) -> list[Command] | None:
    """The commands of a shell script (parsed once), or None when `rel` is no readable shell script."""
    return project.parsed("shell-script", rel, _build_script)


@fact
def shell_commands(project, dockerfiles, ci_configs, makefiles) -> list[SourcedCommand]:
    """Every command of Dockerfile RUNs, CI shell steps, Makefile recipes and shell scripts, with its origin."""
    out: list[SourcedCommand] = []
    for path, dockerfile in dockerfiles.items():
        for stage in dockerfile.stages:
            for run in stage.runs:
                out.extend(SourcedCommand(path, c.line, "dockerfile", c) for c in run.commands())
    for config in ci_configs:
        for step in config.run_steps:
            if step.is_shell:
                out.extend(
                    SourcedCommand(config.path, c.line, "ci", c)
                    for c in split_commands(step.script, step.line, step.env)
                )
    for path, makefile in makefiles.items():
        seen: set[tuple[int, str]] = set()
        for target in makefile.targets.values():
            for recipe in target.recipe:
                if (recipe.line, recipe.text) in seen:  # a recipe shared by several targets
                    continue
                seen.add((recipe.line, recipe.text))
                out.extend(
                    SourcedCommand(path, c.line, "makefile", c) for c in split_commands(recipe.text, recipe.line)
                )
    for rel in project.select(_is_script_candidate):
        commands = load_script(project, rel)
        out.extend(SourcedCommand(rel, c.line, "script", c) for c in commands or ())
    return out


# Fenced code blocks of Markdown documents that hold shell commands: ```bash, ```sh, ```console, ```.bash or none.
FENCE = lazy_pattern(r"^ {0,3}(```+|~~~+)[ \t]*\.?([\w-]*)[^\n]*$", re.MULTILINE)
SHELL_FENCES = frozenset({"", "bash", "sh", "shell", "console", "zsh", "shell-session", "shellsession"})
PROMPT = lazy_pattern(r"^(\s*)(?:\$|>|#\s*\$)\s", re.MULTILINE)
MAX_DOCUMENT_BYTES = 1024 * 1024


def is_documented_page(rel: str) -> bool:
    """The root README and the Markdown pages of a top-level `docs/` folder: where a repository tells users how to
    run it."""
    if "/" not in rel:
        return filekinds.is_markdown_readme(rel)
    return rel.startswith(("docs/", "doc/")) and rel.lower().endswith(".md")


def shell_blocks(text: str) -> Iterator[tuple[int, str]]:
    """(first line, text) of each fenced shell code block of a Markdown text, prompts (`$ `) taken off."""
    opening = None
    for match in FENCE.finditer(text):
        if opening is None:
            opening = match
            continue
        if match.group(1)[0] != opening.group(1)[0] or len(match.group(1)) < len(opening.group(1)):
            continue
        if opening.group(2).lower() in SHELL_FENCES:
            body = text[opening.end() + 1 : match.start()]
            yield text.count("\n", 0, opening.end()) + 2, PROMPT.sub(r"\1", body)
        opening = None


@fact
def documented_commands(project) -> list[SourcedCommand]:
    """The commands of the shell code blocks of the root README and the docs pages (how users are told to run the
    project: `docker run --user ...`, `python train.py ...`)."""
    out: list[SourcedCommand] = []
    for rel in project.select(is_documented_page):
        out.extend(SourcedCommand(rel, c.line, "docs", c) for c in page_commands(project, rel))
    return out


def page_commands(project, rel: str) -> list[Command]:
    """The commands of the fenced shell blocks of a Markdown page (none when it cannot be read)."""
    try:
        text = project.read_text(rel, MAX_DOCUMENT_BYTES)
    except UnreadableFile:
        return []
    if "```" not in text and "~~~" not in text:
        return []
    return [command for line, block in shell_blocks(text) for command in split_commands(block, line)]
