"""Recompile the committed lock fixtures of the render matrix after a change to the template's inputs.

    python -m tests.template.refresh_locks

Renders every combination of the matrix from the current work tree, runs the generated project's own
`scripts/lock.py` (or `uv lock` for a uv project) for each distinct key (see tests/template/conftest.py) that has no fixture yet, stores the
locks under tests/template/locks/<key>/ and deletes fixtures no combination uses any more. Needs network access
to the package index and the Python versions of the matrix.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import copier

from tests.template.conftest import (
    COMBOS,
    LOCK_FIXTURES,
    answers_for,
    build_source,
    lock_key,
    make_uv_lock,
    project_locks,
    run,
    uv_lock_key,
)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="refresh-locks-") as tmp:
        source = Path(tmp) / "template-src"
        source.mkdir()
        build_source(source)
        used = set()
        for combo in COMBOS:
            answers = answers_for(combo, source)
            project = Path(tmp) / combo
            copier.run_copy(str(source), project, data=answers, defaults=True, unsafe=True, quiet=True, skip_tasks=True)
            uv = answers.get("package_manager") == "uv"
            key = uv_lock_key(project) if uv else lock_key(project, answers.get("python_version", "3.11"))
            used.add(key)
            target = LOCK_FIXTURES / key
            if target.is_dir():
                print(f"{combo}: {key} is current")
                continue
            print(f"{combo}: compiling {key} ...", flush=True)
            if uv:
                make_uv_lock(project)
            else:
                run([sys.executable, "scripts/lock.py", "--quiet"], project, timeout=3600)
            target.mkdir(parents=True)
            for lock in project_locks(project):
                shutil.copy2(lock, target / lock.name)
    for stale in sorted(p for p in LOCK_FIXTURES.iterdir() if p.is_dir() and p.name not in used):
        print(f"removing unused {stale.name}")
        shutil.rmtree(stale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
