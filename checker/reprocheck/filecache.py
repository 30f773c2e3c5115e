"""What each file contributes on its own, kept between runs in `.reprocheck_cache/files.json`, keyed by content.

Most of a cold run on a large repository goes into looking at every file once: does its text mention a word a
rule cares about, which imports does a line scan find, does it hold anything shaped like a secret. Each answer is
a pure function of the file's bytes (and of the checker), so it is kept under the file's content digest; a run
after a one-file edit reads and scans that file only and answers the others from here, while the rules that
join files (reachability, declarations against imports) still run on the answers.

The digest of an unchanged file comes from its stat (size, mtime, ctime, inode, mode), as git's index does,
without reading it. A stat is recorded only when the file was last changed well before the run that read it
started (git's "racy" problem: an edit within the file system's timestamp granularity could keep the stat);
fresher files are simply read and hashed again. The whole file is dropped when the checker changes. It is
written to a temporary file and renamed into place, so concurrent runs never see a partial one; a damaged or
foreign file is a miss. Values are JSON, never pickle: a repository could ship a crafted cache, and reading it
must stay as safe as reading any other file of the repository.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORMAT = 1
FILE_NAME = "files.json"  # what each file says; entries.json: entry point summaries; blobs.json: git blob sizes
ENTRIES_FILE = "entries.json"
BLOBS_FILE = "blobs.json"
RACY_NS = 2_000_000_000  # a stat younger than this at the start of the recording run is not trusted
MISSING = object()


def stat_key(info: os.stat_result) -> list[int]:
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_mode]


def digest_of(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=16).hexdigest()


class FileCache:
    """Per-file answers by content digest; `path` None keeps them for this run only (`--no-cache`)."""

    def __init__(
        self,
        path: Path | None = None,
        fingerprint: str = "",
        stat: Callable[[str], Any] | None = None,
        root: Path | str = "",
    ):
        self.path = path
        self.root = str(root)  # files are named relative to it
        self.fingerprint = fingerprint
        self.started_ns = time.time_ns()
        self._stat = stat or lstat_or_none
        self.index: dict[str, list] = {}  # rel -> [*stat_key, digest] as recorded by earlier runs
        self.results: dict[str, dict[str, Any]] = {}  # digest -> {query: value}
        self.digests: dict[str, str] = {}  # rel -> digest of its content in this run
        self.stats: dict[str, list[int]] = {}  # rel -> the stat this run's digest belongs to (trusted ones only)
        self.new: dict[str, dict[str, Any]] = {}  # digest -> answers computed in this run
        # rel -> its digest's answers (the very dict in `results`, which later answers extend in place): the
        # rules ask about every file many times (130,000 questions on 10,000 files), each a lookup here.
        self.answers_of: dict[str, dict[str, Any]] = {}
        # Results computed from several files (see `derived`): name -> [key, {path: digest}, value], in
        # entries.json, read on first use.
        self._kept: dict[str, list] | None = None
        self.kept_new: dict[str, list] = {}  # computed in this run
        # Sizes of git blobs by object id (a content hash: an id's size never changes), in blobs.json.
        self._blobs: dict[str, int] | None = None
        self._blobs_on_disk: dict[str, int] = {}
        self.blobs_used: dict[str, int] = {}
        if path is not None:
            self._load()

    @property
    def kept(self) -> dict[str, list]:
        if self._kept is None:
            data = self._read(ENTRIES_FILE) or {}
            self._kept = {
                name: entry
                for name, entry in data.items()
                if isinstance(entry, list) and len(entry) == 3 and isinstance(entry[1], dict)
            }
        return self._kept

    def blobs_on_disk(self) -> dict[str, int]:
        """The sizes blobs.json held when this run read it."""
        _ = self.blobs
        return self._blobs_on_disk

    @property
    def blobs(self) -> dict[str, int]:
        if self._blobs is None:
            data = self._read(BLOBS_FILE) or {}
            self._blobs = {oid: size for oid, size in data.items() if type(size) is int}
            self._blobs_on_disk = dict(self._blobs)
        return self._blobs

    # -- answers ----------------------------------------------------------------------------------
    def get(self, rel: str, query: str) -> Any:
        """The kept answer of `query` for the file, or MISSING."""
        answers = self.answers_of.get(rel)
        if answers is None:
            digest = self.digest(rel)
            answers = self.results.get(digest) if digest is not None else None
            if answers is None:
                return MISSING
            self.answers_of[rel] = answers
        return answers.get(query, MISSING)

    def put(self, rel: str, query: str, value: Any, content: Callable[[], bytes | None]) -> None:
        """Keep `value` for the file whose bytes this run read (`content()`; None: not kept, nothing is stored)."""
        digest = self.digest(rel, content)
        if digest is None:
            return
        self.results.setdefault(digest, {})[query] = value
        self.new.setdefault(digest, {})[query] = value

    def digest(self, rel: str, content: Callable[[], bytes | None] | None = None) -> str | None:
        """The content digest of a listed file: from a trusted stat without reading, else from `content()`."""
        known = self.digests.get(rel)
        if known is not None:
            return known
        info = self._stat(os.path.join(self.root, rel))
        current = stat_key(info) if info is not None else None
        recorded = self.index.get(rel)
        if current is not None and recorded is not None and recorded[:5] == current:
            self.digests[rel] = recorded[5]
            self.stats[rel] = current
            return recorded[5]
        data = content() if content is not None else None
        if data is None:
            return None
        digest = self.digests[rel] = digest_of(data)
        if current is not None and max(current[1], current[2]) + RACY_NS < self.started_ns:
            self.stats[rel] = current  # old enough: the content read now is the content this stat describes
        return digest

    # -- results computed from several files ------------------------------------------------------
    def derived(self, name: str, key: str, digest: Callable[[str], str | None]) -> Any:
        """The value kept under `name`, when it was computed under the same `key` (what every such result
        depends on: settings, the file list) from files whose content is unchanged (`digest(path)` is a file's
        digest now, None when unknown), else MISSING."""
        entry = self.kept_new.get(name) or self.kept.get(name)
        if entry is None or entry[0] != key:
            return MISSING
        if any(digest(path) != recorded for path, recorded in entry[1].items()):
            return MISSING
        return entry[2]

    def keep(self, name: str, key: str, value: Any, paths, digest: Callable[[str], str | None]) -> None:
        """Keep `value` (JSON data) for `derived`, with the digests of the files it was computed from (all
        read in this run); nothing is kept when one of them is unknown."""
        if self.path is None:
            return
        deps = {}
        for path in sorted(set(paths)):
            deps[path] = digest(path)
            if deps[path] is None:
                return
        self.kept_new[name] = [key, deps, value]

    # -- git blobs ------------------------------------------------------------------------------------
    def blob_sizes(self, ids) -> dict[str, int]:
        """The known sizes of these git object ids."""
        found = {oid: self.blobs[oid] for oid in ids if oid in self.blobs}
        self.blobs_used.update(found)
        return found

    def keep_blob_sizes(self, sizes: dict[str, int]) -> None:
        if self.path is not None:
            self.blobs.update(sizes)
            self.blobs_used.update(sizes)

    # -- between runs -----------------------------------------------------------------------------
    def _read(self, name: str) -> dict | None:
        """The payload of one cache file of this checker, or None (absent, damaged, another checker's)."""
        if self.path is None:
            return None
        try:
            with open(self.path.with_name(name), encoding="utf-8") as handle:
                data = json.load(handle)
            if data.get("format") != FORMAT or data.get("fingerprint") != self.fingerprint:
                return None
            payload = data["payload"]
        except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return None
        return payload if isinstance(payload, dict) else None

    def _write(self, name: str, payload: dict) -> None:
        """Replace one cache file at once: concurrent runs see the old or the new one, never a part."""
        data = {"format": FORMAT, "fingerprint": self.fingerprint, "payload": payload}
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=self.path.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    out.write(json.dumps(data, separators=(",", ":")))  # dumps encodes in C; dump does not
                os.replace(temp, self.path.with_name(name))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise

    def _load(self) -> None:
        payload = self._read(self.path.name)
        if payload is None:
            return
        try:
            index, queries, results = payload["files"], payload["queries"], payload["results"]
            for rel, entry in index.items():
                if isinstance(entry, list) and len(entry) == 6 and is_stat_entry(entry):
                    self.index[rel] = entry
            name = queries.__getitem__
            for digest, answers in results.items():  # [query number, value, query number, value, ...]
                self.results[digest] = dict(zip(map(name, answers[0::2]), answers[1::2], strict=True))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            self.index, self.results = {}, {}

    def save(self, files: frozenset[str] | set[str]) -> None:
        """Write what is known of the listed `files` when anything changed (best effort: a read-only or full
        disk never fails the run). Files this run did not look at keep their recorded entries."""
        if self.path is None:
            return
        # An entry whose file changed stays until a trusted one replaces it: its stat (ctime included) can never
        # match again, so it is never used, and dropping it alone would be a write for nothing.
        index = {rel: entry for rel, entry in self.index.items() if rel in files}
        for rel, digest in self.digests.items():
            if rel in self.stats and rel in files:
                index[rel] = [*self.stats[rel], digest]
        used = {entry[5] for entry in index.values()}
        # Answers about a file still inside the racy window are not written (its stat cannot be trusted yet), nor
        # is a summary that depends on one: a run right after an edit, the everyday case, writes nothing.
        if any(digest in used for digest in self.new) or index != self.index:
            numbers: dict[str, int] = {}  # each query's text once: a file's answers name them by number
            results = {}
            for digest, answers in self.results.items():
                if digest in used:
                    flat = results[digest] = []
                    for query, value in answers.items():
                        flat += (numbers.setdefault(query, len(numbers)), value)
            self._write(self.path.name, {"files": index, "queries": list(numbers), "results": results})
        if self.kept_new or self._kept is not None:
            derived = {  # results of this run, and earlier ones whose files are all still listed
                **{name: entry for name, entry in self.kept.items() if all(path in files for path in entry[1])},
                **self.kept_new,
            }
            learnt = any(
                all(digest in used for digest in entry[1].values())
                for name, entry in self.kept_new.items()
                if self.kept.get(name) != entry
            )
            if learnt or derived.keys() != self.kept.keys():
                self._write(ENTRIES_FILE, derived)
        if self.blobs_used and self.blobs_used != self.blobs_on_disk():
            self._write(BLOBS_FILE, self.blobs_used)  # the sizes this run asked for

    # -- a forked child's share -------------------------------------------------------------------
    def export(self) -> dict:
        """What this process learnt, for the parent to merge (see parallel.py)."""
        return {
            "digests": self.digests,
            "stats": self.stats,
            "new": self.new,
            "derived": self.kept_new,
            "blobs": self.blobs_used,
        }

    def merge(self, learnt: dict) -> None:
        try:
            for rel, digest in learnt["digests"].items():
                self.digests.setdefault(rel, digest)
            for rel, current in learnt["stats"].items():
                if self.digests.get(rel) == learnt["digests"].get(rel):
                    self.stats.setdefault(rel, current)
            for digest, answers in learnt["new"].items():
                self.results.setdefault(digest, {}).update(answers)
                self.new.setdefault(digest, {}).update(answers)
            for name, entry in learnt["derived"].items():
                if isinstance(entry, list) and len(entry) == 3 and isinstance(entry[1], dict):
                    self.kept_new[name] = entry
            for oid, size in learnt["blobs"].items():
                if type(size) is int:
                    self.blobs_used[oid] = size
                    if self._blobs is not None:
                        self._blobs[oid] = size
        except (KeyError, TypeError, AttributeError):
            return


def is_stat_entry(entry: list) -> bool:
    """[size, mtime_ns, ctime_ns, inode, mode, digest]: five ints (no bools) and a string (checked for each of the
    10,000 entries of a large repository on every run, hence spelt out)."""
    size, mtime, ctime, inode, mode, digest = entry
    return (
        type(size) is int
        and type(mtime) is int
        and type(ctime) is int
        and type(inode) is int
        and type(mode) is int
        and isinstance(digest, str)
    )


def lstat_or_none(full: str) -> os.stat_result | None:
    try:
        return os.lstat(full)
    except OSError:
        return None
