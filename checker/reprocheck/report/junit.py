"""JUnit XML for CI test-report views: one testcase per rule that ran, failing with that rule's findings.

A rule that crashed is a testcase with an `<error>`; findings suppressed by configuration or comments are listed
in the testcase's `<system-out>` with their reasons, and do not fail it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from reprocheck.patterns import lazy_pattern
from reprocheck.report import Report, plural

# Characters XML 1.0 cannot carry at all (control characters other than tab, newline, carriage return).
INVALID_XML = lazy_pattern("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return INVALID_XML.sub("\ufffd", text)


def render(report: Report) -> str:
    reported = defaultdict(list)
    for finding in report.findings:
        reported[finding.code].append(finding)
    suppressed = defaultdict(list)
    for finding in report.suppressed:
        suppressed[finding.code].append(finding)
    errors = {error.code: error for error in report.errors}
    codes = sorted(set(report.ran) | set(reported) | set(errors))

    suites = ET.Element("testsuites", name="reprocheck")
    suite = ET.SubElement(suites, "testsuite", name="reprocheck")
    failures = 0
    for code in codes:
        rule = report.rules.get(code)
        case = ET.SubElement(
            suite, "testcase", classname=f"reprocheck.{rule.family() if rule else code}", name=case_name(code, rule)
        )
        if code in errors:
            ET.SubElement(case, "error", type="InternalError", message=clean(errors[code].summary)).text = clean(
                errors[code].traceback
            )
        found = reported.get(code, [])
        if found:
            failures += 1
            body = "\n".join(f"{f.location()}: {f.code} [{f.severity.letter}] {f.message}" for f in found)
            ET.SubElement(
                case, "failure", type=code, message=clean(f"{plural(len(found), 'finding')} of {code}")
            ).text = clean(body)
        if suppressed.get(code):
            lines = [f"suppressed {f.location()}: {f.message} ({f.suppressed})" for f in suppressed[code]]
            ET.SubElement(case, "system-out").text = clean("\n".join(lines))
    counts = {"tests": str(len(codes)), "failures": str(failures), "errors": str(len(errors)), "skipped": "0"}
    suite.attrib.update(counts)
    suites.attrib.update({k: counts[k] for k in ("tests", "failures", "errors")})
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def case_name(code: str, rule) -> str:
    return f"{code} {rule.name}" if rule else code
