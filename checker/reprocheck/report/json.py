"""Machine-readable findings: {"version", "findings", "suppressed", "summary"}."""

import json

from reprocheck.report import Report


def render(report: Report) -> str:
    data = {
        "version": report.version,
        "findings": [f.to_dict() for f in report.findings],
        "suppressed": [f.to_dict() for f in report.suppressed],
        "summary": report.summary(),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
