"""Refresh the template's image digests (python_image / cuda_image / uv_image in copier.yml) from their registries.

The template pins every base image by tag AND digest. Tags move (a `python:3.11-slim-bookworm` rebuild ships
security fixes); digests do not. Run this on a machine with network access, review the diff, commit, and tag a
release: generated projects pick the new digests up with `copier update`.

    python scripts/refresh_base_images.py            # rewrite copier.yml in place
    python scripts/refresh_base_images.py --check    # exit 1 if a digest is out of date, change nothing

It asks the registry for the digest of each tag's manifest list (the multi-platform index), which is what
`docker buildx imagetools inspect <tag>` prints. Standard library only; never run by the test suite.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path

COPIER_YML = Path(__file__).resolve().parents[1] / "copier.yml"
AUTH_URL = "https://auth.docker.io/token?service=registry.docker.io&scope=repository:{repository}:pull"
MANIFEST_URL = "https://registry-1.docker.io/v2/{repository}/manifests/{tag}"
# Registries other than Docker Hub, named by the first part of an image name (ghcr.io/astral-sh/uv): anonymous
# token and manifest endpoints.
REGISTRIES = {
    "ghcr.io": (
        "https://ghcr.io/token?service=ghcr.io&scope=repository:{repository}:pull",
        "https://ghcr.io/v2/{repository}/manifests/{tag}",
    ),
}
ACCEPT = ", ".join(
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]
)
# An image reference pinned by tag and digest, as written in copier.yml: name:tag@sha256:<64 hex>.
PINNED = re.compile(r"(?P<name>[a-z0-9][a-z0-9._/-]*):(?P<tag>[A-Za-z0-9._-]+)@(?P<digest>sha256:[0-9a-f]{64})")


def repository_of(name: str) -> str:
    """Docker Hub repository path: official images live under library/."""
    return name if "/" in name else f"library/{name}"


def endpoints_of(name: str) -> tuple[str, str, str]:
    """(token URL, manifest URL, repository) of an image name on Docker Hub or a registry of REGISTRIES."""
    host, _, rest = name.partition("/")
    if host in REGISTRIES:
        return (*REGISTRIES[host], rest)
    if "." in host or ":" in host:
        raise ValueError(f"{name}: no endpoints known for the registry {host}; add it to REGISTRIES")
    return AUTH_URL, MANIFEST_URL, repository_of(name)


def registry_digest(name: str, tag: str, timeout: float = 30.0) -> str:
    auth_url, manifest_url, repository = endpoints_of(name)
    with urllib.request.urlopen(auth_url.format(repository=repository), timeout=timeout) as response:
        token = json.load(response)["token"]
    request = urllib.request.Request(
        manifest_url.format(repository=repository, tag=tag),
        method="HEAD",
        headers={"Authorization": f"Bearer {token}", "Accept": ACCEPT},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        digest = response.headers.get("Docker-Content-Digest", "")
    if not re.fullmatch(r"sha256:[0-9a-f]{64}", digest):
        raise RuntimeError(f"{name}:{tag}: the registry returned no usable digest ({digest!r})")
    return digest


def pinned_images(text: str) -> list[tuple[str, str, str]]:
    """(name, tag, digest) of every pinned image reference in the text, in order, without repeats."""
    seen = {(m["name"], m["tag"], m["digest"]): None for m in PINNED.finditer(text)}
    return list(seen)


def rewrite(text: str, lookup: Callable[[str, str], str]) -> tuple[str, list[str]]:
    """The text with every pinned reference's digest replaced by lookup(name, tag); and a line per change."""
    changes: list[str] = []
    cache: dict[tuple[str, str], str] = {}

    def replace(match: re.Match[str]) -> str:
        key = (match["name"], match["tag"])
        if key not in cache:
            cache[key] = lookup(*key)
            if cache[key] != match["digest"]:
                changes.append(f"{key[0]}:{key[1]}: {match['digest']} -> {cache[key]}")
        return f"{key[0]}:{key[1]}@{cache[key]}"

    return PINNED.sub(replace, text), changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report out-of-date digests, change nothing")
    parser.add_argument("--file", type=Path, default=COPIER_YML, help="file holding the pins (default: copier.yml)")
    args = parser.parse_args(argv)
    text = args.file.read_text(encoding="utf-8")
    if not pinned_images(text):
        print(f"{args.file}: no image pinned as name:tag@sha256:<digest>", file=sys.stderr)
        return 2
    try:
        updated, changes = rewrite(text, registry_digest)
    except (OSError, RuntimeError, ValueError) as error:
        print(f"refresh_base_images: {error}", file=sys.stderr)
        return 2
    for change in changes:
        print(change)
    if args.check:
        return 1 if changes else 0
    if changes:
        args.file.write_text(updated, encoding="utf-8")
        print(f"updated {len(changes)} digest(s) in {args.file}; review, commit and tag a release")
    else:
        print("all digests are current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
