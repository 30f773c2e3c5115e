"""DEP004 on notebooks that install or document their own requirements (a pip their Python runs, a markdown or raw
cell telling the reader to `pip install`), and on modules nothing imports or runs whose import only displays, logs,
deploys, or sits in a tool's hidden folder."""

from __future__ import annotations

import json

import pytest

from tests.conftest import findings

REQUIREMENTS = {"requirements.txt": "numpy==1.26.4\n"}


def of(root, code: str) -> list[dict]:
    return [f for f in findings(root, select=code) if f["code"] == code]


def imported(found: list[dict]) -> list[str]:
    return sorted(f["message"].split(" ", 1)[0] for f in found)


def cells(*items: tuple[str, str]) -> str:
    """A notebook of (cell type, source) cells."""
    built = []
    for i, (kind, source) in enumerate(items):
        cell = {"cell_type": kind, "id": f"c{i}", "metadata": {}, "source": source}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        built.append(cell)
    return json.dumps({"cells": built, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


# -- notebooks that install or document their own requirements -------------------------------------------------------
def test_a_notebook_whose_python_runs_pip_provides_what_it_installs(make_repo):
    colab = (
        "import subprocess\n\n# Installation on Google Colab\ntry:\n    import google.colab\n"
        "    subprocess.run(['python', '-m', 'pip', 'install', 'skorch', 'transformers', 'datasets'])\n"
        "except ImportError:\n    pass\n"
    )
    root = make_repo(
        {
            **REQUIREMENTS,
            "notebooks/LLM.ipynb": cells(("code", colab), ("code", "import datasets\nimport transformers\n")),
            # another shape: a command string run by os.system, with sys.executable
            "notebooks/boost.ipynb": cells(
                ("code", "import os, sys\nos.system(f\"{sys.executable} -m pip install -q 'lightgbm>=3'\")\n"),
                ("code", "import lightgbm\n"),
            ),
        }
    )
    assert of(root, "DEP004") == []


def test_a_notebooks_markdown_or_raw_cell_that_tells_to_pip_install_provides_it(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            # the judged shape: a raw cell with the install line
            "notebooks/CORA.ipynb": cells(
                ("markdown", "# torch geometric"),
                ("raw", "!pip install torch_geometric==2.0.4"),
                ("code", "from torch_geometric.datasets import Planetoid\n"),
            ),
            # a markdown cell telling it in a sentence's code span
            "notebooks/hf.ipynb": cells(
                ("markdown", "If you have not installed them: `python -m pip install evaluate sacrebleu`"),
                ("code", "import evaluate\nimport sacrebleu\n"),
            ),
        }
    )
    assert of(root, "DEP004") == []


def test_look_alikes_of_a_notebooks_own_installs_stay_reported(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "a.ipynb": cells(
                # a commented-out install, a pip that only lists, a requirements file it installs that does not
                # exist here, and an install of another package
                ("code", '# os.system("pip install xgboost")\nimport subprocess\nsubprocess.run(["pip", "freeze"])\n'),
                ("code", 'subprocess.run(["pip", "install", "-r", "missing.txt"])\nos.system("pip install tqdm")\n'),
                ("code", "import xgboost\nimport h5py\n"),
            ),
            # markdown that names the package without an install command, and an install of another notebook
            "b.ipynb": cells(("markdown", "This uses `lmdb` (see its docs)."), ("code", "import lmdb\n")),
            "c.ipynb": cells(("raw", "!pip install lmdb"), ("code", "print(1)\n")),
        }
    )
    assert imported(of(root, "DEP004")) == ["h5py", "lmdb", "xgboost"]


# -- modules nothing imports or runs -----------------------------------------------------------------------------------
def test_an_unused_modules_display_or_tooling_import_is_not_reported(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "train.py": "import numpy\n\nprint(numpy.zeros(1))\n",
            # the judged shapes: a copied logger nothing calls, a site's deploy task file, a submit tool's hook
            "pkg/util/logger.py": "import logging\nfrom termcolor import colored\n\n\ndef setup_logger():\n"
            "    return colored\n",
            "website/fabfile.py": "from fabric.api import local\n\n\ndef publish():\n    local('make html')\n",
            "project-bikes/.udacity-pa/projects.py": "from udacity_pa import udacity\n\n\ndef submit(args):\n"
            "    udacity.submit(args)\n",
            # another shape: progress bars in an unused helper, a hidden folder of another tool
            "tools/extra/progress.py": "from rich.progress import track\n\n\ndef loop(xs):\n    return track(xs)\n",
            "lib/.hooks/check.py": "import requests_cache\n\n\ndef run():\n    return requests_cache\n",
        }
    )
    assert of(root, "DEP004") == []


def test_look_alikes_of_unused_display_or_tooling_imports_stay_reported(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "train.py": "from pkg.util.logger import setup_logger\n\nsetup_logger()\n",
            # a logger the training script imports: its import breaks a run
            "pkg/__init__.py": "",
            "pkg/util/__init__.py": "",
            "pkg/util/logger.py": "from termcolor import colored\n\n\ndef setup_logger():\n    return colored\n",
            # an unused module whose import can shape results stays a note
            "util/plot_utils.py": "import pandas as pd\n\n\ndef plot_logs(path):\n    return pd.read_json(path)\n",
            # a script in a hidden folder is judged as any script (it does something when run)
            ".ci/run.py": "import boto3\n\nboto3.client('s3')\n",
        }
    )
    found = {f["message"].split(" ", 1)[0]: f["severity"] for f in of(root, "DEP004")}
    assert found == {"termcolor": "warning", "pandas": "info", "boto3": "warning"}


# -- imports in methods of classes nothing names -----------------------------------------------------------------------
INCEPTION = '''import torch.nn as nn


class Encoder(nn.Module):
    pass


class InceptionV3(nn.Module):
    """Wrapper around the pytorch-fid inception port."""

    def __init__(self, **kwargs):
        super().__init__()
        from pytorch_fid import inception

        self.model = inception.InceptionV3(**kwargs)
'''
SPLINE = """class CFMLitModule:
    def step(self, batch):
        return batch


class SplineCFMLitModule(CFMLitModule):
    def preprocess_batch(self, X):
        import torchcubicspline

        return torchcubicspline.natural_cubic_spline_coeffs(X)
"""


def test_an_import_in_a_method_of_a_class_nothing_names_is_a_note(make_repo):
    root = make_repo(
        {
            "requirements.txt": "torch==2.3.1\n",
            "train.py": "from sgm.encoders import Encoder\nfrom models.cfm import CFMLitModule\n\nEncoder()\n",
            "sgm/__init__.py": "",
            "sgm/encoders.py": INCEPTION,  # `inception.InceptionV3` is pytorch-fid's class, not this one
            "models/__init__.py": "",
            "models/cfm.py": SPLINE,
            "configs/model/cfm.yaml": "_target_: models.cfm.CFMLitModule\n",
        }
    )
    found = {f["message"].split(" ", 1)[0]: f for f in of(root, "DEP004")}
    assert {name: f["severity"] for name, f in found.items()} == {"pytorch_fid": "info", "torchcubicspline": "info"}
    assert (
        "inside a method of InceptionV3, a class that nothing in the repository names"
        in (found["pytorch_fid"]["message"])
    )
    assert "inside a method of SplineCFMLitModule" in found["torchcubicspline"]["message"]


@pytest.mark.parametrize(
    "files",
    [
        {"configs/model/spline.yaml": "_target_: models.cfm.SplineCFMLitModule\n"},  # a config names it
        {"eval.py": "from models.cfm import SplineCFMLitModule\n\nSplineCFMLitModule().preprocess_batch(1)\n"},
        {"run.sh": "python -m models.cli --model SplineCFMLitModule\n"},  # a script names it
        {
            "demo.ipynb": json.dumps(
                {
                    "cells": [
                        {
                            "cell_type": "code",
                            "execution_count": None,
                            "metadata": {},
                            "outputs": [],
                            "source": "m = SplineCFMLitModule()",
                        }
                    ],
                    "metadata": {},
                    "nbformat": 4,
                    "nbformat_minor": 5,
                }
            )
        },
    ],
)
def test_an_import_in_a_method_of_a_named_class_stays_a_warning(make_repo, files):
    root = make_repo(
        {
            "requirements.txt": "torch==2.3.1\n",
            "train.py": "from models.cfm import CFMLitModule\n\nCFMLitModule()\n",
            "models/__init__.py": "",
            "models/cfm.py": SPLINE,
            **files,
        }
    )
    assert [f["severity"] for f in of(root, "DEP004")] == ["warning"]


@pytest.mark.parametrize(
    "source",
    [
        # the module itself uses the class
        SPLINE + "\n\ndef build():\n    return SplineCFMLitModule()\n",
        # a decorator registers it
        SPLINE.replace("class SplineCFMLitModule", "@register\nclass SplineCFMLitModule").replace(
            "class CFMLitModule:", "def register(c):\n    return c\n\n\nclass CFMLitModule:"
        ),
        # an import in the class body runs when the module is imported
        "class SplineCFMLitModule:\n    import torchcubicspline\n",
        # a module-level import
        "import torchcubicspline\n\n\nclass SplineCFMLitModule:\n    def f(self):\n        return torchcubicspline\n",
    ],
)
def test_look_alikes_of_imports_in_unnamed_classes_stay_warnings(make_repo, source):
    root = make_repo(
        {
            "requirements.txt": "torch==2.3.1\n",
            "train.py": "import models.cfm\n\nprint(models.cfm)\n",
            "models/__init__.py": "",
            "models/cfm.py": source,
        }
    )
    assert [f["severity"] for f in of(root, "DEP004")] == ["warning"]
