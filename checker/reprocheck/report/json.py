"""Machine-readable findings: {"version", "findings", "suppressed", "summary"}; each finding also carries `url`,
its rule's page, when the package names its docs site (reprocheck/rule_pages.py)."""

import json

from reprocheck.report import Report
from reprocheck.rule_pages import rule_url


def entry(finding) -> dict:
    data = finding.to_dict()
    url = rule_url(finding.code)
    if url is not None:
        data["url"] = url
    return data


def render(report: Report) -> str:
    data = {
        "version": report.version,
        "findings": [entry(f) for f in report.findings],
        "suppressed": [entry(f) for f in report.suppressed],
        "summary": report.summary(),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
