"""Generate a deterministic synthetic ML monorepo of about N files, for benchmarks and equivalence tests.

The tree looks like a real research monorepo: several projects, each a Python package with training entry
points (seeded and unseeded), helpers, many model modules, Hydra-style configs with groups, notebooks (some with
outputs), requirements inputs and pip-compile locks, Dockerfiles, and CI workflows. Every run with the same N and
seed writes byte-identical files.

    python benchmarks/generate.py OUT_DIR --files 10000 [--seed 0] [--git]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
from pathlib import Path

HASH = "sha256:" + "0" * 64
VERSION = 2  # bumped whenever the generated trees change, so stale trees are regenerated

TRAIN_SEEDED = '''"""Train {name}."""
import argparse

import numpy as np
import torch

from {pkg}.utils.seeding import seed_everything
from {pkg}.models.model_{m} import Model{m}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="configs/train.yaml")
    args = parser.parse_args()
    seed_everything(42)
    model = Model{m}()
    data = torch.randn(64, 8)
    noise = np.random.normal(size=8)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss = model(data).sum() + float(noise.sum())
    loss.backward()
    optimizer.step()
    print(args.config, float(loss))


if __name__ == "__main__":
    main()
'''

TRAIN_UNSEEDED = '''"""Evaluate {name} with random restarts (forgot to seed)."""
import random

import numpy as np


def run() -> float:
    values = np.random.rand(10)
    return float(values.mean()) + random.random()


if __name__ == "__main__":
    print(run())
'''

SEEDING = '''"""Seed every library the project uses."""
import os
import random

import numpy as np
import torch


def seed_everything(seed: int) -> None:
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
'''

MODEL_HEAD = '''"""Model variant {m}: a residual MLP with configurable blocks.

The variant differs from its siblings in width, depth and activation; everything else is shared.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn import functional as F


@dataclass
class Model{m}Config:
    """Hyperparameters of variant {m}."""

    in_features: int = 8
    width: int = {width}
    depth: int = {depth}
    dropout: float = 0.1
    activation: str = "{activation}"
    layer_norm: bool = True
    init_scale: float = {scale}
    extra: dict[str, float] = field(default_factory=dict)

    def validate(self) -> None:
        if self.width <= 0 or self.depth <= 0:
            raise ValueError(f"width and depth must be positive, got {{self.width}} and {{self.depth}}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {{self.dropout}}")
'''

MODEL_BLOCK = '''

class Block{m}_{b}(nn.Module):
    """Residual block {b}: norm, projection, activation, dropout, projection back."""

    def __init__(self, config: Model{m}Config) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(config.width) if config.layer_norm else nn.Identity()
        self.up = nn.Linear(config.width, {mult} * config.width)
        self.down = nn.Linear({mult} * config.width, config.width)
        self.dropout = nn.Dropout(config.dropout)
        self.activation = config.activation

    def act(self, x: torch.Tensor) -> torch.Tensor:
        if self.activation == "gelu":
            return F.gelu(x)
        if self.activation == "silu":
            return F.silu(x)
        return F.relu(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        residual = x
        x = self.norm(x)
        x = self.act(self.up(x))
        x = self.dropout(x)
        x = self.down(x)
        return residual + x / math.sqrt({b} + 1)
'''

MODEL_TAIL = '''

def init_weights(module: nn.Module, scale: float) -> None:
    """Scaled Xavier initialisation for linear layers; zeros for biases."""
    if isinstance(module, nn.Linear):
        nn.init.xavier_uniform_(module.weight, gain=scale)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.LayerNorm):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)


class Model{m}(nn.Module):
    """Stem, {blocks} residual blocks, head."""

    def __init__(self, config: Model{m}Config | None = None) -> None:
        super().__init__()
        self.config = config or Model{m}Config()
        self.config.validate()
        self.stem = nn.Linear(self.config.in_features, self.config.width)
        self.blocks = nn.ModuleList([{block_list}])
        self.head = nn.Linear(self.config.width, 1)
        self.apply(lambda module: init_weights(module, self.config.init_scale))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        for block in self.blocks:
            x = block(x)
        return self.head(x).squeeze(-1)

    @torch.no_grad()
    def predict(self, x: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
        self.eval()
        outputs = [self(chunk) for chunk in torch.split(x, batch_size)]
        return torch.cat(outputs)


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def build_model(overrides: dict[str, object] | None = None) -> Model{m}:
    """The model from its default config with `overrides` applied (unknown keys go to `extra`)."""
    config = Model{m}Config()
    for key, value in (overrides or {{}}).items():
        if hasattr(config, key):
            setattr(config, key, value)
        else:
            config.extra[key] = float(value)
    return Model{m}(config)
'''

HELPER_HEAD = '''"""Plain helpers {m}: text, paths and metrics; no randomness here."""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Sequence
from pathlib import Path
'''

HELPER_FUNCTIONS = (
    """

def describe_{m}_{k}(path: Path) -> str:
    total = sum(len(line) for line in path.read_text(encoding="utf-8").splitlines())
    return f"{{path.name}}: {{total}} characters"
""",
    '''

def scale_{m}_{k}(values: Sequence[float], factor: float = {factor}) -> list[float]:
    """Multiply every value by `factor`, keeping the input untouched."""
    return [value * factor for value in values]
''',
    """

def summarise_{m}_{k}(values: Iterable[float]) -> dict[str, float]:
    items = list(values)
    if not items:
        return {{"count": 0.0, "mean": 0.0, "stdev": 0.0}}
    spread = statistics.pstdev(items) if len(items) > 1 else 0.0
    return {{"count": float(len(items)), "mean": statistics.fmean(items), "stdev": spread}}
""",
    '''

def load_metrics_{m}_{k}(path: Path) -> dict[str, float]:
    """Metrics written by a previous run; a missing file is an empty record."""
    if not path.exists():
        return {{}}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {{str(key): float(value) for key, value in data.items() if isinstance(value, (int, float))}}
''',
    """

def accuracy_{m}_{k}(predictions: Sequence[int], labels: Sequence[int]) -> float:
    if len(predictions) != len(labels):
        raise ValueError("predictions and labels differ in length")
    if not labels:
        return 0.0
    hits = sum(1 for predicted, label in zip(predictions, labels) if predicted == label)
    return hits / len(labels)
""",
)


def model_module(m: int, rng: random.Random) -> str:
    """A model file of realistic length (150 to 300 lines, like the modules of a research codebase)."""
    blocks = rng.randrange(3, 9)
    head = MODEL_HEAD.format(
        m=m,
        width=rng.choice([64, 128, 256]),
        depth=blocks,
        activation=rng.choice(["relu", "gelu", "silu"]),
        scale=rng.choice([0.5, 1.0, 2.0]),
    )
    body = "".join(MODEL_BLOCK.format(m=m, b=b, mult=rng.choice([2, 4])) for b in range(blocks))
    block_list = ", ".join(f"Block{m}_{b}(self.config)" for b in range(blocks))
    return head + body + MODEL_TAIL.format(m=m, blocks=blocks, block_list=block_list)


def helper_module(m: int, rng: random.Random) -> str:
    """A helper file of 40 to 120 lines."""
    picks = [rng.randrange(len(HELPER_FUNCTIONS)) for _ in range(rng.randrange(3, 10))]
    body = "".join(HELPER_FUNCTIONS[pick].format(m=m, k=k, factor=rng.randrange(1, 9)) for k, pick in enumerate(picks))
    return HELPER_HEAD.format(m=m) + body


TRAIN_CONFIG = """defaults:
  - model: model_{m}
  - _self_
seed: {seed}
trainer:
  max_epochs: {epochs}
  lr: 0.001
data:
  path: data/processed/train.parquet
"""

GROUP_CONFIG = """width: {width}
dropout: 0.1
"""

REQ_IN = "numpy>=1.26\ntorch>=2.2\npyyaml\n"
LOCK = f"""#
# This file is autogenerated by pip-compile with Python 3.11
# by the following command:
#
#    pip-compile --generate-hashes --output-file=requirements.txt requirements.in
#
numpy==1.26.4 \\
    --hash={HASH}
    # via -r requirements.in
pyyaml==6.0.1 \\
    --hash={HASH}
    # via -r requirements.in
torch==2.2.2 \\
    --hash={HASH}
    # via -r requirements.in
"""

DOCKERFILE = """FROM python:3.11-slim AS base
RUN pip install --no-cache-dir --require-hashes -r requirements.txt
RUN pip install mlflow
USER 1000
"""

WORKFLOW = """name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-22.04
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: pip install -r requirements.txt && pytest
"""


def notebook(index: int, with_outputs: bool) -> str:
    cells = [
        {"cell_type": "markdown", "id": f"md-{index}", "metadata": {}, "source": [f"# Exploration {index}\n"]},
        {
            "cell_type": "code",
            "id": f"code-{index}",
            "execution_count": 1 if with_outputs else None,
            "metadata": {},
            "outputs": [{"name": "stdout", "output_type": "stream", "text": ["0.5\n"]}] if with_outputs else [],
            "source": ["import numpy as np\n", "x = np.random.rand(3)\n", "print(x.mean())\n"],
        },
    ]
    data = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(data, indent=1) + "\n"


def project_files(p: int, models: int, rng: random.Random) -> dict[str, str]:
    """One project of the monorepo with `models` model modules and as many helpers."""
    pkg = f"proj{p}"
    base = f"projects/{pkg}"
    files: dict[str, str] = {
        f"{base}/pyproject.toml": f'[project]\nname = "{pkg}"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        f'dependencies = ["numpy>=1.26", "torch>=2.2", "pyyaml"]\n',
        f"{base}/requirements.in": REQ_IN,
        f"{base}/requirements.txt": LOCK,
        f"{base}/Dockerfile": DOCKERFILE,
        f"{base}/src/{pkg}/__init__.py": "",
        f"{base}/src/{pkg}/utils/__init__.py": "",
        f"{base}/src/{pkg}/utils/seeding.py": SEEDING,
        f"{base}/src/{pkg}/models/__init__.py": "",
        f"{base}/src/{pkg}/train.py": TRAIN_SEEDED.format(name=pkg, pkg=pkg, m=0),
        f"{base}/src/{pkg}/evaluate.py": TRAIN_UNSEEDED.format(name=pkg),
        f"{base}/configs/train.yaml": TRAIN_CONFIG.format(m=0, seed=rng.randrange(100), epochs=rng.randrange(1, 50)),
        f"{base}/notebooks/explore.ipynb": notebook(p, with_outputs=p % 3 == 0),
    }
    for m in range(models):
        files[f"{base}/src/{pkg}/models/model_{m}.py"] = model_module(m, rng)
        files[f"{base}/src/{pkg}/helpers/helper_{m}.py"] = helper_module(m, rng)
        files[f"{base}/configs/model/model_{m}.yaml"] = GROUP_CONFIG.format(width=rng.choice([16, 32, 64]))
    files[f"{base}/src/{pkg}/helpers/__init__.py"] = ""
    return files


def generate(out: Path, total: int, seed: int = 0) -> int:
    """Write about `total` files under `out`; returns the number written."""
    rng = random.Random(seed)
    per_project_fixed = 13
    models = 30
    per_project = per_project_fixed + 3 * models
    projects = max(1, round((total - 3) / per_project))
    files: dict[str, str] = {
        ".github/workflows/ci.yml": WORKFLOW,
        "README.md": "# Synthetic monorepo\n",
        ".gitignore": "/data/\n/models/\n",
    }
    for p in range(projects):
        files.update(project_files(p, models, rng))
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return len(files)


def commit(out: Path) -> None:
    env_args = ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=out, check=True)
    subprocess.run(["git", "add", "-A"], cwd=out, check=True)
    subprocess.run(["git", *env_args, "commit", "-q", "-m", "synthetic"], cwd=out, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--git", action="store_true", help="make it a git repository with one commit")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    count = generate(args.out, args.files, args.seed)
    if args.git:
        commit(args.out)
    print(f"wrote {count} files to {args.out}")


if __name__ == "__main__":
    main()
