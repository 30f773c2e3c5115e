"""Every output format, rendered from real runs: shape, locations, fixes, suppressions, escaping."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from reprocheck.findings import Edit, Fix, Severity
from tests.conftest import SHARED, marker_rule, run_cli

SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
NOTEBOOK = json.dumps(
    {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# title\n"]},
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": ["x = 'NB'\n"]},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    },
    indent=1,
)


@pytest.fixture
def sample(make_repo, scratch_rules):
    """A repository with errors, warnings, infos, a fixable finding, a notebook cell and suppressed findings."""
    marker_rule(scratch_rules, "ZZZ001", "BAD", severity=Severity.ERROR)
    marker_rule(scratch_rules, "ZZZ002", "MEH", severity=Severity.WARNING)
    marker_rule(scratch_rules, "ZZZ003", "FYI", severity=Severity.INFO)

    def fixable(self, project):
        for rel in project.files:
            for number, line in enumerate(project.read_text(rel).splitlines(), start=1):
                if "OLD" in line:
                    column = line.index("OLD") + 1
                    fix = Fix("replace OLD with NEW", (Edit(number, column, number, column + 3, "NEW"),))
                    yield self.finding("OLD is outdated; use NEW", rel, number, column, fix=fix)

    scratch_rules("ZZZ004", fixable, fixable=True)

    def in_cell(self, project):
        yield self.finding("NB in cell", "nb/explore.ipynb", 1, 6, cell=2, json_line=15)

    scratch_rules("ZZZ005", in_cell)
    scratch_rules("ZZZ006", lambda self: ())  # ran, found nothing
    return make_repo(
        {
            "reprocheck.toml": 'select = ["ZZZ", "RPC"]\nper-file-ignores = {"legacy/**" = ["ZZZ002"]}\n',
            "src/app.py": "x = 'BAD'\ny = 'MEH'  # reprocheck: ignore[ZZZ002] known issue\nz = 'FYI'\nv = 'OLD'\n",
            "legacy/old.txt": "MEH\n",
            "Dockerfile": "FROM MEH:1\n",
            "nb/explore.ipynb": NOTEBOOK,
        }
    )


def render(root, fmt: str, *args: str):
    result = run_cli(str(root), "--output-format", fmt, "--no-color", *args)
    assert result.exit_code in (0, 1), result.stderr
    return result


# -- json ------------------------------------------------------------------------------------------------------
def test_json_shape(sample):
    data = render(sample, "json").json
    assert set(data) == {"version", "findings", "suppressed", "summary"}
    first = data["findings"][0]
    assert list(first)[:9] == [
        "code",
        "severity",
        "message",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "fix",
    ]
    assert (first["path"], first["line"], first["column"], first["end_column"]) == ("Dockerfile", 1, 6, 9)
    fixable = next(f for f in data["findings"] if f["code"] == "ZZZ004")
    assert fixable["fix"] == {
        "message": "replace OLD with NEW",
        "edits": [{"start_line": 4, "start_column": 6, "end_line": 4, "end_column": 9, "content": "NEW"}],
    }
    cell = next(f for f in data["findings"] if f["code"] == "ZZZ005")
    assert (cell["cell"], cell["line"], cell["json_line"]) == (2, 1, 15)
    assert data["summary"] == {
        "total": 5,
        "errors": 1,
        "warnings": 3,
        "infos": 1,
        "fixable": 1,
        "fixed": 0,
        "suppressed": 2,
        "baselined": 0,
        "rule_errors": [],
        "by_code": {"ZZZ001": 1, "ZZZ002": 1, "ZZZ003": 1, "ZZZ004": 1, "ZZZ005": 1},
    }
    assert {f["suppressed"] for f in data["suppressed"]} == {"inline: known issue", "per-file-ignores legacy/**"}


# -- sarif -----------------------------------------------------------------------------------------------------
def sarif_validator():
    jsonschema = pytest.importorskip("jsonschema")
    if not SARIF_SCHEMA.is_file():
        pytest.skip("the official SARIF schema is only in the shared workspace")
    schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
    return jsonschema.Draft4Validator(schema)


def test_sarif_is_valid_against_the_official_schema(sample):
    log = render(sample, "sarif").json
    errors = sorted(sarif_validator().iter_errors(log), key=str)
    assert not errors, errors[0]


def test_sarif_clean_run_is_valid_too(make_repo):
    log = render(make_repo({"a.txt": "fine\n"}), "sarif", "--select", "RPC").json
    assert log["runs"][0]["results"] == []
    assert not list(sarif_validator().iter_errors(log))


def test_sarif_rule_metadata(sample):
    driver = render(sample, "sarif").json["runs"][0]["tool"]["driver"]
    assert driver["name"] == "reprocheck" and driver["version"]
    rules = {r["id"]: r for r in driver["rules"]}
    assert {"ZZZ001", "ZZZ006", "RPC001", "RPC002"} <= set(rules)  # every rule that ran, with or without results
    rule = rules["ZZZ001"]
    assert rule["name"] == "synthetic-zzz001"
    assert rule["shortDescription"]["text"] == "Synthetic rule ZZZ001"
    assert rule["fullDescription"]["text"] == "A rule defined by a test."
    assert "## Why it matters" in rule["help"]["text"] and "## Fix" in rule["help"]["markdown"]
    assert rule["defaultConfiguration"] == {"level": "error", "enabled": True}
    assert rules["ZZZ003"]["defaultConfiguration"]["level"] == "note"
    assert rules["ZZZ004"]["properties"]["fixable"] is True


def test_sarif_results_locations_fixes_and_suppressions(sample):
    run = render(sample, "sarif").json["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    results = run["results"]
    assert all(ids[r["ruleIndex"]] == r["ruleId"] for r in results)
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == sample.resolve().as_uri() + "/"

    by_rule = {r["ruleId"]: r for r in results if "suppressions" not in r}
    bad = by_rule["ZZZ001"]
    assert bad["level"] == "error" and bad["message"]["text"] == "BAD found in src/app.py; remove it"
    location = bad["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "src/app.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 1, "startColumn": 6, "endLine": 1, "endColumn": 9}
    assert len(bad["partialFingerprints"]["reprocheck/v1"]) == 64

    cell = by_rule["ZZZ005"]
    assert cell["locations"][0]["physicalLocation"]["region"] == {"startLine": 15}  # the line in the .ipynb
    assert cell["message"]["text"] == "NB in cell (nb/explore.ipynb:cell 2:line 1)"

    fix = by_rule["ZZZ004"]["fixes"][0]
    assert fix["description"]["text"] == "replace OLD with NEW"
    change = fix["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "src/app.py"
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 4, "startColumn": 6, "endLine": 4, "endColumn": 9},
            "insertedContent": {"text": "NEW"},
        }
    ]

    suppressed = [r for r in results if "suppressions" in r]
    assert sorted((r["suppressions"][0]["kind"], r["suppressions"][0]["justification"]) for r in suppressed) == [
        ("external", "per-file-ignores legacy/**"),
        ("inSource", "inline: known issue"),
    ]
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_reports_rule_crashes_as_notifications(make_repo, scratch_rules):
    def explode(self):
        raise ValueError("bad state")

    scratch_rules("ZZZ009", explode)
    root = make_repo({"a.txt": ""})
    result = run_cli(str(root), "--select", "ZZZ009", "--output-format", "sarif")
    assert result.exit_code == 2
    invocation = result.json["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    note = invocation["toolExecutionNotifications"][0]
    assert note["associatedRule"]["id"] == "ZZZ009" and "ValueError: bad state" in note["message"]["text"]
    assert not list(sarif_validator().iter_errors(result.json))


def test_sarif_uris_are_escaped(make_repo, scratch_rules):
    marker_rule(scratch_rules)
    root = make_repo({"my data/100% sure.txt": "BAD\n"})
    result = run_cli(str(root), "--select", "ZZZ001", "--output-format", "sarif")
    location = result.json["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "my%20data/100%25%20sure.txt"
    assert not list(sarif_validator().iter_errors(result.json))


# -- gitlab ----------------------------------------------------------------------------------------------------
def test_gitlab_code_quality(sample):
    issues = render(sample, "gitlab").json
    assert isinstance(issues, list) and len(issues) == 5  # suppressed findings are left out
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["location"]["lines"]["begin"] >= 1
    by_name = {i["check_name"].split()[0]: i for i in issues}
    assert by_name["ZZZ001"]["severity"] == "critical"
    assert by_name["ZZZ002"]["severity"] == "major"
    assert by_name["ZZZ003"]["severity"] == "info"
    assert by_name["ZZZ001"]["check_name"] == "ZZZ001 synthetic-zzz001"
    assert by_name["ZZZ001"]["description"] == "ZZZ001: BAD found in src/app.py; remove it"
    assert by_name["ZZZ001"]["location"] == {"path": "src/app.py", "lines": {"begin": 1}}
    assert by_name["ZZZ005"]["location"]["lines"]["begin"] == 15
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_gitlab_fingerprints_survive_reruns_and_moved_lines(make_repo, scratch_rules):
    marker_rule(scratch_rules)
    root = make_repo({"a.py": "x = 'BAD'\ny = 'BAD'\nz = 'BAD'  # same text twice\nz = 'BAD'  # same text twice\n"})
    first = [i["fingerprint"] for i in render(root, "gitlab", "--select", "ZZZ001").json]
    again = [i["fingerprint"] for i in render(root, "gitlab", "--select", "ZZZ001").json]
    assert first == again and len(set(first)) == 4

    text = (root / "a.py").read_text()
    (root / "a.py").write_text("import os\n\n" + text)
    moved = render(root, "gitlab", "--select", "ZZZ001").json
    assert [i["location"]["lines"]["begin"] for i in moved] == [3, 4, 5, 6]
    assert [i["fingerprint"] for i in moved] == first

    (root / "a.py").write_text(text.replace("y = 'BAD'", "y = 'BAD' + 'x'"))
    changed = [i["fingerprint"] for i in render(root, "gitlab", "--select", "ZZZ001").json]
    assert changed[0] == first[0] and changed[1] != first[1]


# -- junit -----------------------------------------------------------------------------------------------------
def test_junit_one_testcase_per_rule_that_ran(sample):
    text = render(sample, "junit").stdout
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    suites = ET.fromstring(text)
    suite = suites.find("testsuite")
    cases = {case.get("name").split()[0]: case for case in suite.findall("testcase")}
    assert set(cases) == {"ZZZ001", "ZZZ002", "ZZZ003", "ZZZ004", "ZZZ005", "ZZZ006", "RPC001", "RPC002", "RPC003"}
    assert suite.get("tests") == "9" and suite.get("failures") == "5" and suite.get("errors") == "0"
    assert suites.get("tests") == "9"
    failure = cases["ZZZ001"].find("failure")
    assert failure.get("message") == "1 finding of ZZZ001"
    assert failure.text == "src/app.py:1:6: ZZZ001 [E] BAD found in src/app.py; remove it"
    assert cases["ZZZ006"].find("failure") is None and cases["RPC001"].find("failure") is None
    assert cases["ZZZ001"].get("classname") == "reprocheck.ZZZ"
    out = cases["ZZZ002"].find("system-out").text
    assert "suppressed src/app.py:2:6: MEH found in src/app.py; remove it (inline: known issue)" in out


def test_junit_rule_crash_is_an_error_and_control_characters_are_replaced(make_repo, scratch_rules):
    def explode(self):
        raise ValueError("bad\x1bstate")

    def odd(self):
        yield self.finding("escape \x1b[31m and <xml> & friends", "a.txt", 1)

    scratch_rules("ZZZ009", explode)
    scratch_rules("ZZZ008", odd)
    root = make_repo({"a.txt": ""})
    result = run_cli(str(root), "--select", "ZZZ008,ZZZ009", "--output-format", "junit")
    assert result.exit_code == 2
    suite = ET.fromstring(result.stdout).find("testsuite")
    assert suite.get("errors") == "1" and suite.get("failures") == "1"
    cases = {case.get("name").split()[0]: case for case in suite.findall("testcase")}
    assert cases["ZZZ009"].find("error").get("message") == "ValueError: bad\ufffdstate"
    assert "<xml> & friends" in cases["ZZZ008"].find("failure").text


# -- markdown --------------------------------------------------------------------------------------------------
def test_markdown_report_for_a_pull_request(sample):
    text = render(sample, "markdown").stdout
    assert text.startswith("## reprocheck ")
    assert "Found 5 findings (1 error, 3 warnings, 1 info). 1 fixable with reprocheck --fix. 2 suppressed." in text
    assert "| Rule | Severity | Findings | Fixable | Summary |" in text
    assert "| `ZZZ001` synthetic-zzz001 | 🔴 error | 1 | 0 | Synthetic rule ZZZ001 |" in text
    assert "| `ZZZ004` synthetic-zzz004 | 🟡 warning | 1 | 1 | Synthetic rule ZZZ004 |" in text
    assert "### `ZZZ001` synthetic-zzz001\n\n- `src/app.py:1:6`: BAD found in src/app.py; remove it" in text
    assert "- `nb/explore.ipynb:cell 2:line 1`: NB in cell" in text
    assert "OLD is outdated; use NEW *(fixable with `reprocheck --fix`)*" in text
    assert "<details><summary>2 suppressed findings</summary>" in text
    assert "| `ZZZ002` | `legacy/old.txt:1:1` | per-file-ignores legacy/\\*\\* |" in text
    assert "| `ZZZ002` | `src/app.py:2:6` | inline: known issue |" in text


def test_markdown_escapes_html_and_tables_and_caps_long_lists(make_repo, scratch_rules):
    def odd(self):
        yield self.finding("<script>alert(1)</script> a|b **bold**", "x|y.txt", 1)

    def noisy(self):
        for n in range(60):
            yield self.finding(f"finding {n}", "many.txt", n + 1)

    scratch_rules("ZZZ007", odd)
    scratch_rules("ZZZ008", noisy)
    root = make_repo({"a.txt": ""})
    text = render(root, "markdown", "--select", "ZZZ007,ZZZ008").stdout
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt; a\\|b \\*\\*bold\\*\\*" in text
    assert "- … and 10 more" in text


def test_markdown_clean_run(make_repo):
    text = render(make_repo({"a.txt": ""}), "markdown", "--select", "RPC").stdout
    assert "All checks passed." in text and "|" not in text


# -- github ----------------------------------------------------------------------------------------------------
def test_github_workflow_commands(sample):
    lines = render(sample, "github").stdout.splitlines()
    expected = "::error file=src/app.py,line=1,col=6,endLine=1,endColumn=9,title=ZZZ001::ZZZ001 BAD found in src/app.py"
    assert f"{expected}; remove it" in lines
    assert any(line.startswith("::notice file=src/app.py,line=3,") for line in lines)
    assert (
        "::warning file=nb/explore.ipynb,line=15,title=ZZZ005::ZZZ005 NB in cell (nb/explore.ipynb:cell 2:line 1)"
        in lines
    )
    assert len(lines) == 5


def test_github_escapes_properties_and_data(make_repo, scratch_rules):
    def odd(self):
        yield self.finding("100% broken\nsecond line", "a,b:c.txt", 2)

    scratch_rules("ZZZ008", odd)
    root = make_repo({"a.txt": ""})
    out = render(root, "github", "--select", "ZZZ008").stdout
    assert out == "::warning file=a%2Cb%3Ac.txt,line=2,title=ZZZ008::ZZZ008 100%25 broken%0Asecond line\n"


# -- terminal formats ------------------------------------------------------------------------------------------
def test_concise_and_full(sample):
    concise = render(sample, "concise").stdout.splitlines()
    assert "src/app.py:1:6: ZZZ001 [E] BAD found in src/app.py; remove it" in concise
    assert "src/app.py:4:6: ZZZ004 [W] [*] OLD is outdated; use NEW" in concise
    assert "ZZZ002: 1 finding suppressed (inline: known issue)" in concise
    assert concise[-1].startswith("Found 5 findings")

    full = render(sample, "full").stdout
    assert "src/app.py:1:6: ZZZ001 [E] BAD found in src/app.py; remove it\n  |\n1 | x = 'BAD'\n  |      ^^^" in full
    assert "  = fix: replace OLD with NEW (reprocheck --fix)" in full


def test_output_file_gets_the_report_and_stdout_stays_empty(sample, tmp_path):
    target = tmp_path / "out" / "report.sarif"
    target.parent.mkdir()
    result = run_cli(str(sample), "--output-format", "sarif", "-o", str(target))
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads(target.read_text("utf-8"))["version"] == "2.1.0"
    missing = run_cli(str(sample), "-o", str(tmp_path / "no" / "such" / "dir" / "r.txt"))
    assert missing.exit_code == 2 and missing.stderr.startswith("reprocheck: error: cannot write ")


@pytest.mark.parametrize("fmt", ["full", "concise", "json", "sarif", "github", "gitlab", "junit", "markdown"])
def test_every_format_renders_a_clean_run(make_repo, fmt):
    result = run_cli(str(make_repo({"a.txt": ""})), "--output-format", fmt, "--select", "RPC")
    assert result.exit_code == 0, result.stderr
    if fmt in ("json", "sarif", "gitlab"):
        json.loads(result.stdout)
    if fmt == "junit":
        assert ET.fromstring(result.stdout).get("failures") == "0"


# -- one finding per fix site: the other sites travel as related locations -----------------------------------------
@pytest.fixture
def once(make_repo, scratch_rules):
    from reprocheck.findings import Location

    def reported_once(self, project):
        sites = [Location("a.py", 3), Location("b.py", 1), Location("nb/explore.ipynb", 1, cell=2, json_line=15)]
        yield self.finding("thing is missing; imported in 4 places", "a.py", 1, related=sites)

    scratch_rules("ZZZ007", reported_once)
    return make_repo(
        {"a.py": "import thing\n\n\nimport thing\n", "b.py": "import thing\n", "nb/explore.ipynb": NOTEBOOK}
    )


def test_related_locations_in_json_sarif_and_full(once):
    found = render(once, "json", "--select", "ZZZ007").json["findings"]
    assert [f["related"] for f in found] == [
        [
            {"path": "a.py", "line": 3},
            {"path": "b.py", "line": 1},
            {"path": "nb/explore.ipynb", "line": 1, "cell": 2, "json_line": 15},
        ]
    ]
    log = render(once, "sarif", "--select", "ZZZ007").json
    related = log["runs"][0]["results"][0]["relatedLocations"]
    assert [
        (r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"]["startLine"])
        for r in related
    ] == [
        ("a.py", 3),
        ("b.py", 1),
        ("nb/explore.ipynb", 15),
    ]
    if SARIF_SCHEMA.exists():
        assert not list(sarif_validator().iter_errors(log))
    full = render(once, "full", "--select", "ZZZ007").stdout
    assert "= also at: a.py:3, b.py:1, nb/explore.ipynb:cell 2:line 1" in full


def test_related_locations_survive_the_cache(once):
    first = render(once, "json", "--select", "ZZZ007").json["findings"]
    second = render(once, "json", "--select", "ZZZ007").json["findings"]
    assert first == second and len(second[0]["related"]) == 3


# -- several reports from one run ------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["full", "concise", "json", "sarif", "github", "gitlab", "junit", "markdown"])
def test_report_writes_each_format_from_the_same_run(sample, tmp_path, fmt):
    target = tmp_path / "reports" / f"out.{fmt}"
    result = run_cli(str(sample), "--output-format", "concise", "--no-color", "--report", f"{fmt}:{target}")
    assert result.exit_code == 1, result.stderr
    assert "ZZZ001" in result.stdout  # the report on standard output is still written
    alone = tmp_path / f"alone.{fmt}"
    run_cli(str(sample), "--output-format", fmt, "--no-color", "-o", str(alone))
    assert target.read_text(encoding="utf-8") == alone.read_text(encoding="utf-8")


def test_report_is_repeatable_and_checked_before_the_run(sample, tmp_path):
    sarif, summary = tmp_path / "r.sarif", tmp_path / "summary.md"
    result = run_cli(
        str(sample), "--output-format", "github", "--report", f"sarif:{sarif}", "--report", f"markdown:{summary}"
    )
    assert result.exit_code == 1 and result.stdout.startswith("::")
    assert json.loads(sarif.read_text())["runs"][0]["results"] and summary.read_text().startswith("## reprocheck")
    for bad in ("nope:x.txt", "sarif:", "sarif"):
        failed = run_cli(str(sample), "--report", bad)
        assert failed.exit_code == 2 and "--report:" in failed.stderr
    assert run_cli(str(sample), "--diff", "--report", f"sarif:{sarif}").exit_code == 2


def test_findings_link_to_their_rule_page_when_the_package_names_its_docs(sample, monkeypatch):
    from importlib import metadata

    from reprocheck import rule_pages

    real = metadata.metadata

    class Published:
        def __init__(self, original):
            self.original = original

        def get_all(self, key):
            if key == "Project-URL":
                return ["Source, https://example.org/src", "Documentation, https://example.org/reprocheck"]
            return self.original.get_all(key)

    monkeypatch.setattr(metadata, "metadata", lambda name: Published(real(name)))
    rule_pages.docs_base.cache_clear()
    try:
        data = render(sample, "json").json
        assert {f["url"] for f in data["findings"] if f["code"] == "ZZZ001"} == {
            "https://example.org/reprocheck/rules/ZZZ001/"
        }
        sarif = render(sample, "sarif").json
        rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
        assert rules["ZZZ001"]["helpUri"] == "https://example.org/reprocheck/rules/ZZZ001/"
    finally:
        monkeypatch.undo()
        rule_pages.docs_base.cache_clear()
    # a build that names no docs site links nowhere rather than to a guessed address
    assert "url" not in render(sample, "json").json["findings"][0]
