"""The generated project really works: a venv from its hashed lock, its own tests, two identical training runs,
`reproduce` confirming a recorded run, and a sweep whose report comes out byte-identical every time.

The default combination installs exactly as `make setup` does (`pip install --require-hashes` of
requirements/base.txt and requirements/dev.txt). For pytorch, the lock pins PyPI's torch build (CUDA wheels of
several GB on Linux), which this suite must not download: the hashed install is skipped with that reason where it
cannot come from disk, and the project's code and tests still run against the CPU wheel this machine provides,
with the other packages at the locked versions.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.template.conftest import PACKAGE, copy_project, uv_binary

pytestmark = pytest.mark.slow
LOCAL_TORCH = Path("/opt/wheels")  # where this machine keeps its CPU build of torch


def sh(command: list[str], cwd: Path, timeout: int = 900, check: bool = True, **env: str):
    environment = {**os.environ, "PYTHONHASHSEED": "0", **env}
    environment.pop("VIRTUAL_ENV", None)
    done = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        output = f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
        raise AssertionError(f"{' '.join(command)} exited {done.returncode}\n{output}")
    return done


def python_for(version: str) -> str:
    for candidate in (shutil.which(f"python{version}"), *Path.home().glob(f".pyenv/versions/{version}.*/bin/python3")):
        if candidate and sh([str(candidate), "--version"], Path.cwd(), check=False).returncode == 0:
            return str(candidate)
    pytest.skip(f"Python {version} is not installed here")


def make_venv(project: Path, version: str) -> Path:
    sh([python_for(version), "-m", "venv", ".venv"], project)
    return project / ".venv" / "bin" / "python"


def train_twice_and_reproduce(project: Path, python: Path, slug: str) -> dict:
    """Two CLI runs of the shipped config must agree exactly; reproduce must confirm the first."""
    runs = []
    for _ in range(2):
        out = sh([str(python), "-m", f"{PACKAGE}.train", "--config", "configs/train.yaml"], project).stdout
        run_dir = re.search(r"record (\S+)/record\.json", out).group(1)
        runs.append(json.loads((project / run_dir / "record.json").read_text(encoding="utf-8")))
    first, second = runs
    assert first["run_id"] != second["run_id"]
    assert first["metrics"] == second["metrics"]
    assert first["model_hash"] == second["model_hash"]
    assert first["data"] == second["data"]
    assert first["git"]["commit"] and first["git"]["dirty"] is False
    assert first["lock_sha256"] and first["environment"]["pythonhashseed"] == "0"
    done = sh([str(project / ".venv" / "bin" / f"{slug}-reproduce"), f"runs/{first['run_id']}"], project)
    assert done.stdout.strip().splitlines()[-1].startswith("reproduced:"), done.stdout
    return first


@pytest.fixture(scope="module")
def default_project(rendered, tmp_path_factory) -> Path:
    return copy_project(rendered("default"), tmp_path_factory.mktemp("default") / "project")


def install_from_lock_and_test(project: Path, version: str) -> Path:
    """What `make setup` + `make test` do: a venv from the hashed locks, the package, the project's own tests."""
    python = make_venv(project, version)
    requirements = ["-r", "requirements/base.txt", "-r", "requirements/dev.txt"]
    sh([str(python), "-m", "pip", "install", "--require-hashes", *requirements], project)
    sh([str(python), "-m", "pip", "install", "--no-deps", "-e", "."], project)
    done = sh([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    assert re.search(r"\d+ passed", done.stdout) and "failed" not in done.stdout, done.stdout
    return python


@pytest.fixture(scope="module")
def default_python(default_project: Path) -> Path:
    return install_from_lock_and_test(default_project, "3.11")


def test_default_project_installs_from_its_lock_and_reproduces(default_project: Path, default_python: Path) -> None:
    project = default_project
    first = train_twice_and_reproduce(project, default_python, "demo-model")
    assert 0.9 <= first["metrics"]["accuracy"] <= 1.0  # a random forest on breast_cancer
    assert sh(["git", "status", "--porcelain"], project).stdout == "", "runs and models stay out of git"


def sweep_id(output: str) -> str:
    return re.search(r"^sweep (\S+): ", output, flags=re.MULTILINE).group(1)


def report_files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in ("runs.md", "metrics.png")}


def groups_section(runs_md: bytes) -> str:
    return runs_md.decode("utf-8").split("## Mean ± std over seeds\n", 1)[1].split("\n## ", 1)[0]


def test_default_project_sweeps_and_reports_byte_identically(default_project: Path, default_python: Path) -> None:
    """`make sweep` runs the example's 2x2 grid x 2 seeds, one record per point; `make report` twice gives the
    same bytes; a second, identical sweep (other run and sweep ids) gives the same groups and the same plot."""
    project = default_project
    first = sweep_id(sh(["make", "sweep", "SWEEP=configs/sweeps/example.yaml"], project).stdout)
    records = [json.loads(path.read_text(encoding="utf-8")) for path in (project / "runs").glob("*/record.json")]
    points = [record for record in records if record.get("sweep", {}).get("id") == first]
    assert sorted(record["sweep"]["point"] for record in points) == list(range(1, 9))
    assert all(record["status"] == "completed" for record in points)
    assert len({json.dumps(record["sweep"]["overrides"], sort_keys=True) for record in points}) == 4
    assert {record["seed"] for record in points} == {0, 1}

    reports = []
    for _ in range(2):
        sh(["make", "report"], project)
        reports.append(report_files(project / "reports"))
    assert reports[0] == reports[1], "make report twice on the same runs"
    assert reports[0]["metrics.png"].startswith(b"\x89PNG") and first in reports[0]["runs.md"].decode("utf-8")

    module = f"{PACKAGE}.sweep"
    second = sweep_id(sh([str(default_python), "-m", module, "configs/sweeps/example.yaml"], project).stdout)
    assert second != first
    for sweep, out in ((first, "reports/first"), (second, "reports/second")):
        sh([str(default_python), "-m", f"{PACKAGE}.report", "--sweep", sweep, "--out", out], project)
    one, other = report_files(project / "reports/first"), report_files(project / "reports/second")
    assert one["metrics.png"] == other["metrics.png"], "the plot does not depend on run ids"
    assert groups_section(one["runs.md"]) == groups_section(other["runs.md"])
    assert groups_section(one["runs.md"]).count("| model.max_depth=") == 4
    assert sh(["git", "status", "--porcelain"], project).stdout == "", "runs and reports stay out of git"


def installable_torch_pin(lock: str) -> str | None:
    match = re.search(r"^torch==(\S+)", lock, flags=re.MULTILINE)
    return match.group(1) if match else None


def test_pytorch_project_from_its_hashed_lock(rendered, tmp_path: Path) -> None:
    lock = (rendered("pytorch-cpu") / "requirements" / "base.txt").read_text(encoding="utf-8")
    pinned = installable_torch_pin(lock)
    local = sorted(LOCAL_TORCH.glob(f"torch-{pinned}*.whl")) if pinned else []
    pypi_build = [w for w in local if "+" not in w.name]
    if not pypi_build:
        pytest.skip(
            f"the lock pins torch=={pinned} from PyPI (its Linux wheel pulls several GB of CUDA packages) and "
            f"this machine only has a local CPU build ({', '.join(w.name for w in local) or 'none for that version'})"
            ", whose hash is not in the lock; the CPU test below runs the project's code instead"
        )
    project = copy_project(rendered("pytorch-cpu"), tmp_path / "project")
    python = install_from_lock_and_test(project, "3.11")
    train_twice_and_reproduce(project, python, "demo-model")


def test_pytorch_project_code_with_the_local_cpu_wheel(rendered, tmp_path: Path) -> None:
    wheels = sorted(LOCAL_TORCH.glob("torch-*+cpu-cp311-*.whl"))
    if not wheels:
        pytest.skip("no CPU build of torch for Python 3.11 on this machine")
    project = copy_project(rendered("pytorch-cpu"), tmp_path / "project")
    python = make_venv(project, "3.11")
    lock = "".join((project / "requirements" / name).read_text(encoding="utf-8") for name in ("base.txt", "dev.txt"))
    # Everything but torch (and the CUDA packages only torch needs) at the locked versions, without hashes.
    skip = re.compile(r"^(torch|nvidia-|triton|cuda-)", re.IGNORECASE)
    found = re.findall(r"^([A-Za-z0-9._-]+==\S+)", lock, flags=re.MULTILINE)
    pins = sorted({pin for pin in found if not skip.match(pin)})
    (tmp_path / "pins.txt").write_text("\n".join(pins) + "\n", encoding="utf-8")
    sh([str(python), "-m", "pip", "install", str(wheels[-1]), "-r", str(tmp_path / "pins.txt")], project)
    sh([str(python), "-m", "pip", "install", "--no-deps", "-e", "."], project)
    done = sh([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    assert re.search(r"\d+ passed", done.stdout) and "failed" not in done.stdout, done.stdout
    train_twice_and_reproduce(project, python, "demo-model")


def test_dvc_stages_and_mlflow_logging_work(rendered, tmp_path: Path) -> None:
    """The sklearn + DVC + MLflow project on Python 3.13, installed from its hashed locks: the dvc.yaml stage
    commands run in order (as `dvc repro` would run them), and training logs the run to ./mlruns."""
    import yaml

    project = copy_project(rendered("sklearn-dvc-mlflow-py313"), tmp_path / "project")
    python = install_from_lock_and_test(project, "3.13")
    stages = yaml.safe_load((project / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    assert list(stages) == ["prepare", "train", "evaluate"]
    for name, stage in stages.items():
        command = stage["cmd"].split()
        assert command[0] == "python", name
        sh([str(python), *command[1:]], project)
        for out in stage.get("outs", []):
            assert (project / out).exists(), f"stage {name} did not write {out}"
    metrics = json.loads((project / "metrics.json").read_text(encoding="utf-8"))
    record = json.loads(next((project / "runs").glob("*/record.json")).read_text(encoding="utf-8"))
    assert metrics == record["metrics"], "evaluate scores the model train recorded"
    logged = list((project / "mlruns").rglob("meta.yaml"))
    assert len(logged) >= 2, "an experiment and at least one run in ./mlruns"
    tags = {p.name: p.read_text(encoding="utf-8") for p in (project / "mlruns").rglob("tags/*")}
    assert tags.get("model.hash") == record["model_hash"]
    changed = sh(["git", "status", "--porcelain"], project).stdout.splitlines()
    assert changed == ["?? metrics.json"], "data, models, runs and mlruns stay out of git; dvc metrics go in"


def uv_sync_locked_and_test(project: Path) -> Path:
    """What `make setup` + `make test` do in a uv project: `uv sync --locked` (dev group included, on the
    interpreter .python-version names), then the project's own tests through `uv run --locked`."""
    uv = uv_binary()
    sh([uv, "sync", "--locked"], project, UV_PYTHON_DOWNLOADS="never")
    done = sh([uv, "run", "--locked", "python", "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    assert re.search(r"\d+ passed", done.stdout) and "failed" not in done.stdout, done.stdout
    return project / ".venv" / "bin" / "python"


def test_uv_project_installs_from_uv_lock_and_reproduces(rendered, tmp_path: Path) -> None:
    """The uv + scikit-learn project (GitLab, DVC, MLflow): installed exactly from uv.lock, its tests pass, two
    runs agree, and the record hashes uv.lock."""
    project = copy_project(rendered("uv-sklearn-gitlab-dvc-mlflow"), tmp_path / "project")
    python = uv_sync_locked_and_test(project)
    first = train_twice_and_reproduce(project, python, "demo-model")
    assert first["lock_file"] == "uv.lock"
    assert first["lock_sha256"] == hashlib.sha256((project / "uv.lock").read_bytes()).hexdigest()
    assert 0.9 <= first["metrics"]["accuracy"] <= 1.0
    assert sh(["git", "status", "--porcelain"], project).stdout == "", "uv sync changes no tracked file"


def test_uv_pytorch_project_from_uv_lock(rendered, tmp_path: Path) -> None:
    lock = (rendered("uv-pytorch-gpu-py312") / "uv.lock").read_text(encoding="utf-8")
    assert 'name = "torch"' in lock and "nvidia-" in lock, "uv.lock pins PyPI's torch and its CUDA packages"
    pytest.skip(
        "uv.lock pins torch from PyPI, whose Linux wheel pulls several GB of CUDA packages, and this machine's CPU "
        "build is not in the lock; the pip-tools pytorch tests run the same project code on the CPU wheel"
    )

