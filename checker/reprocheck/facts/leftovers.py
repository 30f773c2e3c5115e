"""Merge-conflict markers left in files, found cheaply: one `git grep` over the tracked text files in a git
work tree (git skips binary files and reads nothing twice); outside git, a bounded read of each listed file with
a bytes pre-filter before any decoding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reprocheck.facts import fact
from reprocheck.filecache import MISSING
from reprocheck.patterns import lazy_pattern
from reprocheck.project import BINARY_SNIFF, UnreadableFile, git

OPENING = b"<<<<<<< "
CLOSING = b">>>>>>> "
MARKER_LINE = lazy_pattern(rb"^(<<<<<<<|>>>>>>>) ", re.MULTILINE)
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


def markers_in(data: bytes) -> list[tuple[int, bytes]]:
    """(line, marker) of each marker line of a text file's bytes (none in a binary one)."""
    if OPENING not in data or CLOSING not in data or b"\0" in data[:BINARY_SNIFF]:
        return []
    found: list[tuple[int, bytes]] = []
    line, counted = 1, 0  # count newlines from the previous marker, not from the top (many markers)
    for match in MARKER_LINE.finditer(data):
        line += data.count(b"\n", counted, match.start())
        counted = match.start()
        found.append((line, match.group(1)))
    return found


def _scan(project, paths=None) -> dict[str, list[tuple[int, bytes]]]:
    found: dict[str, list[tuple[int, bytes]]] = {}
    for rel in project.files if paths is None else paths:
        markers = _scan_file(project, rel)
        if markers:
            found[rel] = markers
    return found


def _scan_file(project, rel: str) -> list[tuple[int, bytes]] | None:
    size = project.size(rel)
    if size is None or size > MAX_SCAN_BYTES:
        return None
    try:
        return markers_in(project.read_bytes(rel, MAX_SCAN_BYTES))
    except UnreadableFile:
        return None


# Above this many files the kept answers do not know, one `git grep` over the repository is cheaper than reading
# them here.
MAX_UNKNOWN_FILES = 200
QUERY = "conflict-markers"


def _remembered(project) -> dict[str, list[tuple[int, bytes]]] | None:
    """The markers from the per-file cache, reading only the files it has no answer for (a run after an edit
    reads one file instead of grepping the repository); None when the cache knows too little to be worth it."""
    cache = project.file_cache
    if cache is None:
        return None
    found: dict[str, list[tuple[int, bytes]]] = {}
    unknown: list[str] = []
    for rel in project.files:
        kept = cache.get(rel, QUERY)
        if kept is MISSING:
            unknown.append(rel)
            if len(unknown) > MAX_UNKNOWN_FILES:
                return None
        elif kept:
            found[rel] = [(line, marker.encode("ascii")) for line, marker in kept]
    for rel in unknown:
        markers = _scan_file(project, rel)
        if markers is None:
            continue  # too large or unreadable: nothing kept, read again next time
        cache.put(
            rel,
            QUERY,
            [[line, marker.decode("ascii")] for line, marker in markers],
            lambda rel=rel: project.kept_bytes(rel),
        )
        if markers:
            found[rel] = markers
    return found


def _keep(project, found: dict[str, list[tuple[int, bytes]]]) -> None:
    """Keep what one repository-wide search found for each file whose content this run knows already."""
    cache = project.file_cache
    if cache is None:
        return
    for rel in project.files:
        markers = found.get(rel, [])
        cache.put(rel, QUERY, [[line, marker.decode("ascii")] for line, marker in markers], lambda: None)


@fact
def conflict_markers(project) -> list[ConflictBlock]:
    """Unresolved merge conflicts (`<<<<<<< ` ... `>>>>>>> `) in tracked text files."""
    found = _remembered(project)
    if found is None:
        found = _grep(project) if project.in_git else None
        if found is None:
            found = _scan(project)
        _keep(project, found)
    out: list[ConflictBlock] = []
    for path in sorted(found):
        if project.exists(path) and project.is_tracked(path):
            out.extend(blocks(path, found[path]))
    return out
