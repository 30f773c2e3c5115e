"""A Markdown report for a pull-request comment or a CI job summary ($GITHUB_STEP_SUMMARY).

A headline, a table of findings per rule, the findings grouped by rule (capped, so a huge run still fits in a
comment), rule crashes, and what was suppressed with the reasons.
"""

from __future__ import annotations

import html
from collections import defaultdict

from reprocheck.report import Report, plural, summary_line

MAX_PER_RULE = 50
SEVERITY = {"E": "error", "W": "warning", "I": "info"}
ICON = {"E": "🔴", "W": "🟡", "I": "🔵"}


def text(value: str) -> str:
    """Escape what GitHub/GitLab Markdown would otherwise turn into HTML, tables or emphasis."""
    return html.escape(value, quote=False).replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def code_span(value: str, in_table: bool = False) -> str:
    """Inline code; in a table a pipe must still be escaped (GFM splits cells before reading code spans)."""
    fence = "``" if "`" in value else "`"
    pad = " " if "`" in value else ""
    return f"{fence}{pad}{value.replace('|', chr(92) + '|') if in_table else value}{pad}{fence}"


def rule_title(code: str, report: Report) -> str:
    rule = report.rules.get(code)
    return f"`{code}` {rule.name}" if rule else f"`{code}`"


def render(report: Report) -> str:
    by_code = defaultdict(list)
    for finding in report.findings:
        by_code[finding.code].append(finding)
    out = [f"## reprocheck {report.version}", "", summary_line(report).replace("`", ""), ""]

    if by_code:
        out += ["| Rule | Severity | Findings | Fixable | Summary |", "|---|---|---:|---:|---|"]
        for code, found in sorted(by_code.items()):
            rule = report.rules.get(code)
            letter = found[0].severity.letter
            fixable = sum(1 for f in found if f.fix)
            summary = text(rule.summary) if rule else ""
            severity = f"{ICON[letter]} {SEVERITY[letter]}"
            out.append(f"| {rule_title(code, report)} | {severity} | {len(found)} | {fixable} | {summary} |")
        out.append("")
        for code, found in sorted(by_code.items()):
            out += [f"### {rule_title(code, report)}", ""]
            for finding in found[:MAX_PER_RULE]:
                fix = " *(fixable with `reprocheck --fix`)*" if finding.fix else ""
                out.append(f"- {code_span(finding.location())}: {text(finding.message)}{fix}")
            if len(found) > MAX_PER_RULE:
                out.append(f"- … and {len(found) - MAX_PER_RULE} more")
            out.append("")
        out += ["Run `reprocheck rule CODE` for what a rule checks, why it matters and how to fix it.", ""]

    if report.errors:
        out += ["### Internal errors", ""]
        out += [f"- `{e.code}` crashed: {text(e.summary)} (its findings are missing)" for e in report.errors]
        out.append("")

    if report.suppressed:
        out += [f"<details><summary>{plural(len(report.suppressed), 'suppressed finding')}</summary>", ""]
        out += ["| Rule | Where | Reason |", "|---|---|---|"]
        for finding in report.suppressed[: MAX_PER_RULE * 4]:
            where = code_span(finding.location(), in_table=True)
            out.append(f"| `{finding.code}` | {where} | {text(finding.suppressed or '')} |")
        if len(report.suppressed) > MAX_PER_RULE * 4:
            out.append(f"| … | {len(report.suppressed) - MAX_PER_RULE * 4} more | |")
        out += ["", "</details>", ""]
    return "\n".join(out).rstrip("\n") + "\n"
