"""Applying safe fixes: edits merged per file, written atomically with mode and line endings kept."""

from __future__ import annotations

import contextlib
import difflib
import os
from collections import defaultdict
from pathlib import Path

from reprocheck.findings import Edit, Finding, Fix


def offsets(text: str) -> list[int]:
    """Start offset of each 1-based line, plus one past the end (line endings kept in the text)."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def position(starts: list[int], line: int, column: int) -> int:
    if line - 1 >= len(starts):
        return starts[-1]
    return min(starts[line - 1] + column - 1, starts[-1])


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits; an edit overlapping an earlier one is skipped (fixed on the next run)."""
    return apply_fixes(text, [Fix("", (edit,)) for edit in edits])[0]


def apply_fixes(text: str, fixes: list[Fix]) -> tuple[str, int]:
    """Apply whole fixes in position order; a fix touching a span another fix already changed is left for the
    next pass (never half-applied). Returns the new text and how many fixes were applied."""
    starts = offsets(text)
    planned = []
    for fix in fixes:
        spans = sorted(
            (position(starts, e.start_line, e.start_column), position(starts, e.end_line, e.end_column), e.content)
            for e in fix.edits
        )
        if spans:
            planned.append(spans)
    planned.sort(key=lambda spans: spans[0][:2])
    taken: list[tuple[int, int, str]] = []
    applied = 0
    for spans in planned:
        if any(overlaps(span, other) for span in spans for other in taken) or any(
            overlaps(a, b) for i, a in enumerate(spans) for b in spans[i + 1 :]
        ):
            continue
        taken.extend(spans)
        applied += 1
    out, cursor = [], 0
    for start, end, content in sorted(taken, key=lambda span: span[:2]):
        out.append(text[cursor:start])
        out.append(content)
        cursor = end
    out.append(text[cursor:])
    return "".join(out), applied


def overlaps(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    """Two replaced spans collide when they share characters, or are both insertions at the same point."""
    return (a[0] < b[1] and b[0] < a[1]) or a[0] == b[0]


def planned_changes(root: Path, findings: list[Finding]) -> dict[str, tuple[str, str]]:
    """Path -> (old text, new text) for every file that the fixable findings would change."""
    return {rel: (old, new) for rel, (old, new, _count) in planned_fixes(root, findings).items()}


def planned_fixes(root: Path, findings: list[Finding]) -> dict[str, tuple[str, str, int]]:
    """Path -> (old text, new text, fixes applied); files that are gone or not UTF-8 are left alone."""
    fixes: dict[str, list[Fix]] = defaultdict(list)
    for finding in findings:
        if finding.fix is not None and finding.fix.edits:
            fixes[finding.path].append(finding.fix)
    changes = {}
    for rel, items in sorted(fixes.items()):
        try:
            with open(root / rel, encoding="utf-8", newline="") as handle:
                old = handle.read()
        except (OSError, UnicodeDecodeError):
            continue
        new, count = apply_fixes(old, items)
        if new != old:
            changes[rel] = (old, new, count)
    return changes


def unified_diff(changes: dict[str, tuple[str, str]]) -> str:
    parts = []
    for rel, (old, new) in changes.items():
        parts.extend(
            difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{rel}", f"b/{rel}")
        )
    text = "".join(parts)
    return text if not text or text.endswith("\n") else text + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, keep its mode, then rename over it.

    The temporary file's name is chosen before it is created, so an interrupt at any point (even right as the
    file appears) still finds and removes it. A symbolic link is written through: its target gets the new text
    and the link stays a link.
    """
    path = Path(os.path.realpath(path))
    mode = os.stat(path).st_mode & 0o7777
    while True:
        temp = path.parent / f".{path.name}.{os.urandom(6).hex()}.reprocheck-tmp"
        try:
            handle = create_exclusive(temp)
        except FileExistsError:
            continue  # a name already taken is someone else's file: never touch it
        except BaseException:
            remove_quietly(temp)
            raise
        break
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        remove_quietly(temp)
        raise


def create_exclusive(path: Path) -> int:
    """Create a new file readable only by its owner (mode fixed after writing); fails if the name exists."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def apply_changes(root: Path, changes: dict[str, tuple[str, str]]) -> None:
    real_root = Path(os.path.realpath(root))
    for rel, (_old, new) in changes.items():
        target = Path(os.path.realpath(root / rel))
        if target != real_root and real_root not in target.parents:
            continue  # never write outside the repository through a link
        write_atomic(root / rel, new)
