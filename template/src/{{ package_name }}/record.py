"""The run record: everything needed to rerun a training run and to tell whether the rerun matched.

A record is `runs/<run-id>/record.json` next to the model file. It holds the resolved config and seed, the git
commit and whether the work tree was dirty, the sha256 of the lock file, the Python version and platform, the
container image digest when the environment gives one (`IMAGE_DIGEST`), the hashes of the input data, the
metrics and the model hash. A run that failed (a sweep point whose training raised) gets a record too, with
`status: failed` and the error in place of metrics and model.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

RECORD_FILE = "record.json"
LOCK_FILE = Path("requirements/base.txt")
COMPLETED = "completed"
FAILED = "failed"


def file_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def git_state() -> dict[str, Any]:
    """The commit and dirty flag of the work tree; inside an image (no .git) the GIT_COMMIT build argument."""
    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": os.environ.get("GIT_COMMIT") or None, "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def environment() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "virtualenv": sys.prefix != sys.base_prefix,
        "image_digest": os.environ.get("IMAGE_DIGEST") or None,
        "pythonhashseed": os.environ.get("PYTHONHASHSEED"),
    }


def provenance() -> dict[str, Any]:
    """Where a run ran: the git state, the lock and its hash, the interpreter and platform."""
    return {
        "git": git_state(),
        "lock_file": LOCK_FILE.as_posix(),
        "lock_sha256": file_sha256(LOCK_FILE),
        "environment": environment(),
    }


def config_hash(config: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()


def new_run_dir(runs_dir: Path, config: dict[str, Any]) -> Path:
    """runs/<UTC time>-<config hash>[-n]: sortable, and unique even for two runs in the same second."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    base = f"{stamp}-{config_hash(config)[:8]}"
    runs_dir.mkdir(parents=True, exist_ok=True)
    for attempt in range(1000):
        run_dir = runs_dir / (base if attempt == 0 else f"{base}-{attempt}")
        try:
            run_dir.mkdir()
        except FileExistsError:
            continue
        return run_dir
    raise RuntimeError(f"cannot create a new run folder under {runs_dir}")


def write_record(run_dir: Path, record: dict[str, Any]) -> Path:
    path = run_dir / RECORD_FILE
    path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def load_record(path: Path) -> dict[str, Any]:
    """Any record, completed or failed, from `runs/<run-id>` or `runs/<run-id>/record.json`."""
    if path.is_dir():
        path = path / RECORD_FILE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"{path}: cannot read the run record: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not a run record: {error}") from None
    if not isinstance(record, dict):
        raise ValueError(f"{path}: not a run record (not a JSON object)")
    failed = record.get("status") == FAILED
    needed = ("config", "seed", "error") if failed else ("config", "seed", "metrics", "model_hash")
    missing = [key for key in needed if key not in record]
    if missing:
        raise ValueError(f"{path}: not a run record (missing {', '.join(missing)})")
    return record


def read_record(path: Path) -> dict[str, Any]:
    """The record of a completed run (records written before `status` existed count as completed)."""
    record = load_record(path)
    if record.get("status") == FAILED:
        raise ValueError(f"{path}: the run failed ({record['error']}); it has no model or metrics to compare")
    return record
