"""Deep and long inputs: thousands of nested brackets, chained targets, stages, includes, classes and calls.

Each would overflow Python's recursion limit in a recursive walker, or take quadratic time in a naive one. The
check must end in findings or RPC002, within the harness's time budget.
"""

from __future__ import annotations

import json

import pytest

from tests.robustness.harness import workspace

N = 3000
FEW = 600  # chains of files: each link is a file on disk


def python_chains() -> dict[str, dict[str, str]]:
    return {
        "binop-chain": {"run.py": "import random\nx = " + "+".join(["random.random()"] * N) + "\nprint(x)\n"},
        "attribute-chain": {"run.py": "import numpy as np\nx = np" + ".a" * N + "\n"},
        "call-chain": {"run.py": "import numpy as np\nx = np.random.seed" + "(1)" * N + "\n"},
        "nested-blocks": {"run.py": "".join(" " * i + "if x:\n" for i in range(99)) + " " * 99 + "pass\n"},
        "call-graph-chain": {
            "run.py": "import random\n"
            + "".join(f"def f{i}():\n    return f{i + 1}()\n" for i in range(N))
            + f"def f{N}():\n    return random.random()\n\n\nif __name__ == '__main__':\n    f0()\n"
        },
        "class-chain": {
            "run.py": "import random\nclass C0:\n    def fit(self):\n        return random.random()\n"
            + "".join(f"class C{i + 1}(C{i}):\n    pass\n" for i in range(N))
            + f"if __name__ == '__main__':\n    C{N}().fit()\n"
        },
        "import-chain": {
            **{f"pkg/m{i}.py": f"from pkg.m{i + 1} import f\n" for i in range(FEW)},
            f"pkg/m{FEW}.py": "import random\n\n\ndef f():\n    return random.random()\n",
            "pkg/__init__.py": "",
            "main.py": "from pkg.m0 import f\n\nif __name__ == '__main__':\n    f()\n",
        },
    }


def other_chains() -> dict[str, dict[str, str]]:
    return {
        "make-prerequisites": {
            "Makefile": "".join(f"t{i}: t{i + 1}\n\techo {i}\n" for i in range(N)) + f"t{N}:\n\tpip install x\n",
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-22.04\n    steps:\n"
            "      - run: make t0\n",
        },
        "make-variables": {"Makefile": "".join(f"V{i} = $(V{i + 1})\n" for i in range(N)) + "all:\n\t$(V0) x.py\n"},
        "requirements-includes": {
            **{f"req{i}.txt": f"-r req{i + 1}.txt\n" for i in range(FEW)},
            f"req{FEW}.txt": "numpy\n",
        },
        "docker-stages": {
            "Dockerfile": "FROM python:3.11 AS s0\n"
            + "".join(f"FROM s{i} AS s{i + 1}\n" for i in range(N))
            + "RUN ls\n"
        },
        "docker-args": {
            "Dockerfile": "ARG A0=python:3.11\n"
            + "".join(f"ARG A{i + 1}=${{A{i}}}\n" for i in range(N))
            + f"FROM ${{A{N}}}\n"
        },
        "hydra-defaults": {
            **{f"configs/g{i}/x.yaml": f"defaults:\n  - /g{i + 1}: x\nseed: 1\n" for i in range(FEW)},
            "configs/train.yaml": "defaults:\n  - g0: x\n",
        },
        "base-includes": {
            **{f"configs/c{i}.yaml": f"_base_: c{i + 1}.yaml\n" for i in range(FEW)},
            f"configs/c{FEW}.yaml": "seed: 1\n",
        },
        "dvc-vars": {
            "dvc.yaml": "vars:\n"
            + "".join(f"  - v{i}: ${{v{i + 1}}}\n" for i in range(N))
            + "stages:\n  a:\n    cmd: python x.py ${v0}\n"
        },
        "yaml-deep-mapping": {"configs/deep.yaml": "".join("  " * i + f"k{i}:\n" for i in range(N)) + "seed: 1\n"},
        "json-deep": {"configs/deep.json": "[" * N + "]" * N},
        "toml-deep": {"configs/deep.toml": "x = " + "[" * N + "]" * N + "\n", "uv.lock": "a = " + "{b = " * N},
        "notebook-deep": {
            "nb.ipynb": json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})[:-1]
            + ', "x": '
            + "[" * N
            + "]" * N
            + "}"
        },
        "workflow-steps": {
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-22.04\n    steps:\n"
            + "".join(f"      - run: pip install p{i}\n" for i in range(N))
        },
        "shell-substitutions": {"scripts/x.sh": "echo " + "$(" * N + "pip install x" + ")" * N + "\n"},
        "shell-heredocs": {"scripts/x.sh": "".join(f"bash <<E{i}\n" for i in range(N)) + "pip install z\n"},
        "long-line": {"requirements.txt": "numpy==1.26.4 " + "\\\n " * N + "; python_version >= '3'\n"},
        "many-conflict-markers": {"notes.txt": "<<<<<<< HEAD\n>>>>>>> b\n" * N},
        "many-suppressions": {"run.py": "import os  # reprocheck: ignore[DEP004]\n" * N},
    }


CASES = {**python_chains(), **other_chains()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_deep_and_long_inputs_end_in_findings_or_rpc002(name):
    with workspace() as space:
        space.check(CASES[name])


CYCLES = {
    "requirements-include-each-other": {"a.txt": "-r b.txt\nnumpy\n", "b.txt": "-c a.txt\n-r a.txt\npandas\n"},
    "requirements-include-themselves": {"requirements.txt": "-r requirements.txt\n-c ./requirements.txt\nnumpy\n"},
    "compile-header-naming-itself": {
        "requirements.txt": "# This file is autogenerated by pip-compile with Python 3.11\n"
        "#    pip-compile requirements.txt\nnumpy==1.26.4\n    # via -r requirements.txt\n"
    },
    "base-includes-in-a-ring": {"configs/a.yaml": "_base_: b.yaml\n", "configs/b.yaml": "_base_: [a.yaml]\nseed: 1\n"},
    "hydra-defaults-in-a-ring": {
        "configs/train.yaml": "defaults:\n  - model: a\n",
        "configs/model/a.yaml": "defaults:\n  - /model: b\n",
        "configs/model/b.yaml": "defaults:\n  - /model: a\nseed: 1\n",
    },
    "makefile-includes-itself": {"Makefile": "include Makefile\nall: all\n\t$(MAKE) all\n"},
    "make-prerequisites-in-a-ring": {"Makefile": "a: b\n\techo a\nb: a\n\tpython run.py\n", "run.py": "print(1)\n"},
    "python-imports-in-a-ring": {
        "pkg/__init__.py": "from pkg.a import f\n",
        "pkg/a.py": "from pkg.b import g\n\n\ndef f():\n    return g()\n",
        "pkg/b.py": "import random\nfrom pkg.a import f\n\n\ndef g():\n    return f() + random.random()\n",
        "main.py": "from pkg import f\n\nif __name__ == '__main__':\n    f()\n",
    },
    "classes-in-a-ring": {
        "run.py": "class A(B):\n    pass\n\n\nclass B(A):\n    pass\n\n\nif __name__ == '__main__':\n    A().fit()\n"
    },
    "dvc-vars-in-a-ring": {
        "dvc.yaml": "vars:\n  - a: ${b}\n  - b: ${a}\nstages:\n  s:\n    cmd: python run.py ${a}\n",
        "run.py": "print(1)\n",
    },
    "dockerfile-stages-in-a-ring": {"Dockerfile": "FROM b AS a\nFROM a AS b\nRUN pip install x\n"},
    "gitlab-includes-itself": {".gitlab-ci.yml": "include:\n  - local: .gitlab-ci.yml\ntest:\n  script: [pytest]\n"},
    "yaml-anchor-cycle": {"configs/a.yaml": "a: &x\n  b: *x\nseed: 1\n"},
}


@pytest.mark.parametrize("name", sorted(CYCLES))
def test_cycles_end(name):
    """Includes, defaults, prerequisites, imports, bases, variables and stages that lead back to themselves."""
    with workspace() as space:
        space.check(CYCLES[name])
