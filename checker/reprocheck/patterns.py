"""Regular expressions compiled on first use.

The rule and fact modules hold about 270 module-level patterns. Compiling them all when the modules load took
about 4 % of a run after a one-file edit, which answers most questions from the per-file cache and uses few of
them. A :class:`LazyPattern` compiles on the first call of one of its methods and then holds the compiled
pattern's bound methods as its own attributes, so later calls cost what a compiled pattern's do.

Only a pattern whose every use is a method call (`NAME.search(text)`) may be lazy: a lazy pattern is no
`re.Pattern` (`re.sub(NAME, ...)`, `isinstance`, `NAME.pattern` need a real one). The module constants were
chosen by that rule; a new one written `re.compile(...)` stays eager, which is always right.
"""

from __future__ import annotations

import re

METHODS = ("match", "search", "fullmatch", "finditer", "findall", "sub", "subn", "split")


class LazyPattern:
    """`re.compile(pattern, flags)` on the first use of one of its methods (see the module docstring)."""

    def __init__(self, pattern: str, flags: int = 0):
        self._source = (pattern, flags)

    def __getattr__(self, name: str):
        # Only called for what the instance lacks: one of METHODS before the first compile (or a misspelling).
        if name not in METHODS:
            raise AttributeError(name)
        compiled = re.compile(*self._source)
        for method in METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"LazyPattern({self._source[0]!r}, {self._source[1]!r})"


def lazy_pattern(pattern: str, flags: int = 0) -> LazyPattern:
    return LazyPattern(pattern, flags)
