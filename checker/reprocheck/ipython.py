"""Where IPython syntax can start in a notebook cell.

IPython reads an escape (`%magic`, `!cmd`, `x = !cmd`, `obj?`) only at the start of a logical line: a physical line
that continues the previous one (after a trailing backslash, inside open brackets or inside a triple-quoted string)
is Python, so `print('%d' \\` followed by `%(a))` is the `%` operator and `x = (a\\n != b)` a comparison.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

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
