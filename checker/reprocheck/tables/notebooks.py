"""How a repository declares that its notebooks are committed without outputs (NB001's severity).

A project that strips outputs on purpose (a pre-commit hook, a git clean filter, a CI check) wants every
committed notebook clean, so outputs that slipped past are a warning; elsewhere outputs may be kept for readers.
"""

from __future__ import annotations

import re

# pre-commit hook ids of tools that clear notebook outputs (kynan/nbstripout, srstevenson/nb-clean,
# roy-ht/pre-commit-jupyter, deshaw/nbstripout-fast).
STRIP_HOOK_IDS = frozenset({"nbstripout", "nb-clean", "jupyter-notebook-cleanup", "nbstripout-fast"})
# A command line (hook entry, CI step) that clears or checks notebook outputs. nbQA (linters on notebook code)
# and nbdev_clean (metadata only, outputs kept for the docs) say nothing about outputs.
STRIP_COMMAND = re.compile(
    r"\bnbstripout(-fast)?\b|\bnb-clean\b|--clear-output\b|ClearOutputPreprocessor\.enabled[= ]+True"
)
# Configuration tables of stripping tools: pyproject.toml `[tool.<name>]`, setup.cfg `[<name>]`.
STRIP_CONFIG_TABLES = ("nbstripout", "nb-clean", "nb_clean")
# `.gitattributes` filters that are not output strippers.
NON_STRIP_FILTERS = frozenset({"lfs"})
