"""This repository passes its own checker with every rule selected (issue 2, "Done when")."""

from __future__ import annotations

from tests.conftest import REPO_ROOT, run_cli


def test_repository_passes_reprocheck_with_every_rule_selected():
    result = run_cli(str(REPO_ROOT), "--select", "ALL", "--output-format", "concise", "--no-color")
    assert result.exit_code == 0, f"reprocheck --select ALL on this repository:\n{result.stdout}{result.stderr}"
