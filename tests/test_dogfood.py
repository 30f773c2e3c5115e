"""This repository passes its own checker with every rule selected (issue 2, "Done when")."""

from __future__ import annotations

from tests.conftest import REPO_ROOT, run_cli


def test_repository_passes_reprocheck_with_every_rule_selected():
    result = run_cli(str(REPO_ROOT), "--select", "ALL", "--output-format", "concise", "--no-color")
    assert result.exit_code == 0, f"reprocheck --select ALL on this repository:\n{result.stdout}{result.stderr}"


def test_repository_passes_ruff():
    """The code style the project asks of generated projects holds for its own code."""
    import subprocess
    import sys
    from pathlib import Path

    ruff = str(Path(sys.executable).parent / "ruff")
    paths = ["checker", "tests", "benchmarks", "scripts", "template_support"]
    check = subprocess.run([ruff, "check", "--no-cache", *paths], cwd=REPO_ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    form = subprocess.run(
        [ruff, "format", "--check", "--no-cache", *paths], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert form.returncode == 0, form.stdout + form.stderr
