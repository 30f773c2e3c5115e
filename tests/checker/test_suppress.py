"""Inline suppressions (same line, line before, file-wide, notebook cells) and RPC001 for unused ones."""

from __future__ import annotations

import json

import pytest

from tests.conftest import findings, marker_rule, run_cli


@pytest.fixture
def bad(scratch_rules):
    marker_rule(scratch_rules, "ZZZ001", "BAD")
    marker_rule(scratch_rules, "ZZZ002", "WORSE")


def check(root, select="ZZZ,RPC001", *args):
    result = run_cli(str(root), "--select", select, "--output-format", "json", *args)
    assert result.exit_code in (0, 1), result.stderr
    return result.json


def where(items):
    return sorted((f["code"], f["path"], f["line"]) for f in items)


def test_python_same_line_comment_suppresses_with_its_reason(make_repo, bad):
    root = make_repo({"train.py": "x = 'BAD'  # reprocheck: ignore[ZZZ001] fixture string, not a real path\n"})
    data = check(root)
    assert data["findings"] == []
    assert data["suppressed"][0]["suppressed"] == "inline: fixture string, not a real path"


def test_python_comment_on_the_line_before_does_not_count(make_repo, bad):
    root = make_repo({"train.py": "# reprocheck: ignore[ZZZ001]\nx = 'BAD'\n"})
    assert where(check(root)["findings"]) == [("RPC001", "train.py", 1), ("ZZZ001", "train.py", 2)]


def test_docstrings_and_strings_mentioning_the_syntax_are_not_suppressions(make_repo, bad):
    source = '''
        """Write `# reprocheck: ignore[ZZZ001] reason` to silence a finding."""
        HELP = "# reprocheck: ignore[NOPE123]"
        x = "BAD # reprocheck: ignore[ZZZ001]"
    '''
    root = make_repo({"mod.py": source})
    assert where(check(root)["findings"]) == [("ZZZ001", "mod.py", 3)]


def test_python_that_does_not_tokenize_falls_back_to_line_scanning(make_repo, bad):
    root = make_repo({"broken.py": 'x = """BAD  # reprocheck: ignore[ZZZ001]\n'})
    assert check(root)["findings"] == []


def test_several_codes_in_one_comment_and_prefixes(make_repo, bad):
    root = make_repo(
        {"a.py": "x = 'BAD'  # reprocheck: ignore[ZZZ001, ZZZ002]\ny = 'WORSE'  # reprocheck: ignore[ZZZ]\n"}
    )
    data = check(root)
    assert where(data["findings"]) == [("RPC001", "a.py", 1)]
    assert "unused suppression of ZZZ002" in data["findings"][0]["message"]
    assert len(data["suppressed"]) == 2


def test_dockerfile_comment_on_the_line_before_an_instruction(make_repo, bad):
    dockerfile = """
        # reprocheck: ignore[ZZZ001] base image vetted by security
        FROM BAD:1
        # reprocheck: ignore[ZZZ002]
        RUN apt-get update && \\
            apt-get install -y WORSE && \\
            rm -rf /var/lib/apt/lists/*
        RUN echo BAD
    """
    root = make_repo({"docker/Dockerfile.gpu": dockerfile})
    data = check(root)
    assert where(data["findings"]) == [("ZZZ001", "docker/Dockerfile.gpu", 7)]
    assert where(data["suppressed"]) == [("ZZZ001", "docker/Dockerfile.gpu", 2), ("ZZZ002", "docker/Dockerfile.gpu", 5)]
    assert data["suppressed"][0]["suppressed"] == "inline: base image vetted by security"


def test_yaml_comment_on_the_line_before_a_key_and_on_the_same_line(make_repo, bad):
    config = """
        model:
          # reprocheck: ignore[ZZZ001]
          path: BAD
          other: BAD  # reprocheck: ignore[ZZZ001] same line
          third: BAD
    """
    root = make_repo({"configs/train.yaml": config})
    data = check(root)
    assert where(data["findings"]) == [("ZZZ001", "configs/train.yaml", 5)]


def test_a_comment_line_before_only_counts_when_alone_on_its_line(make_repo, bad):
    root = make_repo({"configs/a.yaml": "a: 1  # reprocheck: ignore[ZZZ001]\nb: BAD\n"})
    assert where(check(root)["findings"]) == [("RPC001", "configs/a.yaml", 1), ("ZZZ001", "configs/a.yaml", 2)]


def test_file_ignore_anywhere_in_the_file(make_repo, bad):
    root = make_repo(
        {
            "requirements.txt": "BAD==1\nWORSE==2\n# reprocheck: file-ignore[ZZZ001] generated file\nBAD\n",
            "other.txt": "BAD\n",
        }
    )
    data = check(root)
    assert where(data["findings"]) == [("ZZZ001", "other.txt", 1), ("ZZZ002", "requirements.txt", 2)]
    assert {f["suppressed"] for f in data["suppressed"]} == {"file-ignore: generated file"}


def notebook(*cells: tuple[str, str]) -> str:
    return json.dumps(
        {
            "cells": [
                {"cell_type": kind, "metadata": {}, "source": source.splitlines(keepends=True)}
                | ({"execution_count": None, "outputs": []} if kind == "code" else {})
                for kind, source in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
    )


@pytest.fixture
def cell_rule(scratch_rules):
    """Reports BAD in notebook code cells the way the notebook rules do: cell index among all cells, cell line."""

    def check(self, project):
        for rel in project.files:
            if not rel.endswith(".ipynb"):
                continue
            text = project.read_text(rel)
            cells = json.loads(text)["cells"]
            for index, cell in enumerate(cells, start=1):
                if cell["cell_type"] != "code":
                    continue
                for number, line in enumerate("".join(cell["source"]).splitlines(), start=1):
                    if "BAD" in line:
                        json_line = next(n for n, t in enumerate(text.splitlines(), 1) if "BAD" in t)
                        yield self.finding("BAD in a cell", rel, number, cell=index, json_line=json_line)

    scratch_rules("ZZZ003", check)


def test_notebook_cell_suppressions(make_repo, cell_rule):
    nb = notebook(
        ("markdown", "Use `# reprocheck: ignore[ZZZ003]` to silence it.\n"),
        ("code", "import os\nx = 'BAD'  # reprocheck: ignore[ZZZ003] demo value\n"),
        ("code", "%matplotlib inline\ny = 'BAD'\n"),
        ("code", "# reprocheck: ignore[ZZZ003]\nz = 'BAD'\n"),
    )
    root = make_repo({"notebooks/explore.ipynb": nb})
    data = check(root, "ZZZ003,RPC001")
    reported = [(f["code"], f["cell"], f["line"]) for f in data["findings"]]
    assert reported == [("ZZZ003", 3, 2), ("RPC001", 4, 1), ("ZZZ003", 4, 2)]
    assert [(f["cell"], f["suppressed"]) for f in data["suppressed"]] == [(2, "inline: demo value")]
    text = run_cli(str(root), "--select", "ZZZ003", "--output-format", "concise", "--no-color").stdout
    assert "notebooks/explore.ipynb:cell 3:line 2: ZZZ003 [W] BAD in a cell" in text


def test_notebook_file_ignore_in_any_cell(make_repo, cell_rule):
    nb = notebook(("code", "x = 'BAD'\n"), ("code", "# reprocheck: file-ignore[ZZZ003] exploratory notebook\n"))
    root = make_repo({"explore.ipynb": nb})
    data = check(root, "ZZZ003,RPC001")
    assert data["findings"] == []
    assert data["suppressed"][0]["suppressed"] == "file-ignore: exploratory notebook"


# -- RPC001 ----------------------------------------------------------------------------------------------------
def test_rpc001_unused_and_unknown_inline_suppressions(make_repo, bad):
    root = make_repo(
        {
            "a.py": "x = 1  # reprocheck: ignore[ZZZ001]\ny = 2  # reprocheck: ignore[QQQ999] typo\n",
            "b.yaml": "# reprocheck: file-ignore[ZZZ002]\nkey: value\n",
        }
    )
    data = check(root)
    assert [(f["path"], f["line"], f["message"]) for f in data["findings"]] == [
        ("a.py", 1, "unused suppression of ZZZ001: nothing to suppress here; remove the comment"),
        ("a.py", 2, "suppression names unknown rule 'QQQ999'; remove it or fix the code"),
        ("b.yaml", 1, "unused suppression of ZZZ002: nothing to suppress here; remove the comment"),
    ]
    assert all(f["code"] == "RPC001" and f["severity"] == "warning" for f in data["findings"])


def test_rpc001_leaves_suppressions_of_rules_that_did_not_run_alone(make_repo, bad):
    root = make_repo({"a.py": "x = 1  # reprocheck: ignore[ZZZ001]\ny = 1  # reprocheck: ignore[ZZZ]\n"})
    assert check(root, "ZZZ002,RPC001")["findings"] == []
    assert len(check(root, "ZZZ,RPC001")["findings"]) == 2


def test_rpc001_for_configured_ignores_points_at_the_config_line(make_repo, bad):
    root = make_repo(
        {
            "pyproject.toml": """
                [project]
                name = "demo"

                [tool.reprocheck]
                select = ["ZZZ", "RPC001"]
                ignore = { ZZZ001 = "legacy", ZZZ002 = "never matches" }
                per-file-ignores = { "docs/**" = ["ZZZ001"], "data/**" = ["ZZZ001"] }
            """,
            "a.txt": "BAD\n",
            "docs/x.txt": "nothing\n",
        }
    )
    result = run_cli(str(root), "--output-format", "json")
    assert [(f["path"], f["line"], f["message"]) for f in result.json["findings"]] == [
        ("pyproject.toml", 6, "configured ignore of ZZZ002 matched nothing; remove it from `ignore`"),
        ("pyproject.toml", 7, "per-file-ignores 'data/**' = ZZZ001 matched nothing; remove it"),
        ("pyproject.toml", 7, "per-file-ignores 'docs/**' = ZZZ001 matched nothing; remove it"),
    ]


def test_rpc001_ignores_command_line_ignores_and_per_file_entries_of_rules_not_run(make_repo, bad):
    root = make_repo(
        {
            "reprocheck.toml": 'per-file-ignores = { "tests/**" = ["ZZZ002"] }\n',
            "a.txt": "clean\n",
        }
    )
    assert check(root, "ZZZ001,RPC001", "--ignore", "ZZZ001")["findings"] == []


def test_rpc001_itself_can_be_ignored_by_configuration(make_repo, bad):
    root = make_repo({"reprocheck.toml": 'ignore = ["RPC001"]\n', "a.py": "x = 1  # reprocheck: ignore[ZZZ001]\n"})
    data = check(root)
    assert data["findings"] == []
    assert [f["code"] for f in data["suppressed"]] == ["RPC001"]


def test_inline_and_config_suppressing_the_same_finding_are_both_used(make_repo, bad):
    root = make_repo(
        {
            "reprocheck.toml": 'ignore = {ZZZ001 = "vendored"}\n',
            "a.py": "x = 'BAD'  # reprocheck: ignore[ZZZ001] also here\n",
        }
    )
    data = check(root)
    assert data["findings"] == []
    assert data["suppressed"][0]["suppressed"] == "ignored in configuration: vendored"


def test_suppressions_respect_a_subfolder_path(make_repo, bad):
    root = make_repo({"a/x.py": "x = 1  # reprocheck: ignore[ZZZ001]\n", "b/y.py": "y = 'BAD'\n"})
    result = run_cli(str(root / "b"), "--select", "ZZZ,RPC001", "--output-format", "json")
    assert where(result.json["findings"]) == [("ZZZ001", "b/y.py", 1)]


def test_rpc001_findings_can_be_suppressed_in_the_file_and_such_comments_are_judged_too(make_repo, bad):
    root = make_repo(
        {
            "examples/demo.py": """
                # reprocheck: file-ignore[RPC001] shows the syntax
                x = 1  # reprocheck: ignore[ZZZ001]
            """,
            "b.py": "y = 1  # reprocheck: ignore[RPC001]\n",
        }
    )
    data = check(root)
    assert [(f["path"], f["message"]) for f in data["findings"]] == [
        ("b.py", "unused suppression of RPC001: nothing to suppress here; remove the comment")
    ]
    assert [(f["path"], f["suppressed"]) for f in data["suppressed"]] == [
        ("examples/demo.py", "file-ignore: shows the syntax")
    ]


def test_rpc001_does_not_judge_examples_in_docs(make_repo, bad):
    doc = "```python\nx = 1  # reprocheck: ignore[CODE] reason\n```\n\nBAD  # reprocheck: ignore[ZZZ001] quoted\n"
    root = make_repo({"docs/guide.md": doc})
    data = check(root)
    assert data["findings"] == []
    assert [f["suppressed"] for f in data["suppressed"]] == ["inline: quoted"]


def test_notebook_magic_lines_take_a_trailing_suppression(make_repo):
    """With the real notebook rules: NB003 on `%pip install` is silenced by a comment on that line. NB003
    reports a notebook once, at its first install with the others related: a problem reported once is
    suppressed where it is reported."""
    nb = notebook(
        ("markdown", "# Setup\n"),
        ("code", "%pip install torch  # reprocheck: ignore[NB003] exploratory only\n"),
        ("code", "!pip install pandas\n"),
    )
    root = make_repo({"explore.ipynb": nb})
    data = check(root, "NB003,RPC001")
    assert data["findings"] == []
    [suppressed] = data["suppressed"]
    assert (suppressed["cell"], suppressed["suppressed"]) == (2, "inline: exploratory only")
    assert [place["cell"] for place in suppressed["related"]] == [3]


def test_unused_suppressions_are_found_the_same_with_and_without_git_grep(make_repo, monkeypatch):
    from reprocheck import suppress

    root = make_repo(
        {
            "train.py": "import os  # reprocheck: ignore[DEP004] stdlib anyway\n",
            "configs/a.yaml": "lr: 0.1  # reprocheck: ignore[CFG001] used: no seed here\n",
            "src/util.py": "def f():\n    return 1  # reprocheck: ignore[DEP001]\n",
            "Dockerfile": "# reprocheck: file-ignore[DKR003] pinned elsewhere\nFROM python:3.11\n",
            "notes.txt": "reprocheck: ignore[DKR001] in a file no rule reads\n",
            "data.bin": b"\x00\x01reprocheck: ignore[SEC001]",
        }
    )
    outcomes = []
    for threshold in (10**9, -1):  # never grep (every file read in memory), always grep
        monkeypatch.setattr(suppress, "MAX_UNREAD_WITHOUT_GREP", threshold)
        outcomes.append(sorted((f["path"], f["line"], f["message"]) for f in findings(root, select="RPC001,DEP,CFG")))
    assert outcomes[0] == outcomes[1]
    assert {path for path, _line, _message in outcomes[0]} == {"train.py", "src/util.py"}
