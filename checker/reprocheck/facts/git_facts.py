"""What git stores: the committed size of every tracked file, Git LFS attributes and pointer files.

Two git calls give every size (`git ls-files -s` for the blob ids, one `git cat-file --batch-check` for their
sizes), so a 2 GB file stored through LFS counts as its small pointer, and a file committed before
`git lfs track` counts as what it really is. Pointers are recognised by content, reading only small blobs of
candidate files in one `git cat-file --batch` call. Outside git, sizes come from the file system and pointers
from the first bytes of the files. Nothing is ever read whole.
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
from dataclasses import dataclass, field
from functools import cached_property

import pathspec

from reprocheck.facts import fact
from reprocheck.patterns import lazy_pattern
from reprocheck.project import UnreadableFile, gitignore_spec

LFS_SPEC = b"version https://git-lfs.github.com/spec/v1"
LFS_SPEC_OLD = b"version https://hawser.github.com/spec/v1"
POINTER_MAX_BYTES = 1024  # the Git LFS spec caps pointer files below 1024 bytes
LFS_SIZE = lazy_pattern(rb"^size ([0-9]+)$", re.MULTILINE)
LFS_OID = lazy_pattern(rb"^oid sha256:([0-9a-f]{64})$", re.MULTILINE)
GITLINK = "160000"


@dataclass(frozen=True)
class LfsPointer:
    """A Git LFS pointer: the real content lives in LFS storage, git holds these few lines."""

    oid: str
    size: int | None  # size of the real file


def parse_lfs_pointer(data: bytes) -> LfsPointer | None:
    if len(data) >= POINTER_MAX_BYTES or not data.startswith((LFS_SPEC, LFS_SPEC_OLD)):
        return None
    oid, size = LFS_OID.search(data), LFS_SIZE.search(data)
    if oid is None:
        return None
    return LfsPointer(oid.group(1).decode(), int(size.group(1)) if size else None)


@dataclass(frozen=True)
class AttributeRule:
    """One `.gitattributes` line's pattern and whether it sends matches through LFS."""

    base: str  # folder of the .gitattributes file ("" at the root)
    pattern: pathspec.GitIgnoreSpec  # one pattern
    lfs: bool  # True: filter=lfs set; False: the filter is unset or another one


def parse_gitattributes(base: str, text: str) -> list[AttributeRule]:
    """The lines of one .gitattributes that set or unset `filter` (macros and other attributes ignored)."""
    rules = []
    for line in text.splitlines():
        fields = line.strip().split()
        if len(fields) < 2 or fields[0].startswith(("#", "[attr]", "!")):
            continue
        states = [f for f in fields[1:] if f in ("-filter", "!filter") or f.startswith("filter=")]
        if not states:
            continue
        pattern = fields[0]
        if pattern.endswith("/"):
            continue  # in attributes files a folder pattern matches nothing (git does not recurse)
        if "/" not in pattern:
            pattern = "**/" + pattern  # no slash: matches the name at any depth below the file
        elif not pattern.startswith("/"):
            pattern = "/" + pattern
        spec = gitignore_spec([pattern])
        rules.append(AttributeRule(base, spec, states[-1] == "filter=lfs"))
    return rules


@dataclass
class GitFacts:
    """Sizes and LFS knowledge about the project's files; `in_git` says where the sizes came from."""

    project: object = field(repr=False)
    in_git: bool
    sizes: dict[str, int]  # committed (index) blob size in git; file-system size outside
    blob_ids: dict[str, str] = field(default_factory=dict)
    _pointers: dict[str, LfsPointer | None] = field(default_factory=dict, repr=False)

    def size(self, rel: str) -> int | None:
        if rel not in self.sizes and not self.in_git:
            size = self.project.size(rel)
            if size is not None:
                self.sizes[rel] = size
        return self.sizes.get(rel)

    @cached_property
    def attribute_rules(self) -> list[AttributeRule]:
        """Filter rules of every listed .gitattributes, shallowest first (deeper files override)."""
        files = self.project.named(".gitattributes")
        rules: list[AttributeRule] = []
        for rel in sorted(files, key=lambda r: (r.count("/"), r)):
            text = self.project.try_read_text(rel, ".gitattributes")
            if text and "filter" in text:
                rules.extend(parse_gitattributes(posixpath.dirname(rel), text))
        return rules

    def is_lfs_tracked(self, rel: str) -> bool:
        """True when .gitattributes routes `rel` through the LFS filter (the last matching line wins)."""
        decided = False
        for rule in self.attribute_rules:
            if rule.base and not rel.startswith(rule.base + "/"):
                continue
            below = rel[len(rule.base) + 1 :] if rule.base else rel
            if rule.pattern.match_file(below):
                decided = rule.lfs
        return decided

    @cached_property
    def ignore_specs(self) -> list[tuple[str, pathspec.GitIgnoreSpec]]:
        """(folder, patterns) of every listed .gitignore, shallowest first."""
        files = self.project.named(".gitignore")
        specs = []
        for rel in sorted(files, key=lambda r: (r.count("/"), r)):
            text = self.project.try_read_text(rel, ".gitignore")
            if text:
                specs.append((posixpath.dirname(rel), gitignore_spec(text.splitlines())))
        return specs

    def is_ignored(self, rel: str, directory: bool = False) -> bool:
        """Whether the committed .gitignore files ignore `rel` for everybody (personal excludes do not count).

        A path inside an ignored folder is ignored; `directory` also tries the folder form (`data/raw/`).
        """
        parts = rel.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            last = depth == len(parts)
            forms = [prefix + "/"] if not last else ([prefix, prefix + "/"] if directory else [prefix])
            if any(self._ignored_form(form) for form in forms):
                return True
        return False

    def _ignored_form(self, candidate: str) -> bool:
        decided: bool | None = None
        for base, spec in self.ignore_specs:
            if base and not candidate.startswith(base + "/"):
                continue
            result = spec.check_file(candidate[len(base) + 1 :] if base else candidate)
            if result.include is not None:
                decided = result.include
        return bool(decided)

    def lfs_pointer(self, rel: str) -> LfsPointer | None:
        return self.lfs_pointers([rel]).get(rel)

    def lfs_pointers(self, paths: list[str]) -> dict[str, LfsPointer]:
        """The LFS pointers among `paths` (by content; blobs too large to be pointers are never read)."""
        todo = [p for p in paths if p not in self._pointers]
        small = [p for p in todo if (self.size(p) or 0) < POINTER_MAX_BYTES and self.size(p) is not None]
        for rel in todo:
            self._pointers[rel] = None
        if small:
            contents = self._read_blobs(small) if self.in_git else self._read_heads(small)
            for rel, data in contents.items():
                self._pointers[rel] = parse_lfs_pointer(data)
        return {p: self._pointers[p] for p in paths if self._pointers.get(p) is not None}

    def _read_heads(self, paths: list[str]) -> dict[str, bytes]:
        out = {}
        for rel in paths:
            try:
                out[rel] = self.project.read_bytes(rel, POINTER_MAX_BYTES)
            except UnreadableFile:
                continue
        return out

    def _read_blobs(self, paths: list[str]) -> dict[str, bytes]:
        by_id: dict[str, list[str]] = {}
        for rel in paths:
            if rel in self.blob_ids:
                by_id.setdefault(self.blob_ids[rel], []).append(rel)
        output = run_git(self.project.root, ["cat-file", "--batch"], "\n".join(by_id) + "\n")
        out: dict[str, bytes] = {}
        if output is None:
            return out
        cursor = 0
        while cursor < len(output):
            header_end = output.find(b"\n", cursor)
            if header_end < 0:
                break
            header = output[cursor:header_end].split()
            cursor = header_end + 1
            if len(header) != 3 or header[1] != b"blob":
                continue
            size = int(header[2])
            for rel in by_id.get(header[0].decode(), []):
                out[rel] = output[cursor : cursor + size]
            cursor += size + 1
        return out


# The checked repository's own .git/config could name a program for git to run: `core.fsmonitor` is run by
# every command that reads the index (ls-files, grep). Never let it.
NO_REPOSITORY_PROGRAMS = ("-c", "core.fsmonitor=false")


def run_git(root, args: list[str], stdin: str | None = None) -> bytes | None:
    """Run git read-only with `stdin`; None when git is missing or fails."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            ["git", *NO_REPOSITORY_PROGRAMS, *args],
            cwd=root,
            input=stdin.encode("utf-8", "surrogateescape") if stdin is not None else None,
            capture_output=True,
            env=env,
            timeout=300,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def index_entries(project) -> dict[str, str] | None:
    """Tracked path -> blob id from `git ls-files -s` (submodules skipped), limited to the project's files."""
    output = run_git(project.root, ["ls-files", "-s", "-z"])
    if output is None:
        return None
    entries: dict[str, str] = {}
    for record in output.split(b"\0"):
        meta, _, path = record.partition(b"\t")
        fields = meta.split()
        if len(fields) != 3 or fields[0].decode() == GITLINK:
            continue
        rel = path.decode("utf-8", "surrogateescape")
        if project.tracked is None or rel in project.tracked:
            entries[rel] = fields[1].decode()
    return entries


def blob_sizes(project, entries: dict[str, str]) -> dict[str, int]:
    """Size of every blob: kept between runs by object id (a content hash), the others from one
    `git cat-file --batch-check` call."""
    ids = sorted(set(entries.values()))
    cache = project.file_cache
    by_id: dict[str, int] = cache.blob_sizes(ids) if cache is not None else {}
    asked = [oid for oid in ids if oid not in by_id]
    if asked:
        batch = ["cat-file", "--batch-check=%(objectname) %(objectsize)"]
        output = run_git(project.root, batch, "\n".join(asked) + "\n")
        found: dict[str, int] = {}
        for line in (output or b"").splitlines():
            fields = line.split()
            if len(fields) == 2 and fields[1].isdigit():
                found[fields[0].decode()] = int(fields[1])
        if cache is not None:
            cache.keep_blob_sizes(found)
        by_id.update(found)
    return {rel: by_id[oid] for rel, oid in entries.items() if oid in by_id}


@fact
def git_facts(project) -> GitFacts:
    """Committed sizes and LFS facts from two git calls (file-system sizes outside git or if git fails)."""
    if project.in_git:
        entries = index_entries(project)
        if entries is not None:
            sizes = blob_sizes(project, entries) if entries else {}
            if len(sizes) == len(entries):
                return GitFacts(project=project, in_git=True, sizes=sizes, blob_ids=entries)
    return GitFacts(project=project, in_git=False, sizes={})


# -- submodules -----------------------------------------------------------------------------------
SUBMODULE_PATH = lazy_pattern(r"^\s*path\s*=\s*(.+?)\s*$", re.MULTILINE)


def submodule_paths(project) -> list[str]:
    """The submodule paths `.gitmodules` declares (read quietly: a missing or odd file declares none)."""
    if not project.exists(".gitmodules"):
        return []
    try:
        text = project.read_text(".gitmodules")
    except UnreadableFile:
        return []
    return [posixpath.normpath(m.group(1).strip("\"'")) for m in SUBMODULE_PATH.finditer(text)]


def link_into_missing_submodule(project, rel: str) -> bool:
    """A symbolic link whose target is missing because it lies in a submodule that is not checked out: the file
    is not part of this checkout, so there is nothing to parse."""
    full = str(project.abspath(rel))
    if not os.path.islink(full) or os.path.exists(full):
        return False
    try:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), os.readlink(full)))
    except OSError:
        return False
    return any(target == path or target.startswith(path + "/") for path in submodule_paths(project))
