"""Crashes the property tests found, each pinned by the smallest input that raised (now a finding or RPC002)."""

from __future__ import annotations

import json
import time

import pytest

from tests.conftest import findings, run_cli


def messages(root, select: str) -> list[str]:
    return [f["message"] for f in findings(root, select=select)]


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"$ref": "#"}, "configs/s.json refers to itself (or nests) without end; fix the schema"),
        ({"properties": {"seed": {"$ref": "#"}}, "$ref": "#/properties/seed"}, "refers to itself"),
        ({"$schema": [], "type": "object"}, "configs/s.json is not a valid JSON Schema: its $schema is not a URI"),
        ({"$schema": {"x": 1}}, "its $schema is not a URI string"),
    ],
)
def test_cfg003_hostile_schemas_are_findings(make_repo, schema, expected):
    root = make_repo(
        {"configs/s.json": json.dumps(schema), "configs/c.yaml": "# yaml-language-server: $schema=s.json\nseed: 1\n"},
        git_init=False,
    )
    found = messages(root, "CFG003,RPC002")
    assert any(expected in m for m in found), found


def test_lck005_malformed_dockerignore_class_is_skipped_not_a_crash(make_repo):
    from tests.robustness.seeds import PIP_COMPILE_LOCK, REQUIREMENTS_IN

    root = make_repo(
        {
            "requirements.in": REQUIREMENTS_IN,
            "requirements.txt": PIP_COMPILE_LOCK,
            "Dockerfile": "FROM python:3.11\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
            ".dockerignore": "[z-a]\na[]b]\nrequirements.txt\n",
        }
    )
    found = findings(root, select="LCK005")
    assert found and {f["path"] for f in found} == {"Dockerfile"}, found  # the valid line still excludes the lock
    assert all("dockerignore" in f["message"] and "requirements.txt" in f["message"] for f in found), found


def test_rng_a_chain_of_thousands_of_classes_is_no_recursion_error(make_repo):
    chain = "".join(f"class C{i + 1}(C{i}):\n    pass\n\n\n" for i in range(1500))
    script = f"import random\n\n\nclass C0:\n    def fit(self):\n        return random.random()\n\n\n{chain}"
    root = make_repo({"train.py": script + "if __name__ == '__main__':\n    C1500().fit()\n"}, git_init=False)
    assert "RNG001" in [f["code"] for f in findings(root, select="RNG001")]


def test_ci002_make_target_with_thousands_of_prerequisites_is_no_recursion_error(make_repo):
    chain = "".join(f"t{i}: t{i + 1}\n\techo {i}\n" for i in range(3000))
    root = make_repo(
        {
            "Makefile": chain + "t3000:\n\treprocheck .\n",
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-22.04\n    steps:\n"
            "      - run: make t0\n",
            "train.py": "import numpy\n",
        },
        git_init=False,
    )
    assert "CI002" not in [f["code"] for f in findings(root, select="CI002")]  # reprocheck runs at the far end


def test_dep006_fix_on_the_first_line_of_a_file_with_a_bom(make_repo):
    root = make_repo({"requirements.txt": b"\xef\xbb\xbfsklearn==1.0\r\nnumpy==1.26.4\r\n"}, git_init=False)
    run_cli(str(root), "--select", "DEP006", "--no-cache", "--fix")
    assert (root / "requirements.txt").read_bytes() == b"\xef\xbb\xbfscikit-learn\r\nnumpy==1.26.4\r\n"


def test_lck004_unnamed_url_pin_in_a_hashed_lock_is_named_by_its_url(make_repo):
    lock = "numpy==1.26.4 \\\n    --hash=sha256:" + "1" * 64 + "\nhttps://files.example/download?id=3\n"
    root = make_repo({"requirements.txt": lock}, git_init=False)
    messages = [f["message"] for f in findings(root, select="LCK004")]
    assert messages == [
        "requirements.txt pins 1 of 2 packages without hashes (https://files.example/download?id=3); "
        + messages[0].split("; ", 1)[1]
    ], messages


@pytest.mark.parametrize("outs", ["true", "5", "{path: x}", "null"])
def test_dvc_pointer_whose_outs_is_not_a_list(make_repo, outs):
    root = make_repo({"data/raw.csv.dvc": f"outs: {outs}\n", "data/raw.csv": "a,b\n"}, git_init=False)
    assert "RPC002" not in [f["code"] for f in findings(root)]


STARS = "*" * 139 + "/__pycache__"  # found by the fuzzer in a .dockerignore: catastrophic backtracking


@pytest.mark.parametrize(
    "files",
    [
        {".dockerignore": STARS + "\n" + "*a" * 30 + "b\n"},
        {".gitattributes": STARS + " filter=lfs\n"},
        {".gitignore": STARS + "\n"},
    ],
    ids=["dockerignore", "gitattributes", "gitignore"],
)
def test_patterns_with_runs_of_stars_do_not_hang(make_repo, files):
    from tests.robustness.seeds import PIP_COMPILE_LOCK, REQUIREMENTS_IN

    root = make_repo(
        {
            **files,
            "requirements.in": REQUIREMENTS_IN,
            "requirements.txt": PIP_COMPILE_LOCK,
            "Dockerfile": "FROM python:3.11\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
            "data.csv.dvc": "outs:\n- path: data.csv\n",
            "a" * 200 + ".bin": b"x" * 2_000_000,
        }
    )
    started = time.monotonic()
    findings(root)
    assert time.monotonic() - started < 30


def test_a_gitignore_with_a_run_of_stars_does_not_hang_the_walk_outside_git(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / ".gitignore").write_text(STARS + "\n")
    (tmp_path / ("a" * 100)).write_text("x\n")
    reprocheck = str(Path(sys.executable).parent / "reprocheck")
    try:
        done = subprocess.run([reprocheck, "--no-cache", "."], cwd=tmp_path, capture_output=True, timeout=8)
    except subprocess.TimeoutExpired:
        raise AssertionError("the file walk hung on the .gitignore pattern") from None
    assert done.returncode in (0, 1)


@pytest.mark.parametrize("entry", ['"": [x]', '" ": x', "{}", "null", "5"])
def test_hydra_defaults_entry_with_an_empty_group_name(make_repo, entry):
    root = make_repo({"configs/train.yaml": f"defaults:\n  - {entry}\nseed: 1\n"}, git_init=False)
    assert findings(root, select="CFG") == []


def test_an_import_continued_by_a_backslash_is_one_import(make_repo):
    """The line scan of imports took `import train_test_split` on the continuation line for a module."""
    root = make_repo(
        {
            "requirements.txt": "scikit-learn==1.4.0\n",
            "train.py": "from sklearn.model_selection \\\nimport train_test_split\n\nprint(train_test_split)\n",
        },
        git_init=False,
    )
    assert [f["message"] for f in findings(root, select="DEP004")] == []


LONG_LINES = {
    "wandb-login-calls": "wandb.login(" + "(" * 100 + "key",  # was quadratic: [^)\n]* then backtracking to `key`
    "openai-prefixes": " sk-" + "a" * 25,
    "github-prefixes": " ghp_" + "a" * 300,
    "key-headers": "-----BEGIN PRIVATE KEY-----\n" + "Proc-Type: 4\n" * 20,
}


@pytest.mark.parametrize("unit", LONG_LINES.values(), ids=LONG_LINES.keys())
def test_secret_scan_of_a_two_megabyte_minified_file_is_linear(make_repo, unit):
    root = make_repo({"static/app.min.js": unit * (2_000_000 // len(unit)), "run.py": "print(1)\n"})
    started = time.monotonic()
    findings(root, select="SEC001")
    assert time.monotonic() - started < 20


BLANK_LINES = 300_000  # `^\s*` under re.MULTILINE restarts at every line and runs over all of them: quadratic


@pytest.mark.parametrize(
    "files",
    [
        {"Pipfile.lock": '{"default": {"requests": {"version": "==2.31.0"}}' + "\n" * BLANK_LINES + "}"},
        {"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\n' + "\n" * BLANK_LINES + 'requests = "^2"\n'},
        {"Pipfile": "[packages]\n" + "\n" * BLANK_LINES + 'requests = "*"\n'},
    ],
    ids=["Pipfile.lock", "poetry", "Pipfile"],
)
def test_line_lookups_in_files_with_many_blank_lines_are_linear(make_repo, files):
    root = make_repo({**files, "run.py": "import requests\n"}, git_init=False)
    started = time.monotonic()
    findings(root)
    assert time.monotonic() - started < 20


def test_an_unparsable_pyproject_with_many_blank_lines_does_not_hang(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "pyproject.toml").write_text("[tool.poetry\n" + " \n" * BLANK_LINES)
    reprocheck = str(Path(sys.executable).parent / "reprocheck")
    try:
        done = subprocess.run([reprocheck, "--no-cache", "."], cwd=tmp_path, capture_output=True, timeout=8)
    except subprocess.TimeoutExpired:
        raise AssertionError("the settings lookup hung on the blank lines") from None
    assert done.returncode in (0, 1)


MANY = 60_000


@pytest.mark.parametrize(
    "files",
    [
        {"keys.txt": "".join(f"id{i} = AKIA{'ABCDEFGHIJKLMNOP'}\n" for i in range(MANY))},
        {"notes.md": "<<<<<<< HEAD\n>>>>>>> theirs\n" * MANY},
    ],
    ids=["key-shaped-strings", "conflict-markers"],
)
def test_tens_of_thousands_of_findings_in_one_file_are_linear(make_repo, files):
    """Every place is reported, as a finding or as a related location of one (TPL002: one per file)."""
    root = make_repo(files, git_init=False)
    started = time.monotonic()
    found = findings(root, select="SEC001,TPL002")
    assert sum(1 + len(f.get("related", ())) for f in found) >= MANY
    assert time.monotonic() - started < 30


PINS = 12_000


@pytest.mark.parametrize(
    "files",
    [
        {
            "Pipfile.lock": json.dumps(
                {
                    "_meta": {},
                    "default": {f"pkg{i}": {"version": "==1.0", "hashes": ["sha256:x"]} for i in range(PINS)},
                },
                indent=4,
            )
        },
        {"Pipfile": "[packages]\n" + "".join(f'pkg{i} = "==1.0"\n' for i in range(PINS))},
        {"pyproject.toml": "[tool.poetry.dependencies]\n" + "".join(f'pkg{i} = "1.0"\n' for i in range(PINS))},
    ],
    ids=["Pipfile.lock", "Pipfile", "poetry"],
)
def test_thousands_of_pins_are_located_in_one_pass(make_repo, files):
    root = make_repo(files, git_init=False)
    started = time.monotonic()
    findings(root)
    assert time.monotonic() - started < 20  # a regex search per name from the top took a minute


@pytest.mark.parametrize("shell", ["''", '" "', "bash"])
def test_a_workflow_whose_default_shell_is_empty_runs_its_steps_in_the_default_shell(make_repo, shell):
    workflow = (
        f"on: push\ndefaults:\n  run:\n    shell: {shell}\njobs:\n  t:\n    runs-on: ubuntu-24.04\n"
        "    steps:\n      - run: pip install git+https://github.com/org/lib@main\n"
    )
    root = make_repo({".github/workflows/ci.yml": workflow, "requirements.txt": "numpy==1.26.4\n"})
    assert "DEP002" in [f["code"] for f in findings(root)]


@pytest.mark.parametrize("tool", ["tool = 5\n", "tool = []\n", "[tool]\ntox = 3\n", "[tool]\nsetuptools = 'x'\n"])
def test_odd_tool_tables_crash_no_rule(make_repo, tool):
    root = make_repo(
        {
            "pyproject.toml": f'{tool}[project]\nname = "x"\n',  # top-level keys before the first table
            "README.md": "Run `pre-commit install` first.\n",
            "x/__init__.py": "",
            "x/data.npz": b"\x00" * 10,
            "nb.ipynb": '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
        }
    )
    result = run_cli(str(root), "--select", "ALL", "--no-cache", "--output-format", "json")
    assert result.exit_code in (0, 1), result.stderr


def test_a_pattern_ending_in_an_escape_is_left_out_as_git_leaves_it(make_repo):
    """`*.pt\\` in .gitattributes or .gitignore made pathspec raise: git ignores such a pattern, so do we."""
    from reprocheck.facts import git_facts
    from reprocheck.project import gitignore_spec

    list(git_facts.parse_gitattributes("", "*.pt\\ filter=lfs diff=lfs merge=lfs -text\n"))  # does not raise
    spec = gitignore_spec(["*.pt\\", "*.bin"])
    assert spec.match_file("w.bin") and not spec.match_file("w.pt")
    root = make_repo({".gitattributes": "*.pt\\ filter=lfs\n", ".gitignore": "*.pt\\\n", "model.pt": b"PK"})
    found = findings(root, select="DAT002")  # the run ends normally: no crash, no internal error
    assert [f["path"] for f in found] == ["model.pt"]  # the broken pattern makes it neither ignored nor LFS
