"""A run served from the caches (whole-run and per-file) reports byte for byte what a `--no-cache` run reports,
after any sequence of edits: add, edit, delete and rename files, change the configuration, stage, commit."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reprocheck import filecache
from tests.checker.test_sec import AWS_ID
from tests.conftest import git, run_cli, write_files

BASE = {
    "pyproject.toml": '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["numpy>=1"]\n',
    "requirements.txt": "numpy\n",
    "src/demo/__init__.py": "",
    "src/demo/base.py": (
        "class Base:\n    def run(self):\n        return self.load()\n\n    def load(self):\n        return 1\n"
    ),
    "src/demo/train.py": (
        "import numpy as np\n\nfrom demo.base import Base\n\n\nif __name__ == '__main__':\n"
        "    print(np.random.rand(), Base().run())\n"
    ),
    "configs/train.yaml": "lr: 1e-3\nepochs: 3\n",
}

# What an edit writes: each shape feeds a different per-file answer (imports, words, secrets, user paths, classes
# and their bases, suppression comments, config keys).
SNIPPETS = [
    "import torch\n\n\nif __name__ == '__main__':\n    torch.manual_seed(0)\n    print(torch.rand(1))\n",
    "import random\n\n\ndef pick(items):\n    return random.choice(items)\n",
    "import pandas as pd\n\nDATA = pd.read_csv('/home/alice/data/train.csv')\n",
    f'KEY = "{AWS_ID}"\n',
    (
        "from demo.base import Base\n\n\nclass Child(Base):\n    def load(self):\n        import numpy\n"
        "        return numpy.random.rand()\n"
    ),
    "import sklearn  # reprocheck: ignore[DEP004] vendored in the image\n",
    "import yaml\n\nCONFIG = yaml.safe_load(open('configs/train.yaml'))\n",
    "def broken(:\n",
    "",
]
CONFIGS = [
    "lr: 1e-3\nepochs: 3\n",
    "lr: 0.001\nepochs: 3\nseed: 7\n",
    "data: /home/bob/datasets\nseed: 1\n",
    "lr: [\n",
    "defaults:\n  - model: small\n  - _self_\nlr: 1e-3\n",
    "# @package _global_\nwidth: 32\n",
    "_base_: ../train.yaml\nseed: 3\n",
]
# Where a config edit writes: the primary config, a Hydra group option it may compose, another top-level config.
CONFIG_NAMES = ["configs/train.yaml", "configs/model/small.yaml", "configs/eval.yml"]
SETTINGS = [
    "",
    '\n[tool.reprocheck]\nignore = ["DEP004"]\n',
    '\n[tool.reprocheck]\nextend-select = ["ALL"]\n',
    '\n[tool.reprocheck]\nconfig-paths = ["configs/*.yaml"]\n',  # fewer experiment configs
]
NAMES = [
    "src/demo/a.py",
    "src/demo/b.py",
    "scripts/run.py",
    "src/demo/models/net.py",
    "src/demo/models/__init__.py",  # a new package: every module's import names change
    "notes.md",
]

operations = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(NAMES), st.sampled_from(SNIPPETS)),
    st.tuples(
        st.just("append"), st.sampled_from([*NAMES, "src/demo/train.py", "src/demo/base.py"]), st.sampled_from(SNIPPETS)
    ),
    st.tuples(st.just("delete"), st.sampled_from([*NAMES, "src/demo/base.py"])),
    st.tuples(st.just("rename"), st.sampled_from(NAMES), st.sampled_from(NAMES)),
    st.tuples(st.just("config"), st.sampled_from(CONFIGS), st.sampled_from(CONFIG_NAMES)),
    st.tuples(st.just("rename"), st.sampled_from(CONFIG_NAMES), st.sampled_from(CONFIG_NAMES)),
    st.tuples(st.just("settings"), st.sampled_from(SETTINGS)),
    st.tuples(st.just("stage")),
    st.tuples(st.just("commit")),
)


def apply(root: Path, operation: tuple) -> list[Path]:
    """Carry out one edit; return the files it wrote."""
    kind, *args = operation
    if kind == "write":
        write_files(root, {args[0]: args[1]})
        return [root / args[0]]
    if kind == "append":
        path = root / args[0]
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(args[1])
        return [path]
    if kind == "delete":
        (root / args[0]).unlink(missing_ok=True)
        return []
    if kind == "rename":
        source, target = root / args[0], root / args[1]
        if source.exists() and source != target:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(source, target)
            return [target]
        return []
    if kind == "config":
        write_files(root, {args[1]: args[0]})
        return [root / args[1]]
    if kind == "settings":
        write_files(root, {"pyproject.toml": BASE["pyproject.toml"] + args[0]})
        return [root / "pyproject.toml"]
    git(root, "add", "-A")
    if kind == "commit":
        git(root, "commit", "-q", "-m", "step", "--allow-empty")
    return []


def backdate(paths: list[Path]) -> None:
    past = time.time() - 60
    for path in paths:
        if path.exists():
            os.utime(path, (past, past))


def run(root: Path, *args: str) -> dict:
    done = run_cli(str(root), "--select", "ALL", "--output-format", "json", *args)
    assert done.exit_code in (0, 1), done.stderr
    return json.loads(done.stdout)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(operations, st.booleans()), min_size=1, max_size=6))
def test_cached_runs_equal_uncached_runs(tmp_path_factory, monkeypatch, steps):
    monkeypatch.setattr(filecache, "RACY_NS", 0)  # stats count as old once the next run starts
    root = tmp_path_factory.mktemp("repo")
    write_files(root, BASE)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")
    backdate([p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts])
    run(root)  # fills both caches
    for operation, old in steps:
        written = apply(root, operation)
        if old:  # else the files stay inside the racy window: the run cache is off, the file cache misses them
            backdate(written)
        cached, uncached = run(root), run(root, "--no-cache")
        assert cached == uncached, operation


def test_an_override_written_in_a_subclass_file_reaches_a_kept_entry_point(tmp_path, monkeypatch):
    """A kept entry point summary is dropped when a method it runs on `self` gets an override in a subclass whose
    object the entry creates: `Base.run` then runs `Child.load`, which draws (RNG001 reports, as uncached)."""
    monkeypatch.setattr(filecache, "RACY_NS", 0)
    write_files(tmp_path, BASE)
    write_files(
        tmp_path,
        {
            "src/demo/child.py": "from demo.base import Base\n\n\nclass Child(Base):\n    pass\n",
            "src/demo/train.py": (
                "from demo.child import Child\n\n\nif __name__ == '__main__':\n    print(Child().run())\n"
            ),
        },
    )
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    backdate([p for p in tmp_path.rglob("*") if p.is_file() and ".git" not in p.parts])
    assert not [f for f in run(tmp_path)["findings"] if f["code"] == "RNG001"]
    backdate(apply(tmp_path, ("write", "src/demo/child.py", SNIPPETS[4])))
    cached, uncached = run(tmp_path), run(tmp_path, "--no-cache")
    assert cached == uncached
    assert [f["path"] for f in cached["findings"] if f["code"] == "RNG001"] == ["src/demo/train.py"]
