"""The GitHub Action (action.yml): valid, pinned, and its steps run here as the runner would run them.

The runner cannot run here, so the test plays its part: it evaluates the steps' `${{ }}` expressions, gives each
step its own $GITHUB_OUTPUT file, and runs the `run:` scripts with bash in order. Setting up Python and installing
(network) are left out: the installed step's output is this interpreter, which has reprocheck installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT

ACTION_FILE = REPO_ROOT / "action.yml"
ACTION = yaml.safe_load(ACTION_FILE.read_text("utf-8"))
STEPS = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")
FILES = {
    "train.py": "import random\n\nprint(random.random())\n",
    "requirements.txt": "numpy\n",
    "pyproject.toml": '[tool.reprocheck]\nselect = ["ALL"]\n',
}


def test_action_validates_against_the_github_action_schema():
    tool = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    if not Path(tool).exists():
        pytest.skip("check-jsonschema is not installed (it is in requirements/dev.txt)")
    done = subprocess.run(
        [tool, "--builtin-schema", "vendor.github-actions", str(ACTION_FILE)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_used_action_is_pinned_to_a_full_commit():
    used = [step["uses"] for step in STEPS if "uses" in step]
    assert used
    for reference in used:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", reference), reference


def test_inputs_and_outputs():
    assert set(ACTION["inputs"]) == {"paths", "args", "sarif-file", "fail-on"}
    assert ACTION["inputs"]["paths"]["default"] == "."
    assert ACTION["inputs"]["sarif-file"]["default"] == "reprocheck.sarif"
    assert set(ACTION["outputs"]) == {"findings", "sarif-file"}
    assert ACTION["runs"]["using"] == "composite"


def test_install_uses_the_actions_own_ref_and_hashed_requirements():
    script = next(step for step in STEPS if step.get("id") == "install")["run"]
    assert '--require-hashes \\\n  -r "$GITHUB_ACTION_PATH/requirements/action.txt"' in script
    assert '--no-deps --no-build-isolation \\\n  "$GITHUB_ACTION_PATH"' in script
    lock = (REPO_ROOT / "requirements" / "action.txt").read_text("utf-8")
    assert "--hash=sha256:" in lock and str(REPO_ROOT) not in lock and "--index-url" not in lock


def test_scripts_take_inputs_through_the_environment_only():
    """`${{ inputs.x }}` inside a script would be pasted into the shell code (script injection)."""
    for step in STEPS:
        assert "${{" not in step.get("run", ""), step.get("id")


def evaluate(text: str, context: dict[str, str]) -> str:
    """The runner's expression substitution, for the plain property references the action uses.

    An output a step did not write is empty, as on the runner; any other unknown name is an error here.
    """

    def value(match: re.Match) -> str:
        name = match.group(1)
        return context.get(name, "") if name.startswith("steps.") else context[name]

    return EXPRESSION.sub(value, text)


def read_outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text("utf-8").splitlines() if line)


def run_action(workspace: Path, tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess, dict, Path]:
    """Run the action's steps after the install on `workspace`; return the last step, the outputs, the summary."""
    values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    values.update({name.replace("_", "-"): value for name, value in inputs.items()})
    context = {f"inputs.{name}": value for name, value in values.items()}
    context["steps.install.outputs.python"] = sys.executable
    tmp_path.mkdir(parents=True, exist_ok=True)
    summary = tmp_path / "summary.md"
    summary.write_text("# Earlier step\n", encoding="utf-8")
    base_env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "GITHUB_ACTION_PATH": str(REPO_ROOT),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(tmp_path),
    }
    after_install = STEPS[[step.get("id") for step in STEPS].index("install") + 1 :]
    done = None
    for number, step in enumerate(after_install):
        outputs_file = tmp_path / f"output-{number}"
        outputs_file.write_text("", encoding="utf-8")
        env = {name: evaluate(str(value), context) for name, value in step.get("env", {}).items()}
        env.update(base_env, GITHUB_OUTPUT=str(outputs_file))
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
        )
        for name, value in read_outputs(outputs_file).items():
            context[f"steps.{step['id']}.outputs.{name}"] = value
        if done.returncode:
            break
    outputs = {name: evaluate(spec["value"], context) for name, spec in ACTION["outputs"].items()}
    return done, outputs, summary


def test_one_run_writes_annotations_summary_sarif_and_outputs(make_repo, tmp_path):
    workspace = make_repo(FILES)
    done, outputs, summary = run_action(workspace, tmp_path)

    assert done.returncode == 1, done.stderr  # warnings fail by default
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert any(line.startswith("::warning file=train.py,") and "RNG001" in line for line in annotations)
    assert any("file=requirements.txt" in line and "DEP001" in line for line in annotations)

    text = summary.read_text("utf-8")
    assert text.startswith("# Earlier step\n## reprocheck ")  # appended, not overwritten
    assert "| Rule | Severity | Findings |" in text and "`RNG001`" in text

    sarif = json.loads((workspace / "reprocheck.sarif").read_text("utf-8"))
    results = sarif["runs"][0]["results"]
    assert {"RNG001", "DEP001"} <= {result["ruleId"] for result in results}

    assert outputs == {"findings": str(len(annotations)), "sarif-file": "reprocheck.sarif"}
    assert int(outputs["findings"]) >= 2


def test_exit_code_follows_fail_on(make_repo, tmp_path):
    workspace = make_repo(FILES)
    done, outputs, _ = run_action(workspace, tmp_path / "a", fail_on="error", sarif_file="out/scan.sarif")
    assert done.returncode == 0, done.stderr
    assert outputs["sarif-file"] == "out/scan.sarif" and (workspace / "out" / "scan.sarif").is_file()
    assert int(outputs["findings"]) >= 2  # reported all the same

    done, _, _ = run_action(workspace, tmp_path / "b", fail_on="info")
    assert done.returncode == 1


def test_paths_and_args_are_passed_to_the_check(make_repo, tmp_path):
    workspace = make_repo(FILES)
    done, outputs, _ = run_action(workspace, tmp_path, paths="requirements.txt", args="--select RNG001,DEP001")
    assert done.returncode == 1, done.stderr
    assert outputs["findings"] == "1"
    assert "file=requirements.txt" in done.stdout and "RNG001" not in done.stdout


def test_an_unusable_input_fails_with_a_message_and_exit_2(make_repo, tmp_path):
    workspace = make_repo(FILES)
    done, _, _ = run_action(workspace, tmp_path / "a", args="--output-format json")
    assert done.returncode == 2
    assert "--output-format cannot be used in the action" in done.stderr
    assert done.stdout.startswith("::error title=reprocheck::")

    done, _, _ = run_action(workspace, tmp_path / "b", args="--select NOPE999")
    assert done.returncode == 2 and "NOPE999" in done.stderr
