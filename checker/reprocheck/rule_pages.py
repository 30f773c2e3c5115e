"""Where each rule's page is published, for links from reports (SARIF `helpUri`, JSON `url`).

The site that `mkdocs.yml` builds puts a rule's page at `rules/<CODE>/`. Its address is the installed package's
`Documentation` project URL (`[project.urls]` in pyproject.toml), so a published release links to its own docs
and a build without one links nowhere rather than to a guessed address.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import metadata

DOCS_LABELS = frozenset({"documentation", "docs"})


@lru_cache(maxsize=1)
def docs_base() -> str | None:
    """The docs site's address with a trailing slash, or None when the package names none."""
    try:
        entries = metadata.metadata("reprocheck").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in entries:
        label, _, url = entry.partition(",")
        url = url.strip()
        if label.strip().lower() in DOCS_LABELS and url.startswith(("https://", "http://")):
            return url.rstrip("/") + "/"
    return None


def rule_url(code: str) -> str | None:
    base = docs_base()
    return f"{base}rules/{code}/" if base else None
