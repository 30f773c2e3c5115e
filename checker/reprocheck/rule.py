"""The rule base class and the registry that every rule joins by being defined.

A rule is a small class in its family module (``rules/<family>.py``): class attributes say what it is, the
docstring is its explanation, and ``check`` receives the parsed inputs it names as parameters ("facts",
see :mod:`reprocheck.facts`). Defining the class registers it; nothing else needs editing.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import textwrap
from collections.abc import Iterable, Iterator
from typing import ClassVar

from reprocheck.findings import Edit, Finding, Fix, Location, Severity
from reprocheck.patterns import lazy_pattern

CODE_PATTERN = lazy_pattern(r"^[A-Z]{2,4}[0-9]{3}$")
FAMILY_NAMES = {
    "DEP": "declared dependencies",
    "LCK": "lock files",
    "ENV": "interpreter",
    "DKR": "containers",
    "RNG": "randomness in code",
    "CFG": "experiment configs",
    "NB": "notebooks",
    "DAT": "data and model artifacts",
    "CI": "automation",
    "SEC": "secrets and unsafe automation",
    "TPL": "generated-project hygiene",
    "RPC": "the checker itself",
}

# How a rule's findings depend on the role of their file (see facts/roles.py):
# - "experiment": judges code that produces results; at info in tests, docs, examples and dev containers, and
#   not reported in vendored copies of third-party packages;
# - "project": judges the project's own files; not reported in vendored copies;
# - "repository": holds for every tracked file whoever wrote it (committed secrets, big blobs, CI, leftovers).
EXPERIMENT_SCOPE = frozenset({"RNG", "NB", "DAT005"})
REPOSITORY_SCOPE = frozenset({"SEC", "TPL", "CI", "DAT001", "RPC001"})
# Rules that ask for pins (of packages, images; DAT005's model and dataset revisions): in an examples collection that
# tracks its library's latest release on purpose (its CI installs the library from git head or nightly;
# facts/roles.py `examples_collection`) their findings are set aside with the suppressed ones, saying why.
PIN_RULES = frozenset({"DEP001", "DEP002", "DKR003", "DKR004", "LCK001"})
# DAT005 asks for a pin only in its hub findings (a model or dataset revision); a download without a checksum is
# about integrity, which an examples collection needs as much as any project.
HUB_REVISION = "without a pinned revision"


def asks_for_a_pin(finding: Finding) -> bool:
    return finding.code in PIN_RULES or (finding.code == "DAT005" and HUB_REVISION in finding.message)


# Rules that ask a Dockerfile for pins (its base image, Python and system packages, cloned commits): in an image that
# tracks the latest on purpose (rebuilt on a schedule to test against the heads of what it installs;
# facts/tracking.py) their findings are set aside with the suppressed ones, saying why, and so are CI003's on CI
# `container:`/`services:` lines that run that image. DKR007 asks for a pin only of an unpinned clone; a download
# without a checksum is about integrity, which such an image needs as much as any.
IMAGE_PIN_RULES = frozenset({"DKR001", "DKR002", "DKR003", "DKR004", "DKR006"})
UNPINNED_CLONE = "not pinned to a commit"


def asks_to_pin_the_image(finding: Finding) -> bool:
    if finding.code == "DKR007":
        return (
            UNPINNED_CLONE in finding.message
            and "checksum" not in finding.message
            and "unverified" not in (finding.message)
        )
    return finding.code in IMAGE_PIN_RULES


_REGISTRY: dict[str, type[Rule]] = {}


class Rule:
    """Base class: subclasses set ``code``, ``name``, ``severity``, ``summary`` and a docstring."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    default_enabled: ClassVar[bool] = True
    fixable: ClassVar[bool] = False
    # Preview (as in ruff): the evidence that keeps a rule out of `ALL`, family and prefix selections until
    # `preview = true` (its exact code still selects it). A rule is in preview while, on repositories it had never
    # seen, fewer than a third of its findings were judged worth acting on (benchmarks/precision, first contact).
    preview: ClassVar[str] = ""
    # Paragraphs that several rules' documentation shares (how a family judges dead Docker stages), written once
    # and rendered at the end of each one's "What it does".
    notes: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        code = cls.__dict__.get("code")
        if code is None:  # an intermediate base class
            return
        if not CODE_PATTERN.match(code):
            raise ValueError(f"rule code {code!r} is not FAMILY letters + 3 digits")
        if code in _REGISTRY and _REGISTRY[code] is not cls:
            raise ValueError(f"rule code {code} defined twice")
        for attr in ("name", "severity", "summary"):
            if not hasattr(cls, attr):
                raise ValueError(f"rule {code} lacks {attr}")
        if not (cls.__doc__ or "").strip():
            raise ValueError(f"rule {code} lacks an explanation docstring")
        _REGISTRY[code] = cls

    # -- metadata ---------------------------------------------------------------------------------
    @classmethod
    def family(cls) -> str:
        return re.match(r"[A-Z]+", cls.code).group(0)

    @classmethod
    def scope(cls) -> str:
        """ "experiment", "project" or "repository": how the file's role bears on the findings (a table, above)."""
        for key in (cls.code, cls.family()):
            if key in EXPERIMENT_SCOPE:
                return "experiment"
            if key in REPOSITORY_SCOPE:
                return "repository"
        return "project"

    @classmethod
    def explanation(cls) -> str:
        """The docstring, with the shared `notes` at the end of its "What it does" section."""
        text = textwrap.dedent(cls.__doc__ or "").strip()
        if not cls.notes:
            return text
        start = text.find("## What it does")
        end = text.find("\n## ", start + 1) if start >= 0 else -1
        end = len(text) if end < 0 else end
        shared = "\n\n".join(note.strip() for note in cls.notes)
        return f"{text[:end].rstrip()}\n\n{shared}\n{text[end:]}" if end < len(text) else f"{text}\n\n{shared}"

    @classmethod
    def fact_names(cls) -> list[str]:
        params = inspect.signature(cls.check).parameters
        return [name for name in params if name != "self"]

    # -- checking ---------------------------------------------------------------------------------
    def check(self, **facts) -> Iterable[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError

    def finding(
        self,
        message: str,
        path: str,
        line: int | None = None,
        column: int | None = None,
        *,
        end_line: int | None = None,
        end_column: int | None = None,
        fix: Fix | None = None,
        cell: int | None = None,
        json_line: int | None = None,
        related: Iterable[Location] = (),
    ) -> Finding:
        """Build a finding of this rule at its default severity (the engine applies overrides)."""
        return Finding(
            code=self.code,
            severity=self.severity,
            message=message,
            path=path,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            fix=fix,
            cell=cell,
            json_line=json_line,
            related=tuple(related),
        )


def load_rules() -> dict[str, type[Rule]]:
    """Import every family module under ``reprocheck.rules`` once and return the registry by code."""
    import reprocheck.rules as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return dict(sorted(_REGISTRY.items()))


def iter_rules() -> Iterator[type[Rule]]:
    yield from load_rules().values()


__all__ = ["FAMILY_NAMES", "Edit", "Finding", "Fix", "Location", "Rule", "Severity", "iter_rules", "load_rules"]
