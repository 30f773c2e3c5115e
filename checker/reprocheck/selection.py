"""Which rules run, at which severity, and which findings are suppressed by configuration.

Selectors are `ALL`, a family (`DKR`), any prefix of a code (`DKR00`) or a code. When a select and an ignore
selector both match a code, the more specific one wins and a tie goes to ignore (as in ruff). A preview rule
(`Rule.preview`) is selected by its exact code, or by any selector once the `preview` setting is on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from reprocheck.config import ConfigError, Settings, display_origin
from reprocheck.findings import Finding, Severity

EXPECTED_SELECTOR = "expected a rule code (DEP001), a family or code prefix (DEP, DEP00) or ALL; see `reprocheck rules`"


def matches(selector: str, code: str) -> bool:
    return selector == "ALL" or code.startswith(selector)


def specificity(selector: str) -> int:
    return 0 if selector == "ALL" else len(selector)


def check_selectors(selectors, known: list[str], origin: str) -> None:
    """Raise a ConfigError naming `origin` (file and key, or the option) for a selector matching no rule."""
    for selector in selectors:
        if not any(matches(selector, code) for code in known):
            raise ConfigError(f"{origin}: unknown rule selector {selector!r}; {EXPECTED_SELECTOR}")


def check_settings_selectors(settings: Settings, known: list[str]) -> None:
    """Validate the selectors a settings file gave, naming the file and the key (before the command line)."""

    def origin(key: str) -> str:
        source = settings.sources.get(key, "default")
        return key if source in ("default", "command line") else f"{display_origin(Path(source))}: {key}"

    check_selectors(settings.select or [], known, origin("select"))
    check_selectors(settings.extend_select, known, origin("extend-select"))
    check_selectors(settings.ignore, known, origin("ignore"))
    for glob, selectors in settings.per_file_ignores.items():
        check_selectors(selectors, known, f"{origin('per-file-ignores')}.{json.dumps(glob)}")
    check_selectors(settings.severity, known, origin("severity"))


@dataclass
class Selection:
    """The outcome of settings applied to the registry."""

    enabled: set[str]  # reported
    ignored: dict[str, str | None]  # run, but their findings are suppressed (reason per code)
    severity: dict[str, Severity]  # configured overrides only; other findings keep the severity the rule gave
    per_file: list[tuple[str, pathspec.PathSpec, list[str]]] = field(default_factory=list)
    used_ignores: set[str] = field(default_factory=set)  # ignore selectors that matched a finding
    used_per_file: set[tuple[str, str]] = field(default_factory=set)
    ignore_selectors: dict[str, str] = field(default_factory=dict)  # selector -> where it was configured

    @property
    def to_run(self) -> set[str]:
        return self.enabled | set(self.ignored)

    def suppress_reason(self, finding: Finding) -> str | None:
        """Why configuration suppresses this finding, or None; records which ignores were used."""
        reason = None
        if finding.code in self.ignored:
            origins = set()
            for selector, origin in self.ignore_selectors.items():
                if matches(selector, finding.code):
                    self.used_ignores.add(selector)
                    origins.add(origin)
            where = "on the command line" if origins == {"command line"} else "in configuration"
            why = self.ignored[finding.code]
            reason = f"ignored {where}{': ' + why if why else ''}"
        for glob, spec, selectors in self.per_file:
            if spec.match_file(finding.path):
                for selector in selectors:
                    if matches(selector, finding.code):
                        self.used_per_file.add((glob, selector))
                        reason = reason or f"per-file-ignores {glob}"
        return reason


def select_rules(settings: Settings, rules: dict) -> Selection:
    known = list(rules)
    check_settings_selectors(settings, known)  # runner validates earlier with better origins; this is a safety net

    chosen = [*(settings.select or []), *settings.extend_select]
    enabled: set[str] = set()
    ignored: dict[str, str | None] = {}
    for code, rule in rules.items():
        if rule.severity is None:  # reserved codes
            continue
        picks = [s for s in chosen if matches(s, code)]
        if settings.select is None and rule.default_enabled:
            picks.append("ALL")  # the default set behaves like a least-specific select
        if rule.preview and not settings.preview:
            picks = [s for s in picks if s == code]
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
    for code in rules:
        overrides = [s for s in settings.severity if matches(s, code)]
        if overrides:
            severity[code] = Severity.parse(settings.severity[max(overrides, key=specificity)])

    per_file = [
        (glob, pathspec.GitIgnoreSpec.from_lines([glob]), [s.upper() for s in selectors])
        for glob, selectors in settings.per_file_ignores.items()
    ]
    origins = {selector: settings.ignore_origins.get(selector, "configuration") for selector in settings.ignore}
    return Selection(enabled=enabled, ignored=ignored, severity=severity, per_file=per_file, ignore_selectors=origins)
