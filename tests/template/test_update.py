"""`copier update` from an older tagged version converges to a fresh copy and keeps the user's local config."""

from __future__ import annotations

from pathlib import Path

import copier
import pytest
import yaml

from tests.template.conftest import NEW_TAG, OLD_TAG, answers_for, commit_all, git, render
from tests.template.test_render import project_files

pytestmark = pytest.mark.slow
LOCAL_EDIT = "# tuned on my machine\nmodel:\n  n_estimators: 50\n"


def test_update_converges_to_a_fresh_copy_and_keeps_local_yaml(
    template_src: Path, shared_dir: Path, tmp_path: Path
) -> None:
    answers = answers_for("default", template_src)
    project = render(template_src, tmp_path / "project", answers, vcs_ref=OLD_TAG, lock_cache=shared_dir / "locks")
    assert "seed: 7" in (project / "configs/train.yaml").read_text(encoding="utf-8"), "the old variant was rendered"
    assert yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))["_commit"] == OLD_TAG
    (project / "configs/local.yaml").write_text(LOCAL_EDIT, encoding="utf-8")
    commit_all(project, "Tune locally")

    copier.run_update(project, defaults=True, overwrite=True, unsafe=True, quiet=True, vcs_ref="HEAD")

    fresh = render(template_src, tmp_path / "fresh", answers, lock_cache=shared_dir / "locks")
    assert project_files(project) == project_files(fresh)
    differing = sorted(
        rel for rel in project_files(fresh) if (project / rel).read_bytes() != (fresh / rel).read_bytes()
    )
    assert differing == ["configs/local.yaml"]
    assert (project / "configs/local.yaml").read_text(encoding="utf-8") == LOCAL_EDIT
    assert yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))["_commit"] == NEW_TAG
    assert "seed: 42" in (project / "configs/train.yaml").read_text(encoding="utf-8")
    assert not list(project.rglob("*.rej"))
    assert "<<<<<<<" not in git(project, "diff")
