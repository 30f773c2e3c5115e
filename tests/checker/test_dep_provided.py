"""DEP004 and DEP005 on declarations read from code and on findings reported once: Metaflow flow decorators declare
their folder's environment, what a declared distribution brings is a note, a documented optional install inside a
function is a note, and DEP005 reports one stale file once."""

from __future__ import annotations

import pytest

from tests.checker.test_dep_imports import notebook
from tests.conftest import findings

REQUIREMENTS = {"requirements.txt": "numpy==1.26.4\n"}


def of(root, code: str) -> list[dict]:
    return [f for f in findings(root, select=code) if f["code"] == code]


def imported(found: list[dict]) -> list[str]:
    return [f["message"].split(" ", 1)[0] for f in found]


def severities(found: list[dict]) -> dict[str, str]:
    return {f["message"].split(" ", 1)[0]: f["severity"] for f in found}


# -- Metaflow flow decorators ----------------------------------------------------------------------------------------
FLOW = """from metaflow import FlowSpec, step, pypi_base, pypi, conda
from helpers import tokenize

STEP_PYPI = {"packages": {"GitPython": "3.1.43", "omegaconf": "2.4.0"}, "python": "3.11"}
CONDA_LIBS = {"pytorch": "2.3.0", "conda-forge::py-opencv": "4.9.0"}


@pypi_base(python="3.12", packages={"datasets": "2.21.0", "huggingface-hub[hf_transfer]": "0.25.2"})
class Train(FlowSpec):
    @pypi(**STEP_PYPI)
    @step
    def start(self):
        import datasets
        from git import Repo
        from omegaconf import OmegaConf
        self.next(self.train)

    @conda(libraries=CONDA_LIBS)
    @step
    def train(self):
        import torch
        import cv2
        from huggingface_hub import snapshot_download
        self.next(self.end)


if __name__ == "__main__":
    Train()
"""


def test_metaflow_decorators_declare_the_flow_folders_environment(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "flows/train_flow.py": FLOW,
            "flows/helpers.py": "import datasets\nimport torch\n",  # packaged with the flow, runs in its environment
            "flows/sub/tools.py": "from git import Repo\n",
        }
    )
    # metaflow itself is what the flow's launcher must have: still reported
    assert imported(of(root, "DEP004")) == ["metaflow"]


def test_look_alikes_of_metaflow_decorators_declare_nothing(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "flows/train_flow.py": FLOW.replace('"datasets": "2.21.0", ', ""),
            # a notebook is run in the user's kernel, not in the flow's environment; another folder is not packaged
            "flows/explore.ipynb": '{"cells": [{"cell_type": "code", "execution_count": null, "metadata": {}, '
            '"outputs": [], "source": "import peft\\n"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n',
            "other/eval.py": "import torch\n",
            # a `pypi` decorator of something else (no metaflow import), and one commented out
            "lib/deploy.py": "from mytools import pypi\n\n@pypi(packages={'scipy': '1.11'})\ndef run():\n"
            "    import scipy\n\n\nrun()\n",
            "flows/old_flow.py": "from metaflow import FlowSpec\n# @pypi_base(packages={'xgboost': '2.1'})\n"
            "class Old(FlowSpec):\n    pass\nimport xgboost\nif __name__ == '__main__':\n    Old()\n",
            "flows/peft_flow.py": "from metaflow import FlowSpec\nimport peft\n",
        }
    )
    # (helpers: the flow's own module, absent here)
    assert imported(of(root, "DEP004")) == [
        "peft",
        "metaflow",
        "xgboost",
        "helpers",
        "datasets",
        "mytools",
        "scipy",
        "torch",
    ]


# -- what declared distributions bring -------------------------------------------------------------------------------
def test_what_a_declared_distribution_brings_is_a_note_naming_it(make_repo):
    root = make_repo(
        {
            "requirements.txt": "albumentations==1.0.0\nfastai==2.7.12\ndvc==3.30.0\nsagemaker==2.200.0\n",
            "train.py": "import cv2\nimport torch\nfrom PIL import Image\nfrom ruamel.yaml import YAML\nimport boto3\n"
            "import botocore\n",
        }
    )
    found = of(root, "DEP004")
    assert set(severities(found).values()) == {"info"}
    messages = {f["message"].split(" ", 1)[0]: f["message"] for f in found}
    assert "a requirement of albumentations; declare opencv-python-headless directly" in messages["cv2"]
    assert "a requirement of fastai" in messages["torch"]
    assert "a requirement of dvc; declare ruamel-yaml directly" in messages["ruamel"]
    assert "a requirement of sagemaker (through boto3)" in messages["botocore"]


def test_nlp_jax_and_sweep_stacks_bring_what_their_code_imports(make_repo):
    root = make_repo(
        {
            "requirements.txt": "spacy==3.7.4\nflax==0.8.0\nhydra-optuna-sweeper==1.2.0\ntensorflow-gan==2.1.0\n",
            "train.py": "import thinc\nimport srsly\nimport optax\nimport chex\nimport omegaconf\nimport optuna\n"
            "import tensorflow_hub\n",
        }
    )
    found = of(root, "DEP004")
    assert set(severities(found).values()) == {"info"}
    messages = {f["message"].split(" ", 1)[0]: f["message"] for f in found}
    # spaCy's own libraries (thinc, srsly) and hydra's OmegaConf are part of their interface: provided
    assert "thinc" not in messages and "srsly" not in messages and "omegaconf" not in messages
    assert "a requirement of flax" in messages["optax"]
    assert "a requirement of flax (through optax)" in messages["chex"]
    assert "a requirement of tensorflow-gan" in messages["tensorflow_hub"]


def test_the_projects_own_distribution_brings_nothing_to_its_code(make_repo):
    """A repository that installs itself (a Dockerfile's `pip install segmentation-models-pytorch`) is not what
    brings numpy to its own examples; its setup names itself through a constant."""
    root = make_repo(
        {
            "setup.py": 'from setuptools import setup\n\nNAME = "segmentation_models_pytorch"\n\n'
            "setup(name=NAME, install_requires=['timm==0.9.0'])\n",
            "segmentation_models_pytorch/__init__.py": "import timm\n",
            "docker/Dockerfile": "FROM python:3.11-slim\nRUN pip install segmentation-models-pytorch==0.3.0\n",
            "examples/train.py": "import numpy as np\n\nprint(np.zeros(2))\n",
        }
    )
    (found,) = of(root, "DEP004")
    assert "a requirement of timm" in found["message"] and "segmentation-models-pytorch" not in found["message"]


def test_look_alikes_of_brought_distributions_are_warnings(make_repo):
    root = make_repo(
        {
            "requirements.txt": "albumentations==1.0.0\ndvc==3.30.0\n",
            "train.py": "import pandas\nimport torch\nimport lmdb\n",
        }
    )
    assert severities(of(root, "DEP004")) == {"pandas": "warning", "torch": "warning", "lmdb": "warning"}


def test_tensorflow_protobuf_provides_the_tensorflow_protos(make_repo):
    root = make_repo(
        {
            "Pipfile": '[packages]\ngrpcio = "==1.42.0"\ntensorflow-protobuf = "==2.7.0"\n',
            "gateway.py": "import grpc\nimport tensorflow as tf\nfrom tensorflow_serving.apis import predict_pb2\n"
            "from tensorflow.core.framework import tensor_pb2\n",
        }
    )
    assert of(root, "DEP004") == []


# -- documented optional installs ------------------------------------------------------------------------------------
def test_documented_optional_installs_inside_a_function_are_notes(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "README.md": "# Tool\n\nFor the OpenVINO backend:\n\n```bash\npip install openvino\n```\n",
            "dataset_tool.py": "import numpy as np\n\n\ndef open_lmdb(path):\n"
            "    import cv2  # pip install opencv-python # pylint: disable=import-error\n"
            "    # pip install lmdb\n    import lmdb\n    return lmdb.open(path), cv2\n",
            "loader.py": "from torchvision import get_image_backend\n\n\ndef accimage_loader(path):\n"
            "    import accimage\n    return accimage.Image(path)\n\n\ndef default_loader(path):\n"
            "    if get_image_backend() == 'accimage':\n        return accimage_loader(path)\n    return None\n",
            "model_loader.py": "def load(kind):\n    if kind.endswith('xml'):\n"
            "        from openvino.runtime import Core\n        return Core()\n",
            # the repository chooses the backend: the import runs in its runs
            "configs/fast.yaml": "image_backend: accimage\n",
        }
    )
    found = of(root, "DEP004")
    # lmdb is imported in the same optional function as cv2: one note
    assert severities(found) == {"cv2": "info", "accimage": "info", "openvino": "info", "torchvision": "warning"}
    messages = {f["message"].split(" ", 1)[0]: f["message"] for f in found}
    assert (
        "(an optional install: imported inside a function, with an install comment at dataset_tool.py:5); "
        "lmdb is imported in the same function (dataset_tool.py:7)"
    ) in messages["cv2"]
    assert [(r["path"], r["line"]) for r in next(f for f in found if f["message"].startswith("cv2"))["related"]] == [
        ("dataset_tool.py", 7)
    ]
    assert "the README tells users to pip install openvino" in messages["openvino"]
    assert "only when the 'accimage' backend is chosen (loader.py:10)" in messages["accimage"]


def test_look_alikes_of_documented_optional_installs_are_warnings(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "README.md": "# Tool\n\n```bash\npip install wandb\n```\n",
            # module-level imports, even with an install comment or a README install
            "train.py": "import lmdb  # pip install lmdb\nimport wandb\n\n\ndef helper():\n"
            "    # load the data\n    import h5py\n    return h5py\n",
            # the function also runs outside the backend test
            "loader.py": "def accimage_loader(path):\n    import accimage\n    return accimage.Image(path)\n\n\n"
            "def load(path, backend):\n    if backend == 'accimage':\n        return accimage_loader(path)\n"
            "    return accimage_loader(path)\n",
        }
    )
    assert severities(of(root, "DEP004")) == {
        "lmdb": "warning",
        "wandb": "warning",
        "h5py": "warning",
        "accimage": "warning",
    }


# -- DEP005 once per pair of files -----------------------------------------------------------------------------------
def test_dep005_reports_one_stale_file_once_per_reference_file(make_repo):
    root = make_repo(
        {
            "requirements.txt": "diffusers==0.23.1\ntransformers==4.35.2\nscipy==1.11.4\ntorch==2.1.0\n",
            "env.yml": "channels: [conda-forge]\ndependencies:\n  - python=3.10\n  - diffusers=0.2.4\n"
            "  - transformers=4.21.3\n  - scipy=1.9.1\n",
            "Dockerfile": "FROM python:3.11-slim\nRUN pip install torch==2.0.0\n",
        }
    )
    found = of(root, "DEP005")
    assert [(f["path"], f["line"]) for f in found] == [("Dockerfile", 2), ("env.yml", 4)]
    assert found[0]["message"] == (
        "torch is pinned to 2.1.0 in requirements.txt but 2.0.0 in Dockerfile; "
        "use one version everywhere (install from the lock)"
    )
    assert found[1]["message"] == (
        "diffusers is pinned to 0.23.1 in requirements.txt but 0.2.4 in env.yml, and 2 more packages differ between "
        "the two (transformers 4.35.2 vs 4.21.3, scipy 1.11.4 vs 1.9.1); use one version everywhere (install from "
        "the lock)"
    )
    assert [(r["path"], r["line"]) for r in found[1]["related"]] == [("env.yml", 5), ("env.yml", 6)]


# -- imports no run reaches ------------------------------------------------------------------------------------------
def test_modules_nothing_imports_or_runs_are_notes(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "pkg/__init__.py": "from .model import Net\n",
            "pkg/model.py": "import torch\n\n\nclass Net:\n    pass\n",
            # nothing imports these, nothing runs them, nothing names them
            "pkg/util/logger.py": "import logging\nfrom lmdb import open\n\n\ndef setup_logger():\n    return open\n",
            "src/callbacks/wandb.py": "import seaborn as sn\n\n\nclass Heatmap:\n    pass\n",
            "configs/callbacks.yaml": "heatmap:\n  _target_: src.callbacks.wandb_callbacks.Heatmap\n",
        }
    )
    found = {f["message"].split(" ", 1)[0]: f for f in of(root, "DEP004")}
    assert found["torch"]["severity"] == "warning"  # pkg/model.py: its package imports it (`from .model`)
    # no run of the repository reaches these imports; code outside it (a user of the package) may: notes
    assert {name: f["severity"] for name, f in found.items() if name != "torch"} == {
        "lmdb": "info",
        "seaborn": "info",
    }
    assert "nothing in the repository imports or runs pkg/util/logger.py" in found["lmdb"]["message"]


def test_the_search_for_a_modules_name_reports_no_binary_file(make_repo):
    """Looking for what names an unused module reads files without an extension too; a saved model there (binary)
    is nobody's parse error."""
    root = make_repo(
        {
            **REQUIREMENTS,
            "pkg/util/logger.py": "from h5py import File\n\n\ndef setup():\n    return File\n",
            "week09/test_ppo/policy": b"\x80\x02}q\x00(X\x06\x00\x00\x00weightsq\x01\x00\xff\xfe",
        }
    )
    result = findings(root, select="DEP004,RPC002")
    assert [f["code"] for f in result] == ["DEP004"]


def test_opentelemetry_and_ignite_are_provided_by_their_distributions(make_repo):
    root = make_repo(
        {
            "requirements.txt": "opentelemetry-api==1.34.1\nopentelemetry-sdk==1.34.1\npytorch-ignite==0.5.0\n",
            "main.py": "from opentelemetry import metrics\nfrom opentelemetry.sdk.metrics import MeterProvider\n"
            "import ignite\nimport yaml\n",
        }
    )
    assert imported(of(root, "DEP004")) == ["yaml"]  # the look-alike: an import nothing declares


def test_look_alikes_of_unused_modules_are_reported(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "README.md": "# Tool\n\n```bash\npython tools/convert.py\n```\n",
            "train.py": "from pkg.data import load\n\nload()\n",
            "pkg/__init__.py": "",
            "pkg/data.py": "import h5py\n\n\ndef load():\n    return h5py\n",  # imported by train.py
            "pkg/cli.py": "import click\n\n\ndef main():\n    pass\n\n\nif __name__ == '__main__':\n    main()\n",
            "tools/convert.py": "import onnx\n\n\ndef convert():\n    return onnx\n",  # the README runs it
            "tools/report.py": "import plotly\n\nfor x in range(3):\n    print(x)\n",  # a script
            "src/callbacks/wandb.py": "import seaborn as sn\n\n\nclass Heatmap:\n    pass\n",
            "configs/callbacks.yaml": "heatmap:\n  _target_: src.callbacks.wandb.Heatmap\n",  # named in a config
            "plugins/registry.py": "import importlib\n\n\ndef get():\n"
            "    return importlib.import_module('plugins.fancy')\n",
            "plugins/fancy.py": "import timm\n\n\ndef build():\n    return timm\n",  # named in a string
            "helpers.py": "import lmdb\n\n\ndef open_db():\n    return lmdb\n",  # a root module
            "data/ds_study_2.py": "import albumentations\n\n\nclass Study:\n    pass\n",
            # a notebook imports it (the module's only user)
            "viz/coco_utils.py": "import skimage\n\n\ndef draw():\n    return skimage\n",
            "demo.ipynb": '{"cells": [{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], '
            '"source": "from viz import coco_utils\\n"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n',
            # a script inside a package imports its sibling by its bare name (`python src/train.py`)
            "src/__init__.py": "",
            "src/train.py": "from util import load\n\nload()\n",
            "src/util.py": "import imageio\n\n\ndef load():\n    return imageio\n",
            "configs/cfg_study.py": "dataset = 'ds_study_2'\n",  # a config names it: importlib loads it
            "notebooks/explore.ipynb": '{"cells": [{"cell_type": "code", "execution_count": null, "metadata": {}, '
            '"outputs": [], "source": "import xgboost\\n"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n',
        }
    )
    found = of(root, "DEP004")
    assert [f["severity"] for f in found if f["message"].startswith("imageio ")] == ["warning"]
    assert [f["severity"] for f in found if f["message"].startswith("skimage ")] == ["warning"]
    assert sorted(imported(found)) == [
        "albumentations",
        "click",
        "h5py",
        "imageio",
        "lmdb",
        "onnx",
        "plotly",
        "seaborn",
        "skimage",
        "timm",
        "xgboost",
    ]


def test_imports_behind_an_opt_in_switch_are_optional_or_notes(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "train.py": "import os\nfrom models import interp\n\n"
            "_USE_SCIPY = int(os.environ.get('USE_SCIPY', 0)) > 0\n\n\n"
            "def resize(x):\n    if _USE_SCIPY:\n        from scipy import interpolate\n        return interpolate\n"
            "    return x\n\n\n"
            "def train(hparams):\n    if hparams.fp16_run:\n        from apex import amp\n        return amp\n\n\n"
            "def setup(args):\n    if args.platform == 'philly':\n        pass\n    elif args.platform == 'azure':\n"
            "        import horovod.torch as hvd\n        hvd.init()\n\n\n"
            "def transforms(tf_preprocessing, use_prefetcher):\n    if tf_preprocessing and use_prefetcher:\n"
            "        import tensorflow as tf\n        return tf\n\n\n"
            "def fast():\n    if os.getenv('FAST_KERNELS'):\n        import triton\n        return triton\n\n\n"
            "if __name__ == '__main__':\n    train(None)\n",
            "models.py": "def interp():\n    pass\n",
        }
    )
    # an environment variable's toggle is the developer's (scipy, triton); a flag or a choice is a note
    found = of(root, "DEP004")
    assert severities(found) == {"apex": "info", "horovod": "info", "tensorflow": "info"}
    messages = {f["message"].split(" ", 1)[0]: f["message"] for f in found}
    assert messages["apex"].endswith(
        "(an optional install: imported inside a function, only when the option tested at train.py:15 is on)"
    )
    assert "only when the option tested at train.py:23 is on" in messages["horovod"]


def test_look_alikes_of_opt_in_switches_are_reported(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "train.py": "def run(use_cuda=True):\n    if use_cuda:\n        import cupy\n        return cupy\n\n\n"
            "def plot(args):\n    if not args.no_plots:\n        import matplotlib\n        return matplotlib\n\n\n"
            "def load(path):\n    if path is not None:\n        import h5py\n        return h5py\n\n\n"
            "def report(args):\n    if args.wandb:\n        pass\n    else:\n"
            "        import mlflow\n        return mlflow\n\n\n"
            "if __name__ == '__main__':\n    run()\n",
        }
    )
    assert sorted(imported(of(root, "DEP004"))) == ["cupy", "h5py", "matplotlib", "mlflow"]


def test_mobile_apps_and_page_rendering_notebooks_are_not_the_environment(make_repo):
    page = (
        '{"cells": [{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], '
        '"source": "import jinja2\\nimport clipboard\\nfrom PIL import Image\\n"}], "metadata": {}, '
        '"nbformat": 4, "nbformat_minor": 5}\n'
    )
    root = make_repo(
        {
            **REQUIREMENTS,
            "mobile/android/models/src/main/assets/run_tflite.py": "import tensorflow as tf\n\ntf.lite.Interpreter()\n",
            "mobile/ios/convert.py": "import coremltools\n\ncoremltools.convert()\n",
            "generate/generate_pages.ipynb": page,
            # look-alikes: a folder named like an app part, a notebook that renders pages with a model
            "androids/robot.py": "import gym\n\ngym.make('x')\n",
            "docs/pages.ipynb": page.replace("import clipboard", "import torch\\nimport clipboard"),
        }
    )
    assert sorted(imported(of(root, "DEP004"))) == ["PIL", "clipboard", "gym", "jinja2", "torch"]


# -- a repository a Dockerfile clones and installs, under its package's name -----------------------------------------
SAMPLE = "from sgm.inference.helpers import embed_watermark\nimport numpy\n"


def test_a_clone_installed_from_an_absolute_folder_provides_its_known_package(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "sample.py": SAMPLE,
            "Dockerfile.sgm": "FROM python:3.11\nRUN git clone https://github.com/Stability-AI/generative-models.git"
            " /deps/sgm-models && cd /deps/sgm-models && python -m pip install .\n",
        }
    )
    assert "sgm" not in imported(of(root, "DEP004"))


def test_a_vcs_install_of_a_known_repository_provides_its_package(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "sample.py": SAMPLE,
            "Dockerfile": "FROM python:3.11\nRUN pip install git+https://github.com/Stability-AI/generative-models\n",
        }
    )
    assert "sgm" not in imported(of(root, "DEP004"))


def test_a_clone_that_is_not_installed_provides_nothing(make_repo):
    # only the clone's requirements are installed: its own package is not importable
    root = make_repo(
        {
            **REQUIREMENTS,
            "sample.py": SAMPLE,
            "Dockerfile": "FROM python:3.11\nRUN git clone https://github.com/Stability-AI/generative-models.git"
            " /deps/sgm && pip install -r /deps/sgm/requirements/pt2.txt\n",
        }
    )
    assert "sgm" in imported(of(root, "DEP004"))


def test_an_unknown_repository_cloned_into_an_absolute_folder_provides_only_its_own_names(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "sample.py": "import mylib\nimport otherlib\n",
            "Dockerfile": "FROM python:3.11\nRUN git clone https://github.com/acme/mylib.git /opt/mylib"
            " && pip install /opt/mylib\n",
        }
    )
    assert imported(of(root, "DEP004")) == ["otherlib"]


# -- a conda environment templated by a Dockerfile -------------------------------------------------------------------
TEMPLATED_ENV = """name: deeplearning
channels:
  - defaults
dependencies:
  - numpy=1.16.6
  - pip
  - {tensorflow}=1.13.1
  - {pytorch}
  - pip:
    - gym
"""
DEEP_NOTEBOOK_CODE = "import numpy\nimport tensorflow as tf\nimport torch\nimport gym\nimport seaborn\n"


def test_a_conda_environment_with_template_placeholders_declares_its_packages(make_repo):
    root = make_repo(
        {
            "docker/deeplearning.yaml": TEMPLATED_ENV,
            "docker/Dockerfile": "FROM ubuntu:24.04\nADD deeplearning.yaml /tmp/t.yaml\n"
            'RUN sed -e "s/{tensorflow}/tensorflow/g" /tmp/t.yaml > /tmp/env.yaml\n'
            "RUN conda env create -f /tmp/env.yaml\n",
            "seminar.py": DEEP_NOTEBOOK_CODE,
        }
    )
    assert imported(of(root, "DEP004")) == ["seaborn"]


def test_a_named_environment_file_with_placeholders_is_read_filled(make_repo):
    root = make_repo({"environment.yml": TEMPLATED_ENV, "seminar.py": DEEP_NOTEBOOK_CODE})
    assert imported(of(root, "DEP004")) == ["seaborn"]
    assert not [f for f in findings(root, select="RPC002") if f["path"] == "environment.yml"]


def test_a_yaml_file_with_flow_mappings_is_no_templated_environment(make_repo):
    # `- {name: x}` is a real flow mapping, not a placeholder: the file is no conda environment
    root = make_repo(
        {
            **REQUIREMENTS,
            "steps.yaml": "dependencies:\n  - {name: tensorflow}\n  - {name: torch}\n",
            "seminar.py": "import tensorflow\nimport torch\n",
        }
    )
    assert sorted(imported(of(root, "DEP004"))) == ["tensorflow", "torch"]


# -- a backend nothing in the repository chooses ---------------------------------------------------------------------
ACCIMAGE_LOADER = (
    "from torchvision import get_image_backend\n\n\ndef accimage_loader(path):\n"
    "    import accimage\n    return accimage.Image(path)\n\n\ndef default_loader(path):\n"
    "    if get_image_backend() == 'accimage':\n        return accimage_loader(path)\n    return None\n"
)


def test_a_backend_import_that_nothing_in_the_repository_chooses_is_not_reported(make_repo):
    # the judged shape: a vendored torchvision `default_loader`; the README's mention chooses nothing
    root = make_repo(
        {
            **REQUIREMENTS,
            "README.md": "# Tool\n\nInstall accimage for faster loading.\n",
            "data/helpers.py": ACCIMAGE_LOADER,
            "train.py": "from data.helpers import default_loader\n\nprint(default_loader('x.jpg'))\n",
        }
    )
    assert "accimage" not in imported(of(root, "DEP004"))


def test_a_backend_chosen_in_the_function_that_nothing_picks_is_not_reported(make_repo):
    # another shape: the import sits under the backend test itself
    root = make_repo(
        {
            **REQUIREMENTS,
            "decode.py": "def decode(data, backend):\n    if backend == 'turbojpeg':\n"
            "        import turbojpeg\n        return turbojpeg.TurboJPEG().decode(data)\n    return data\n",
            "train.py": "from decode import decode\n\nprint(decode(b'', 'pil'))\n",
        }
    )
    assert "turbojpeg" not in imported(of(root, "DEP004"))


@pytest.mark.parametrize(
    "chooser",
    [
        {"train.py": "import torchvision\n\ntorchvision.set_image_backend('accimage')\n"},
        {"train.py": "BACKEND = 'accimage'\n"},
        {"run.sh": "python train.py --backend accimage\n"},
        {"notebook.ipynb": notebook("import torchvision\ntorchvision.set_image_backend('accimage')")},
        {"README.md": "```\npip install accimage\n```\n"},  # a documented optional install: a note
    ],
)
def test_a_backend_the_repository_chooses_stays_reported(make_repo, chooser):
    root = make_repo({**REQUIREMENTS, "data/helpers.py": ACCIMAGE_LOADER, **chooser})
    assert "accimage" in imported(of(root, "DEP004"))


# -- a published library's lazy optional integrations ----------------------------------------------------------------
LIBRARY = {
    "pyproject.toml": '[project]\nname = "tinylib"\nversion = "1.0"\ndependencies = ["numpy"]\n',
    "README.md": "# tinylib\n\n```bash\npip install tinylib\n```\n",
    "tinylib/__init__.py": "from tinylib.callbacks import MlflowLogger\n",
    "tinylib/callbacks.py": "import numpy\n\n\nclass MlflowLogger:\n    def initialize(self):\n"
    "        if self.run is None:\n            import mlflow\n            self.run = mlflow.active_run()\n",
    "tinylib/tests/test_callbacks.py": "def test_logger():\n    import mlflow\n    assert mlflow\n",
    "tinylib/data/transforms.py": "def create(tf_preprocessing=False):\n    if tf_preprocessing:\n"
    "        from tinylib.data.tf_preprocessing import TfTransform\n        return TfTransform()\n",
    "tinylib/data/tf_preprocessing.py": "import tensorflow.compat.v1 as tf\n\n\nclass TfTransform:\n    pass\n",
}


def test_a_published_librarys_lazy_imports_are_not_reported(make_repo):
    # mlflow in a method of an optional callback (the tests import it too); tensorflow at the top of a module the
    # package imports only inside a function
    assert of(make_repo(LIBRARY), "DEP004") == []


def test_look_alikes_of_a_librarys_lazy_imports_stay_reported(make_repo):
    files = {
        **LIBRARY,
        # a module-level import of the package, and a module the package imports at its top
        "tinylib/io.py": "import h5py\n",
        "tinylib/data/__init__.py": "from tinylib.data.tf_preprocessing import TfTransform\n",
        # a script beside the package, outside it
        "validate.py": "def main():\n    import onnxruntime\n    return onnxruntime\n\n\nmain()\n",
        # a helper a feature needs, in a method not named after it: no integration
        "tinylib/vit.py": "class ViT:\n    def load_siglip(self, repo_id='google/siglip'):\n"
        "        from huggingface_hub import snapshot_download\n        return snapshot_download(repo_id)\n",
    }
    found = sorted(imported(of(make_repo(files), "DEP004")))
    assert found == ["h5py", "huggingface_hub", "onnxruntime", "tensorflow"]


def test_an_applications_lazy_import_stays_reported(make_repo):
    files = {k: v for k, v in LIBRARY.items() if k != "README.md"}
    assert sorted(imported(of(make_repo(files), "DEP004"))) == ["mlflow", "tensorflow"]


def test_a_backend_chosen_by_a_part_of_a_name_stays_reported(make_repo):
    # `"openvino" in model_type`: the repository's model type `openvino_small_256` chooses it
    root = make_repo(
        {
            **REQUIREMENTS,
            "loader.py": "def load(model_type):\n    if 'openvino' in model_type:\n"
            "        from openvino.runtime import Core\n        return Core()\n",
            "run.py": "import argparse\nfrom loader import load\n\np = argparse.ArgumentParser()\n"
            "p.add_argument('--model_type', default='dpt_large', choices=['dpt_large', 'openvino_small_256'])\n"
            "load(p.parse_args().model_type)\n",
        }
    )
    assert "openvino" in imported(of(root, "DEP004"))
