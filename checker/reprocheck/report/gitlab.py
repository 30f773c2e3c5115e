"""GitLab Code Quality report (a JSON array), shown in merge requests from `artifacts:reports:codequality`.

Fingerprints stay the same across runs and when lines move (see :mod:`reprocheck.report.fingerprint`), so GitLab
can tell new findings from old ones. Suppressed findings are left out.
"""

from __future__ import annotations

import json
from pathlib import Path

from reprocheck.report import Report
from reprocheck.report.fingerprint import fingerprints

SEVERITY = {"E": "critical", "W": "major", "I": "info"}


def render(report: Report) -> str:
    issues = []
    for finding, fingerprint in zip(report.findings, fingerprints(report.findings, Path(report.root)), strict=True):
        rule = report.rules.get(finding.code)
        where = f" ({finding.location()})" if finding.cell is not None else ""
        issue = {
            "type": "issue",
            "check_name": f"{finding.code} {rule.name}" if rule else finding.code,
            "description": f"{finding.code}: {finding.message}{where}",
            "categories": ["Bug Risk"],
            "severity": SEVERITY[finding.severity.letter],
            "fingerprint": fingerprint,
            "location": {"path": finding.path, "lines": {"begin": finding.file_line or 1}},
        }
        if rule is not None:
            issue["content"] = {"body": rule.explanation()}
        issues.append(issue)
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
