"""Fingerprints that identify a finding across runs, even after the lines around it move.

A fingerprint hashes the rule, the file, the message with line and cell numbers taken out, and the stripped text
of the offending line (for a notebook, its line in the .ipynb file), so inserting lines or cells above a finding
does not change it; identical findings in one file are told apart by their order. Used by the SARIF
(partialFingerprints) and GitLab (fingerprint) reports and by the baseline (baseline.py).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

from reprocheck.findings import Finding
from reprocheck.patterns import lazy_pattern

# "line 12", "lines 3-7", "cells 2 and 5"; "train.py:12" and "train.py:12:4"
LINE_NUMBERS = lazy_pattern(r"\b(lines?|cells?)\s+\d+(?:\s*(?:-|\u2013|,|and)\s*\d+)*", re.IGNORECASE)
PATH_LINES = lazy_pattern(r"(\.[A-Za-z0-9_]+):\d+(?::\d+)?\b")
MAX_LINE = 500


class SourceLines:
    """Reads each reported file at most once, as text, to learn the content of a finding's line."""

    def __init__(self, root: Path):
        self.root = root
        self._files: dict[str, list[str] | None] = {}

    def line(self, path: str, number: int | None) -> str:
        if number is None:
            return ""
        if path not in self._files:
            try:
                text = (self.root / path).read_text("utf-8", errors="replace")
                self._files[path] = text.splitlines()
            except (OSError, ValueError):
                self._files[path] = None
        lines = self._files[path]
        if not lines or not 1 <= number <= len(lines):
            return ""
        return lines[number - 1].strip()[:MAX_LINE]


def without_numbers(message: str) -> str:
    """The message with the line and cell numbers it mentions taken out."""
    return PATH_LINES.sub(r"\1:N", LINE_NUMBERS.sub(r"\1 N", message))


def fingerprints(findings: list[Finding], root: Path) -> list[str]:
    """One hex digest per finding, in the same order."""
    sources = SourceLines(root)
    seen: Counter = Counter()
    out = []
    for finding in findings:
        anchor = sources.line(finding.path, finding.file_line)
        message = without_numbers(finding.message)
        # The cell's index is left out: a cell inserted above must not change it (the anchor holds the code).
        key = "\0".join((finding.code, finding.path, message, anchor))
        seen[key] += 1
        digest = hashlib.sha256(f"{key}\0{seen[key]}".encode("utf-8", "surrogatepass")).hexdigest()
        out.append(digest)
    return out
