"""The baseline: findings a project accepted when it adopted reprocheck, hidden until they change or go away.

`reprocheck check --write-baseline` records the current findings (after suppressions) by fingerprint in
`.reprocheck-baseline.json` (the `baseline` setting moves it); later runs hide the findings whose fingerprint is
recorded and report each entry that matches nothing any more as RPC003, so the file only shrinks. Fingerprints
(report/fingerprint.py) survive moved lines, cells and edits elsewhere in the file, and need no comment in the
file, so they work for notebooks, JSON and every other kind of file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from reprocheck.config import ConfigError
from reprocheck.findings import Finding
from reprocheck.report.fingerprint import fingerprints, without_numbers

DEFAULT_FILE = ".reprocheck-baseline.json"
VERSION = 1
STALE_CODE = "RPC003"
ENTRY_KEYS = ("fingerprint", "code", "path", "message")


@dataclass
class Entry:
    """One finding recorded in the baseline file."""

    fingerprint: str
    code: str
    path: str
    message: str
    line: int = 1  # of the entry in the baseline file, where its RPC003 finding points

    def to_dict(self) -> dict:
        return {key: getattr(self, key) for key in ENTRY_KEYS}


@dataclass
class Baseline:
    """The entries of one baseline file, `rel` being its path relative to the root."""

    rel: str
    entries: list[Entry] = field(default_factory=list)


def state(path: Path) -> str:
    """What the run cache's key needs of the file: its content's digest, or that it is missing."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def load(root: Path, rel: str) -> Baseline | None:
    """The baseline at `rel`, None when there is no such file; ConfigError (one line, exit 2) when it is broken."""
    path = root / rel
    if not path.exists():
        return None
    try:
        text = path.read_text("utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{rel}: cannot read the baseline: {getattr(error, 'strerror', None) or error}") from None
    except ValueError as error:
        message = f"the baseline is not valid JSON ({error}); write it again with --write-baseline"
        raise ConfigError(f"{rel}: {message}") from None
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(
        isinstance(item, dict) and all(isinstance(item.get(key), str) for key in ENTRY_KEYS) for item in entries
    ):
        raise ConfigError(
            f"{rel}: not a reprocheck baseline (expected {{'version', 'findings': [{{{', '.join(ENTRY_KEYS)}}}]}}); "
            "write it again with --write-baseline"
        )
    if data.get("version") != VERSION:
        raise ConfigError(f"{rel}: baseline version {data.get('version')!r} is not {VERSION}; write it again")
    lines = entry_lines(text)
    return Baseline(
        rel,
        [Entry(**{key: item[key] for key in ENTRY_KEYS}, line=lines.get(item["fingerprint"], 1)) for item in entries],
    )


def entry_lines(text: str) -> dict[str, int]:
    """The line of each fingerprint in the file's text (written one key per line)."""
    lines = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if '"fingerprint"' in line:
            lines.setdefault(line.split(":", 1)[-1].strip().strip('",'), number)
    return lines


def entries_of(findings: list[Finding], root: Path) -> list[Entry]:
    recorded = [f for f in findings if f.code != STALE_CODE]
    digests = fingerprints(recorded, root)
    return [Entry(digest, f.code, f.path, f.message) for f, digest in zip(recorded, digests, strict=True)]


def write(root: Path, rel: str, entries: list[Entry]) -> None:
    """Sorted by path, code and fingerprint, one key per line: diffs of the committed file stay small."""
    ordered = sorted(entries, key=lambda e: (e.path, e.code, e.message, e.fingerprint))
    data = {"version": VERSION, "tool": "reprocheck", "findings": [e.to_dict() for e in ordered]}
    path = root / rel
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{rel}: cannot write the baseline: {error.strerror or error}") from None


@dataclass
class Outcome:
    """A run's findings split by the baseline: those still reported, how many were hidden, the stale entries."""

    reported: list[Finding]
    hidden: int
    stale: list[Entry]


def loose_key(code: str, path: str, message: str) -> tuple[str, str, str]:
    return code, path, without_numbers(message)


def apply(baseline: Baseline, findings: list[Finding], root: Path, judged) -> Outcome:
    """Hide each finding the baseline records, each entry hiding one finding; entries that hid nothing and that
    `judged(entry)` says this run could have matched are stale.

    Findings are matched by fingerprint first. A finding whose line itself changed (or a file-level finding
    placed on a first line that changed) then takes an entry left over with the same rule, file and message:
    the same problem, still there, so it stays hidden; only a finding with no such entry left is new.
    """
    left = list(baseline.entries)
    by_print: dict[str, list[int]] = {}
    for number, entry in enumerate(left):
        by_print.setdefault(entry.fingerprint, []).append(number)
    taken: set[int] = set()
    pending = []
    for finding, digest in zip(findings, fingerprints(findings, root), strict=True):
        candidates = by_print.get(digest) if finding.code != STALE_CODE else None
        if candidates:
            taken.add(candidates.pop())
        else:
            pending.append(finding)
    loose: dict[tuple, list[int]] = {}
    for number, entry in enumerate(left):
        if number not in taken:
            loose.setdefault(loose_key(entry.code, entry.path, entry.message), []).append(number)
    reported = []
    for finding in pending:
        candidates = loose.get(loose_key(finding.code, finding.path, finding.message))
        if candidates and finding.code != STALE_CODE:
            taken.add(candidates.pop())
        else:
            reported.append(finding)
    stale = [entry for number, entry in enumerate(left) if number not in taken and judged(entry)]
    return Outcome(reported, len(findings) - len(reported), stale)
