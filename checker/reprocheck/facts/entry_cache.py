"""What an entry point reaches, kept between runs with the files it was computed from.

An entry point's summary (the units it reaches, the random-state calls and the seeding among them) is a function
of the code of the files its reach runs through, the list of Python files and notebooks (which names a module can
be imported under), the class statements of every module (a subclass elsewhere can override a method the reach
calls on `self`) and the settings. Every module a reached unit imports is itself in the reach (its body runs at
import time), so the files of the plain reach (every branch taken) hold all the code the summary read. The summary
is kept in the per-file cache (filecache.py) with the digests of those files, under a key made of the other
inputs; while all of them hold, a later run uses it without following the entry point again. Problems met on the
way (a file of the reach that does not parse) are kept with it and recorded again, so that RPC002 reports the same
either way.
"""

from __future__ import annotations

import hashlib
import json

from reprocheck import filekinds
from reprocheck.facts.entrypoints import EntryPoint
from reprocheck.facts.reachability import CallGraph, Unit, class_bases
from reprocheck.filecache import MISSING

VERSION = 1  # of what is kept: bumped with the summary's shape (the checker's own changes drop the cache anyway)


class EntryCache:
    """Entry point summaries of earlier runs, as JSON data, valid while their inputs hold."""

    def __init__(self, project, settings, graph: CallGraph):
        self.project = project
        self.cache = project.file_cache if project.file_cache is not None and project.file_cache.path else None
        self.graph = graph
        self._key: str | None = None
        self.settings = settings

    @property
    def key(self) -> str:
        """What every summary depends on besides its own files."""
        if self._key is None:
            digest = hashlib.sha256(f"entry-randomness {VERSION}\n".encode())
            digest.update(json.dumps(self.settings.as_dict(), sort_keys=True, default=str).encode())
            code = [rel for rel in self.project.files if filekinds.is_python(rel) or filekinds.is_notebook(rel)]
            digest.update("\0".join(code).encode("utf-8", "surrogateescape"))  # what the module names come from
            # the class statements the base index is built from (each file's kept answer, JSON data whose repr is
            # as stable as its JSON and much cheaper than sorting and dumping the index itself)
            modules = self.graph.modules
            for path in sorted(modules):
                bases = modules[path].remembered("class-bases", class_bases)
                if bases:
                    digest.update(f"{path}\0{bases!r}\n".encode("utf-8", "surrogateescape"))
            self._key = digest.hexdigest()
        return self._key

    def get(self, entry: EntryPoint) -> dict | None:
        """The kept data of `entry`'s summary (its problems recorded again), or None."""
        if self.cache is None:
            return None
        data = self.cache.derived(name_of(entry), self.key, self.project.digest)
        if data is MISSING or not isinstance(data, dict):
            return None
        try:
            problems = [(path, message, line, column) for path, message, line, column in data["problems"]]
        except (KeyError, TypeError, ValueError):
            return None
        if not all(isinstance(path, str) and isinstance(message, str) for path, message, _, _ in problems):
            return None
        for problem in problems:
            self.project.problem(*problem)
        return data

    def put(self, entry: EntryPoint, data: dict, plain: list[Unit]) -> None:
        """Keep `data` with the files of `plain` (and the entry's own) and the problems recorded for them."""
        if self.cache is None:
            return
        paths = {unit.path for unit in plain} | {unit.path for unit in entry.starts} | {entry.path}
        problems = [[p.path, p.message, p.line, p.column] for p in self.project.problems if p.path in paths]
        self.cache.keep(name_of(entry), self.key, {**data, "problems": problems}, paths, self.project.digest)


def name_of(entry: EntryPoint) -> str:
    """An entry point's name in the cache: what its summary is computed from (its start units)."""
    return "entry " + json.dumps([list(unit) for unit in entry.starts])
