"""Jupyter notebooks (nbformat 4) read once each with the standard library, keeping each cell's line in the file.

The JSON is walked with the C decoder (`raw_decode`) so that every value is decoded exactly once while the
offsets of the cells and of their source lines are remembered: findings in a cell point at the right line of
the `.ipynb`, for SARIF and annotations. Layout details that a rewrite must keep (indentation, line endings,
escaping, the text after the closing brace) are recorded too, for NB001's fix.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from reprocheck import filekinds, ipython
from reprocheck.facts import fact
from reprocheck.facts.shell import Command, parse_install, split_commands
from reprocheck.patterns import lazy_pattern
from reprocheck.project import UnreadableFile, decode_text
from reprocheck.tables import notebooks as notebook_table

# Notebooks with embedded images are often several MiB; above this the file is reported, not parsed.
NOTEBOOK_READ_LIMIT = 32 * 1024 * 1024
_WHITESPACE = lazy_pattern(r"[ \t\n\r]*")
_INDENT = lazy_pattern(r"\n([ \t]+)\S")
_NON_ASCII_ESCAPE = lazy_pattern(r"\\u(?!00[0-7][0-9a-fA-F])[0-9a-fA-F]{4}")
_DECODER = json.JSONDecoder()
LINE_BREAK = lazy_pattern(r"\r\n|\r|\n")  # as Python's tokenizer counts lines
# Shell commands in code cells: `!cmd`, `x = !cmd`, `%%bash` cells, and line magics that run a program.
COMMAND_MAGICS = frozenset({"pip", "conda", "mamba", "micromamba", "uv"})
SHELL_CELL_MAGIC = lazy_pattern(r"^\s*%%(bash|sh|script\s+(ba)?sh|system)\b")
SHELL_ESCAPE = lazy_pattern(r"^\s*(?:[\w.,\s\[\]()*]+=\s*)?!!?(?P<command>.*)$")
LINE_MAGIC = lazy_pattern(r"^\s*%(?P<magic>\w+)\b(?P<rest>.*)$")
PYTHON_EXPANSION = lazy_pattern(r"\{\s*sys\.executable\s*\}|\$\{?sys\.executable\}?")


@dataclass
class Cell:
    """One cell; `index` is 1-based among all cells, `json_line` the file line of its first source line.
    `execution_count` is None for a cell never run, and for a count of 0, which no kernel gives (a tool's
    placeholder for a cleared count)."""

    index: int
    cell_type: str
    source: str
    json_line: int
    execution_count: int | None = None
    outputs: list = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict, repr=False)
    source_json_lines: tuple[int, ...] = ()  # file line of each source line (same order as source.splitlines())
    python: bool = True  # False in a notebook whose kernel runs another language (Julia, R): no IPython escapes

    @property
    def is_code(self) -> bool:
        return self.cell_type == "code"

    @cached_property
    def commands(self) -> list[Command]:
        """Each shell command the cell runs (escapes, `%pip`-style magics, shell cells), lines counted in the cell."""
        if not self.is_code or not self.python:
            return []
        found: list[Command] = []
        for line, script in shell_scripts(self.source):
            found.extend(split_commands(PYTHON_EXPANSION.sub("python", script), first_line=line))
        return found

    def headers(self, line: int) -> list[str]:
        """The header lines of the blocks that the cell's 1-based source line `line` sits in, innermost first (read
        by indentation: cells mix IPython escapes with Python, so they are not parsed as Python)."""
        lines = self.source.splitlines()[: max(line - 1, 0)]
        own = self.source.splitlines()[line - 1] if 0 < line <= len(self.source.splitlines()) else ""
        indent = len(own) - len(own.lstrip())
        found = []
        for text in reversed(lines):
            stripped = text.lstrip()
            if not stripped or stripped.startswith("#") or len(text) - len(stripped) >= indent:
                continue
            indent = len(text) - len(stripped)
            found.append(text)
            if indent == 0:
                break
        return found

    def conditions(self, line: int) -> list[str]:
        """The conditions of the `if`/`elif` blocks that the cell's 1-based source line `line` sits in, innermost
        first."""
        headers = (notebook_table.CONDITION_HEADER.match(text) for text in self.headers(line))
        return [header.group("condition") for header in headers if header]

    def file_line(self, line: int) -> int:
        """The line in the .ipynb of the cell's 1-based source line `line` (the cell's line when unknown)."""
        if 1 <= line <= len(self.source_json_lines):
            return self.source_json_lines[line - 1]
        return self.source_json_lines[-1] if self.source_json_lines else self.json_line


def shell_scripts(source: str) -> list[tuple[int, str]]:
    """(cell line, shell text) of each shell escape, command magic (with its `%`, or without it in a one-line cell:
    IPython's automagic) or shell-cell body of a code cell's source."""
    lines = source.splitlines()
    if not lines:
        return []
    if SHELL_CELL_MAGIC.match(lines[0]):
        return [(2, "\n".join(lines[1:]))]
    automagic = ipython.automagic(source, notebook_table.AUTOMAGICS)
    if automagic is not None:  # `pip install -r requirements.txt` alone in a cell: IPython runs it as `%pip`
        line, magic, rest = automagic
        return [(line, magic + rest)] if magic in COMMAND_MAGICS else []
    out = []
    kinds = ipython.escape_lines(lines, lambda line: bool(SHELL_ESCAPE.match(line) or LINE_MAGIC.match(line)))
    for number, kind in enumerate(kinds):
        if kind != ipython.ESCAPE:  # Python (a `%` or `!` continuing a Python line is an operator) or joined below
            continue
        text = lines[number]
        start = number + 1
        following = number + 1
        while text.endswith("\\") and following < len(lines):  # IPython joins continued escape lines
            text = text[:-1] + " " + lines[following].strip()
            following += 1
        escape = SHELL_ESCAPE.match(text)
        magic = LINE_MAGIC.match(text)
        if escape:
            out.append((start, escape.group("command")))
        elif magic and magic.group("magic") in COMMAND_MAGICS:
            out.append((start, magic.group("magic") + magic.group("rest")))
    return out


@dataclass(frozen=True)
class Clone:
    """A `git clone` run from a cell: where, and the repository's URL (None when not given)."""

    cell: int
    line: int
    url: str | None

    @property
    def repository(self) -> str | None:
        """The cloned repository's name (`https://github.com/org/latent-diffusion.git` -> `latent-diffusion`)."""
        match = notebook_table.CLONE_NAME.search(self.url) if self.url else None
        return match.group(1) if match else None

    def precedes(self, cell: int, line: int) -> bool:
        return (self.cell, self.line) < (cell, line)


@dataclass
class Notebook:
    """A parsed nbformat 4 notebook and the layout a faithful rewrite needs."""

    path: str
    cells: list[Cell]
    nbformat: int
    nbformat_minor: int | None
    raw: dict
    indent: str | None  # the indentation unit (" ", "  ", "\t"), None for a single-line file
    separators: tuple[str, str] = (",", ": ")  # json.dumps separators (item, key) as the file writes them
    newline: str = "\n"  # "\r\n" when the file uses CRLF
    ensure_ascii: bool = False  # non-ASCII characters were written as \\u escapes
    trailer: str = ""  # whatever followed the closing brace (usually "\n")
    bom: bool = False
    utf8: bool = True  # False when the bytes were not UTF-8 (decoded as Latin-1): never rewritten
    line_count: int = 0  # lines of the file as str.splitlines counts them (a whole-file edit ends after it)

    @property
    def code_cells(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.is_code]

    @property
    def metadata(self) -> dict:
        value = self.raw.get("metadata")
        return value if isinstance(value, dict) else {}

    @property
    def language(self) -> str | None:
        """The language the notebook's kernel runs, lower-cased, as its metadata says (`kernelspec.language`,
        `language_info.name`, else the kernel's name without its version: `julia-1.5` -> `julia`); None when unsaid."""
        return notebook_language(self.metadata)

    @property
    def python(self) -> bool:
        """Whether the cells are (I)Python: the metadata names a Python kernel, or no language at all. The cells of a
        notebook in another language (Julia, R) are never read as Python."""
        return is_python_language(self.language)

    @property
    def output_size(self) -> int:
        """Characters the cells' outputs and attachments take (about what stripping outputs would save)."""
        kept = [part for cell in self.cells for part in (cell.outputs, cell.raw.get("attachments")) if part]
        return sum(len(json.dumps(part)) for part in kept)

    @cached_property
    def clones(self) -> list[Clone]:
        """Each `git clone` the notebook runs, in order."""
        found = []
        for cell in self.code_cells:
            if "clone" not in cell.source:
                continue
            for command in cell.commands:
                if command.argv[:2] == ["git", "clone"]:
                    url = next((arg for arg in command.argv[2:] if "/" in arg and not arg.startswith("-")), None)
                    found.append(Clone(cell.index, command.line, url))
        return found

    def flag_off(self, name: str) -> bool:
        """Whether the notebook sets `name` only to False (an opt-in switch such as `INSTALL = False`)."""
        if not name.isidentifier():
            return False
        off = re.compile(notebook_table.FLAG_OFF.format(name=name), re.MULTILINE)
        assigned = re.compile(notebook_table.FLAG_ASSIGNED.format(name=name), re.MULTILINE)
        sources = [cell.source for cell in self.code_cells if name in cell.source]
        offs = sum(len(off.findall(source)) for source in sources)
        return offs > 0 and offs == sum(len(assigned.findall(source)) for source in sources)

    def dumps(self, data: dict | None = None) -> str:
        """Serialise `data` (default: `raw`) in this file's own layout, so an unchanged notebook round-trips."""
        text = json.dumps(
            self.raw if data is None else data,
            indent=self.indent,
            ensure_ascii=self.ensure_ascii,
            separators=self.separators,
        )
        if self.newline != "\n":
            text = text.replace("\n", self.newline)  # JSON strings never hold a raw newline
        return ("\ufeff" if self.bom else "") + text + self.trailer


class NotebookError(ValueError):
    """The file is JSON but not an nbformat 4 notebook; carries an optional offset for the position."""

    def __init__(self, message: str, offset: int | None = None):
        super().__init__(message)
        self.offset = offset


class _Walker:
    """Decodes a JSON document while noting the offsets of the notebook's cells and source lines."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.separators: list[str] = []  # the first key-value and item separators seen, as written

    def line_at(self, offset: int) -> int:
        return bisect_right(self.newlines, offset - 1) + 1

    def skip_ws(self) -> None:
        self.pos = _WHITESPACE.match(self.text, self.pos).end()

    def peek(self) -> str:
        self.skip_ws()
        return self.text[self.pos : self.pos + 1]

    def expect(self, char: str, what: str) -> None:
        if self.peek() != char:
            raise json.JSONDecodeError(f"Expecting {what}", self.text, self.pos)
        self.pos += 1

    def value(self) -> Any:
        self.skip_ws()
        result, self.pos = _DECODER.raw_decode(self.text, self.pos)
        return result

    def members(self):
        """Yield each key of the object at the cursor; the caller consumes the value before resuming."""
        self.expect("{", "'{'")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            if self.peek() != '"':
                raise json.JSONDecodeError("Expecting property name enclosed in double quotes", self.text, self.pos)
            key = self.value()
            key_end = self.pos
            self.expect(":", "':' delimiter")
            if not self.separators:
                self.separators.append(self.text[key_end : _WHITESPACE.match(self.text, self.pos).end()])
            yield key
            value_end = self.pos
            if self.peek() == ",":
                self.pos += 1
                if len(self.separators) == 1:
                    self.separators.append(self.text[value_end : _WHITESPACE.match(self.text, self.pos).end()])
                continue
            self.expect("}", "',' delimiter")
            return

    def items(self):
        """Yield once per element of the array at the cursor (the caller consumes the element)."""
        self.expect("[", "'['")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            self.skip_ws()
            yield self.pos
            if self.peek() == ",":
                self.pos += 1
                continue
            self.expect("]", "',' delimiter")
            return

    # -- the notebook's shape ---------------------------------------------------------------------
    def document(self) -> tuple[dict, list[tuple[int, list[int]]]]:
        """The whole document, plus (cell offset, source-element offsets) for each cell."""
        if self.peek() != "{":
            data = self.value()
            raise NotebookError(f"top-level JSON value is {type(data).__name__}, not an object")
        data: dict = {}
        positions: list[tuple[int, list[int]]] = []
        for key in self.members():
            if key == "cells" and self.peek() == "[":
                positions = []
                data[key] = self.cells(positions)
            else:
                data[key] = self.value()
        self.skip_ws()
        if self.pos != len(self.text):
            raise json.JSONDecodeError("Extra data", self.text, self.pos)
        return data, positions

    def cells(self, positions: list[tuple[int, list[int]]]) -> list:
        cells = []
        for start in self.items():
            if self.peek() != "{":
                cells.append(self.value())
                positions.append((start, []))
                continue
            cell: dict = {}
            offsets: list[int] = []
            for key in self.members():
                if key == "source" and self.peek() == "[":
                    offsets = []
                    cell[key] = []
                    for element in self.items():
                        offsets.append(element)
                        cell[key].append(self.value())
                elif key == "source":
                    self.skip_ws()
                    offsets = [self.pos]
                    cell[key] = self.value()
                else:
                    cell[key] = self.value()
            cells.append(cell)
            positions.append((start, offsets))
        return cells


KERNEL_VERSION = lazy_pattern(r"[-_ ]?v?\d+(?:\.\d+)*$")
# The languages of Python kernels: ipykernel's `python`, Python 2's kernels, PySpark's and PyPy's.
PYTHON_LANGUAGE = lazy_pattern(r"^(?:i?python|py(?:spark|py))\d*$|python")


def notebook_language(metadata: dict) -> str | None:
    """The language of the notebook's kernel (see `Notebook.language`): `kernelspec.language`, `language_info.name`,
    or a well-known kernel of another language by its name (`julia-1.5`, `ir`); None when unsaid (a kernel named for
    a Python environment, `dldiy`, says no language)."""
    kernelspec = metadata.get("kernelspec")
    kernelspec = kernelspec if isinstance(kernelspec, dict) else {}
    info = metadata.get("language_info")
    info = info if isinstance(info, dict) else {}
    for value in (kernelspec.get("language"), info.get("name")):
        if isinstance(value, str) and value.strip():
            return value.strip().lower()
    name = kernelspec.get("name")
    if isinstance(name, str):
        return notebook_table.OTHER_KERNELS.get(KERNEL_VERSION.sub("", name.strip().lower()))
    return None


def is_python_language(language: str | None) -> bool:
    """Whether a kernel language (see `notebook_language`) is Python; a notebook that says none is taken for one."""
    return language is None or PYTHON_LANGUAGE.search(language) is not None


def parse_notebook(path: str, text: str) -> Notebook:
    """Parse nbformat 4 JSON; raises json.JSONDecodeError or NotebookError."""
    walker = _Walker(text)
    data, positions = walker.document()
    version = data.get("nbformat")
    if not isinstance(version, int) or isinstance(version, bool):
        raise NotebookError("no integer `nbformat` key: not a Jupyter notebook")
    if version != 4:
        raise NotebookError(f"nbformat {version} is not supported; convert it with `jupyter nbconvert --to notebook`")
    raw_cells = data.get("cells")
    if not isinstance(raw_cells, list):
        raise NotebookError("`cells` is missing or not a list")
    cells = []
    for number, (raw, (start, offsets)) in enumerate(zip(raw_cells, positions, strict=True), start=1):
        cells.append(build_cell(number, raw, start, offsets, walker))
    metadata = data.get("metadata")
    if not is_python_language(notebook_language(metadata if isinstance(metadata, dict) else {})):
        for cell in cells:
            cell.python = False
    minor = data.get("nbformat_minor")
    indent_match = _INDENT.search(text)
    return Notebook(
        path=path,
        cells=cells,
        nbformat=version,
        nbformat_minor=minor if isinstance(minor, int) else None,
        raw=data,
        indent=indent_match.group(1) if indent_match else None,
        separators=layout_separators(walker.separators, indent_match is not None),
        newline="\r\n" if "\r\n" in text else "\n",
        ensure_ascii=text.isascii() and bool(_NON_ASCII_ESCAPE.search(text)),
        trailer=text[len(text.rstrip(" \t\r\n")) :],
        line_count=len(text.splitlines()),
    )


def layout_separators(seen: list[str], indented: bool) -> tuple[str, str]:
    """json.dumps separators matching the file: `": "` or `":"` after keys, `", "` or `","` between items."""
    colon = ":" if seen and seen[0] == ":" else ": "
    compact_items = indented or len(seen) < 2 or seen[1] == ","
    return ("," if compact_items else ", "), colon


def build_cell(number: int, raw: Any, start: int, offsets: list[int], walker: _Walker) -> Cell:
    if not isinstance(raw, dict):
        raise NotebookError(f"cell {number} is not an object", start)
    cell_type = raw.get("cell_type")
    if not isinstance(cell_type, str):
        raise NotebookError(f"cell {number} has no `cell_type`", start)
    source = raw.get("source", "")
    if isinstance(source, list) and all(isinstance(part, str) for part in source):
        parts = source
    elif isinstance(source, str):
        parts = [source]
    else:
        raise NotebookError(f"cell {number}: `source` is neither a string nor a list of strings", start)
    text = "".join(parts)
    lines = source_lines(parts, offsets, walker) if len(offsets) == len(parts) else []
    count = raw.get("execution_count")
    outputs = raw.get("outputs")
    metadata = raw.get("metadata")
    return Cell(
        index=number,
        cell_type=cell_type,
        source=text,
        json_line=lines[0] if lines else walker.line_at(offsets[0] if offsets else start),
        # no kernel numbers a run 0 (IPython counts from 1): a 0 is a tool's placeholder for a cleared count
        execution_count=count if isinstance(count, int) and not isinstance(count, bool) and count > 0 else None,
        outputs=outputs if isinstance(outputs, list) else [],
        metadata=metadata if isinstance(metadata, dict) else {},
        raw=raw,
        source_json_lines=tuple(lines),
    )


def source_lines(parts: list[str], offsets: list[int], walker: _Walker) -> list[int]:
    """The file line of each line of the joined source (a line belongs to the element it starts in)."""
    starts, total = [], 0
    for part in parts:
        starts.append(total)
        total += len(part)
    text = "".join(parts)
    line_starts = [0] + [m.end() for m in LINE_BREAK.finditer(text) if m.end() < len(text)]
    if not text:
        return []
    return [walker.line_at(offsets[bisect_right(starts, at) - 1]) for at in line_starts]


def _build(project, rel: str) -> Notebook | None:
    try:
        data = project.read_bytes(rel, NOTEBOOK_READ_LIMIT)
        text = decode_text(data)
    except UnreadableFile as error:
        project.problem(rel, f"cannot read notebook: {error}")
        return None
    try:
        notebook = parse_notebook(rel, text)
    except json.JSONDecodeError as error:
        project.problem(rel, f"invalid notebook JSON: {error.msg}", error.lineno, error.colno)
        return None
    except NotebookError as error:
        line = text.count("\n", 0, error.offset) + 1 if error.offset is not None else None
        project.problem(rel, f"invalid notebook: {error}", line)
        return None
    except (RecursionError, ValueError) as error:
        project.problem(rel, f"invalid notebook JSON: {error}")
        return None
    notebook.bom = data.startswith(b"\xef\xbb\xbf")
    notebook.utf8 = is_utf8(data)
    return notebook


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def load_notebook(project, rel: str) -> Notebook | None:
    """The parsed notebook, or None (with an RPC002 problem recorded) when unreadable or not nbformat 4."""
    return project.parsed("notebook", rel, _build)


@fact
def notebooks(project) -> dict[str, Notebook]:
    """Every listed `.ipynb` (checkpoints excluded) that parses, by path."""
    found = {}
    for rel in project.select(filekinds.is_notebook):
        notebook = load_notebook(project, rel)
        if notebook is not None:
            found[rel] = notebook
    return found


# -- the project's declared policy on outputs (NB001) -------------------------------------------------------
@dataclass(frozen=True)
class StripPolicy:
    """Where the repository declares that its notebooks are committed without outputs."""

    how: str  # "an nbstripout pre-commit hook"
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.how}, {self.path}:{self.line}"


def hook_policy(precommit_config) -> StripPolicy | None:
    for _, hook in precommit_config.hooks() if precommit_config is not None else []:
        command = " ".join([hook.entry or "", *hook.args])
        if hook.id in notebook_table.STRIP_HOOK_IDS or notebook_table.STRIP_COMMAND.search(command):
            return StripPolicy(f"a `{hook.id}` pre-commit hook", precommit_config.path, hook.line)
    return None


def attributes_policy(project) -> StripPolicy | None:
    """A `.gitattributes` line that routes notebooks through a clean filter (`*.ipynb filter=nbstripout`)."""
    for rel in sorted(project.named(".gitattributes")):
        text = project.try_read_text(rel, ".gitattributes") or ""
        for number, line in enumerate(text.splitlines(), start=1):
            fields = line.split()
            if len(fields) < 2 or fields[0].startswith("#") or not notebook_pattern(fields[0]):
                continue
            filters = [f.partition("=")[2] for f in fields[1:] if f.startswith("filter=")]
            if filters and filters[-1] not in notebook_table.NON_STRIP_FILTERS:
                return StripPolicy(f"the git filter `{filters[-1]}` on notebooks", rel, number)
    return None


def notebook_pattern(pattern: str) -> bool:
    return "ipynb" in pattern or pattern.rsplit("/", 1)[-1] in ("*", "**")


def config_policy(pyproject) -> StripPolicy | None:
    tools = (pyproject or {}).get("tool")
    for name in notebook_table.STRIP_CONFIG_TABLES:
        if isinstance(tools, dict) and name in tools:
            return StripPolicy(f"a `[tool.{name}]` configuration", "pyproject.toml", 1)
    return None


def ci_policy(ci_configs) -> StripPolicy | None:
    """A CI step that strips notebooks or checks that they are stripped (`nbstripout --verify`); installing the
    tool is not running it."""
    for config in ci_configs:
        for step in config.run_steps:
            if not notebook_table.STRIP_COMMAND.search(step.script):
                continue
            for command in split_commands(step.script, first_line=step.line):
                found = notebook_table.STRIP_COMMAND.search(command.text)
                if found and parse_install(command) is None:
                    return StripPolicy(f"a CI step that runs `{found.group(0)}`", config.path, command.line)
    return None


@fact
def notebook_strip_policy(project, precommit_config, ci_configs, pyproject) -> StripPolicy | None:
    """Where the project declares that notebooks are committed stripped, or None when it does not."""
    return (
        hook_policy(precommit_config) or attributes_policy(project) or config_policy(pyproject) or ci_policy(ci_configs)
    )
