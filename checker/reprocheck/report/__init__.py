"""Output formats, one module each with ``render(report) -> str``; imported only when chosen."""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass, field

from reprocheck.findings import Finding, Severity

FORMATS = ("full", "concise", "json", "sarif", "github", "gitlab", "junit", "markdown")


@dataclass
class Report:
    """What every format renders: findings with root-relative POSIX paths, plus run metadata."""

    version: str
    findings: list[Finding]
    suppressed: list[Finding] = field(default_factory=list)
    rules: dict = field(default_factory=dict)  # code -> Rule class, every rule that ran
    errors: list = field(default_factory=list)  # engine.RuleError
    fixed: int = 0
    color: bool = False
    root: str = "."
    # Codes of the rules that ran (for formats that list every rule, like junit).
    ran: list[str] = field(default_factory=list)
    baselined: int = 0  # findings hidden by the baseline
    baseline_files: list[str] = field(default_factory=list)  # the baselines that hid them

    def counts(self) -> Counter:
        return Counter(f.severity for f in self.findings)

    def summary(self) -> dict:
        counts = self.counts()
        return {
            "total": len(self.findings),
            "errors": counts[Severity.ERROR],
            "warnings": counts[Severity.WARNING],
            "infos": counts[Severity.INFO],
            "fixable": sum(1 for f in self.findings if f.fix),
            "fixed": self.fixed,
            "suppressed": len(self.suppressed),
            "baselined": self.baselined,
            "rule_errors": [e.code for e in self.errors],
            "by_code": dict(sorted(Counter(f.code for f in self.findings).items())),
        }


def render(name: str, report: Report) -> str:
    if name not in FORMATS:
        raise ValueError(f"unknown output format {name!r}; choose from {', '.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.{name}")
    return module.render(report)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(report: Report) -> str:
    summary = report.summary()
    if not summary["total"]:
        text = "All checks passed."
    else:
        parts = [
            plural(summary[key], label)
            for key, label in (("errors", "error"), ("warnings", "warning"), ("infos", "info"))
            if summary[key]
        ]
        text = f"Found {plural(summary['total'], 'finding')} ({', '.join(parts)})."
        if summary["fixable"]:
            text += f" {summary['fixable']} fixable with `reprocheck --fix`."
    if report.fixed:
        text += f" Fixed {plural(report.fixed, 'finding')}."
    if report.suppressed:
        text += f" {len(report.suppressed)} suppressed."
    if report.baselined:
        files = ", ".join(report.baseline_files)
        text += f" {plural(report.baselined, 'finding')} hidden by the baseline ({files})."
    return text


def suppressed_reasons(report: Report) -> list[str]:
    """One line per configured ignore with a reason, so reasons show in reports."""
    reasons: Counter = Counter()
    for finding in report.suppressed:
        reasons[(finding.code, finding.suppressed)] += 1
    return [f"{code}: {plural(n, 'finding')} suppressed ({why})" for (code, why), n in sorted(reasons.items())]


def statistics(report: Report, as_json: bool = False) -> str:
    """Findings per rule, most frequent first: a table, or a JSON list with `--output-format json`."""
    by_code = Counter(f.code for f in report.findings)
    fixable = Counter(f.code for f in report.findings if f.fix)
    rows = []
    for code, count in sorted(by_code.items(), key=lambda item: (-item[1], item[0])):
        rule = report.rules.get(code)
        severity = next(f.severity for f in report.findings if f.code == code)
        rows.append({"code": code, "name": rule.name if rule else "", "severity": severity, "count": count})
        rows[-1]["fixable"] = fixable[code]
    if as_json:
        import json

        data = [{**row, "severity": row["severity"].label} for row in rows]
        return json.dumps(data, indent=2) + "\n"
    width = max((len(str(row["count"])) for row in rows), default=1)
    lines = []
    for row in rows:
        extra = f"  ({row['fixable']} fixable)" if row["fixable"] else ""
        lines.append(f"{row['count']:>{width}}  {row['code']:<7} [{row['severity'].letter}] {row['name']}{extra}")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
