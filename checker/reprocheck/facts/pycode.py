"""Python source read and parsed at most once per file, lazily, with imports resolved to qualified names.

`python_modules` lists every Python file as a :class:`PyModule` without reading it; the text, the AST and the
imports are built on first access, so a rule that pre-filters on the text (`module.mentions("torch")`) never
pays for a parse. Notebook code cells become modules too (`notebook_modules`), with IPython magics and shell
escapes blanked so that lines stay aligned with the cell. Names bound by imports resolve to dotted qualified
names (`np.random.seed` -> `numpy.random.seed`) through :meth:`PyModule.qualname`.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import os
import posixpath
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from functools import cached_property, partial

from reprocheck import filekinds, ipython
from reprocheck.facts import fact
from reprocheck.filecache import MISSING
from reprocheck.patterns import lazy_pattern
from reprocheck.tables import notebooks as NB

LINE_BREAK = lazy_pattern(r"\r\n|\r|\n")  # as Python's tokenizer counts lines
IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
# Cell magics whose body is still Python; any other `%%magic` cell (bash, html, writefile, ...) is not Python.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "px"})
SHELL_ASSIGNMENT = lazy_pattern(r"^\s*[\w.,\s\[\]()*]+=\s*[!%]")
HELP_LINE = lazy_pattern(r"^\s*(\?{1,2}[\w.*]+|[\w.*\[\]()]+\?{1,2})\s*$")  # `x?`, `??x`, `np.*load*?`


# Imports are read without a parse when a line scan is exact (see `scan_imports`); REPROCHECK_PARSE_ALL=1 turns
# that off, so tests can prove both ways report the same.
SCAN_IMPORTS = os.environ.get("REPROCHECK_PARSE_ALL") != "1"
IMPORT_LINE = lazy_pattern(r"([ \t]*)(?:import|from)\b")  # matched at the start of a line
TRIPLE_QUOTES = ('"""', "'''")
STRINGS_AND_COMMENTS = lazy_pattern(
    r"#[^\n]*"
    r'|"""(?:\\.|[^\\])*?"""'
    r"|'''(?:\\.|[^\\])*?'''"
    r'|"(?:\\.|[^"\\\n])*"'
    r"|'(?:\\.|[^'\\\n])*'",
    re.S,
)
DOTTED = lazy_pattern(r"[^\W\d]\w*(?:\.[^\W\d]\w*)*")
IDENTIFIER = lazy_pattern(r"[^\W\d]\w*|\*")


def scan_imports(text: str) -> list[tuple[int, str | None, int, tuple[str, ...]]] | None:
    """Import statements as (line, module, level, names) found line by line, or None when only a parse is exact.

    Exact for the common shape of a module: every import at the top level (column 0, so never inside try,
    `if TYPE_CHECKING` or a function), none inside a triple-quoted string, no `;`. Anything else returns None
    and the caller parses the file. `module` is None for `import a, b` (then `names` holds the modules).
    """
    if "\r" in text:
        return None
    starts = import_lines(text)
    if not starts:
        return []
    if any(match.group(1) for match in starts):
        return None
    strings = []
    if any(quote in text for quote in TRIPLE_QUOTES):
        last = starts[-1].start()
        for m in STRINGS_AND_COMMENTS.finditer(text):  # tokens in order: none past the last import matters
            if m.start() > last:
                break
            if m.group().startswith(TRIPLE_QUOTES):
                strings.append((m.start(), m.end()))
    found = []
    line, position = 1, 0
    string_index = 0  # both lists are in text order: walk them together
    for match in starts:
        start = match.start()
        while string_index < len(strings) and strings[string_index][1] <= start:
            string_index += 1
        if string_index < len(strings) and strings[string_index][0] < start:
            continue  # inside a triple-quoted string
        if text[max(0, start - 2) : start] == "\\\n":
            return None  # `from a \` + `import b` continues a statement (or ends a comment): only a parse knows
        line += text.count("\n", position, start)
        position = start
        end = text.find("\n", start)
        statement = text[start:end] if end >= 0 else text[start:]
        if "(" in statement or "#" in statement or statement.endswith("\\"):
            statement = logical_line(text, start)  # parentheses, a comment or a continuation: join the lines
        if statement is None or ";" in statement:
            return None
        parsed = parse_import_statement(statement)
        if parsed is None:
            return None
        found.append((line, *parsed))
    return found


def scanned_imports(text: str) -> list[tuple[int, str | None, int, tuple[str, ...]]] | None:
    """:func:`scan_imports` as kept between runs (lists as JSON gives them back; names made tuples again)."""
    if not text:
        return []
    found = scan_imports(text)
    return None if found is None else [[line, module, level, list(names)] for line, module, level, names in found]


def import_lines(text: str) -> list[re.Match]:
    """Lines that start with `import` or `from` (after blanks) and contain the word import: every import
    statement's first line, except a `from x \\` continued onto an `import` line, which is found there.

    Jumping between occurrences of "import" with str.find is several times faster than a multi-line regex,
    which tries every position of the text.
    """
    found = []
    last_line = -1
    position = text.find("import")
    while position >= 0:
        line_start = text.rfind("\n", 0, position) + 1
        if line_start != last_line:
            last_line = line_start
            match = IMPORT_LINE.match(text, line_start) or continued_from(text, line_start)
            if match is not None and (not found or found[-1].start() != match.start()):
                found.append(match)
        line_end = text.find("\n", position)
        if line_end < 0:
            break
        position = text.find("import", line_end)
    return found


def continued_from(text: str, line_start: int) -> re.Match | None:
    """The `from` line a backslash-continued statement started on (`from sklearn\\` then `.model_selection import
    x`), when the line at `line_start` continues one."""
    start = line_start
    while start > 0 and text[: start - 1].rstrip(" \t").endswith("\\"):
        start = text.rfind("\n", 0, start - 1) + 1
    if start == line_start:
        return None
    match = IMPORT_LINE.match(text, start)
    return match if match is not None and text[match.end() - 4 : match.end()] == "from" else None


def logical_line(text: str, start: int) -> str | None:
    """The statement starting at `start`: lines joined while parentheses are open or a line ends in a backslash."""
    depth, out, index = 0, [], start
    while index < len(text):
        end = text.find("\n", index)
        end = len(text) if end < 0 else end
        piece = text[index:end].split("#", 1)[0].rstrip()
        depth += piece.count("(") - piece.count(")")
        continued = piece.endswith("\\")
        out.append(piece.rstrip("\\"))
        index = end + 1
        if depth < 0:
            return None
        if depth == 0 and not continued:
            return " ".join(out)
    return None if depth else " ".join(out)


@functools.lru_cache(maxsize=8192)  # the same statements recur across a repository (`import numpy as np`)
def parse_import_statement(statement: str) -> tuple[str | None, int, tuple[str, ...]] | None:
    """(module, level, names) of one `import ...` / `from ... import ...` statement; None if not plainly one."""
    words = statement.replace("(", " ").replace(")", " ").replace(",", " , ").split()
    if not statement.isascii():  # Python reads identifiers NFKC-normalised (fraktur U is U)
        words = [word if word.isascii() else unicodedata.normalize("NFKC", word) for word in words]
    if words[0] == "import":
        names = []
        for entry in " ".join(words[1:]).split(","):
            parts = entry.split()
            if not parts or not DOTTED.fullmatch(parts[0]) or not plain_alias(parts):
                return None
            names.append(parts[0])
        return None, 0, tuple(names)
    if len(words) < 4 or words[0] != "from" or "import" not in words:
        return None
    cut = words.index("import")
    source = "".join(words[1:cut])
    level = len(source) - len(source.lstrip("."))
    module = source[level:]
    if (module and not DOTTED.fullmatch(module)) or (not module and not level):
        return None
    names = []
    for entry in " ".join(words[cut + 1 :]).split(","):
        parts = entry.split()
        if not parts or not IDENTIFIER.fullmatch(parts[0]) or not plain_alias(parts):
            return None
        names.append(parts[0])
    return module, level, tuple(names)


def plain_alias(parts: list[str]) -> bool:
    """`name` or `name as alias`."""
    return len(parts) == 1 or (len(parts) == 3 and parts[1] == "as" and IDENTIFIER.fullmatch(parts[2]) is not None)


@dataclass(frozen=True)
class Import:
    """One imported module. `module` is absolute (relative imports resolved when the package is known; `level`
    keeps the number of leading dots). `names` are the names taken by `from m import a, b` (empty for `import m`).
    `optional` marks imports guarded by `try/except ImportError` or `if TYPE_CHECKING:`."""

    module: str
    line: int
    column: int
    level: int = 0
    names: tuple[str, ...] = ()
    optional: bool = False


class PyModule:
    """One Python source (a file, or one notebook code cell): text, tree, imports and name bindings, lazily."""

    def __init__(
        self,
        project,
        path: str,
        module_name: str | None,
        text: str | None = None,
        *,
        cell: int | None = None,
        line_map=None,
        previous: PyModule | None = None,
        import_names: tuple[str, ...] = (),
    ):
        self.project = project
        self.path = path
        self.module_name = module_name
        self.import_names = import_names or ((module_name,) if module_name else ())  # canonical name first
        self.cell = cell  # 1-based cell index (among all cells) for notebook cells
        self._line_map = line_map  # cell line -> file line, for notebook cells
        self._previous = previous  # the notebook's previous code cell: its imports are in scope here
        self.readable = True
        self._mentions: dict[tuple[str, ...], bool] = {}
        if text is not None:
            self.__dict__["text"] = text

    def __repr__(self) -> str:
        where = f"{self.path} cell {self.cell}" if self.cell else self.path
        return f"PyModule({where!r}, {self.module_name!r})"

    # -- what it is -------------------------------------------------------------------------------
    @property
    def is_package(self) -> bool:
        return posixpath.basename(self.path) == "__init__.py"

    @property
    def is_notebook_cell(self) -> bool:
        return self.cell is not None

    @property
    def package(self) -> str | None:
        """The package relative imports start from (None when unknown)."""
        if not self.module_name:
            return None
        return self.module_name if self.is_package else self.module_name.rpartition(".")[0]

    def file_line(self, line: int) -> int:
        """The line in the file on disk of this source's 1-based `line` (differs for notebook cells)."""
        return self._line_map(line) if self._line_map is not None else line

    # -- text and tree ----------------------------------------------------------------------------
    @cached_property
    def text(self) -> str:
        """The source text ('' when unreadable; an RPC002 problem is then recorded)."""
        text = self.project.try_read_text(self.path, "Python file")
        self.readable = text is not None
        return text if text is not None else ""

    def mentions(self, *words: str) -> bool:
        """Cheap pre-filter: does the text contain any of `words`? (Remembered: several rules ask the same.)"""
        known = self._mentions.get(words)
        if known is None:
            project = self.project
            cache = getattr(project, "file_cache", None) if self.cell is None and project is not None else None
            if cache is not None:  # a file: its answer is kept between runs (Project.remembered, inlined: the
                # rules ask this 70,000 times on 10,000 files, and a one-file edit answers all but one from here)
                query = mentions_query(words)
                answers = cache.answers_of.get(self.path)
                known = answers.get(query, MISSING) if answers is not None else cache.get(self.path, query)
                if known is MISSING:
                    known = self._has(words)
                    cache.put(self.path, query, known, partial(project.kept_bytes, self.path))
            else:
                known = self._has(words)
            self._mentions[words] = known
        return known

    def _has(self, words: tuple[str, ...]) -> bool:
        text = self.text
        return any(word in text for word in fewest_words(words))

    def remembered(self, query: str, compute):
        """`compute(text)` for this source (JSON data), kept between runs for a file (see Project.remembered)."""
        if self.cell is not None or self.project is None:
            return compute(self.text)
        cache = getattr(self.project, "file_cache", None)
        answers = cache.answers_of.get(self.path) if cache is not None else None
        if answers is not None:  # a kept answer, without Project.remembered's call (asked of every module)
            value = answers.get(query, MISSING)
            if value is not MISSING:
                return value
        return self.project.remembered(query, self.path, lambda: compute(self.text))

    @cached_property
    def tree(self) -> ast.Module | None:
        """The AST, or None when the source does not parse (an RPC002 problem is recorded)."""
        text = self.text
        if not self.readable:
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes and the like
                if self.cell is not None:  # IPython runs top-level `await` in cells
                    return cell_tree(text, self.path)
                return ast.parse(text, filename=self.path)
        except SyntaxError as error:
            line = error.lineno
            where = f"cell {self.cell}, line {line}: " if self.cell and line else ""
            file_line = self.file_line(line) if line else None
            older = older_grammar_tree(text, self.path) if self.cell is None else None
            if older is not None:
                # `x.cuda(async=True)`: valid before Python 3.7 made async and await keywords (RPC002 reports it
                # only where the project pins a Python that no longer reads it)
                message = f"{OLD_GRAMMAR_PROBLEM}{error.msg}"
                self.project.problem(self.path, message, file_line, error.offset)
                return older
            self.project.problem(self.path, f"invalid Python: {where}{error.msg}", file_line, error.offset)
        except (ValueError, RecursionError, MemoryError) as error:
            where = f"cell {self.cell}: " if self.cell else ""
            self.project.problem(self.path, f"cannot parse Python: {where}{error}")
        return None

    # -- imports and names ------------------------------------------------------------------------
    def import_statements(self) -> list[tuple[str, int, tuple[str, ...]]]:
        """(module, level, names) of each item of :attr:`imports`, in its order, without building the items when
        the kept line scan gives them (the self-test search asks this of every module of the project)."""
        if "imports" not in self.__dict__ and SCAN_IMPORTS and self.cell is None and self._previous is None:
            scanned = self.remembered("imports", scanned_imports)
            if scanned is not None:
                found: list[tuple[str, int, tuple[str, ...]]] = []
                for _, module, level, names in scanned:
                    if module is None and level == 0:
                        found.extend((name, 0, ()) for name in names)
                    else:
                        found.append((self.resolve_relative(module or None, level), level, tuple(names)))
                return found
        return [(item.module, item.level, item.names) for item in self.imports]

    @cached_property
    def imports(self) -> list[Import]:
        """Every import with its line; read by a line scan when that is exact, else from the AST."""
        if SCAN_IMPORTS and self.cell is None and self._previous is None:
            scanned = self.remembered("imports", scanned_imports)
            if scanned is not None:
                found: list[Import] = []
                for line, module, level, names in scanned:
                    names = tuple(names)
                    if module is None and level == 0:
                        found.extend(Import(name, line, 1) for name in names)
                    else:
                        found.append(Import(self.resolve_relative(module or None, level), line, 1, level, names))
                return found
        tree = self.tree
        if tree is None:
            return []
        found: list[Import] = []
        for node, optional in walk_imports(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found.append(Import(alias.name, node.lineno, node.col_offset + 1, 0, (), optional))
            else:
                module = self.resolve_relative(node.module, node.level)
                names = tuple(alias.name for alias in node.names)
                found.append(Import(module, node.lineno, node.col_offset + 1, node.level, names, optional))
        return found

    def resolve_relative(self, module: str | None, level: int) -> str:
        """The absolute dotted name of `from <level dots><module> import ...` (as written when unresolvable)."""
        if level == 0:
            return module or ""
        package = self.package
        if package is None:
            return module or ""
        parts = package.split(".") if package else []
        if level - 1 > len(parts) or (level - 1 == len(parts) and not module):
            return module or ""
        base = parts[: len(parts) - (level - 1)]
        return ".".join([*base, module] if module else base)

    @cached_property
    def bindings(self) -> dict[str, str]:
        """Local name -> qualified name for every name an import binds (module level and inside functions).

        `import numpy as np` binds np -> numpy; `from numpy import random as npr` binds npr -> numpy.random;
        `from .utils import seed_all` in package `pkg` binds seed_all -> pkg.utils.seed_all. Notebook cells
        also see the names bound by earlier cells.
        """
        names: dict[str, str] = dict(self._previous.bindings) if self._previous is not None else {}
        tree = self.tree
        if tree is None:
            return names
        for node, _optional in walk_imports(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        names[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        names[top] = top
            else:
                module = self.resolve_relative(node.module, node.level)
                for alias in node.names:
                    if alias.name == "*":
                        continue
                    qualified = f"{module}.{alias.name}" if module else alias.name
                    names[alias.asname or alias.name] = qualified
        return names

    @cached_property
    def star_imports(self) -> tuple[str, ...]:
        """Modules whose names `from m import *` binds here, the latest first (earlier notebook cells' too)."""
        own = tuple(item.module for item in reversed(self.imports) if item.names == ("*",) and item.module)
        return own + (self._previous.star_imports if self._previous is not None else ())

    def qualname(self, node: ast.AST) -> str | None:
        """The qualified dotted name of a Name/Attribute chain rooted in an imported name, else None.

        `np.random.seed` -> "numpy.random.seed" after `import numpy as np`; a local variable gives None.
        """
        attrs: list[str] = []
        while isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        base = self.bindings.get(node.id)
        if base is None:
            return None
        return ".".join([base, *reversed(attrs)])

    def imported_modules(self) -> set[str]:
        return {item.module for item in self.imports if item.module}


@functools.cache
def mentions_query(words: tuple[str, ...]) -> str:
    """The per-file cache's name of the question "does the text mention one of `words`"."""
    return "mentions " + "|".join(words)


@functools.cache
def fewest_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """`words` without those containing another of them: `hub` found means `hf_hub` need not be searched for."""
    return tuple(w for w in words if not any(other != w and other in w for other in words))


def walk_imports(tree: ast.AST) -> list[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement in source order, with whether it is optional (guarded by try/except ImportError
    or `if TYPE_CHECKING:`)."""
    found: list[tuple[ast.Import | ast.ImportFrom, bool]] = []
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, optional = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append((node, optional))
            continue
        if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            guarded = optional or any(catches_import_error(h) for h in node.handlers)
            for child in node.body:
                stack.append((child, guarded))
            for child in [*node.handlers, *node.orelse, *node.finalbody]:
                stack.append((child, optional))
            continue
        if isinstance(node, ast.If) and is_type_checking(node.test):
            for child in node.body:
                stack.append((child, True))
            for child in node.orelse:
                stack.append((child, optional))
            continue
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
                stack.append((child, optional))
    found.sort(key=lambda item: (item[0].lineno, item[0].col_offset))
    return found


def catches_import_error(handler: ast.excepthandler) -> bool:
    if handler.type is None:
        return True
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    names = [k.id if isinstance(k, ast.Name) else k.attr if isinstance(k, ast.Attribute) else "" for k in kinds]
    return any(name in IMPORT_ERRORS for name in names)


def is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


# -- module names ---------------------------------------------------------------------------------
def package_dirs(project) -> frozenset[str]:
    """Directories holding an `__init__.py` (regular packages), computed once per run."""
    return project.parsed("python-packages", "", _package_dirs)


def _package_dirs(project, _rel: str) -> frozenset[str]:
    return frozenset(posixpath.dirname(f) for f in project.files if posixpath.basename(f) == "__init__.py" and "/" in f)


def module_names(path: str, packages: frozenset[str]) -> list[str]:
    """Dotted names this file can be imported as: the canonical one first, then alternatives.

    Inside a regular package the name runs from the topmost package (`checker/reprocheck/cli.py` ->
    `reprocheck.cli`, `src/pkg/a.py` -> `pkg.a`); outside packages it is the path from the root (`scripts/x.py`
    -> `scripts.x`, importable as a namespace package), and from after `src/` when there is one.
    """
    directory, base = posixpath.split(path)
    stem = base[: -len(".py")] if base.endswith(".py") else base
    if directory in packages:
        top = directory
        while posixpath.dirname(top) in packages and posixpath.dirname(top):
            top = posixpath.dirname(top)
        start = posixpath.dirname(top)
        rel = path[len(start) + 1 :] if start else path
        candidates = [_dotted(rel)]
        candidates.append(_dotted(path))
    else:
        candidates = []
        segments = path.split("/")
        if "src" in segments[:-1]:
            index = len(segments) - 1 - segments[:-1][::-1].index("src") - 1
            candidates.append(_dotted("/".join(segments[index + 1 :])))
        candidates.append(_dotted(path))
        if directory:
            candidates.append(stem if stem.isidentifier() else None)  # a sibling import from a script folder
    result: list[str] = []
    for name in candidates:
        if name and name not in result:
            result.append(name)
    return result


def namespace_names(path: str, packages: frozenset[str]) -> list[str]:
    """Names the file also imports as under the folders above it, which import as namespace packages, nearest
    first: a script that puts `apps/chat/` on `sys.path` imports `apps/chat/utils/data/builder.py` (in a package
    in a folder without `__init__.py`) as `utils.data.builder`. Stops at the first folder that is not an
    identifier. Only for resolving imports: these names do not make the folders' names first-party."""
    directory, base = posixpath.split(path)
    name: str | None = base[: -len(".py")] if base.endswith(".py") else base
    folder = directory
    if directory in packages:
        top = directory
        while posixpath.dirname(top) in packages and posixpath.dirname(top):
            top = posixpath.dirname(top)
        folder = posixpath.dirname(top)
        name = _dotted(path[len(folder) + 1 :] if folder else path)
    found: list[str] = []
    if name is None or not all(part.isidentifier() for part in name.split(".")):
        return found
    for segment in reversed(folder.split("/") if folder else []):
        if not segment.isidentifier():
            break
        name = f"{segment}.{name}"
        found.append(name)
    return found


def _dotted(rel: str) -> str | None:
    rel = rel[: -len(".py")] if rel.endswith(".py") else rel
    parts = rel.split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    return ".".join(parts)


def python_module(project, rel: str) -> PyModule:
    """The shared PyModule of a Python file (one per file per run, whoever asks)."""
    return project.parsed("python", rel, _build_module)


def _build_module(project, rel: str) -> PyModule:
    names = module_names(rel, package_dirs(project))
    return PyModule(project, rel, names[0] if names else None, import_names=tuple(names))


@fact
def python_modules(project) -> dict[str, PyModule]:
    """Every Python file of the project (tests included), by path; nothing is read until asked."""
    paths = project.select(filekinds.is_python)
    names = listing_names(project)

    def build(project, rel: str) -> PyModule:
        found = names[rel][0]
        return PyModule(project, rel, found[0] if found else None, import_names=tuple(found))

    return {rel: project.parsed("python", rel, build) for rel in paths}


def listing_names(project) -> dict[str, list[list[str]]]:
    """Each Python file's import names and namespace names (`module_names`, `namespace_names`): they depend on
    the listing alone, so a run after an edit of a file's content takes them from the per-file cache's derived
    results, under a key covering the Python files and the package folders. Computed once per run."""
    return project.parsed("python-names", "", _listing_names)


def _listing_names(project, _rel: str) -> dict[str, list[list[str]]]:
    paths = project.select(filekinds.is_python)
    packages = package_dirs(project)
    cache = project.file_cache
    key = None
    if cache is not None and cache.path is not None:
        digest = hashlib.blake2b(b"module names 1\0", digest_size=16)
        digest.update("\0".join(paths).encode("utf-8", "surrogateescape"))
        digest.update(b"\1" + "\0".join(sorted(packages)).encode("utf-8", "surrogateescape"))
        key = digest.hexdigest()
        kept = cache.derived(MODULE_NAMES, key, project.digest)
        if isinstance(kept, list) and len(kept) == len(paths):
            with contextlib.suppress(TypeError, ValueError, IndexError, KeyError, AttributeError):
                names = {}
                for entry, rel in zip(kept, paths, strict=True):
                    parts = name_parts(rel)  # once for both lists (this runs for every Python file)
                    names[rel] = [unpack_names(rel, entry[0], parts), unpack_names(rel, entry[1], parts)]
                return names
    names = {rel: [module_names(rel, packages), namespace_names(rel, packages)] for rel in paths}
    if key is not None:
        packed = [[pack_names(rel, found), pack_names(rel, spaces)] for rel, (found, spaces) in names.items()]
        cache.keep(MODULE_NAMES, key, packed, (), project.digest)
    return names


MODULE_NAMES = "python module names"


def name_parts(rel: str) -> list[str]:
    """The path's parts as a dotted name spells them (no `.py`, no final `__init__`)."""
    parts = (rel[: -len(".py")] if rel.endswith(".py") else rel).split("/")
    return parts[:-1] if parts[-1] == "__init__" else parts


def pack_names(rel: str, names: list[str]) -> list:
    """Names kept compactly: a name made of the path's last k parts (nearly all) is kept as k."""
    parts = name_parts(rel)
    packed: list = []
    for name in names:
        count = name.count(".") + 1
        packed.append(count if count <= len(parts) and ".".join(parts[-count:]) == name else name)
    return packed


def unpack_names(rel: str, packed: list, parts: list[str] | None = None) -> list[str]:
    """The names :func:`pack_names` kept (`parts`: the path's :func:`name_parts`, when the caller has them)."""
    if not packed and type(packed) is list:
        return []
    if parts is None:
        parts = name_parts(rel)
    names = []
    for item in packed:
        if type(item) is int and 0 < item <= len(parts):
            names.append(".".join(parts[-item:]))
        elif type(item) is str:
            names.append(item)
        else:
            raise ValueError("a damaged entry")
    return names


@fact
def module_index(project, python_modules) -> dict[str, list[str]]:
    """Dotted module name -> paths that can be imported under it (canonical names first, then alternatives and
    the names under namespace folders)."""
    index: dict[str, list[str]] = {}
    alternatives: list[tuple[str, str]] = []
    names_of = listing_names(project)
    packages = package_dirs(project)
    for rel, module in python_modules.items():
        names = module.import_names
        if names:
            index.setdefault(names[0], []).append(rel)
            alternatives.extend((name, rel) for name in names[1:])
        found = names_of[rel][1] if rel in names_of else namespace_names(rel, packages)
        alternatives.extend((name, rel) for name in found)
    for name, rel in alternatives:
        paths = index.setdefault(name, [])
        if rel not in paths:
            paths.append(rel)
    return index


@fact
def first_party(python_modules) -> frozenset[str]:
    """Top-level import names the repository itself defines: its packages, modules, and script-folder siblings."""
    names: set[str] = set()
    for module in python_modules.values():
        for name in module.import_names:
            top = name.split(".")[0]
            if not (top.startswith("__") and top.endswith("__")):
                names.add(top)
    return frozenset(names)


# -- notebooks ------------------------------------------------------------------------------------
@dataclass
class CellModule:
    """One notebook code cell as Python: `cell` is its 1-based index among all cells, `json_line` the file line
    of its first source line; `module.file_line(n)` maps a cell line to the file line."""

    cell: int
    json_line: int
    module: PyModule
    file_lines: tuple[int, ...] = field(default=(), repr=False)


def blank_magics(source: str) -> str | None:
    """The cell's Python with IPython syntax replaced by empty lines (or `pass` inside blocks), or None when the
    whole cell is not Python (`%%bash`, `%%writefile`, ...). Line numbers are unchanged. A one-line cell that
    IPython runs as a magic without its `%` (automagic: `pip install -r requirements.txt`) is blanked too. The
    indentation of the cell's first line is removed first, as IPython does (`ipython.leading_indent`)."""
    lines = LINE_BREAK.split(source)
    if ipython.automagic(source, NB.AUTOMAGICS) is not None:
        return "\n".join("" for _ in lines)
    lines = ipython.leading_indent(lines)  # IPython's first clean-up: before magics are read
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        magic = lines[first].lstrip()[2:].split(maxsplit=1)
        if not magic or magic[0] not in PYTHON_CELL_MAGICS:
            return None
        lines[first] = ""
    out: list[str] = []
    for line, kind in zip(lines, ipython.escape_lines(lines, is_ipython_escape), strict=True):
        if kind == ipython.PYTHON:
            out.append(line)
        elif kind == ipython.CONTINUED:
            out.append("")
        else:
            stripped = line.lstrip()
            indent = line[: len(line) - len(stripped)]
            out.append(f"{indent}pass" if indent else "")
    return "\n".join(out)


def is_ipython_escape(line: str) -> bool:
    """Whether a line that starts a logical line is IPython syntax (a magic, a shell escape or help)."""
    return line.lstrip().startswith(("%", "!")) or bool(SHELL_ASSIGNMENT.match(line) or HELP_LINE.match(line))


def cell_tree(text: str, filename: str) -> ast.Module:
    """The AST of a notebook cell (only parsed, never compiled to code: `PyCF_ONLY_AST`); IPython runs top-level
    `await` in cells, so it is allowed."""
    flags = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    return compile(text, filename, "exec", flags=flags, dont_inherit=True)


# The problem recorded for a file that parses only with the grammar of Python 3.6, where `async` and `await` are
# names (`tensor.cuda(async=True)`).
OLD_GRAMMAR_PROBLEM = "invalid Python from 3.7 on (async and await became keywords): "
OLDER_GRAMMAR = (3, 6)


def older_grammar_tree(text: str, path: str) -> ast.Module | None:
    """The AST of a source that parses with Python 3.6's grammar, which reads `async` and `await` as names; None
    when it does not parse there either (or holds neither word, the only change this retry is for)."""
    if "async" not in text and "await" not in text:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text, filename=path, feature_version=OLDER_GRAMMAR)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cell_tree(text, "<cell>")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


EMPTY_BLOCK = lazy_pattern(r"expected an indented block after .* on line (\d+)")
MAX_BLOCK_REPAIRS = 20


def repaired_blanks(text: str) -> str:
    """A cell of an exercise notebook with the blanks left for the reader (`seed = <YOUR CODE>`, `x = # TODO`, a
    block holding nothing but `# YOUR CODE HERE`) replaced by `...` on the same lines, so that the rest of the
    cell parses and counts (the seeding next to the blank, say); the cell as it is when it parses. When the
    repaired one does not parse either, it is reported with the blanks that could be repaired repaired, so that the
    error shown is the one left (an unterminated string below `x = # TODO`), not a blank."""
    if parses(text):
        return text
    return blank_repair(text)[0]


def blank_repair(text: str) -> tuple[str, SyntaxError | None]:
    """The cell with as many of its blanks repaired as can be (see `repaired_blanks`), and the syntax error left in
    it (None when it parses)."""
    fixed = NB.BLANK_PLACEHOLDER.sub(lambda m: m.group("lead") + "...", text)
    fixed = NB.BLANK_ASSIGNMENT.sub(lambda m: f"{m.group('head')} ...{m.group('tail')}", fixed)
    error: SyntaxError | None = None
    for _ in range(MAX_BLOCK_REPAIRS):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                flags = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
                compile(fixed, "<cell>", "exec", flags=flags, dont_inherit=True)
            return fixed, None
        except SyntaxError as found:
            error = found
            match = EMPTY_BLOCK.search(found.msg or "")
            if match is None:
                return fixed, error
            lines = fixed.split("\n")
            header = int(match.group(1)) - 1
            if not 0 <= header < len(lines):
                return fixed, error
            indent = lines[header][: len(lines[header]) - len(lines[header].lstrip())] + "    "
            slot = next(
                (i for i in range(header + 1, len(lines)) if NB.BLANK_LINE.match(lines[i])),
                None,
            )
            # the first empty or comment-only line after the header holds the body, if no code comes first
            between = range(header + 1, slot if slot is not None else header + 1)
            if slot is None or any(lines[i].strip() and not NB.BLANK_LINE.match(lines[i]) for i in between):
                return fixed, error
            lines[slot] = f"{indent}...  {lines[slot].strip()}" if lines[slot].strip() else f"{indent}..."
            fixed = "\n".join(lines)
        except (ValueError, RecursionError, MemoryError):
            return fixed, SyntaxError("cannot be parsed")
    return fixed, error


@fact
def notebook_modules(project, notebooks) -> dict[str, list[CellModule]]:
    """Each notebook's code cells as PyModules (parsed on demand); later cells see earlier cells' imports. In an
    exercise notebook (a cell holds a blank for the reader) the blanks of every cell are repaired (`repaired_blanks`):
    a function left with nothing but a comment for its body is a blank there too. A notebook whose kernel runs
    another language (Julia, R: `Notebook.python`) has no Python cells."""
    result: dict[str, list[CellModule]] = {}
    for rel, notebook in notebooks.items():
        cells: list[CellModule] = []
        if not notebook.python:
            result[rel] = cells
            continue
        previous: PyModule | None = None
        texts = [(cell, blank_magics(cell.source)) for cell in notebook.code_cells]
        exercise = any(text and NB.EXERCISE_BLANK.search(text) for _, text in texts)
        for cell, text in texts:
            if text is None or not text.strip():
                continue
            if exercise:
                text = repaired_blanks(text)
            module = PyModule(project, rel, None, text, cell=cell.index, line_map=cell.file_line, previous=previous)
            cells.append(CellModule(cell.index, cell.json_line, module, cell.source_json_lines))
            previous = module
        result[rel] = cells
    return result
