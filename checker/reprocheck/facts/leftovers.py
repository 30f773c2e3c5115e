"""Merge-conflict markers left in files, found cheaply: one `git grep` over the tracked text files in a git
work tree (git skips binary files and reads nothing twice); outside git, a bounded read of each listed file with
a bytes pre-filter before any decoding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reprocheck.facts import fact
from reprocheck.project import BINARY_SNIFF, UnreadableFile, git

OPENING = b"<<<<<<< "
CLOSING = b">>>>>>> "
MARKER_LINE = re.compile(rb"^(<<<<<<<|>>>>>>>) ", re.MULTILINE)
MAX_SCAN_BYTES = 2 * 1024 * 1024  # outside git, larger files are not scanned


@dataclass(frozen=True)
class ConflictBlock:
    """A `<<<<<<< ` line closed by a later `>>>>>>> ` line in the same file."""

    path: str
    line: int
    end_line: int


def blocks(path: str, markers: list[tuple[int, bytes]]) -> list[ConflictBlock]:
    """Pair each opening marker with the next closing one; lone markers (docs quoting one) are not blocks."""
    out: list[ConflictBlock] = []
    opening: int | None = None
    for line, kind in sorted(markers):
        if kind == b"<<<<<<<":
            opening = line if opening is None else opening
        elif opening is not None:
            out.append(ConflictBlock(path, opening, line))
            opening = None
    return out


def _grep(project) -> dict[str, list[tuple[int, bytes]]] | None:
    result = git(["grep", "-I", "-n", "-z", "--no-color", "-E", "-e", "^(<<<<<<<|>>>>>>>) "], project.root)
    if result is None or result.returncode not in (0, 1):
        return None
    found: dict[str, list[tuple[int, bytes]]] = {}
    for record in result.stdout.split(b"\n"):
        parts = record.split(b"\0", 2)
        if len(parts) != 3 or not parts[1].isdigit():
            continue
        path = parts[0].decode("utf-8", "surrogateescape")
        found.setdefault(path, []).append((int(parts[1]), parts[2][:7]))
    return found


def _scan(project) -> dict[str, list[tuple[int, bytes]]]:
    found: dict[str, list[tuple[int, bytes]]] = {}
    for rel in project.files:
        size = project.size(rel)
        if size is None or size > MAX_SCAN_BYTES:
            continue
        try:
            data = project.read_bytes(rel, MAX_SCAN_BYTES)
        except UnreadableFile:
            continue
        if OPENING not in data or CLOSING not in data or b"\0" in data[:BINARY_SNIFF]:
            continue
        line, counted = 1, 0  # count newlines from the previous marker, not from the top (many markers)
        for match in MARKER_LINE.finditer(data):
            line += data.count(b"\n", counted, match.start())
            counted = match.start()
            found.setdefault(rel, []).append((line, match.group(1)))
    return found


@fact
def conflict_markers(project) -> list[ConflictBlock]:
    """Unresolved merge conflicts (`<<<<<<< ` ... `>>>>>>> `) in tracked text files."""
    found = _grep(project) if project.in_git else None
    if found is None:
        found = _scan(project)
    out: list[ConflictBlock] = []
    for path in sorted(found):
        if project.exists(path) and project.is_tracked(path):
            out.extend(blocks(path, found[path]))
    return out
