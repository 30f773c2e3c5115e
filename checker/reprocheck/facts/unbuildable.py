"""Dockerfiles that cannot build as committed: a COPY/ADD source that no build context of the repository holds.

Such an image is dead: pinning its base or its packages changes nothing until the missing file is restored, so the
findings located in it are set aside (listed with the suppressed ones, saying why) instead of being reported as
things to act on. The test is conservative: a source counts as missing only when it is a plain path (no variable,
no glob, not the whole context), exists in no candidate context (the context docker is given, the Dockerfile's
folder and each folder above it) neither in git nor on disk, no .gitignore names it (a build artifact made before
`docker build`), and nothing that may make it mentions it: no script, Makefile, CI step or documented command of
the repository (`poetry export -o requirements.txt`), no document, notebook or script beside the Dockerfile, no
README above it (`wget .../model.onnx` before the build).
"""

from __future__ import annotations

import posixpath

from reprocheck.facts import fact
from reprocheck.facts.dockerfile import context_candidates, source_exists
from reprocheck.patterns import lazy_pattern
from reprocheck.project import UnreadableFile

GLOB = lazy_pattern(r"[*?\[]")


@fact
def unbuildable_dockerfiles(
    project, dockerfiles, build_contexts, shell_commands, documented_commands
) -> dict[str, str]:
    """Why each Dockerfile that cannot build as committed cannot, by its path."""
    out: dict[str, str] = {}
    for path, dockerfile in dockerfiles.items():
        if dockerfile.generated:
            continue
        context = build_contexts[path].folder
        candidates = list(dict.fromkeys([context, *context_candidates(path)]))
        missing = [
            (instruction, rel, written, line)
            for instruction, rel, written, line in local_sources(dockerfile)
            if not any(source_exists(project, candidate, rel) for candidate in candidates)
        ]
        if not missing:
            continue
        mentions = _mentions(project, shell_commands, documented_commands, path)
        for instruction, rel, written, line in missing:
            if posixpath.basename(rel).lower() in mentions or rel.split("/")[0].lower() in mentions:
                continue
            where = f"its build context {context}/" if context else "the repository"
            out[path] = (
                f"the image cannot build as committed: {instruction} {written} (line {line}) names a file that "
                f"{where} does not hold"
            )
            break
    return out


def local_sources(dockerfile) -> list[tuple[str, str, str, int]]:
    """(instruction, context-relative path, the source as written, line) of every COPY/ADD source that can be
    judged: not remote, no variable, no glob, not the whole context nor outside it."""
    found = []
    for stage in dockerfile.stages:
        for instruction, item in [*(("COPY", c) for c in stage.copies), *(("ADD", a) for a in stage.adds)]:
            for source in item.sources:
                rel = _plain_source(source)
                if rel is not None:
                    found.append((instruction, rel, source, item.line))
    return found


def _plain_source(source: str) -> str | None:
    """The source as a context-relative path, or None when it cannot be judged: remote, a variable, a glob, the
    whole context or outside it."""
    if "://" in source or source.startswith("git@") or "$" in source or GLOB.search(source):
        return None
    rel = posixpath.normpath(source.lstrip("/"))
    if rel in (".", "") or rel.startswith(".."):
        return None
    return rel


DOCUMENTS = (".md", ".rst", ".txt")
NEARBY = (*DOCUMENTS, ".ipynb", ".py", ".sh")
MAX_READ = 1024 * 1024


def _mentions(project, shell_commands, documented_commands, dockerfile: str) -> str:
    """What may make a missing source before the build, as one lower-cased text: every command of the repository
    (scripts, Makefiles, CI, documented commands), every .gitignore, the documents, notebooks and scripts in the
    Dockerfile's folder and below, and the documents of the folders above it (a README that says to download the
    model next to the Dockerfile)."""
    texts = [c.command.text for c in [*shell_commands, *documented_commands] if c.path != dockerfile]
    folder = posixpath.dirname(dockerfile)
    above = set()
    parent = folder
    while parent:
        parent = posixpath.dirname(parent)
        above.add(parent)

    def nearby(rel: str) -> bool:
        if rel == dockerfile:
            return False
        if posixpath.basename(rel) == ".gitignore":
            return True
        if posixpath.dirname(rel) == folder or (folder and rel.startswith(folder + "/")):
            return rel.lower().endswith(NEARBY)
        return posixpath.dirname(rel) in above and rel.lower().endswith(DOCUMENTS)

    for rel in project.select(nearby):
        try:
            texts.append(project.read_text(rel, MAX_READ))
        except UnreadableFile:  # too large or unreadable: it mentions nothing
            continue
    return "\n".join(texts).lower()
