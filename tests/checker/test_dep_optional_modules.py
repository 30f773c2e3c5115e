"""DEP004 on the imports of a project module that the project itself imports only where a failed import is caught
(an optional environment or backend, `try: from envs.metaworld import make_env` / `except: ...`)."""

from __future__ import annotations

from tests.conftest import findings

INIT = (
    "import numpy as np\n\n"
    "def missing(task):\n    raise ValueError(task)\n\n"
    "try:\n    from envs.metaworld import make_env as make_metaworld_env\nexcept:\n"
    "    make_metaworld_env = missing\n"
    "try:\n    from envs.myosuite import make_env as make_myosuite_env\nexcept ImportError:\n"
    "    make_myosuite_env = missing\n"
)
FILES = {
    "requirements.txt": "numpy==1.26.4\n",
    "tdmpc2/train.py": (
        "from envs import make_metaworld_env\n\nif __name__ == '__main__':\n    make_metaworld_env('x')\n"
    ),
    "tdmpc2/envs/__init__.py": INIT,
    "tdmpc2/envs/metaworld.py": "import gym\nimport metaworld\n\ndef make_env(task):\n    return gym.make(task)\n",
    "tdmpc2/envs/myosuite.py": "def make_env(task):\n    import myosuite\n    return myosuite.load(task)\n",
}


def imported(root) -> list[str]:
    return sorted(f["message"].split(" ", 1)[0] for f in findings(root, select="DEP004") if f["code"] == "DEP004")


def test_the_imports_of_a_module_imported_only_under_an_import_guard_are_optional(make_repo):
    assert imported(make_repo(FILES)) == []
    # the same guard written at the root of the repository (the package importable from the root)
    root_layout = {rel.removeprefix("tdmpc2/"): text for rel, text in FILES.items()}
    assert imported(make_repo(root_layout)) == []


def test_a_module_also_imported_without_a_guard_or_run_as_a_script_stays_reported(make_repo):
    plain = {**FILES, "tdmpc2/evaluate.py": "from envs.metaworld import make_env\n\nmake_env('x')\n"}
    assert imported(make_repo(plain)) == ["gym", "metaworld"]
    script = {
        **FILES,
        "tdmpc2/envs/metaworld.py": FILES["tdmpc2/envs/metaworld.py"]
        + "\nif __name__ == '__main__':\n    make_env('x')\n",
    }
    assert imported(make_repo(script)) == ["gym", "metaworld"]
    # an import guarded by something other than a failed import (a plain try/finally) guards nothing
    unguarded = {
        **FILES,
        "tdmpc2/envs/__init__.py": "try:\n    from envs.metaworld import make_env\nfinally:\n    pass\n",
    }
    assert imported(make_repo(unguarded)) == ["gym", "metaworld", "myosuite"]  # myosuite.py: a module nothing imports
