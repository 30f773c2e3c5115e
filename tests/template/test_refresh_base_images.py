"""scripts/refresh_base_images.py rewrites every tag+digest pin of copier.yml; tested offline with a fake registry."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "refresh_base_images.py"


@pytest.fixture(scope="module")
def refresh():
    spec = importlib.util.spec_from_file_location("refresh_base_images", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_digest(name: str, tag: str) -> str:
    return "sha256:" + (f"{name}{tag}".encode().hex() * 8)[:64]


def test_copier_yml_pins_one_python_image_per_version_and_a_cuda_image(refresh) -> None:
    images = refresh.pinned_images((REPO_ROOT / "copier.yml").read_text(encoding="utf-8"))
    tags = {(name, tag) for name, tag, _ in images}
    for version in ("3.10", "3.11", "3.12", "3.13"):
        assert ("python", f"{version}-slim-bookworm") in tags
    assert any(name == "nvidia/cuda" and "runtime" in tag for name, tag in tags)


def test_rewrite_replaces_digests_and_reports_changes(refresh) -> None:
    text = (REPO_ROOT / "copier.yml").read_text(encoding="utf-8")
    updated, changes = refresh.rewrite(text, fake_digest)
    assert len(changes) == len(refresh.pinned_images(text))
    for name, tag, _ in refresh.pinned_images(updated):
        assert f"{name}:{tag}@{fake_digest(name, tag)}" in updated
    # nothing but digests changed
    strip = re.compile(r"sha256:[0-9a-f]{64}")
    assert strip.sub("", updated) == strip.sub("", text)
    again, no_changes = refresh.rewrite(updated, fake_digest)
    assert again == updated and no_changes == []


def test_check_mode_changes_nothing_and_fails_when_stale(refresh, tmp_path: Path, monkeypatch) -> None:
    pins = tmp_path / "copier.yml"
    pins.write_text(f'image: "python:3.11-slim-bookworm@sha256:{"0" * 64}"\n', encoding="utf-8")
    monkeypatch.setattr(refresh, "registry_digest", fake_digest)
    assert refresh.main(["--check", "--file", str(pins)]) == 1
    assert "0" * 64 in pins.read_text(encoding="utf-8")
    assert refresh.main(["--file", str(pins)]) == 0
    assert fake_digest("python", "3.11-slim-bookworm") in pins.read_text(encoding="utf-8")
    assert refresh.main(["--check", "--file", str(pins)]) == 0


def test_official_images_live_under_library(refresh) -> None:
    assert refresh.repository_of("python") == "library/python"
    assert refresh.repository_of("nvidia/cuda") == "nvidia/cuda"


def test_the_uv_image_is_looked_up_on_its_own_registry(refresh) -> None:
    images = refresh.pinned_images((REPO_ROOT / "copier.yml").read_text(encoding="utf-8"))
    assert any(name == "ghcr.io/astral-sh/uv" for name, _, _ in images)
    token, manifest, repository = refresh.endpoints_of("ghcr.io/astral-sh/uv")
    assert repository == "astral-sh/uv" and token.startswith("https://ghcr.io/") and manifest.startswith("https://ghcr.io/")
    assert refresh.endpoints_of("python")[2] == "library/python"
    with pytest.raises(ValueError, match="registry quay.io"):
        refresh.endpoints_of("quay.io/org/image")

