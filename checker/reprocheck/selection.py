"""Which rules run, at which severity, and which findings are suppressed by configuration.

Selectors are `ALL`, a family (`DKR`), any prefix of a code (`DKR00`) or a code. When a select and an ignore
selector both match a code, the more specific one wins and a tie goes to ignore (as in ruff).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pathspec

from reprocheck.config import ConfigError, Settings
from reprocheck.findings import Finding, Severity


def matches(selector: str, code: str) -> bool:
    return selector == "ALL" or code.startswith(selector)


def specificity(selector: str) -> int:
    return 0 if selector == "ALL" else len(selector)


def check_selectors(selectors, known: list[str], origin: str) -> None:
    for selector in selectors:
        if not any(matches(selector, code) for code in known):
            raise ConfigError(f"{origin}: unknown rule selector {selector!r}; see `reprocheck rules`")


@dataclass
class Selection:
    """The outcome of settings applied to the registry."""

    enabled: set[str]  # reported
    ignored: dict[str, str | None]  # run, but their findings are suppressed (reason per code)
    severity: dict[str, Severity]
    per_file: list[tuple[str, pathspec.PathSpec, list[str]]] = field(default_factory=list)
    used_ignores: set[str] = field(default_factory=set)  # config ignore selectors that matched a finding
    used_per_file: set[tuple[str, str]] = field(default_factory=set)

    @property
    def to_run(self) -> set[str]:
        return self.enabled | set(self.ignored)

    def suppress_reason(self, finding: Finding) -> str | None:
        """Why configuration suppresses this finding, or None; records which ignore was used."""
        if finding.code in self.ignored:
            for selector in self.ignore_selectors_for(finding.code):
                self.used_ignores.add(selector)
            reason = self.ignored[finding.code]
            return f"ignored in configuration{': ' + reason if reason else ''}"
        for glob, spec, selectors in self.per_file:
            if spec.match_file(finding.path):
                for selector in selectors:
                    if matches(selector, finding.code):
                        self.used_per_file.add((glob, selector))
                        return f"per-file-ignores {glob}"
        return None

    def ignore_selectors_for(self, code: str) -> list[str]:
        return [s for s in self._ignore_selectors if matches(s, code)]

    _ignore_selectors: list[str] = field(default_factory=list)


def select_rules(settings: Settings, rules: dict) -> Selection:
    known = list(rules)
    origin = str(settings.config_file or "settings")
    check_selectors(settings.select or [], known, origin)
    check_selectors(settings.extend_select, known, origin)
    check_selectors(settings.ignore, known, origin)
    for selectors in settings.per_file_ignores.values():
        check_selectors(selectors, known, origin)
    check_selectors(settings.severity, known, origin)

    chosen = [*(settings.select or []), *settings.extend_select]
    enabled: set[str] = set()
    ignored: dict[str, str | None] = {}
    for code, rule in rules.items():
        if rule.severity is None:  # reserved codes
            continue
        picks = [s for s in chosen if matches(s, code)]
        if settings.select is None and rule.default_enabled:
            picks.append("ALL")  # the default set behaves like a least-specific select
        if not picks:
            continue
        best_pick = max(specificity(s) for s in picks)
        drops = [s for s in settings.ignore if matches(s, code)]
        if drops and max(specificity(s) for s in drops) >= best_pick:
            most = max(drops, key=specificity)
            ignored[code] = settings.ignore[most]
        else:
            enabled.add(code)

    severity: dict[str, Severity] = {}
    for code, rule in rules.items():
        overrides = [s for s in settings.severity if matches(s, code)]
        if overrides:
            severity[code] = Severity.parse(settings.severity[max(overrides, key=specificity)])
        elif rule.severity is not None:
            severity[code] = rule.severity

    per_file = [
        (glob, pathspec.GitIgnoreSpec.from_lines([glob]), [s.upper() for s in selectors])
        for glob, selectors in settings.per_file_ignores.items()
    ]
    selection = Selection(enabled=enabled, ignored=ignored, severity=severity, per_file=per_file)
    selection._ignore_selectors = list(settings.ignore)
    return selection
