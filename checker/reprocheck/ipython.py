"""Where IPython syntax can start in a notebook cell.

IPython reads an escape (`%magic`, `!cmd`, `x = !cmd`, `obj?`) only at the start of a logical line: a physical line
that continues the previous one (after a trailing backslash, inside open brackets or inside a triple-quoted string)
is Python, so `print('%d' \\` followed by `%(a))` is the `%` operator and `x = (a\\n != b)` a comparison.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Sequence

from reprocheck.patterns import lazy_pattern

OPENING = "([{"
CLOSING = ")]}"


class _Scanner:
    """Python's line-joining state across physical lines: open brackets, an open triple-quoted string and a
    trailing backslash (comments and strings are skipped; a line that does not tokenize only loses precision)."""

    def __init__(self) -> None:
        self.depth = 0
        self.triple: str | None = None  # the closing quotes of an open triple-quoted string
        self.backslash = False

    @property
    def at_start(self) -> bool:
        return self.depth == 0 and self.triple is None and not self.backslash

    def feed(self, line: str) -> None:
        self.backslash = False
        i, n = 0, len(line)
        while i < n:
            if self.triple is not None:
                end = _closing(line, i, self.triple)
                if end < 0:
                    return
                self.triple, i = None, end
                continue
            char = line[i]
            if char == "#":
                return
            if char in "'\"":
                if line.startswith(char * 3, i):
                    self.triple, i = char * 3, i + 3
                    continue
                end = _closing(line, i + 1, char)
                i = end if end >= 0 else n
                continue
            if char in OPENING:
                self.depth += 1
            elif char in CLOSING:
                self.depth = max(0, self.depth - 1)
            elif char == "\\" and not line[i + 1 :].strip():
                self.backslash = True
                return
            i += 1


def _closing(line: str, start: int, quote: str) -> int:
    """The index just past `quote` closing a string from `start` on this line, or -1 when it stays open."""
    i = start
    while i < len(line):
        if line[i] == "\\":
            i += 2
            continue
        if line.startswith(quote, i):
            return i + len(quote)
        i += 1
    return -1


PYTHON, ESCAPE, CONTINUED = 0, 1, 2


def escape_lines(lines: Sequence[str], is_escape: Callable[[str], bool]) -> list[int]:
    """For each physical line: ESCAPE when it starts a logical line and `is_escape` says it is IPython syntax,
    CONTINUED when an escape continues onto it with a trailing backslash (IPython joins those), else PYTHON."""
    scanner = _Scanner()
    out: list[int] = []
    continued = False
    for line in lines:
        if continued or (scanner.at_start and is_escape(line)):
            out.append(CONTINUED if continued else ESCAPE)
            continued = line.rstrip().endswith("\\")
            continue
        out.append(PYTHON)
        scanner.feed(line)
    return out


def leading_indent(lines: list[str]) -> list[str]:
    """IPython's `leading_indent` clean-up (IPython 8, `inputtransformer2`), run on a cell before anything else:
    when the cell's first line that is not blank starts with spaces or tabs, that whitespace is removed from every
    line that starts with it (other lines are left alone). A cell whose first line was pasted with one space too
    many (` def f(a):` over an unindented body) runs; a cell indented unevenly (`  x = 1` over ` y = 2`) still
    fails, as in IPython. Lines keep their numbers."""
    first = next((line for line in lines if line.strip()), "")
    indent = first[: len(first) - len(first.lstrip(" \t"))]
    if not indent:
        return lines
    return [line[len(indent) :] if line.startswith(indent) else line for line in lines]


# The first word of a line and what follows it (IPython's `ifun` and `the_rest` for a plain name).
_FIRST_WORD = lazy_pattern(r"^[ \t]*(?P<magic>[A-Za-z_]\w*)(?P<rest>(?:[ \t].*)?)$")


def automagic(source: str, magics: frozenset[str]) -> tuple[int, str, str] | None:
    """(1-based line, magic, its arguments) when the cell is a line magic written without its `%`, which IPython's
    automagic (on by default) runs: `pip install -r requirements.txt`, `cd data`, `ls -la`. IPython applies it only
    to a cell of one line (leading empty lines dropped; a trailing empty line makes two), whose first word names a
    line magic (`magics`) and is not followed by `=` or `,` (an assignment to a variable of that name). A line that
    parses as Python is left as Python (`pwd()`, `ls`): the checker reads only what Python cannot."""
    lines = source.splitlines()
    first = 0
    while first < len(lines) and not lines[first].strip():
        first += 1
    if len(lines) - first != 1:
        return None
    match = _FIRST_WORD.match(lines[first])
    if match is None or match.group("magic") not in magics or match.group("rest").lstrip()[:1] in ("=", ","):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(lines[first].strip())
    except SyntaxError:
        return first + 1, match.group("magic"), match.group("rest")
    except (ValueError, RecursionError, MemoryError):
        return None
    return None
