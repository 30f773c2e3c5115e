"""Inline suppressions: `# reprocheck: ignore[CODE, ...] reason` and `# reprocheck: file-ignore[CODE]`.

A line comment suppresses findings on its own line; in files other than Python a comment alone on the line
before an instruction or key suppresses that one too (Dockerfile instructions, YAML keys, requirements); for a
Dockerfile instruction continued over several lines, the line before its first line counts. In a notebook the
comment goes in the code cell. In Python only real comments count (not strings or docstrings that mention the
syntax). Each suppression remembers whether it was used, for RPC001.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field

from reprocheck import filekinds, ipython
from reprocheck.findings import Finding
from reprocheck.patterns import lazy_pattern
from reprocheck.project import Project, UnreadableFile, decode_text, git

MARKER = lazy_pattern(
    r"#\s*reprocheck:\s*(?P<kind>ignore|file-ignore)\[(?P<codes>[^\]]*)\](?P<reason>[^\n#]*)", re.IGNORECASE
)
MARKER_BYTES = b"reprocheck:"


@dataclass
class Suppression:
    """One `# reprocheck: ignore[...]` comment."""

    path: str
    line: int  # line in the file (cell line for notebooks)
    codes: list[str]
    reason: str
    file_wide: bool
    cell: int | None = None
    used: set[str] = field(default_factory=set)


@dataclass
class FileSuppressions:
    """The suppression comments of one file, by line and file-wide."""

    by_line: dict[tuple[int | None, int], list[Suppression]] = field(default_factory=dict)
    file_wide: list[Suppression] = field(default_factory=list)
    comment_only_lines: set[tuple[int | None, int]] = field(default_factory=set)
    continued_lines: set[int] = field(default_factory=set)  # Dockerfile lines ending in a backslash

    @property
    def all(self) -> list[Suppression]:
        seen: list[Suppression] = list(self.file_wide)
        for items in self.by_line.values():
            seen.extend(items)
        return seen


def code_matches(selector: str, code: str) -> bool:
    return selector == "ALL" or code.startswith(selector)


def scan_lines(
    path: str, lines: list[str], result: FileSuppressions, cell: int | None = None, only: set[int] | None = None
) -> None:
    """Record the markers found in `lines` (restricted to the line numbers in `only` when given)."""
    for number, text in enumerate(lines, start=1):
        if "reprocheck:" not in text or (only is not None and number not in only):
            continue
        match = MARKER.search(text)
        if not match:
            continue
        codes = [c.strip().upper() for c in match.group("codes").split(",") if c.strip()]
        item = Suppression(
            path=path,
            line=number,
            codes=codes,
            reason=match.group("reason").strip(),
            file_wide=match.group("kind").lower() == "file-ignore",
            cell=cell,
        )
        if item.file_wide:
            result.file_wide.append(item)
        else:
            result.by_line.setdefault((cell, number), []).append(item)
            if text.strip().startswith("#"):
                result.comment_only_lines.add((cell, number))


def python_comment_lines(source: str) -> set[int] | None:
    """Lines holding a marker inside a real comment token; None when the source does not tokenize."""
    lines: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT and "reprocheck:" in token.string:
                lines.add(token.start[0])
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    return lines


def scan_python(path: str, source: str, result: FileSuppressions, cell: int | None = None) -> None:
    scan_lines(path, source.splitlines(), result, cell, python_comment_lines(source))


def notebook_code_cells(text: str) -> list[tuple[int, str]]:
    """(1-based index among all cells, source) of each code cell, as the notebook facts number them."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return []
    cells = data.get("cells") if isinstance(data, dict) else None
    out = []
    for index, cell in enumerate(cells if isinstance(cells, list) else [], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        out.append((index, "".join(map(str, source)) if isinstance(source, list) else str(source)))
    return out


def magic_lines(lines: list[str]) -> list[bool]:
    """Whether each line is an IPython magic or shell escape (a `%` or `!` continuing a Python line is not)."""
    kinds = ipython.escape_lines(lines, lambda line: line.lstrip().startswith(("%", "!")))
    return [kind != ipython.PYTHON for kind in kinds]


def blank_magics(source: str) -> str:
    """IPython magics and shell escapes do not tokenize as Python; blank them so comments elsewhere still count."""
    lines = source.split("\n")
    return "\n".join("" if magic else line for line, magic in zip(lines, magic_lines(lines), strict=True))


MAX_UNREAD_WITHOUT_GREP = 200  # files still to read before `git grep` is the cheaper way to find markers


class Suppressions:
    """Reads suppression comments lazily, one file at a time, and tracks their use."""

    def __init__(self, project: Project):
        self.project = project
        self._files: dict[str, FileSuppressions] = {}
        self._scanned_all = False

    def for_file(self, path: str) -> FileSuppressions:
        if path not in self._files:
            self._files[path] = self._scan(path)
        return self._files[path]

    def _scan(self, path: str) -> FileSuppressions:
        result = FileSuppressions()
        try:
            data = self.project.read_bytes(path)
        except UnreadableFile:
            return result
        if MARKER_BYTES not in data:
            return result
        try:
            text = decode_text(data)
        except UnreadableFile:
            return result
        if filekinds.is_notebook(path):
            for index, source in notebook_code_cells(text):
                if "reprocheck:" in source:
                    lines = source.splitlines()
                    comments = python_comment_lines(blank_magics(source))
                    if comments is not None:  # a magic line's trailing comment counts too
                        comments |= {n for n, magic in enumerate(magic_lines(lines), 1) if magic}
                    scan_lines(path, lines, result, index, comments)
        elif filekinds.is_python(path):
            scan_python(path, text, result)
        else:
            lines = text.splitlines()
            scan_lines(path, lines, result)
            if filekinds.is_dockerfile(path):
                result.continued_lines = {n for n, line in enumerate(lines, start=1) if line.rstrip().endswith("\\")}
        return result

    def reason(self, finding: Finding) -> str | None:
        """The reason text when an inline comment suppresses `finding`, else None (the comment is marked used)."""
        for kind, item in self.comments_at(finding.path, finding.line, finding.cell):
            if self._use(item, finding.code):
                return f"{kind}{': ' + item.reason if item.reason else ''}"
        return None

    def covers(self, path: str, line: int | None, code: str, cell: int | None = None) -> bool:
        """Whether a comment suppresses `code` at this place, without marking it used: for a rule that reports
        several places as one finding and keeps a place its user silenced out of it."""
        return any(
            code_matches(selector, code) for _, item in self.comments_at(path, line, cell) for selector in item.codes
        )

    def comments_at(self, path: str, line: int | None, cell: int | None) -> Iterator[tuple[str, Suppression]]:
        """The comments that speak for a place: file-wide ones, then those on its line (or, outside Python, on
        the comment-only line above the instruction it belongs to)."""
        found = self.for_file(path)
        if not found.by_line and not found.file_wide:
            return
        for item in found.file_wide:
            yield "file-ignore", item
        if line is None:
            return
        keys = [(cell, line)]
        if not (filekinds.is_python(path) or filekinds.is_notebook(path)):
            first = line
            while first - 1 in found.continued_lines:  # back to the start of a continued instruction
                first -= 1
            if (cell, first - 1) in found.comment_only_lines:
                keys.append((cell, first - 1))
        for key in keys:
            for item in found.by_line.get(key, []):
                yield "inline", item

    @staticmethod
    def _use(item: Suppression, code: str) -> bool:
        for selector in item.codes:
            if code_matches(selector, code):
                item.used.add(selector)
                return True
        return False

    def scan_all(self) -> None:
        """Read every checked text file holding a marker once, so unused suppressions can be reported.

        Each checked file is looked at with a bytes pre-filter before decoding; the files the rules already read
        are in memory. When many are not, and in git, one `git grep` first names the files that mention the
        marker at all (reading them all would cost more)."""
        if self._scanned_all:
            return
        self._scanned_all = True
        checked = [p for p in self.project.files if p not in self._files and filekinds.is_checked_text(p)]
        if self.project.file_cache is not None and self.project.file_cache.path is not None:
            # Kept between runs, each file's answer costs nothing once its content was seen (filecache.py).
            for path in checked:
                if self.project.remembered("suppression-marker", path, lambda p=path: self._has_marker(p)):
                    self.for_file(path)
            return
        unread = sum(1 for path in checked if not self.project.is_kept(path))
        candidates = self._grep() if self.project.in_git and unread > MAX_UNREAD_WITHOUT_GREP else None
        for path in checked if candidates is None else sorted(candidates):
            if path not in self._files and filekinds.is_checked_text(path):
                self.for_file(path)

    def _has_marker(self, path: str) -> bool:
        try:
            return MARKER_BYTES in self.project.read_bytes(path)
        except UnreadableFile:
            return False

    def _grep(self) -> set[str] | None:
        args = ["grep", "-l", "-z", "-I", "-F", "--untracked", "--no-color", "-e", MARKER_BYTES.decode()]
        result = git(args, self.project.root)
        if result is None or result.returncode not in (0, 1):
            return None
        listed = self.project.file_set
        names = (n.decode("utf-8", "surrogateescape") for n in result.stdout.split(b"\0") if n)
        return {name for name in names if name in listed}

    def all(self) -> list[Suppression]:
        items: list[Suppression] = []
        for found in self._files.values():
            items.extend(found.all)
        return items
