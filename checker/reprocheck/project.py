"""The checked project: its root, its file list (one git call) and safe, bounded reading of its files."""

from __future__ import annotations

import errno
import os
import posixpath
import re
import stat
import subprocess
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING

import pathspec

from reprocheck.filecache import MISSING, FileCache, lstat_or_none
from reprocheck.patterns import lazy_pattern

if TYPE_CHECKING:
    from reprocheck.config import Settings

# Folders never walked outside git (inside git, .gitignore decides).
DEFAULT_SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".reprocheck_cache",
        ".ipynb_checkpoints",
        "site-packages",
        ".eggs",
    }
)
# Reading is bounded: a file larger than this is never parsed (its kind's rules report it as unparsable).
MAX_READ_BYTES = 8 * 1024 * 1024
BINARY_SNIFF = 8192
# Opening without following a final symbolic link (not on Windows), without blocking on a FIFO; the errors a link
# gives then (ELOOP; EMLINK on FreeBSD).
OPEN_NO_LINK = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK if hasattr(os, "O_NOFOLLOW") else None
LINK_ERRNOS = (errno.ELOOP, errno.EMLINK)
# Contents read are kept for the run (several rules read the same files: secrets scan every tracked file, Python
# rules the code, config rules the YAML), up to this many bytes and characters in all.
MAX_KEPT_BYTES = 256 * 1024 * 1024


STAR_RUN = lazy_pattern(r"\*{3,}")


def gitignore_spec(lines: list[str]) -> pathspec.PathSpec:
    """gitignore-style patterns compiled safely: a run of three or more stars means to git what two mean, and
    pathspec's regex for a long run backtracks exponentially, so runs are shortened first; a pattern git cannot
    use either (`*.pt\\` ends in an escape, `[z-a]` is a reversed range) is left out, as git leaves it out."""
    patterns = [STAR_RUN.sub("**", line) for line in lines]
    try:
        return pathspec.GitIgnoreSpec.from_lines(patterns)
    except (ValueError, re.error):  # pathspec's GitIgnorePatternError, or a bracket its regex cannot compile
        return pathspec.GitIgnoreSpec.from_lines([p for p in patterns if valid_pattern(p)])


def valid_pattern(pattern: str) -> bool:
    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except (ValueError, re.error):
        return False
    return True


class UnreadableFile(Exception):
    """A file that cannot be read as text: binary, too large, outside the root, or an OS error."""


@dataclass(frozen=True)
class ParseProblem:
    """A file of a kind the checker reads that could not be parsed (reported as RPC002)."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None


# A checked repository's .git/config may name programs for git to run (core.fsmonitor runs on index reads):
# reprocheck runs none of them.
SAFE_GIT_CONFIG = ("-c", "core.fsmonitor=false")


def git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes] | None:
    """Run git read-only; None when git is missing or fails to start."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(
            ["git", *SAFE_GIT_CONFIG, *args], cwd=cwd, capture_output=True, env=env, timeout=120, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None


def find_git_root(path: Path) -> Path | None:
    start = path if path.is_dir() else path.parent
    result = git(["rev-parse", "--show-toplevel"], start)
    if result is None or result.returncode != 0:
        return None
    text = result.stdout.decode("utf-8", "surrogateescape").strip()
    return Path(text) if text else None


@dataclass
class Project:
    """Everything a fact may know about the checked tree, and nothing about rules."""

    root: Path
    settings: Settings
    files: list[str]
    tracked: frozenset[str] | None  # None outside git
    problems: list[ParseProblem] = field(default_factory=list)
    _parsed: dict[tuple[str, str], object] = field(default_factory=dict, repr=False)
    _contents: dict[str, bytes] = field(default_factory=dict, repr=False)
    _texts: dict[str, str] = field(default_factory=dict, repr=False)
    _kept_bytes: int = field(default=0, repr=False)
    _ascii: set[str] = field(default_factory=set, repr=False)  # kept as text only: their bytes are its characters
    _selected: dict = field(default_factory=dict, repr=False)
    _by_name: dict[str, list[str]] | None = field(default=None, repr=False)
    file_cache: FileCache | None = field(default=None, repr=False)  # per-file answers kept between runs

    # -- construction -----------------------------------------------------------------------------
    @classmethod
    def discover(
        cls,
        path: Path,
        settings: Settings,
        root: Path | None = None,
        listing: tuple[list[str], frozenset[str] | None] | None = None,
    ) -> Project:
        """The project at `root`; `listing` is a file list already made by :func:`list_files` (one git call)."""
        root = (root or find_git_root(path) or (path if path.is_dir() else path.parent)).resolve()
        files, tracked = listing if listing is not None else list_files(root)
        excluded = settings.exclude_spec()
        if excluded is not None:
            files = [f for f in files if not excluded.match_file(f)]
            tracked = frozenset(f for f in tracked if not excluded.match_file(f)) if tracked is not None else None
        return cls(root=root, settings=settings, files=sorted(files), tracked=tracked)

    # -- queries ----------------------------------------------------------------------------------
    @property
    def in_git(self) -> bool:
        return self.tracked is not None

    @cached_property
    def file_set(self) -> frozenset[str]:
        return frozenset(self.files)

    @cached_property
    def folders(self) -> frozenset[str]:
        """Every folder that holds a listed file, at any depth (root-relative, no trailing slash)."""
        found: set[str] = set()
        for rel in self.files:
            directory = posixpath.dirname(rel)
            while directory and directory not in found:
                found.add(directory)
                directory = posixpath.dirname(directory)
        return frozenset(found)

    def exists(self, rel: str) -> bool:
        return rel in self.file_set

    def is_tracked(self, rel: str) -> bool:
        """Outside git every listed file counts as tracked (it is what would be committed)."""
        return rel in self.file_set if self.tracked is None else rel in self.tracked

    def select(self, predicate) -> list[str]:
        """The files `predicate` accepts, in order; remembered per predicate (facts ask for the same kinds)."""
        found = self._selected.get(predicate)
        if found is None:
            found = self._selected[predicate] = [f for f in self.files if predicate(f)]
        return list(found)

    def named(self, name: str) -> list[str]:
        """The files called `name` (any folder), in order."""
        if self._by_name is None:
            self._by_name = {}
            for rel in self.files:
                self._by_name.setdefault(posixpath.basename(rel), []).append(rel)
        return list(self._by_name.get(name, ()))

    def matching(self, patterns: list[str]) -> list[str]:
        spec = gitignore_spec(patterns)
        return [f for f in self.files if spec.match_file(f)]

    def abspath(self, rel: str) -> Path:
        return self.root / rel

    def size(self, rel: str) -> int | None:
        try:
            return self.abspath(rel).stat().st_size
        except OSError:
            return None

    # -- reading ----------------------------------------------------------------------------------
    def read_bytes(self, rel: str, limit: int | None = None) -> bytes:
        """Read a listed file, refusing symlinks that leave the root, special files and files over `limit`."""
        limit = MAX_READ_BYTES if limit is None else limit
        kept = self.kept_bytes(rel)
        if kept is not None:
            if len(kept) > limit:
                raise UnreadableFile(f"{len(kept)} bytes, above the {limit}-byte read limit")
            return kept
        data = self._read_bytes(rel, limit)
        if self._kept_bytes + len(data) <= MAX_KEPT_BYTES and rel in self.file_set:
            self._contents[rel] = data
            self._kept_bytes += len(data)
        return data

    def is_kept(self, rel: str) -> bool:
        """Whether `rel` was read in this run already (reading it again costs nothing)."""
        return rel in self._contents or rel in self._ascii

    def kept_bytes(self, rel: str) -> bytes | None:
        """The bytes of a file read in this run (an ASCII file's are its kept text, encoded again), else None."""
        kept = self._contents.get(rel)
        if kept is None and rel in self._ascii:
            return self._texts[rel].encode("ascii")
        return kept

    def _read_bytes(self, rel: str, limit: int) -> bytes:
        full = os.path.join(self.root, rel)
        if OPEN_NO_LINK is not None and rel in self.file_set:
            # A listed file is opened without following a link (a link falls through to the checks below) and
            # judged by what was opened: no window between a check and the read, one system call fewer.
            try:
                handle = os.open(full, OPEN_NO_LINK)
            except OSError as error:
                if error.errno not in LINK_ERRNOS:
                    raise UnreadableFile(error.strerror or str(error)) from None
            else:
                try:
                    return read_regular(handle, limit)
                finally:
                    os.close(handle)
        try:
            info = os.lstat(full)
            # A listed file that is not a link cannot leave the root (neither git nor the walk goes through
            # linked folders); links, and paths a rule built itself (`../x`), are resolved and checked.
            if stat.S_ISLNK(info.st_mode) or rel not in self.file_set:
                real = Path(os.path.realpath(full))
                if real != self.root and self.root not in real.parents:
                    raise UnreadableFile("a symbolic link pointing outside the repository (not followed)")
                info = os.stat(full)
            if not stat.S_ISREG(info.st_mode):
                raise UnreadableFile("not a regular file")
            if info.st_size > limit:
                raise UnreadableFile(f"{info.st_size} bytes, above the {limit}-byte read limit")
            with open(full, "rb") as handle:
                return handle.read(limit + 1)
        except UnreadableFile:
            raise
        except OSError as error:
            raise UnreadableFile(error.strerror or str(error)) from None

    def read_text(self, rel: str, limit: int | None = None) -> str:
        """Decode a file as text (UTF-8, UTF-8/16 with a BOM, else Latin-1); binary content is refused."""
        text = self._texts.get(rel)
        if text is None:
            data = self.read_bytes(rel, limit)
            text = decode_text(data)
            if rel in self._contents and len(text) == len(data) and text.isascii():
                # The same characters as the bytes: keep one copy (most source files; a large run's memory was
                # a third file contents, held twice).
                self._texts[rel] = text
                del self._contents[rel]
                self._ascii.add(rel)
            elif rel in self._contents and self._kept_bytes + len(text) <= MAX_KEPT_BYTES:
                self._texts[rel] = text  # rules read both; the text counts against the same budget
                self._kept_bytes += len(text)
        elif limit is not None:
            size = len(self._contents[rel]) if rel in self._contents else len(text)
            if size > limit:
                raise UnreadableFile(f"{size} bytes, above the {limit}-byte read limit")
        return text

    def problem(self, rel: str, message: str, line: int | None = None, column: int | None = None) -> None:
        """Record that `rel` could not be parsed; RPC002 reports each once."""
        item = ParseProblem(rel, message, line, column)
        if item not in self.problems:
            self.problems.append(item)

    def parsed(self, kind: str, rel: str, build):
        """Parse `rel` as `kind` at most once per run: `build(project, rel)` runs on the first request only."""
        key = (kind, rel)
        if key not in self._parsed:
            self._parsed[key] = build(self, rel)
        return self._parsed[key]

    def remembered(self, query: str, rel: str, compute):
        """`compute()`, an answer about one listed file that depends on its bytes only (JSON data), served from
        the per-file cache when a file with the same content was answered before (filecache.py)."""
        cache = self.file_cache
        if cache is None:
            return compute()
        answers = cache.answers_of.get(rel)  # FileCache.get's first step, without its call (asked ~100,000 times)
        value = answers.get(query, MISSING) if answers is not None else cache.get(rel, query)
        if value is MISSING:
            value = compute()
            cache.put(rel, query, value, partial(self.kept_bytes, rel))
        return value

    def digest(self, rel: str) -> str | None:
        """The content digest of a listed file (from its stat when the per-file cache knows it, else read), or
        None without a cache or when it cannot be read."""
        cache = self.file_cache
        if cache is None or cache.path is None or rel not in self.file_set:
            return None

        def content() -> bytes | None:
            try:
                return self.read_bytes(rel)
            except UnreadableFile:
                return None

        return cache.digest(rel, content)

    def try_read_text(self, rel: str, what: str = "file") -> str | None:
        """Read text or record an RPC002 problem and return None."""
        try:
            return self.read_text(rel)
        except UnreadableFile as error:
            self.problem(rel, f"cannot read {what}: {error}")
            return None


def read_regular(handle: int, limit: int) -> bytes:
    """The content of an open regular file of at most `limit` bytes."""
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("not a regular file")
        if info.st_size > limit:
            raise UnreadableFile(f"{info.st_size} bytes, above the {limit}-byte read limit")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(handle, min(limit + 1 - size, 1 << 24) or 1)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise UnreadableFile(error.strerror or str(error)) from None
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace").lstrip("\ufeff")
    if b"\x00" in data[:BINARY_SNIFF]:
        raise UnreadableFile("binary content")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# lstat results taken while listing, reused by the run cache's key: one stat per file and run.
LISTED_STATS: dict[str, os.stat_result] = {}


def listed_stat(full: str) -> os.stat_result | None:
    """The stat taken while listing (else a fresh lstat): what the caches compare with what they recorded."""
    return LISTED_STATS.get(full) or lstat_or_none(full)


def list_files(root: Path) -> tuple[list[str], frozenset[str] | None]:
    """(files, tracked): from git when `root` is a work tree, else a .gitignore-honouring walk (tracked None)."""
    listed = list_git_files(root)
    return listed if listed is not None else (walk_files(root), None)


def list_git_files(root: Path) -> tuple[list[str], frozenset[str]] | None:
    """Tracked plus untracked-not-ignored files in one call; None when `root` is not a git work tree."""
    result = git(["ls-files", "-z", "-t", "--cached", "--others", "--exclude-standard"], root)
    if result is None or result.returncode != 0:
        return None
    files: set[str] = set()
    tracked: set[str] = set()
    base = str(root)
    for entry in result.stdout.split(b"\0"):
        if len(entry) < 3:
            continue
        tag, rel = entry[:1], entry[2:].decode("utf-8", "surrogateescape")
        if rel.startswith(".reprocheck_cache/"):
            continue
        full = os.path.join(base, rel)
        try:
            info = os.lstat(full)
        except OSError:  # deleted in the work tree
            continue
        LISTED_STATS[full] = info
        if stat.S_ISDIR(info.st_mode):  # a submodule or nested repository
            continue
        files.add(rel)
        if tag != b"?":
            tracked.add(rel)
    return sorted(files), frozenset(tracked)


def walk_files(root: Path) -> list[str]:
    """Walk a tree outside git, honouring every .gitignore on the way and never following directory links."""
    found: list[str] = []
    specs: list[tuple[str, pathspec.PathSpec]] = []

    def ignored(rel: str, is_dir: bool) -> bool:
        candidate = rel + "/" if is_dir else rel
        for base, spec in specs:
            if base and not candidate.startswith(base + "/"):
                continue
            if spec.match_file(candidate[len(base) + 1 :] if base else candidate):
                return True
        return False

    for current, dirs, names in os.walk(root, followlinks=False):
        rel_dir = os.path.relpath(current, root).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir
        if ".gitignore" in names:
            try:
                lines = (Path(current) / ".gitignore").read_text("utf-8", "replace").splitlines()
                specs.append((rel_dir, gitignore_spec(lines)))
            except OSError:
                pass
        kept = []
        for d in sorted(dirs):
            rel = f"{rel_dir}/{d}" if rel_dir else d
            if d in DEFAULT_SKIPPED_DIRS or ignored(rel, True):
                continue
            kept.append(d)
        dirs[:] = kept
        for n in names:
            rel = f"{rel_dir}/{n}" if rel_dir else n
            if not ignored(rel, False):
                found.append(rel)
    return sorted(found)
