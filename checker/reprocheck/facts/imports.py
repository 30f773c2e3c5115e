"""Third-party imports of the project's code and notebooks: the first import of each top-level module per file.

A fact of its own so that the rules needing it (DEP003, DEP004) say so by name: the import scan of every Python
file is one of a large run's heavy halves (see :mod:`reprocheck.parallel`). Built lazily: the rules that might
need it only pay when they do.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cached_property

from reprocheck.facts import fact
from reprocheck.tables.import_names import REMOVED_STDLIB

STDLIB = frozenset(sys.stdlib_module_names) | REMOVED_STDLIB | {"__future__", "__main__"}


def is_third_party(item, first_party) -> bool:
    if item.level or item.optional or not item.module:
        return False
    top = item.module.split(".")[0]
    return top not in STDLIB and top not in first_party and not top.startswith("_")


@dataclass
class ThirdPartyImports:
    python_modules: dict
    notebook_modules: dict
    first_party: frozenset[str]

    @cached_property
    def found(self) -> list[tuple[str, str, int, int | None, int | None]]:
        """(module, path, line, cell, json_line) of each non-optional third-party import, first per file."""
        found = []
        for rel, module in self.python_modules.items():
            if rel.rsplit("/", 1)[-1] == "setup.py":
                continue
            seen: set[str] = set()
            for item in module.imports:
                top = item.module.split(".")[0]
                if is_third_party(item, self.first_party) and top not in seen:
                    seen.add(top)
                    found.append((item.module, rel, item.line, None, None))
        for rel, cells in self.notebook_modules.items():
            seen = set()
            for cell in cells:
                for item in cell.module.imports:
                    top = item.module.split(".")[0]
                    if is_third_party(item, self.first_party) and top not in seen:
                        seen.add(top)
                        found.append((item.module, rel, item.line, cell.cell, cell.module.file_line(item.line)))
        return found


@fact
def third_party_imports(python_modules, notebook_modules, first_party) -> ThirdPartyImports:
    """The project's third-party imports (scanned on first use of `.found`)."""
    return ThirdPartyImports(python_modules, notebook_modules, first_party)
