"""SARIF 2.1.0 for code-scanning services (GitHub code scanning, IDE viewers).

Every rule that ran is described in the driver (id, name, descriptions, help text and Markdown, default level,
and `helpUri`, its page, when the package names its docs site);
each result carries its physical location (the file's own line for notebook cells), the other sites of the same
problem as related locations, a fix when one exists, a stable partial fingerprint, and suppressed findings appear
with a `suppressions` entry giving the reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from reprocheck.findings import Finding, Location
from reprocheck.report import Report
from reprocheck.report.fingerprint import fingerprints
from reprocheck.rule_pages import rule_url

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/reprocheck/"
LEVEL = {"E": "error", "W": "warning", "I": "note"}
ROOT_ID = "%SRCROOT%"
FINGERPRINT_KEY = "reprocheck/v1"


def first_paragraph(explanation: str, section: str = "What it does") -> str:
    """The first paragraph of a section of the explanation, as plain one-line text."""
    match = re.search(rf"^##\s*{re.escape(section)}\s*\n+(.+?)(?:\n\s*\n|\n##|\Z)", explanation, re.M | re.S)
    text = match.group(1) if match else explanation.split("\n\n", 1)[0]
    return " ".join(text.split())


def rule_descriptor(rule) -> dict:
    explanation = rule.explanation()
    level = LEVEL[rule.severity.letter] if rule.severity else "none"
    descriptor = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": first_paragraph(explanation) or rule.summary},
        "help": {"text": explanation, "markdown": f"**{rule.code} {rule.name}**: {rule.summary}.\n\n{explanation}"},
        "defaultConfiguration": {"level": level, "enabled": bool(rule.default_enabled and not rule.preview)},
        "properties": {
            "tags": [rule.family(), "reproducibility", *(["preview"] if rule.preview else [])],
            "fixable": bool(rule.fixable),
        },
    }
    url = rule_url(rule.code)
    if url is not None:
        descriptor["helpUri"] = url
    return descriptor


def region(finding: Finding) -> dict | None:
    line = finding.file_line
    if not line:
        return None
    area: dict = {"startLine": line}
    if finding.cell is not None:  # a cell's columns and ends are relative to the cell, not to the file
        return area
    if finding.column:
        area["startColumn"] = finding.column
    end_line = max(finding.end_line or line, line)
    if finding.end_line:
        area["endLine"] = end_line
    if finding.end_column and (end_line > line or finding.end_column > (finding.column or 1)):
        area["endColumn"] = finding.end_column
    return area


def artifact(path: str, rooted: bool) -> dict:
    # Paths are str with surrogate escapes for bytes that are not UTF-8: URIs percent-encode the raw bytes.
    raw = path.encode("utf-8", "surrogateescape")
    if Path(path).is_absolute():  # e.g. a --config file outside the checked root
        return {"uri": "file://" + quote(raw, safe="/")}
    location = {"uri": quote(raw, safe="/")}
    if rooted:
        location["uriBaseId"] = ROOT_ID
    return location


def fix_object(finding: Finding, rooted: bool) -> dict:
    replacements = [
        {
            "deletedRegion": {
                "startLine": edit.start_line,
                "startColumn": edit.start_column,
                "endLine": edit.end_line,
                "endColumn": edit.end_column,
            },
            "insertedContent": {"text": edit.content},
        }
        for edit in finding.fix.edits
    ]
    return {
        "description": {"text": finding.fix.message},
        "artifactChanges": [{"artifactLocation": artifact(finding.path, rooted), "replacements": replacements}],
    }


def suppression(reason: str) -> dict:
    in_source = reason.startswith(("inline", "file-ignore"))
    return {"kind": "inSource" if in_source else "external", "status": "accepted", "justification": reason}


def related_object(index: int, place: Location, rooted: bool) -> dict:
    """Another site of the same problem; a notebook cell's site points at the file's own line."""
    physical: dict = {"artifactLocation": artifact(place.path, rooted)}
    if place.file_line:
        physical["region"] = {"startLine": place.file_line}
    return {"id": index, "physicalLocation": physical, "message": {"text": place.text()}}


def result_object(finding: Finding, index: dict[str, int], fingerprint: str, rooted: bool) -> dict:
    text = finding.message if finding.cell is None else f"{finding.message} ({finding.location()})"
    physical: dict = {"artifactLocation": artifact(finding.path, rooted)}
    area = region(finding)
    if area:
        physical["region"] = area
    result = {
        "ruleId": finding.code,
        "ruleIndex": index[finding.code],
        "level": LEVEL[finding.severity.letter],
        "message": {"text": text},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if finding.related:
        result["relatedLocations"] = [related_object(i, place, rooted) for i, place in enumerate(finding.related)]
    if finding.fix:
        result["fixes"] = [fix_object(finding, rooted)]
    if finding.suppressed is not None:
        result["suppressions"] = [suppression(finding.suppressed)]
    return result


def render(report: Report) -> str:
    from reprocheck.rule import load_rules

    every = [*report.findings, *report.suppressed]
    rules = dict(report.rules)
    known = load_rules()
    for finding in every:
        if finding.code not in rules and finding.code in known:
            rules[finding.code] = known[finding.code]
    ordered = sorted(rules)
    index = {code: i for i, code in enumerate(ordered)}
    root = Path(report.root)
    rooted = root.is_absolute()
    prints = fingerprints(every, root)
    results = [result_object(f, index, p, rooted) for f, p in zip(every, prints, strict=True)]
    invocation = {
        "executionSuccessful": not report.errors,
        "toolExecutionNotifications": [
            {
                "level": "error",
                "message": {"text": f"internal error in rule {error.code}: {error.summary}"},
                "associatedRule": {"id": error.code, "index": index[error.code]}
                if error.code in index
                else {"id": error.code},
            }
            for error in report.errors
        ],
    }
    if report.baselined:  # hidden findings are not results: GitHub would show them as open alerts
        invocation["properties"] = {"baselined": report.baselined, "baselineFiles": report.baseline_files}
    run = {
        "tool": {
            "driver": {
                "name": "reprocheck",
                "version": report.version,
                "semanticVersion": report.version,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(rules[code]) for code in ordered],
            }
        },
        "invocations": [invocation],
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    if rooted:
        run["originalUriBaseIds"] = {ROOT_ID: {"uri": root.as_uri().rstrip("/") + "/"}}
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
