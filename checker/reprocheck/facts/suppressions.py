"""The inline suppression comments, for rules that report several places as one finding.

The engine applies suppressions to findings after the rules ran. A rule that folds several independent places
into one finding (DEP001's "none of the requirements in this file is pinned") asks here first, so that a comment
on one line keeps that line out of the fold instead of silencing the whole finding.
"""

from __future__ import annotations

from reprocheck.facts import fact
from reprocheck.suppress import Suppressions


@fact
def inline_suppressions(project) -> Suppressions:
    """Comments read lazily per file; asking never marks a comment used (the engine does that)."""
    return Suppressions(project)
