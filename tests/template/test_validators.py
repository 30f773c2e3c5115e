"""copier.yml refuses bad answers with a message that says what is wrong, and derives what is never asked."""

from __future__ import annotations

from pathlib import Path

import copier
import pytest
import yaml

from tests.template.conftest import BASE_ANSWERS


def copy(template_src: Path, dst: Path, **answers: object) -> Path:
    copier.run_copy(
        str(template_src),
        dst,
        data={**BASE_ANSWERS, "reprocheck_repo": str(template_src), **answers},
        defaults=True,
        unsafe=True,
        quiet=True,
        vcs_ref="HEAD",
        skip_tasks=True,
    )
    return dst


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"package_name": "3d_model"}, "not a valid package name"),
        ({"package_name": "My-Package"}, "not a valid package name"),
        ({"package_name": "class"}, "Python keyword"),
        ({"package_name": "sklearn"}, "would shadow"),
        ({"package_name": "tests"}, "would shadow"),
        ({"project_name": "   "}, "must not be empty"),
        ({"project_name": "bad/name"}, "letters, digits"),
        ({"author_email": "not-an-address"}, "not an e-mail address"),
        ({"author_name": ""}, "must not be empty"),
        ({"reprocheck_repo": "has spaces in it"}, "without spaces"),
    ],
)
def test_validators_refuse_bad_answers(template_src: Path, tmp_path: Path, answers: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        copy(template_src, tmp_path / "project", **answers)
    assert not (tmp_path / "project" / "pyproject.toml").exists()


@pytest.mark.parametrize(
    "answers",
    [{"python_version": "3.9"}, {"ml_framework": "tensorflow"}, {"ci": "jenkins"}, {"license": "GPL-3.0"}],
)
def test_choices_refuse_values_outside_them(template_src: Path, tmp_path: Path, answers: dict) -> None:
    with pytest.raises(ValueError, match=r"Invalid choice|not a valid choice|must be one of"):
        copy(template_src, tmp_path / "project", **answers)


def test_package_name_is_derived_from_the_project_name(template_src: Path, tmp_path: Path) -> None:
    answers = {k: v for k, v in BASE_ANSWERS.items() if k != "package_name"}
    copier.run_copy(
        str(template_src),
        tmp_path / "p",
        data={**answers, "project_name": "Fancy Model-2 v1.0", "reprocheck_repo": str(template_src)},
        defaults=True,
        unsafe=True,
        quiet=True,
        vcs_ref="HEAD",
        skip_tasks=True,
    )
    assert (tmp_path / "p" / "src" / "fancy_model_2_v1_0" / "train.py").is_file()
    assert 'name = "fancy-model-2-v1-0"' in (tmp_path / "p" / "pyproject.toml").read_text(encoding="utf-8")


def test_gpu_needs_docker_and_pytorch(template_src: Path, tmp_path: Path) -> None:
    """`gpu` is only asked with docker + pytorch; given anyway for sklearn it has no effect and is not stored."""
    project = copy(template_src, tmp_path / "p", ml_framework="sklearn", gpu=True)
    assert "nvidia/cuda" not in (project / "Dockerfile").read_text(encoding="utf-8")
    assert "gpu" not in yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    gpu = copy(template_src, tmp_path / "g", ml_framework="pytorch", gpu=True)
    dockerfile = (gpu / "Dockerfile").read_text(encoding="utf-8")
    assert "FROM nvidia/cuda:" in dockerfile and "@sha256:" in dockerfile


def test_derived_values_are_not_stored(template_src: Path, tmp_path: Path) -> None:
    recorded = yaml.safe_load((copy(template_src, tmp_path / "p") / ".copier-answers.yml").read_text("utf-8"))
    for derived in ("project_slug", "use_gpu", "python_image", "cuda_image", "model_file"):
        assert derived not in recorded
