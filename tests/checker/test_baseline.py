"""The baseline: write it, rerun clean, hide what it records through moved lines and cells, report new findings and
stale entries (RPC003), and keep the run cache honest about it."""

from __future__ import annotations

import json
import os
import time

import pytest

from tests.conftest import marker_rule, run_cli

BASELINE = ".reprocheck-baseline.json"


def cell(source: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": [source]}


def notebook(*sources: str) -> str:
    body = {"cells": [cell(s) for s in sources], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(body, indent=1) + "\n"


@pytest.fixture
def rules(scratch_rules):
    """ZZZ001 reports every line holding BAD; ZZZ002 every notebook code-cell line holding NB."""
    marker_rule(scratch_rules, "ZZZ001", "BAD")

    def in_cells(self, notebooks):
        for path, book in notebooks.items():
            for item in book.code_cells:
                for number, line in enumerate(item.source.splitlines(), start=1):
                    if "NB" in line:
                        yield self.finding(
                            "NB in a cell", path, number, cell=item.index, json_line=item.file_line(number)
                        )

    scratch_rules("ZZZ002", in_cells)


@pytest.fixture
def repo(make_repo, rules):
    return make_repo(
        {
            "reprocheck.toml": 'select = ["ZZZ", "RPC"]\n',
            "src/app.py": "import os\nx = 'BAD'\n",
            "data/config.json": '{\n  "mode": "BAD"\n}\n',
        }
    )


def check(root, *args: str, cache: bool = False):
    extra = () if cache else ("--no-cache",)
    return run_cli(str(root), "--output-format", "json", *extra, *args, cwd=root)


def reported(root, *args: str) -> tuple[int, list[tuple[str, str]], dict]:
    result = check(root, *args)
    assert result.exit_code in (0, 1), result.stderr
    data = result.json
    return result.exit_code, [(f["code"], f["path"]) for f in data["findings"]], data["summary"]


def write_baseline(root, *args: str) -> str:
    result = run_cli(str(root), "--write-baseline", "--no-cache", *args, cwd=root)
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stdout


def test_write_then_rerun_is_clean(repo):
    out = write_baseline(repo)
    assert out.strip() == f"Recorded 2 findings in the baseline {BASELINE}; commit it."
    data = json.loads((repo / BASELINE).read_text())
    assert data["version"] == 1
    assert [(e["code"], e["path"], e["message"]) for e in data["findings"]] == [
        ("ZZZ001", "data/config.json", "BAD found in data/config.json; remove it"),
        ("ZZZ001", "src/app.py", "BAD found in src/app.py; remove it"),
    ]
    assert all(len(e["fingerprint"]) == 64 for e in data["findings"])

    code, found, summary = reported(repo)
    assert (code, found, summary["baselined"]) == (0, [], 2)
    full = run_cli(str(repo), "--no-cache", cwd=repo)
    assert full.exit_code == 0
    assert full.stdout.strip() == f"All checks passed. 2 findings hidden by the baseline ({BASELINE})."

    write_baseline(repo)  # stable: writing again changes nothing
    assert json.loads((repo / BASELINE).read_text()) == data


def test_new_finding_is_reported_alone_and_fails(repo):
    write_baseline(repo)
    (repo / "src/app.py").write_text("import os\nx = 'BAD'\ny = 'BAD' + 'more'\n")
    code, found, summary = reported(repo)
    assert (code, found, summary["baselined"]) == (1, [("ZZZ001", "src/app.py")], 2)


def test_shifted_lines_and_edits_elsewhere_keep_it_hidden(repo):
    write_baseline(repo)
    (repo / "src/app.py").write_text("'''Docs.'''\n\nimport sys\nimport os\n\n\nx = 'BAD'\nprint(x)\n")
    (repo / "data/config.json").write_text('{\n  "name": "demo",\n  "seed": 3,\n  "mode": "BAD"\n}\n')
    assert reported(repo)[:2] == (0, [])


def test_notebook_finding_survives_a_cell_inserted_above(make_repo, rules):
    root = make_repo({"reprocheck.toml": 'select = ["ZZZ", "RPC"]\n', "nb/explore.ipynb": notebook("y = NB\n")})
    assert reported(root)[1] == [("ZZZ002", "nb/explore.ipynb")]
    write_baseline(root)
    (root / "nb/explore.ipynb").write_text(notebook("import os\n", "z = 1\n", "y = NB\n"))
    assert reported(root)[:2] == (0, [])
    (root / "nb/explore.ipynb").write_text(notebook("import os\n", "y = NB\n", "w = NB + 1\n"))
    assert reported(root)[:2] == (1, [("ZZZ002", "nb/explore.ipynb")])


def test_identical_findings_fix_one_reports_one_stale_entry(make_repo, rules):
    root = make_repo({"reprocheck.toml": 'select = ["ZZZ", "RPC"]\n', "a.py": "x = 'BAD'\nx = 'BAD'\n"})
    write_baseline(root)
    entries = json.loads((root / BASELINE).read_text())["findings"]
    assert len({e["fingerprint"] for e in entries}) == 2  # told apart by their order

    (root / "a.py").write_text("import os\nx = 'BAD'\n")
    result = check(root)
    assert result.exit_code == 1
    data = result.json
    assert data["summary"]["baselined"] == 1
    [stale] = data["findings"]
    assert stale["code"] == "RPC003" and stale["path"] == BASELINE
    assert stale["message"] == (
        "stale baseline entry: ZZZ001 at a.py no longer occurs; run `reprocheck check --write-baseline` again "
        "so the baseline only shrinks"
    )
    assert (root / BASELINE).read_text().splitlines()[stale["line"] - 1].strip().startswith('"fingerprint"')

    write_baseline(root)  # the baseline shrinks to the one left, and the run is clean again
    assert len(json.loads((root / BASELINE).read_text())["findings"]) == 1
    assert reported(root)[:2] == (0, [])
    (root / "a.py").write_text("x = 'BAD'\nx = 'BAD'\n")  # a second one again is new
    assert reported(root)[:2] == (1, [("ZZZ001", "a.py")])


def test_stale_entries_are_judged_only_when_their_rule_ran_on_their_path(repo):
    write_baseline(repo)
    (repo / "src/app.py").write_text("import os\n")
    assert reported(repo, "--select", "RPC")[1] == []  # ZZZ001 did not run
    only_data = run_cli(str(repo / "data"), "--no-cache", "--output-format", "json", cwd=repo)
    assert (only_data.exit_code, only_data.json["findings"]) == (0, [])  # src/ was not checked
    assert reported(repo)[1] == [("RPC003", BASELINE)]
    # Writing from a partial run keeps the entries it could not judge.
    write_baseline(repo, "--select", "RPC")
    assert len(json.loads((repo / BASELINE).read_text())["findings"]) == 2


def test_no_baseline_shows_everything(repo):
    write_baseline(repo)
    code, found, summary = reported(repo, "--no-baseline")
    assert (code, len(found), summary["baselined"]) == (1, 2, 0)


def test_baseline_setting_moves_the_file(repo):
    (repo / "reprocheck.toml").write_text('select = ["ZZZ", "RPC"]\nbaseline = "ci/accepted.json"\n')
    out = write_baseline(repo)
    assert "ci/accepted.json" in out and not (repo / BASELINE).exists()
    assert (repo / "ci/accepted.json").is_file()
    assert reported(repo)[:2] == (0, [])
    text = run_cli(str(repo), "--no-cache", cwd=repo).stdout
    assert "2 findings hidden by the baseline (ci/accepted.json)." in text


@pytest.mark.parametrize(
    "content",
    ["{", "[]", '{"version": 1, "findings": [{"code": "X"}]}', '{"version": 99, "findings": []}', b"\xff\xfe"],
)
def test_broken_baseline_is_one_line_usage_error(repo, content):
    path = repo / BASELINE
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = run_cli(str(repo), "--no-cache", cwd=repo)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"reprocheck: error: {BASELINE}: "), result.stderr
    assert "Traceback" not in result.stderr
    write_baseline(repo)  # writing it again repairs it
    assert reported(repo)[:2] == (0, [])


def test_sarif_and_markdown_show_the_hidden_count(repo):
    write_baseline(repo)
    (repo / "src/app.py").write_text("x = 'BAD'\ny = 'BAD' + 'new'\n")
    sarif = json.loads(run_cli(str(repo), "--no-cache", "--output-format", "sarif", cwd=repo).stdout)
    run = sarif["runs"][0]
    assert len(run["results"]) == 1
    assert run["invocations"][0]["properties"] == {"baselined": 2, "baselineFiles": [BASELINE]}
    markdown = run_cli(str(repo), "--no-cache", "--output-format", "markdown", cwd=repo).stdout
    assert f"2 findings hidden by the baseline ({BASELINE})" in markdown


def backdate(root) -> None:
    """Older than the cache's racy window, so runs are cached."""
    past = time.time() - 60
    for current, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".reprocheck_cache"]
        for name in names:
            os.utime(os.path.join(current, name), (past, past))


def test_editing_the_baseline_invalidates_the_cache(repo):
    write_baseline(repo)
    (repo / "src/app.py").write_text("x = 'BAD'\n")  # same finding, moved
    backdate(repo)
    assert check(repo, cache=True).json["summary"]["baselined"] == 2
    assert check(repo, cache=True).json["summary"]["baselined"] == 2  # served from the cache
    assert list((repo / ".reprocheck_cache" / "runs").glob("*.json"))

    data = json.loads((repo / BASELINE).read_text())
    data["findings"] = [e for e in data["findings"] if e["path"] != "src/app.py"]
    text = json.dumps(data, indent=2) + "\n"
    (repo / BASELINE).write_text(text)
    backdate(repo)  # same mtime as before: the content alone must change the key
    result = check(repo, cache=True).json
    assert result["summary"]["baselined"] == 1
    assert [f["path"] for f in result["findings"]] == ["src/app.py"]
    assert check(repo, "--no-baseline", cache=True).json["summary"]["baselined"] == 0


def test_a_crashed_rule_leaves_its_entries_alone(repo, scratch_rules):
    from reprocheck.rule import load_rules

    write_baseline(repo)

    def crash(self, project):
        raise RuntimeError("boom")

    load_rules()["ZZZ001"].check = crash
    result = check(repo)
    assert result.exit_code == 2 and "internal error in rule ZZZ001" in result.stderr
    assert result.json["findings"] == []
