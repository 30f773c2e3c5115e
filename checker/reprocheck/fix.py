"""Applying safe fixes: edits merged per file, written atomically with mode and line endings kept."""

from __future__ import annotations

import difflib
import os
import tempfile
from collections import defaultdict
from pathlib import Path

from reprocheck.findings import Edit, Finding


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
    starts = offsets(text)
    spans = sorted(
        (
            (position(starts, e.start_line, e.start_column), position(starts, e.end_line, e.end_column), e)
            for e in edits
        ),
        key=lambda s: (s[0], s[1]),
    )
    out, cursor = [], 0
    for start, end, edit in spans:
        if start < cursor:
            continue
        out.append(text[cursor:start])
        out.append(edit.content)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def planned_changes(root: Path, findings: list[Finding]) -> dict[str, tuple[str, str]]:
    """Path -> (old text, new text) for every file that the fixable findings would change."""
    edits: dict[str, list[Edit]] = defaultdict(list)
    for finding in findings:
        if finding.fix is not None:
            edits[finding.path].extend(finding.fix.edits)
    changes = {}
    for rel, items in sorted(edits.items()):
        with open(root / rel, encoding="utf-8", newline="") as handle:
            old = handle.read()
        new = apply_edits(old, items)
        if new != old:
            changes[rel] = (old, new)
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
    """Write to a temporary file beside `path`, keep its mode, then rename over it."""
    mode = os.stat(path).st_mode & 0o7777
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".reprocheck-tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def apply_changes(root: Path, changes: dict[str, tuple[str, str]]) -> None:
    for rel, (_old, new) in changes.items():
        write_atomic(root / rel, new)
