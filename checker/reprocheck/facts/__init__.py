"""Facts: parsed inputs, built lazily and at most once per run, shared by every rule that names them.

A fact is a function decorated with :func:`fact`; its parameters are other facts by name (``project`` and
``settings`` are always available, and ``facts``, the store itself, for what a rule needs only in rare cases).
Rules receive facts the same way, by parameter name. A fact never knows about rules; it returns plain data with
positions and records unparsable files with ``project.problem``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

FACTS: dict[str, Callable[..., Any]] = {}
_LOADED = False


def fact(func: Callable[..., Any]) -> Callable[..., Any]:
    if func.__name__ in FACTS and FACTS[func.__name__] is not func:
        raise ValueError(f"fact {func.__name__} defined twice")
    FACTS[func.__name__] = func
    return func


def load_facts() -> dict[str, Callable[..., Any]]:
    global _LOADED
    if not _LOADED:
        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")
        _LOADED = True
    return FACTS


class UnknownFact(LookupError):
    pass


class FactStore:
    """Computes facts on demand for one project and remembers them."""

    def __init__(self, project):
        load_facts()
        # `facts` is the store itself, for a rule that needs an expensive fact only now and then: naming it as a
        # parameter builds it up front and, in a large run, moves the rule to the Python-analysis process.
        self._values: dict[str, Any] = {"project": project, "settings": project.settings, "facts": self}
        self._building: list[str] = []

    def get(self, name: str) -> Any:
        if name in self._values:
            return self._values[name]
        builder = FACTS.get(name)
        if builder is None:
            raise UnknownFact(f"no fact named {name!r}")
        if name in self._building:
            raise RuntimeError("fact cycle: " + " -> ".join([*self._building, name]))
        self._building.append(name)
        try:
            kwargs = {p: self.get(p) for p in inspect.signature(builder).parameters}
            value = builder(**kwargs)
        finally:
            self._building.pop()
        self._values[name] = value
        return value

    def call(self, func: Callable[..., Any], skip: tuple[str, ...] = ("self",)) -> Any:
        kwargs = {p: self.get(p) for p in inspect.signature(func).parameters if p not in skip}
        return func(**kwargs)
