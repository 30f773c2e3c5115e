"""An image that tracks the latest on purpose (a CI image rebuilt on a schedule to test against the heads of what it
installs): the pin findings in its Dockerfile and CI003's on the CI jobs that run it are set aside with the reason;
look-alikes (a scheduled smoke build, a released image, a head install in an ordinary image) stay reported."""

from __future__ import annotations

from tests.conftest import run_cli

NIGHTLY_IMAGE = """
FROM continuumio/miniconda3:latest AS compile-image
RUN apt-get update && apt-get install -y ffmpeg libsndfile1-dev
RUN conda create --name peft python=3.11 pip
RUN python3 -m pip install --no-cache-dir \\
    librosa \\
    git+https://github.com/huggingface/transformers \\
    peft[test]@git+https://github.com/huggingface/peft

FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04
COPY --from=compile-image /opt/conda /opt/conda
CMD ["/bin/bash"]
"""

BUILD_WORKFLOW = """
name: Build Docker images (scheduled)
on:
  workflow_dispatch:
  schedule:
    - cron: "0 1 * * *"
jobs:
  latest-gpu:
    name: "Latest Peft GPU [dev]"
    runs-on: ubuntu-22.04
    steps:
      - uses: actions/checkout@v4
      - name: Build and Push GPU
        uses: docker/build-push-action@53b7df96c91f9c12dcc8a07bcb9ccacbed38856a  # v7.3.0
        with:
          context: ./docker/peft-gpu
          push: true
          tags: huggingface/peft-gpu
"""

SLOW_TESTS = """
name: Slow tests (scheduled)
on:
  schedule:
    - cron: "0 2 * * *"
jobs:
  slow:
    runs-on: [self-hosted, gpu]
    container:
      image: huggingface/peft-gpu:latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install -e . && pytest tests
"""


def report(root, select="DKR,DKR006,CI003"):
    result = run_cli(str(root), "--select", select, "--no-cache", "--output-format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return result.json


def located(findings, path="docker/peft-gpu/Dockerfile"):
    return sorted(f["code"] for f in findings if f["path"] == path)


def repo(make_repo, dockerfile=NIGHTLY_IMAGE, workflow=BUILD_WORKFLOW, **more):
    files = {
        "docker/peft-gpu/Dockerfile": dockerfile,
        ".github/workflows/build_docker_images.yml": workflow,
        ".github/workflows/nightly.yml": SLOW_TESTS,
        "setup.py": "from setuptools import setup\nsetup(name='peft', version='0.1')\n",
        "src/peft/__init__.py": "",
    }
    return make_repo({**files, **more})


def test_a_nightly_ci_image_that_installs_git_heads_is_set_aside_with_the_reason(make_repo):
    data = report(repo(make_repo))
    assert located(data["findings"]) == []
    assert {"DKR002", "DKR003", "DKR004", "DKR006"} <= set(located(data["suppressed"]))
    reasons = {f["suppressed"] for f in data["suppressed"] if f["path"] == "docker/peft-gpu/Dockerfile"}
    assert reasons == {
        "an image that tracks the latest on purpose: .github/workflows/build_docker_images.yml:13 rebuilds it on a "
        "schedule (job 'Latest Peft GPU [dev]') and it installs transformers, peft from git head (line 6)"
    }


def test_ci_jobs_that_run_the_tracking_image_are_set_aside_too(make_repo):
    data = report(repo(make_repo))
    assert not [f for f in data["findings"] if f["path"] == ".github/workflows/nightly.yml" and "image" in f["message"]]
    (aside,) = [f for f in data["suppressed"] if f["path"] == ".github/workflows/nightly.yml"]
    assert aside["code"] == "CI003" and aside["suppressed"].startswith(
        "the project's own image huggingface/peft-gpu, which tracks the latest on purpose (docker/peft-gpu/Dockerfile: "
        ".github/workflows/build_docker_images.yml:13 rebuilds it on a schedule"
    )


def test_a_docker_build_step_in_a_job_named_nightly_with_a_nightly_index_is_another_shape(make_repo):
    dockerfile = (
        "FROM python:3.11-slim\n"
        "RUN pip install --pre torch --index-url https://download.pytorch.org/whl/nightly/cu121\n"
        "RUN pip install numpy scipy\n"
    )
    workflow = """
    on:
      schedule:
        - cron: "0 3 * * 1"
    jobs:
      nightly-image:
        runs-on: ubuntu-22.04
        steps:
          - uses: actions/checkout@v4
          - run: |
              docker build -t org/app:nightly -f docker/Dockerfile.nightly .
              docker push org/app:nightly
    """
    root = make_repo({"docker/Dockerfile.nightly": dockerfile, ".github/workflows/image.yml": workflow})
    data = report(root)
    assert located(data["findings"], "docker/Dockerfile.nightly") == []
    assert {"DKR003", "DKR004"} <= set(located(data["suppressed"], "docker/Dockerfile.nightly"))
    reason = next(f["suppressed"] for f in data["suppressed"] if f["path"] == "docker/Dockerfile.nightly")
    assert "(job 'nightly-image') and it installs nightly or pre-release builds (line 2)" in reason


def test_a_scheduled_build_of_the_projects_own_head_needs_no_telling_job_name(make_repo):
    workflow = BUILD_WORKFLOW.replace('name: "Latest Peft GPU [dev]"', 'name: "GPU image"').replace(
        "latest-gpu:", "gpu:"
    )
    data = report(repo(make_repo, workflow=workflow))
    assert located(data["findings"]) == []
    reason = next(f["suppressed"] for f in data["suppressed"] if f["path"] == "docker/peft-gpu/Dockerfile")
    assert "rebuilds it on a schedule and it installs transformers, peft from git head" in reason


def test_an_image_no_schedule_builds_stays_reported(make_repo):
    workflow = BUILD_WORKFLOW.replace('schedule:\n    - cron: "0 1 * * *"', "push:\n    branches: [main]")
    data = report(repo(make_repo, workflow=workflow))
    assert {"DKR002", "DKR003", "DKR004"} <= set(located(data["findings"]))
    assert "CI003" in located(data["findings"], ".github/workflows/nightly.yml")


def test_a_scheduled_smoke_build_of_an_image_without_head_installs_stays_reported(make_repo):
    dockerfile = "FROM python:3.11-slim\nRUN pip install torch numpy\n"
    data = report(repo(make_repo, dockerfile=dockerfile))
    assert {"DKR003", "DKR004"} <= set(located(data["findings"]))
    assert not data["suppressed"]


def test_a_head_install_of_another_library_in_a_plainly_named_scheduled_job_stays_reported(make_repo):
    dockerfile = "FROM python:3.11-slim\nRUN pip install torch git+https://github.com/openai/CLIP\n"
    workflow = BUILD_WORKFLOW.replace('name: "Latest Peft GPU [dev]"', 'name: "GPU image"').replace(
        "latest-gpu:", "gpu:"
    )
    data = report(repo(make_repo, dockerfile=dockerfile, workflow=workflow))
    assert {"DKR003", "DKR004"} <= set(located(data["findings"]))


def test_an_image_a_release_also_builds_stays_reported(make_repo):
    release = BUILD_WORKFLOW.replace(
        'workflow_dispatch:\n  schedule:\n    - cron: "0 1 * * *"', "release:\n    types: [published]"
    )
    tags = release.replace("workflow_dispatch:\n  schedule", "push:\n    tags: ['v*']\n  schedule")
    for extra in (release, tags):
        data = report(repo(make_repo, **{".github/workflows/release.yml": extra}))
        assert {"DKR002", "DKR003", "DKR004"} <= set(located(data["findings"])), extra


def test_integrity_findings_stay_in_a_tracking_image(make_repo):
    dockerfile = NIGHTLY_IMAGE + "RUN curl -fsSL https://example.com/install.sh | sh\n"
    data = report(repo(make_repo, dockerfile=dockerfile))
    assert located(data["findings"]) == ["DKR007"]


def test_other_images_of_the_repository_stay_reported(make_repo):
    example = "FROM nvcr.io/nvidia/pytorch:24.01-py3\nRUN pip install transformer_engine\n"
    data = report(repo(make_repo, **{"examples/te/Dockerfile": example}))
    assert {"DKR003", "DKR004"} <= set(located(data["findings"], "examples/te/Dockerfile"))


def test_an_unpinned_clone_in_a_tracking_image_is_set_aside_a_mixed_one_is_not(make_repo):
    clone = NIGHTLY_IMAGE + "RUN git clone https://github.com/huggingface/diffusers /opt/diffusers\n"
    data = report(repo(make_repo, dockerfile=clone))
    assert located(data["findings"]) == []
    assert "DKR007" in located(data["suppressed"])
    mixed = clone.replace("/opt/diffusers\n", "/opt/diffusers && wget https://example.com/w.bin\n")
    assert located(report(repo(make_repo, dockerfile=mixed))["findings"]) == ["DKR007"]
