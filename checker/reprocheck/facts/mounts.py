"""Where the repository's own container specs mount volumes under `/mnt`: a path there is a place inside the
container that every run has, not a folder of the author's machine (CFG005).

Read as text, so that a spec counts wherever it is written: a Kubernetes manifest or a job spec inside a notebook
(`mountPath: /mnt/azure`, `"mountPath": "/mnt/x"` in JSON or jsonnet, `mount_path="/mnt"` of the Python client or
`kfp.kubernetes.mount_pvc`), a Kubeflow Pipelines volume (`add_pvolumes({"/mnt": ...})`, `pvolumes={...}`), a
`docker run -v SRC:/mnt/x` or `--mount ...,target=/mnt/x` in a script, a Makefile, CI or a README, a compose
volume (`- ./data:/mnt/data`, `target: /mnt/data`) and a Dockerfile `VOLUME /mnt/x`. Only files that mention
`/mnt` are read, and only when a rule asks.
"""

from __future__ import annotations

import re

from reprocheck import filekinds
from reprocheck.facts import fact
from reprocheck.facts.devcontainers import COMPOSE_FILE
from reprocheck.project import UnreadableFile

TARGET = r"(?P<target>/mnt(?:/[\w.-]+)*)"
# Quotes and the backslashes of JSON-escaped text (a notebook's cell source) may surround keys and values.
QUOTES = r"[\"'\\]*"
ANYWHERE = (
    re.compile(rf"(?i)\bmount_?path\b{QUOTES}\s*[:=]\s*{QUOTES}{TARGET}"),  # k8s volumeMounts, Python clients
    re.compile(rf"\bpvolumes\s*(?:=\s*|\(\s*)\{{\s*{QUOTES}{TARGET}"),  # kfp `add_pvolumes({"/mnt": vol})`
    re.compile(rf"(?:^|\s)(?:-v|--volume)(?:\s+|=){QUOTES}[^\s:\"']+:{TARGET}", re.MULTILINE),  # docker -v
    re.compile(rf"--mount[\s=]\S*?\b(?:target|dst|destination)={TARGET}"),  # docker --mount ...,target=
)
COMPOSE = (
    re.compile(rf"^\s*-\s*{QUOTES}[^\s:\"'#]+:{TARGET}", re.MULTILINE),  # short syntax `- ./data:/mnt/data`
    re.compile(rf"^\s*target\s*:\s*{QUOTES}{TARGET}", re.MULTILINE),  # long syntax
)
VOLUME = re.compile(rf"(?im)^\s*VOLUME\s+\[?\s*{QUOTES}{TARGET}")
EXTRA_SUFFIXES = (".jsonnet", ".libsonnet", ".md", ".rst", ".tf")
MAX_BYTES = 2 * 1024 * 1024


def may_mount(rel: str) -> bool:
    return filekinds.is_checked_text(rel) or rel.endswith(EXTRA_SUFFIXES)


def mount_points(rel: str, text: str) -> list[str]:
    """The `/mnt` paths that `text` (the content of `rel`) mounts a volume at."""
    if "/mnt" not in text:
        return []
    patterns = list(ANYWHERE)
    if COMPOSE_FILE.match(filekinds.name(rel)) is not None:
        patterns += COMPOSE
    if filekinds.is_dockerfile(rel):
        patterns.append(VOLUME)
    found = {match.group("target").rstrip(".") for pattern in patterns for match in pattern.finditer(text)}
    return sorted(found)


@fact
def mnt_mount_points(project) -> frozenset[str]:
    """The paths under `/mnt` (`/mnt` itself included) that something in the repository mounts a volume at."""
    found: set[str] = set()
    for rel in project.select(may_mount):
        size = project.size(rel)
        if size is None or size > MAX_BYTES:
            continue

        def scan(rel: str = rel) -> list[str]:
            try:
                return mount_points(rel, project.read_text(rel))
            except UnreadableFile:
                return []

        found.update(project.remembered("mnt-mount-points", rel, scan))
    return frozenset(found)


def under_mount(path: str, mounts: frozenset[str]) -> bool:
    """Whether `path` lies at or below one of `mounts`."""
    match = re.match(TARGET, path)
    if match is None:
        return False
    path = match.group("target")
    return any(path == mount or path.startswith(f"{mount}/") for mount in mounts)
