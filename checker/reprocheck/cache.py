"""A cache of whole-run results in `.reprocheck_cache/`, so an unchanged repository is re-checked in milliseconds.

The key covers everything a run's findings depend on: the checker's own code, the command-line options, the
configuration files, the file list with each file's tracked status and stat (size, mtime, ctime, inode, mode; the
ctime changes with any write, even when a tool puts the mtime back), and git's index, HEAD and config (what
`git add` and commits change, and the remote that names the project's own account). Any edit, `git add`, config
or option change makes a new key; nothing is ever served stale. Files modified in the last two seconds make the
run uncacheable, because a later edit within the file system's timestamp granularity could keep the same stat
(git's "racy" problem); the per-file cache (filecache.py) still answers for the other files of such a run.

Entries are written to a temporary file and renamed into place, so concurrent runs never see a partial entry;
readers treat a missing or unreadable entry as a miss. The folder ignores itself (`.gitignore` with `*`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

from reprocheck import __version__
from reprocheck.findings import Finding
from reprocheck.project import LISTED_STATS

FORMAT = 1
KEEP_ENTRIES = 16
RACY_SECONDS = 2.0
PACKAGE_DIR = Path(__file__).resolve().parent


TAG_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"  # https://bford.info/cachedir/


def prepare_folder(folder: Path) -> None:
    """Make the cache folder, ignored by git and tagged as a cache for backup tools (raises OSError)."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Created by reprocheck: the cache never belongs in git.\n*\n", encoding="utf-8")
    tag = folder / "CACHEDIR.TAG"
    if not tag.exists():
        tag.write_text(f"{TAG_SIGNATURE}\n# reprocheck cache: safe to delete (`reprocheck clean`).\n", encoding="utf-8")


@functools.cache
def checker_fingerprint() -> str:
    """Changes whenever the checker's code or data changes (development installs included)."""
    digest = hashlib.sha256(f"{__version__}\0{FORMAT}".encode())
    for current, dirs, names in os.walk(PACKAGE_DIR):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".py", ".json")):
                info = os.stat(os.path.join(current, name))
                digest.update(f"{current}/{name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def run_key(root: Path, files: list[str], tracked: frozenset[str] | None, extra: dict) -> str | None:
    """The key of a run over `files`, or None when the tree is too fresh to cache safely."""
    digest = hashlib.sha256(checker_fingerprint().encode())
    digest.update(json.dumps({"root": str(root), **extra}, sort_keys=True, default=str).encode())
    newest = 0
    base = str(root)
    for rel in files:
        full = os.path.join(base, rel)
        try:
            info = LISTED_STATS.get(full) or os.lstat(full)
        except OSError:
            digest.update(f"{rel}\0missing\n".encode("utf-8", "surrogateescape"))
            continue
        newest = max(newest, info.st_mtime_ns)
        flag = "t" if tracked is None or rel in tracked else "u"
        digest.update(
            f"{rel}\0{flag}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}\0{info.st_mode}\n".encode(
                "utf-8", "surrogateescape"
            )
        )
    git_dir = root / ".git"  # the index and HEAD say what is tracked; config names the project's own remote (CI003)
    git_state = (git_dir / "index", git_dir / "HEAD", git_dir / "config")
    for extra_path in (*git_state, *map(Path, extra.get("config_files", []))):
        try:
            info = os.stat(extra_path)
            digest.update(f"{extra_path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
            newest = max(newest, info.st_mtime_ns)
        except OSError:
            digest.update(f"{extra_path}\0missing\n".encode())
    if time.time() - newest / 1e9 < RACY_SECONDS:
        return None
    return digest.hexdigest()


class RunCache:
    """Entries `runs/<key>.json` under the cache folder; at most KEEP_ENTRIES kept."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.runs = folder / "runs"

    def load(self, key: str) -> dict | None:
        try:
            with open(self.runs / f"{key}.json", encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        with contextlib.suppress(OSError):
            os.utime(self.runs / f"{key}.json")  # most recently used survives pruning
        return data

    def store(self, key: str, data: dict) -> None:
        """Best effort: a read-only or full disk never fails the run."""
        try:
            self._prepare()
            handle, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=self.runs)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump({**data, "format": FORMAT}, out)
                os.replace(temp, self.runs / f"{key}.json")
            except BaseException:
                if os.path.exists(temp):
                    os.unlink(temp)
                raise
            self._prune()
        except OSError:
            return

    def _prepare(self) -> None:
        self.runs.mkdir(parents=True, exist_ok=True)
        prepare_folder(self.folder)

    def _prune(self) -> None:
        entries = []
        for entry in os.scandir(self.runs):
            if entry.name.endswith(".json") and not entry.name.startswith(".tmp-"):
                try:
                    entries.append((entry.stat().st_mtime_ns, entry.path))
                except OSError:
                    continue
        for _mtime, path in sorted(entries, reverse=True)[KEEP_ENTRIES:]:
            with contextlib.suppress(OSError):
                os.unlink(path)


def encode_result(findings: list[Finding], suppressed: list[Finding], to_run: set[str], fail_on: str) -> dict:
    return {
        "findings": [f.to_dict() for f in findings],
        "suppressed": [f.to_dict() for f in suppressed],
        "to_run": sorted(to_run),
        "fail_on": fail_on,
    }


def decode_findings(items: list[dict]) -> list[Finding]:
    return [Finding.from_dict(item) for item in items]
