"""`reprocheck init`: settings written where a user keeps them, today's findings in the baseline, CI snippets, and
nothing touched in a repository that has settings already."""

from __future__ import annotations

import json
import sys

from tests.conftest import run_cli

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FILES = {
    "requirements.txt": "torch\nnumpy>=1\n",
    "train.py": "import numpy as np\n\nif __name__ == '__main__':\n    print(np.random.rand())\n",
}


def test_init_writes_settings_and_baseline_and_then_ci_passes(make_repo):
    root = make_repo({"pyproject.toml": '[project]\nname = "demo"\nversion = "1"\n', **FILES})
    result = run_cli("init", str(root))
    assert result.exit_code == 0, result.stderr
    assert 'Wrote reprocheck settings to pyproject.toml: project-type = "application"' in result.stdout
    assert "- repo: https://github.com/<org>/reprocheck" in result.stdout and "uses: <org>/reprocheck@" in result.stdout
    data = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    assert data["project"]["name"] == "demo"  # the existing table is kept
    assert data["tool"]["reprocheck"] == {"project-type": "application"}
    baseline = json.loads((root / ".reprocheck-baseline.json").read_text("utf-8"))
    assert baseline["findings"]
    assert run_cli(str(root), "--no-cache").exit_code == 0  # today's findings are the baseline's
    again = run_cli("init", str(root))
    assert again.exit_code == 2 and "configured already" in again.stderr


def test_init_without_pyproject_writes_reprocheck_toml_with_the_projects_of_a_monorepo(make_repo):
    root = make_repo(
        {
            "services/api/requirements.txt": "fastapi==0.111.0\n",
            "services/api/app.py": "import fastapi\n",
            "services/train/requirements.txt": "torch==2.3.1\n",
            "services/train/train.py": "import torch\n",
        }
    )
    assert run_cli("init", str(root)).exit_code == 0
    data = tomllib.loads((root / "reprocheck.toml").read_text("utf-8"))
    assert data == {"project-type": "application", "projects": ["services/api", "services/train"]}
    assert run_cli(str(root), "--no-cache").exit_code == 0
