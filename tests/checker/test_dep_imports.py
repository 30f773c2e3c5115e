"""DEP004 on the shapes real repositories have: optional imports, the project's own modules reached in the ways
Python reaches them, what is installed without a declaration naming it, advice that never names the wrong
project, and one finding per missing distribution."""

from __future__ import annotations

import json

from tests.conftest import findings

REQUIREMENTS = {"requirements.txt": "numpy==1.26.4\n"}


def dep004(root) -> list[dict]:
    return [f for f in findings(root, select="DEP004,RPC002") if f["code"] in ("DEP004", "RPC002")]


def imported(found: list[dict]) -> list[str]:
    return [f["message"].split(" ", 1)[0] for f in found]


def notebook(*cells: str) -> str:
    code = [
        {"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [], "source": s}
        for i, s in enumerate(cells)
    ]
    return json.dumps({"cells": code, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


# -- once per missing distribution -----------------------------------------------------------------------------
def test_one_finding_per_missing_distribution_with_the_other_sites_related(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "b/train.py": "import cv2\nimport cv2.data\n",
            "a/eval.py": "import os\n\nimport cv2\n",
            "c/plot.py": "from cv2 import imread\n",
            "c/other.py": "import torch\n",
        }
    )
    found = dep004(root)
    assert [(f["path"], f["line"]) for f in found] == [("a/eval.py", 3), ("c/other.py", 1)]
    cv2 = found[0]
    assert cv2["message"].startswith("cv2 is imported in 3 files, first in a/eval.py, but no dependency declaration")
    assert [(r["path"], r["line"]) for r in cv2["related"]] == [("b/train.py", 1), ("c/plot.py", 1)]
    assert found[1]["message"].startswith("torch is imported in c/other.py but")


def test_distributions_of_one_namespace_are_reported_apart(make_repo):
    root = make_repo(
        {
            "requirements.txt": "google-cloud-storage==2.13.0\n",
            "cloud.py": "from google.cloud import storage\nfrom google.cloud import aiplatform, bigquery\n",
        }
    )
    assert [f["message"].split(";")[1].strip() for f in dep004(root)] == [
        "declare google-cloud-aiplatform (or map the import in `import-map`)",
        "declare google-cloud-bigquery (or map the import in `import-map`)",
    ]


# -- optional imports -------------------------------------------------------------------------------------------
OPTIONAL = {
    "suppress.py": "import contextlib\nwith contextlib.suppress(ImportError):\n    import ujson\n",
    "suppress_bare.py": "from contextlib import suppress\nwith suppress(ModuleNotFoundError):\n    import orjson\n",
    "find_spec.py": "import importlib.util\nif importlib.util.find_spec('wandb'):\n    import wandb\n",
    "find_spec_fn.py": "from importlib.util import find_spec\n\ndef close():\n"
    "    if find_spec('wandb') is not None:\n        import wandb\n        wandb.finish()\n",
    "flag.py": "from importlib.util import find_spec\nHAS_MLFLOW = find_spec('mlflow') is not None\n\n"
    "def log():\n    if HAS_MLFLOW:\n        import mlflow\n",
    "requirement_cache.py": "from lightning_utilities.core.imports import RequirementCache\n"
    "_NEPTUNE = RequirementCache('neptune')\nif _NEPTUNE:\n    import neptune\n",
    "module_available.py": "from lightning_utilities.core.imports import module_available\n"
    "if module_available('comet_ml'):\n    import comet_ml\n",
    "imported_flag.py": "from pkg.imports import _DEEPSPEED_AVAILABLE\n"
    "if _DEEPSPEED_AVAILABLE:\n    import deepspeed\n",
    "is_available.py": "from pkg.imports import is_flax_available\nif is_flax_available():\n    import flax\n"
    "else:\n    import jax\n",
    "try_flag.py": "try:\n    import apex\n    HAS_APEX = True\nexcept ImportError:\n    HAS_APEX = False\n"
    "if HAS_APEX:\n    from apex.parallel import DistributedDataParallel\n",
    "leaves.py": "from importlib.util import find_spec\n\ndef run():\n    if not find_spec('optuna'):\n"
    "        raise RuntimeError('pip install optuna')\n    import optuna\n",
    "fallback.py": "try:\n    from urllib.request import urlopen\nexcept ImportError:\n"
    "    from urllib3 import urlopen\n",
    "runtime_check.py": "from pkg.general import check_requirements\n\ndef export():\n"
    "    check_requirements('nncf>=2.5.0')\n    import nncf\n",
    "test_skip.py": "import pytest\nfaiss = pytest.importorskip('faiss')\nimport faiss.contrib\n",
    "colab.py": "import sys\nif 'google.colab' in sys.modules:\n    from google.colab import drive\n    import gdown\n",
}


def test_optional_imports_are_not_reported(make_repo):
    requirements = {"requirements.txt": "numpy==1.26.4\nlightning-utilities==0.11.2\npytest==8.2.0\n"}
    root = make_repo({**requirements, "pkg/__init__.py": "", **OPTIONAL})
    assert dep004(root) == []


def test_optional_flags_reach_later_notebook_cells(make_repo):
    cells = ("import sys\nIN_COLAB = 'google.colab' in sys.modules\n", "if IN_COLAB:\n    import gdown\n")
    root = make_repo({**REQUIREMENTS, "explore.ipynb": notebook(*cells)})
    assert dep004(root) == []


def test_look_alikes_of_optional_imports_are_reported(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "a.py": "import torch\nif torch.cuda.is_available():\n    import cupy\n",
            "b.py": "import contextlib\nwith contextlib.suppress(KeyError):\n    import ujson\n",
            "c.py": "import argparse\nargs = argparse.Namespace(log=True)\nif args.log:\n    import wandb\n",
            "d.py": "try:\n    import orjson\nexcept KeyError:\n    pass\n",
            "e.py": "from importlib.util import find_spec\nif find_spec('x'):\n    print('x')\nimport optuna\n",
            "f.py": "try:\n    x = int('1')\nexcept Exception:\n    import sentry_sdk\n",
        }
    )
    assert imported(dep004(root)) == ["torch", "cupy", "ujson", "wandb", "orjson", "optuna", "sentry_sdk"]


# -- the project's own modules ------------------------------------------------------------------------------------
def test_modules_made_importable_through_sys_path_are_first_party(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "lib/vision_ops.py": "x = 1\n",
            "third/kernels/fused_kernels.py": "x = 1\n",
            "tools/deep/run.py": "import os, sys\n"
            "sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'lib'))\n"
            "import vision_ops\n",
            "tools/deep/run2.py": "import sys\nfrom pathlib import Path\nROOT = Path(__file__).resolve().parents[2]\n"
            "sys.path.insert(0, str(ROOT / 'third' / 'kernels'))\nimport fused_kernels\n",
            "tools/run3.py": "import sys\nsys.path.append(f'{sys.argv[1]}/x')\nimport fused_kernels\n",
        }
    )
    assert dep004(root) == []


def test_siblings_namespace_folders_and_modules_elsewhere_are_first_party(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            # a script inside a package importing its siblings the Python 2 way
            "style/neural/__init__.py": "",
            "style/neural/transformer_net.py": "x = 1\n",
            "style/neural/neural_style.py": "import transformer_net\n\nif __name__ == '__main__':\n    pass\n",
            # a folder without __init__.py next to the script
            "translation/src/model.py": "x = 1\n",
            "translation/main.py": "from src.model import x\n",
            # a module that exists elsewhere in the repository (run with PYTHONPATH set)
            "common_code/seq2seq_helpers.py": "x = 1\n",
            "experiments/run.py": "from seq2seq_helpers import x\n",
            # generated, compiled and notebook-written modules
            "proto/person_pb2_user.py": "from person_pb2 import Person\n",
            "ext/nms_cpu.pyx": "",
            "ext/use.py": "import nms_cpu\n",
            "lab.ipynb": notebook("!wget -q https://example.com/helper -O bootstrap.py\nimport bootstrap\n"),
            # Python 2 standard library and hosted runtimes
            "py2.py": "import urllib2\nimport cPickle\n",
            "colab_only.py": "from google.colab import files\nimport kaggle_secrets\n",
        }
    )
    assert dep004(root) == []


def test_absolute_imports_of_the_package_a_file_lives_in_are_first_party(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            # a namespace package (no __init__.py) installed with find_packages(include=[...]) or run from its parent
            "apps/chat/dschat/utils/utils.py": "x = 1\n",
            "apps/chat/dschat/rlhf/trainer.py": "from dschat.utils.utils import x\nimport dschat.utils\n",
            # a regular package importing itself by name
            "lib/mypkg/__init__.py": "",
            "lib/mypkg/core.py": "import mypkg\n",
        }
    )
    assert dep004(root) == []


def test_look_alikes_of_first_party_modules_are_reported(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            # a wrapper named after the package it wraps, inside a package
            "pkg/__init__.py": "",
            "pkg/loggers/__init__.py": "",
            "pkg/loggers/wandb.py": "x = 1\n",
            "pkg/loggers/base.py": "import wandb\n",
            # a folder named after the package, importing it from inside
            "integrations/clearml/hpo.py": "from clearml import Task\n",
            # a folder of scripts named after the framework they use, importing parts it does not hold
            "examples/tensorflow/train.py": "from tensorflow.keras import layers\n",
            # a sys.path addition that does not hold the module
            "lib/other.py": "x = 1\n",
            "tools/run.py": "import sys\nsys.path.append('lib')\nimport rich_helpers\n",
            # a folder of examples named after a well-known package, not next to the importing file
            "examples/gradio/app.py": "x = 1\n",
            "demo.py": "import gradio\n",
        }
    )
    assert imported(dep004(root)) == ["gradio", "tensorflow", "clearml", "wandb", "rich_helpers"]


# -- provided without a declaration naming it -------------------------------------------------------------------
def test_base_images_path_installs_and_commented_requirements_provide(make_repo):
    root = make_repo(
        {
            "Dockerfile": "FROM pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime\n"
            "RUN git clone https://github.com/NVIDIA/apex\nRUN pip install -v --no-cache-dir ./apex\n"
            "RUN pip install -e git+https://github.com/openai/CLIP.git@a1b2c3#egg=clip\n",
            "requirements.txt": "numpy==1.26.4\n# clearml>=1.2.0  # logging\n# tritonclient[all]~=2.24.0\n",
            "train.py": "import torch\nimport torchvision\nfrom PIL import Image\nfrom apex import amp\nimport clip\n"
            "import clearml\nimport tritonclient\n",
        }
    )
    assert dep004(root) == []


def test_look_alikes_of_implicit_providers_are_reported(make_repo):
    root = make_repo(
        {
            "Dockerfile": "FROM python:3.11-slim\nRUN pip install -e .\n",
            "requirements.txt": "numpy==1.26.4\n# Logging ----------\n# see https://example.com\n",
            "train.py": "import torch\nimport logging_tools\n",
        }
    )
    assert imported(dep004(root)) == ["torch", "logging_tools"]


# -- advice -------------------------------------------------------------------------------------------------------
def test_advice_never_names_a_pypi_namesake_of_another_project(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "train.py": "from apex import amp\nimport google\nfrom utils.misc import seed\nimport mmcv\n",
        }
    )
    messages = {f["message"].split(" ", 1)[0]: f["message"] for f in dep004(root)}
    assert "declare the distribution that provides it (NVIDIA Apex" in messages["apex"]
    assert "declare apex" not in messages["apex"]
    assert "declare the distribution that provides it" in messages["google"]
    assert "stale import" in messages["utils"] and "declare utils" not in messages["utils"]
    assert "declare mmcv or mmcv-full" in messages["mmcv"]


def test_import_names_of_distributions_named_otherwise(make_repo):
    root = make_repo(
        {
            "requirements.txt": "mmcv-full==1.5.0\nmmsegmentation==0.27.0\ntaming-transformers==0.0.1\n"
            "invisible-watermark==0.2.0\ntensorflow==2.14.0\ntensorflow-serving-api==2.14.0\n",
            "run.py": "import mmcv\nimport mmseg\nimport taming\nimport imwatermark\nimport keras\n"
            "from tensorflow_serving.apis import predict_pb2\n",
        }
    )
    assert dep004(root) == []


# -- vendored copies ----------------------------------------------------------------------------------------------
def test_vendored_copy_imports_are_its_own_business(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "vendor_nlu/setup.py": "from setuptools import setup\nsetup(name='transformers', version='4.4.0')\n",
            "vendor_nlu/src/transformers/__init__.py": "",
            "vendor_nlu/src/transformers/trainer.py": "import torch_xla\nimport jax\n",
            "train.py": "import transformers\nfrom transformers import trainer\n",
        }
    )
    assert dep004(root) == []


def test_companions_of_declared_distributions_and_kernel_modules_are_provided(make_repo):
    root = make_repo(
        {
            "requirements.txt": "hydra-core==1.3.2\nfastapi==0.95.2\nlightning==2.2.0\njupyterlab==3.6.3\n",
            "train.py": "from omegaconf import DictConfig\nfrom lightning_utilities import apply_to_collection\n",
            "serve.py": "from starlette.requests import Request\n",
            "tools/clear.py": "import nbformat\n",
            "colab_helpers.py": "from google.colab import files\nfrom IPython.display import Image\n",
            "explore.ipynb": notebook("from IPython.display import display\n"),
        }
    )
    assert dep004(root) == []


def test_look_alikes_of_companions_are_reported(make_repo):
    root = make_repo(
        {
            "requirements.txt": "torchvision==0.17.0\nhydra-colorlog==1.2.0\n",
            "train.py": "import numpy\nfrom omegaconf import DictConfig\nfrom IPython.display import Image\n",
        }
    )
    assert imported(dep004(root)) == ["numpy", "omegaconf", "IPython"]


# -- sys.path additions, resolved without running anything ----------------------------------------------------------
def additions(rel: str, text: str) -> tuple[set[str], bool]:
    """(folders, unresolved) of the file's sys.path additions."""
    return all_additions(rel, text)[:2]


def all_additions(rel: str, text: str) -> tuple[set[str], bool, bool]:
    from reprocheck.facts.imports import path_additions
    from reprocheck.facts.pycode import PyModule

    return path_additions(rel, [PyModule(None, rel, None, text)])


def test_sys_path_additions_resolve_the_usual_spellings():
    head = "import os, sys\nfrom pathlib import Path\n"
    cases = {
        "sys.path.append(os.path.dirname(__file__))": {"a/b"},
        "sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))": {"a"},
        "sys.path.insert(0, os.path.realpath(os.path.dirname(__file__) + '/../lib'))": {"a/lib"},
        "ROOT = Path(__file__).resolve().parents[1]\nsys.path.append(str(ROOT))": {"a"},
        "FILE = Path(__file__).resolve()\nROOT = FILE.parents[0]\nsys.path.append(str(ROOT / 'x'))": {"a/b/x"},
        "here = Path(__file__).parent\nsys.path.insert(0, f'{here}/../vendor')": {"a/vendor"},
        "sys.path.append('src')": {"src", "a/b/src"},
        "sys.path.extend(['tools', '/opt/lib'])": {"tools", "a/b/tools"},
        "sys.path.append(os.getcwd())": {"", "a/b"},  # the working directory: the root or the folder
    }
    for body, folders in cases.items():
        assert additions("a/b/run.py", head + body + "\n") == (folders, False), body


def test_sys_path_additions_that_are_not_static_are_flagged():
    assert additions("run.py", "import sys\nsys.path.append(sys.argv[1])\n") == (set(), True)
    assert additions("run.py", "import sys\nsys.path.append('../../outside')\n") == (set(), False)
    assert additions("run.py", "import sys\nprint(sys.path)\n") == (set(), False)


def test_absolute_sys_path_additions_are_outside_the_repository():
    assert all_additions("run.py", "import sys\nsys.path.append('/facenet/test')\n") == (set(), False, True)
    assert all_additions("run.py", "import sys\nsys.path.extend(['src', '/opt/lib'])\n")[2] is True
    assert all_additions("run.py", "import sys\nsys.path.append('../../outside')\n")[2] is False
    assert all_additions("run.py", "import os, sys\nsys.path.append(os.path.dirname(__file__))\n")[2] is False


def test_a_file_that_puts_a_folder_outside_the_repository_on_sys_path_imports_what_nobody_can_read(make_repo):
    cell = (
        "def model_prediction(model_path: str):\n"
        "    import sys\n"
        "    import numpy as np\n"
        "    import cv2\n"
        "    sys.path.append('/persist-log')\n"
        "    sys.path.append('/facenet/test')\n"
        "    from img_process import align_image\n"
        "    from triplet_training import create_base_network\n"
    )
    root = make_repo(
        {
            **REQUIREMENTS,
            # a pipeline notebook whose components run in an image that holds the training code
            "pipeline/k8s_training.ipynb": notebook(cell),
            # a script adding a container folder: its own modules are there, well-known packages stay reported
            "serve/app.py": "import sys\nsys.path.insert(0, '/opt/app/src')\nimport model_utils\nimport sklearn\n",
            # a relative addition inside the repository does not hold the module: still reported
            "tools/run.py": "import sys\nsys.path.append('lib')\nimport rich_helpers\n",
        }
    )
    assert imported(dep004(root)) == ["cv2", "sklearn", "rich_helpers"]


def test_declarations_a_setup_py_computes_from_a_table_of_requirements(make_repo):
    setup = (
        "import re\nfrom setuptools import setup\n\n"
        '_deps = ["packaging>=23.0", "torch>=2.6.0", "trl>=0.19.1", "scipy"]\n'
        'deps = {b: a for a, b in (re.findall(r"^(([^!=<>~ ]+)(?:[!=<>~ ].*)?$)", x)[0] for x in _deps)}\n\n'
        "def deps_list(*pkgs):\n    return [deps[pkg] for pkg in pkgs]\n\n"
        'setup(name="handbook", install_requires=[deps["packaging"], deps["trl"]], '
        'extras_require={"torch": deps_list("torch")})\n'
    )
    root = make_repo(
        {
            "setup.py": setup,
            "scripts/dpo.py": "import torch\nimport trl\nfrom packaging import version\nimport wandb\n",
            "after_train.py": "import argus\n",
            "requirements.txt": "pytorch-argus==0.2.1\n",
            # a labels list of plain words is not a table of requirements
            "src/labels.py": 'NAMES = ["cat", "dog"]\n',
        }
    )
    assert imported(dep004(root)) == ["wandb"]


def test_a_setup_py_that_passes_a_named_list_declares_it(make_repo):
    """`install_requires=install_deps` with `install_deps = [...]` (appended to at import time) declares the list."""
    setup = (
        "from distutils.core import setup\n\n"
        "install_deps = [\n    'numpy',\n    'tqdm',\n]\n"
        "extra = ['matplotlib']\n"
        "if True:\n    install_deps.append('regex')\n"
        "install_deps += ['gym']\n"
        "setup(name='labs', install_requires=install_deps, extras_require={'plot': extra + ['seaborn']})\n"
    )
    root = make_repo(
        {
            "setup.py": setup,
            "labs/__init__.py": "",
            "labs/lab1.py": "import numpy\nimport tqdm\nimport regex\nimport gym\nimport seaborn\nimport pandas\n",
        }
    )
    assert imported(dep004(root)) == ["pandas"]
    assert not [f for f in findings(root) if f["code"] == "DEP003"]


def test_named_lists_are_the_module_level_ones_bound_once():
    import ast

    from reprocheck.facts.declarations import named_lists

    tree = ast.parse(
        "a = ['x']\nb = ['y']\nb = ['z']\ndef f():\n    c = ['w']\n    a.append('in-function')\na.append('v')\n"
    )
    lists = {name: [e.value for e in elements] for name, elements in named_lists(tree).items()}
    assert lists == {"a": ["x", "v"]}  # b is bound twice; c and the call in f() do not run at import time


def test_what_only_examples_and_docs_import_is_a_note(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "examples/demo.py": "import matplotlib\n",
            "docs/conf_plot.py": "import matplotlib\n",
            "train.py": "import torch\n",
        }
    )
    found = {f["message"].split()[0]: f for f in dep004(root)}
    assert found["matplotlib"]["severity"] == "info"
    assert "(only examples and docs import it:" in found["matplotlib"]["message"]
    assert found["torch"]["severity"] == "warning"


# -- scripts that declare their own dependencies, extensions the repository builds -------------------------------
PEP723 = """# /// script
# requires-python = ">=3.10"
# dependencies = [
#   "accelerate>=0.20",
#   "Vit_Pytorch",
#   "wandb[media]",
# ]
# ///

import accelerate
import vit_pytorch
import wandb
import cv2
"""


def test_pep723_inline_script_metadata_declares_the_scripts_dependencies(make_repo):
    root = make_repo({**REQUIREMENTS, "train.py": PEP723, "other.py": "import wandb\n"})
    # cv2 is in no declaration; wandb is declared for train.py only, not for other.py
    found = dep004(root)
    assert sorted((f["path"], f["message"].split(" ", 1)[0]) for f in found) == [
        ("other.py", "wandb"),
        ("train.py", "cv2"),
    ]
    # look-alikes: a block of another type, an unterminated block, and a comment that only mentions deps
    for text in (
        PEP723.replace("# /// script", "# /// pyproject"),
        PEP723.replace("# ///\n\n", "\n\n"),
        '# dependencies = ["wandb"]\nimport wandb\n',
    ):
        root = make_repo({**REQUIREMENTS, "train.py": text})
        assert "wandb" in imported(dep004(root)), text[:30]


def test_extensions_built_by_setup_py_are_first_party(make_repo):
    setup = (
        "from setuptools import setup\nfrom torch.utils.cpp_extension import CUDAExtension, BuildExtension\n"
        "ext = CUDAExtension(\n    'structured_kernels', ['cauchy.cpp', 'cauchy_cuda.cu'])\n"
        "setup(name='structured_kernels', ext_modules=[ext], cmdclass={'build_ext': BuildExtension})\n"
    )
    root = make_repo(
        {
            "requirements.txt": "numpy==1.26.4\ntorch==2.3.0\n",
            "extensions/kernels/setup.py": setup,
            "extensions/kernels/cauchy.py": "import torch\nfrom structured_kernels import cauchy_mult\n",
            "src/kernels.py": "import structured_kernels\n",
            "ops/setup.py": (
                "from setuptools import Extension, setup\n"
                "setup(ext_modules=[Extension(name='fastops.core', sources=['core.c'])])\n"
            ),
            "ops/use.py": "import fastops.core\n",
            "jit.py": "from torch.utils.cpp_extension import load\nmod = load(name='jitted_op', sources=['op.cpp'])\n"
            "import jitted_op\n",
            # look-alikes: an `Extension` of a Markdown plugin builds nothing; an unbuilt import stays reported
            "docs/ext.py": (
                "import markdown\nclass TocExtension(markdown.Extension):\n    pass\n"
                "x = TocExtension('tocmod')\nimport tocmod\nimport missing_kernels\n"
            ),
            "docs/conf.py": "extensions = ['docs.ext']\n",
        }
    )
    assert sorted(imported(dep004(root))) == ["markdown", "missing_kernels", "tocmod"]


# -- repositories a script or README clones ---------------------------------------------------------------------
def test_a_clone_installed_from_its_folder_provides_itself(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "Dockerfile": "FROM python:3.11-slim\nRUN git clone https://github.com/NVIDIA/apex &&\\\n"
            "    cd apex && git checkout 3bae8c83494184673f01f3867fa051518e930895 &&\\\n"
            "    pip install -v --no-cache-dir . && cd .. && rm -rf apex\n",
            "src/models.py": "from apex import amp\n",
            "eval/README.md": "```\ngit clone https://github.com/openai/human-eval.git\ncd human-eval\n"
            "python setup.py install\n```\n",
            "eval/run.py": "from human_eval.data import read_problems\n",
        }
    )
    assert dep004(root) == []


def test_a_folder_that_installs_a_clones_own_requirements_is_not_judged(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "README.md": "See https://github.com/acme/project\n",
            # a script that clones and installs another repository's requirements for its folder
            "nlg/eval/download.sh": "git clone https://github.com/tuetschek/e2e-metrics e2e\n"
            "pip install -r e2e/requirements.txt\n"
            "git clone https://github.com/WebNLG/GenerationEval.git\ncd GenerationEval\n./install_dependencies.sh\n",
            "nlg/eval/eval.py": "import pyter\nimport tabulate\n",
            # a README step by step: clone into the folder, cd into it, install its requirements
            "gutenberg_demo/README.md": "1. Clone:\n```bash\ngit clone https://github.com/pgcorpus/gutenberg.git\n```\n"
            "2. Then:\n```bash\ncd gutenberg\n```\n```bash\npip install -r requirements.txt\n```\n",
            "gutenberg_demo/prepare.py": "from gutenberg.src.cleanup import strip_headers\nimport natsort\n",
            # a README that clones a repository (no install): its folder's name is importable there
            "vision/README.md": "```\ngit clone https://github.com/facebookresearch/taming-transformers taming\n```\n",
            "vision/train.py": "import taming.models\n",
        }
    )
    assert dep004(root) == []


def test_look_alikes_of_clone_installs_are_reported(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "README.md": "[repo](https://github.com/acme/project)\n",
            # a clone of the repository itself installs the repository's own requirements
            "setup/README.md": "```\ngit clone https://github.com/acme/project.git\ncd project\n"
            "pip install -r requirements.txt\n```\n",
            "setup/check.py": "import torch\n",
            # the requirements file a clone's install reads is in the folder: the repository's own
            "nlg/README.md": "```\ngit clone https://github.com/other/tool.git; cd tool\n"
            "pip install -r requirement.txt\n```\n",
            "nlg/requirement.txt": "numpy==1.26.4\n",
            "nlg/run.py": "import horovod\n",
            # a script at the root speaks for the whole repository: not taken as a folder's
            "setup.sh": "git clone https://github.com/other/lib\npip install -r lib/requirements.txt\n",
            "train.py": "import cv2\n",
            # cloned but nothing installed from it, and a script that runs no install script
            "tools/get.sh": "git clone https://github.com/other/data\ncd data\n./download.sh\n",
            "tools/use.py": "import pandas\n",
            # a Colab walk-through of the repository itself, unlinked from the root README: it installs a path of
            # the repository's own layout
            "requirements/prod.in": "numpy\n",
            "colab/readme.md": "```\n!git clone https://github.com/acme/labs\n%cd labs\n"
            "!pip install -qqq -r requirements/prod.in\n```\n",
            "colab/check.py": "import sklearn\n",
        }
    )
    assert sorted(imported(dep004(root))) == ["cv2", "horovod", "pandas", "sklearn", "torch"]


def test_a_notebook_that_installs_a_clones_own_requirements_is_not_judged(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            # the judged shape: clone, `%cd` into it, install the clone's requirements, import what they name
            "colorize.ipynb": notebook(
                "!git clone https://github.com/jantic/DeOldify.git DeOldify\n%cd DeOldify\n",
                "!pip install -r colab_requirements.txt\n",
                "from deoldify import device\nimport fastai\n",
            ),
            # another shape: one command line, and a `%cd` into Colab's working folder
            "lessons/detect.ipynb": notebook(
                "!git clone https://github.com/other/detector && cd detector && pip install -r requirements.txt\n",
                "import timm\n",
            ),
            "lessons/segment.ipynb": notebook(
                "!git clone https://github.com/other/segmenter\n%cd /content/segmenter\n%pip install -qr reqs.txt\n",
                "import segmentation_models_pytorch\n",
            ),
        }
    )
    assert dep004(root) == []


def test_look_alikes_of_notebook_clone_installs_are_reported(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            # the file it installs is the repository's own (in the notebook's folder; at the root for one there)
            "lab/train.ipynb": notebook(
                "!git clone https://github.com/other/tool\n%cd tool\n",
                "!pip install -r requirements.txt\n",
                "import horovod\n",
            ),
            "lab/requirements.txt": "numpy==1.26.4\n",
            # a clone and nothing installed from it
            "data.ipynb": notebook("!git clone https://github.com/other/data\n", "import pandas\n"),
            # a requirements file installed with no clone: not a clone's
            "fit.ipynb": notebook("!pip install -r extra.txt\n", "import xgboost\n"),
            # a notebook beside one that installs a clone's requirements is judged on its own
            "colorize.ipynb": notebook(
                "!git clone https://github.com/jantic/DeOldify.git\n%cd DeOldify\n",
                "!pip install -r colab_requirements.txt\n",
                "import fastai\n",
            ),
            "plot.ipynb": notebook("import seaborn\n"),
            "own.ipynb": notebook(
                "!git clone https://github.com/x/y\n%cd y\n!pip install -r requirements.txt\n", "import h5py\n"
            ),
        }
    )
    assert sorted(imported(dep004(root))) == ["h5py", "horovod", "pandas", "seaborn", "xgboost"]


def test_the_azure_ml_sdk_provides_its_namespace_packages(make_repo):
    code = (
        "from azureml.core import Run, Workspace\nfrom azureml.pipeline.steps import PythonScriptStep\n"
        "from azureml.pipeline.core import Pipeline\nfrom azureml.data.datapath import DataPath\n"
        "from azureml.exceptions import ComputeTargetException\nfrom azureml.train.estimator import Estimator\n"
    )
    # the judged shape: azureml-sdk, a meta-distribution, in a conda environment's pip section
    env = (
        "name: train\ndependencies:\n  - python=3.7.*\n  - pip\n  - pip:\n      - azureml-sdk==1.27.*\n"
        "      - azureml-defaults==1.27.*\n"
    )
    sdk = make_repo({"ml/conda_dependencies.yml": env, "ml/train.py": code, "ops/pipeline.py": code})
    assert dep004(sdk) == []
    # another shape: the parts declared one by one
    parts = make_repo(
        {
            "requirements.txt": "azureml-core==1.48.0\nazureml-pipeline==1.48.0\nazureml-train-core==1.48.0\n",
            "train.py": code,
        }
    )
    assert dep004(parts) == []
    # look-alikes: a part the SDK does not bring, and nothing declared, name the part, not `azureml`
    widgets = make_repo({"ml/conda_dependencies.yml": env, "ml/show.py": "from azureml.widgets import RunDetails\n"})
    (found,) = dep004(widgets)
    assert "declare azureml-widgets" in found["message"]
    bare = make_repo({**REQUIREMENTS, "train.py": "from azureml.core import Run\nfrom azureml.data import Dataset\n"})
    (found,) = dep004(bare)
    assert "declare azureml-core" in found["message"]
    core_only = make_repo({"requirements.txt": "azureml-core==1.48.0\n", "run.py": code})
    assert sorted(f["message"].split("declare ")[1].split(" ")[0] for f in dep004(core_only)) == [
        "azureml-pipeline",
        "azureml-train-core",
    ]


# -- one finding per fix ----------------------------------------------------------------------------------------
def test_a_missing_companion_is_told_with_the_missing_distribution_it_comes_with(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "d2/config.py": "from detectron2.config import CfgNode\n",
            "d2/model.py": "from detectron2.layers import ShapeSpec\nfrom fvcore.nn import giou_loss\n",
            "other.py": "import omegaconf\n",
        }
    )
    found = dep004(root)
    assert imported(found) == ["detectron2", "omegaconf"]
    assert "declaring detectron2 also provides fvcore, imported in d2/model.py" in found[0]["message"]
    assert {"path": "d2/model.py", "line": 2} in [{k: r[k] for k in ("path", "line")} for r in found[0]["related"]]


def test_kfp_comes_with_kfp_tekton(make_repo):
    pipeline = notebook("import kfp\nfrom kfp import dsl", "from kfp_tekton import TektonClient")
    root = make_repo(
        {
            **REQUIREMENTS,
            # both missing: one finding, declaring kfp-tekton provides kfp
            "nmt/tekton-pipeline.ipynb": pipeline,
            # kfp-tekton declared: kfp comes with it
            "clf/requirements.txt": "kfp-tekton==1.5.0\n",
            "clf/tekton-pipeline.ipynb": pipeline,
            # kfp alone, in a project of its own: reported
            "other/requirements.txt": "pandas==2.2.2\n",
            "other/pipeline.py": "import kfp\n",
        }
    )
    found = dep004(root)
    assert [(f["path"], f["message"].split(" ", 1)[0]) for f in found] == [
        ("nmt/tekton-pipeline.ipynb", "kfp_tekton"),
        ("other/pipeline.py", "kfp"),
    ]
    assert "declaring kfp-tekton also provides kfp" in found[0]["message"]


def test_a_project_that_declares_nothing_shares_the_roots_finding(make_repo):
    root = make_repo(
        {
            "requirements.txt": "numpy==1.26.4\n",
            "train.py": "import torch\n",
            "extensions/kernels/setup.py": "from setuptools import setup\nsetup(name='kernels', version='0.1')\n",
            "extensions/kernels/bench.py": "import torch\n",
            "service/pyproject.toml": '[project]\nname = "service"\ndependencies = ["fastapi==0.110.0"]\n',
            "service/app.py": "import torch\n",
        }
    )
    found = [f for f in dep004(root) if f["code"] == "DEP004"]
    assert [(f["path"], f["message"].split(" but ")[0]) for f in found] == [
        ("extensions/kernels/bench.py", "torch is imported in 2 files, first in extensions/kernels/bench.py,"),
        ("service/app.py", "torch is imported in service/app.py"),
    ]
    assert "of the project in" not in found[0]["message"]


def test_a_notebook_installing_a_repository_by_url_provides_its_module(make_repo):
    """`!pip install git+https://.../vista-6s191.git` provides `vista` (a course fork named with its release);
    `-e git+...#egg=clip` provides clip; an unrelated repository provides nothing else."""
    root = make_repo(
        {
            **REQUIREMENTS,
            "lab/rl.ipynb": notebook(
                "!pip install --upgrade git+https://github.com/vista-simulator/vista-6s191.git\n"
                "%pip install -e git+https://github.com/openai/CLIP.git#egg=clip\n"
                "!pip install git+https://github.com/org/toolkit.git\n",
                "import vista\nimport clip\nimport toolkit\nimport gymnax\n",
            ),
        }
    )
    assert imported(dep004(root)) == ["gymnax"]


# -- imports the repository explains without a distribution -------------------------------------------------------
def test_a_submodule_that_is_not_checked_out_provides_what_its_folder_on_sys_path_is_imported_for(make_repo):
    """`sys.path.append('waveglow/')` with waveglow a submodule that the checkout lacks: the file's unknown imports
    (`denoiser`, `glow`) are its modules, never missing distributions; well-known packages still count."""
    gitmodules = '[submodule "waveglow"]\n\tpath = waveglow\n\turl = https://github.com/NVIDIA/waveglow\n'
    root = make_repo(
        {
            **REQUIREMENTS,
            ".gitmodules": gitmodules,
            "inference.ipynb": notebook("import sys\nsys.path.append('waveglow/')\nfrom denoiser import Denoiser\n"),
            "train.py": "import sys\nsys.path.insert(0, 'waveglow')\nimport glow\nimport seaborn\n",
            "convert.py": "import waveglow.glow\n",
            "serve.py": "import denoiser\n",  # no sys.path addition: still a missing distribution
            "scripts/run.py": "import sys\nsys.path.append('extras/lib')\nimport lowlevel\n",  # not a submodule
        }
    )
    assert sorted(imported(dep004(root))) == ["denoiser", "lowlevel", "seaborn"]
    assert {f["path"] for f in dep004(root)} == {"serve.py", "train.py", "scripts/run.py"}


def test_an_import_of_a_name_the_repository_defines_elsewhere_is_stale_not_missing(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "loss_scaler.py": (
                "class DynamicLossScaler:\n    pass\n\n\nif __name__ == '__main__':\n"
                "    from dynamic_loss_scaler import DynamicLossScaler\n"
            ),
            "train.py": "from old_models import TinyNet\n",
            "models/tiny.py": "class TinyNet:\n    pass\n",
            "eval.py": "from fancylib import Booster\n",  # defined nowhere: a missing distribution
            # the imported class, under another name, is the base the file's own class of that name extends
            "serve.py": "from palladium.interfaces import DatasetLoader as IDatasetLoader\n\n\n"
            "class DatasetLoader(IDatasetLoader):\n    pass\n",
            "plot.py": "from prettyplots import main\n",  # a lower-case name says nothing
            "tools/main.py": "def main():\n    pass\n",
        }
    )
    found = {f["message"].split(" ", 1)[0]: f["message"] for f in dep004(root)}
    assert sorted(found) == ["dynamic_loss_scaler", "fancylib", "old_models", "palladium", "prettyplots"]
    assert "declare palladium" in found["palladium"] and "stale" not in found["palladium"]
    assert "DynamicLossScaler is defined in this file" in found["dynamic_loss_scaler"]
    assert "stale import of the project's own code" in found["dynamic_loss_scaler"]
    assert "declare dynamic-loss-scaler" not in found["dynamic_loss_scaler"]
    assert "TinyNet is defined in models/tiny.py" in found["old_models"]
    assert "declare fancylib" in found["fancylib"] and "declare prettyplots" in found["prettyplots"]


def test_import_names_of_common_ml_distributions(make_repo):
    code = "import pl_bolts\nimport imblearn\nimport haiku\n"
    declared = make_repo({"requirements.txt": "lightning-bolts==0.7.0\nimbalanced-learn==0.12.0\n", "vision.py": code})
    (found,) = dep004(declared)
    assert found["message"].startswith("haiku is imported") and "declare dm-haiku" in found["message"]
    missing = make_repo({**REQUIREMENTS, "vision.py": "import pl_bolts\n"})
    (found,) = dep004(missing)
    assert "declare lightning-bolts" in found["message"] and "pl-bolts" not in found["message"]
    # a notebook that installs bayesian-optimization itself provides bayes_opt; without it, that is the advice
    tuned = make_repo(
        {**REQUIREMENTS, "tune.ipynb": notebook("!pip install bayesian-optimization\n", "import bayes_opt\n")}
    )
    assert dep004(tuned) == []
    (found,) = dep004(make_repo({**REQUIREMENTS, "tune.py": "from bayes_opt import BayesianOptimization\n"}))
    assert "declare bayesian-optimization (or map" in found["message"]


def test_import_names_of_deepmind_distributions(make_repo):
    # the judged shape: acme and reverb are dm-acme and dm-reverb; `declare acme` named Let's Encrypt's client
    code = "import reverb\nfrom acme import wrappers\nimport sonnet as snt\nimport launchpad as lp\nimport tree\n"
    missing = make_repo({"requirements.txt": "numpy==1.26.4\n", "prep.py": code})
    found = {f["message"].split(" ", 1)[0]: f["message"] for f in dep004(missing)}
    assert sorted(found) == ["acme", "launchpad", "reverb", "sonnet", "tree"]
    assert "declare dm-acme (or map" in found["acme"]
    assert "declare dm-reverb or dm-reverb-nightly" in found["reverb"]
    assert "declare dm-sonnet" in found["sonnet"] and "declare dm-launchpad" in found["launchpad"]
    assert "declare dm-tree" in found["tree"]
    # another shape: the dm- distributions (with extras, and a nightly) provide the imports
    declared = make_repo(
        {
            "requirements.txt": "dm-acme[jax]==0.4.0\ndm-reverb-nightly==0.14.0.dev1\ndm-sonnet==2.0.2\n"
            "dm-launchpad==0.5.2\ndm-tree==0.1.8\n",
            "prep.py": code,
        }
    )
    assert dep004(declared) == []
    # look-alike: a declaration under the bare name still provides the import (that project ships `acme` too)
    bare = make_repo({"requirements.txt": "acme==2.8.0\n", "client.py": "from acme import client\n"})
    assert dep004(bare) == []


def test_a_repository_a_notebook_clones_provides_what_its_folder_on_sys_path_is_imported_for(make_repo):
    """`!git clone URL [folder]` (at a fixed commit or not) then `sys.path.append(folder)`: the notebook's unknown
    imports are the clone's modules; without the path addition, or with a folder the checkout holds, they count."""
    clone = (
        "!git clone https://github.com/someone/df-posthoc-calibration\n"
        "!cd df-posthoc-calibration && git checkout 1a2b\n"
    )
    root = make_repo(
        {
            **REQUIREMENTS,
            "notebooks/a.ipynb": notebook(
                clone, "import sys\nsys.path.append('df-posthoc-calibration/')\nimport assessment\nimport seaborn\n"
            ),
            "notebooks/b.ipynb": notebook(
                "!git clone --depth 1 https://github.com/someone/tools.git mytools\n",
                "import sys\nsys.path.insert(0, 'mytools')\nfrom metrics import score\n",
            ),
            "notebooks/c.ipynb": notebook(clone, "import scoring\n"),  # not on sys.path: still missing
            "notebooks/d.ipynb": notebook(
                "!git clone https://github.com/someone/lib kept\n",
                "import sys\nsys.path.append('kept')\nimport helpers\nimport missinglib\n",
            ),
            "notebooks/kept/helpers.py": "X = 1\n",  # the checkout holds this folder: read it as it is
        }
    )
    found = dep004(root)
    assert sorted(imported(found)) == ["missinglib", "scoring", "seaborn"]


def test_a_ros_package_manifest_declares_what_its_scripts_import(make_repo):
    manifest = (
        '<?xml version="1.0"?>\n<package format="2">\n  <name>node</name>\n'
        "  <buildtool_depend>catkin</buildtool_depend>\n  <build_depend>cv_bridge</build_depend>\n"
        "  <exec_depend>rospy</exec_depend>\n  <depend>sensor_msgs</depend>\n"
        "  <!-- <exec_depend>std_msgs</exec_depend> -->\n</package>\n"
    )
    root = make_repo(
        {
            **REQUIREMENTS,
            "ros/node/package.xml": manifest,
            "ros/node/scripts/listener.py": (
                "import roslib\nimport rospy\nfrom cv_bridge import CvBridge\nfrom sensor_msgs.msg import Image\n"
                "from std_msgs.msg import String\nimport seaborn\n"
            ),
            "tools/other.py": "import rospy\n",  # outside the package: nothing declares it
            "web/package.xml": "<project><depend>seaborn</depend></project>\n",  # not a ROS manifest
            "ros/py/package.xml": '<package format="3"><exec_depend>python3-scipy</exec_depend></package>\n',
            "ros/py/node.py": "import scipy\nimport pandas\n",  # python3-scipy is rosdep's scipy
        }
    )
    found = dep004(root)
    assert sorted((f["path"], f["message"].split(" ", 1)[0]) for f in found) == [
        ("ros/node/scripts/listener.py", "seaborn"),
        ("ros/node/scripts/listener.py", "std_msgs"),
        ("ros/py/node.py", "pandas"),
        ("tools/other.py", "rospy"),
    ]


def test_a_ros_package_at_the_root_declares_for_the_whole_repository(make_repo):
    root = make_repo(
        {
            **REQUIREMENTS,
            "package.xml": "<package><depend>rospy</depend><depend>geometry_msgs</depend></package>\n",
            "scripts/node.py": "import rospy\nfrom geometry_msgs.msg import Twist\nimport seaborn\n",
        }
    )
    assert imported(dep004(root)) == ["seaborn"]


def test_a_dotted_import_is_provided_by_the_distribution_named_after_it(make_repo):
    """`import flufl.lock` from `flufl-lock` (or `flufl.lock`, `flufl_lock`); renames of common packages too."""
    root = make_repo(
        {
            "requirements.txt": "flufl.lock==8.0\nzope_interface==6.0\nmauve-text==0.4\npywavelets==1.5\n",
            "a.py": "import flufl.lock\nfrom zope.interface import Interface\nimport mauve\nimport pywt\n",
            "b.py": "import flufl.bounce\nimport ot\n",  # another distribution of the namespace; POT undeclared
        }
    )
    found = dep004(root)
    assert [f["message"].split(";")[1].strip() for f in found] == [
        "declare flufl (or map the import in `import-map`)",
        "declare pot (or map the import in `import-map`)",
    ]


def test_one_bad_line_of_a_conda_environment_keeps_the_files_other_declarations(make_repo):
    env = (
        "name: env\nchannels:\n  - conda-forge\ndependencies:\n  - pywavelets=1.1.1=py37h161383b_3\n"
        "  - sacremoses=master=py_0\n  - numpy>=what ever\n  - scipy=1.4.1=py37h0b6359f_0\n"
    )
    root = make_repo({"environment.yml": env, "a.py": "import pywt\nimport scipy\nimport sacremoses\nimport seaborn\n"})
    found = dep004(root)
    assert [(f["code"], f["line"]) for f in found if f["code"] == "RPC002"] == [("RPC002", 7)]
    assert [f["message"].split(" ", 1)[0] for f in found if f["code"] == "DEP004"] == ["seaborn"]


def test_a_documentation_tool_arrives_with_its_declared_theme(make_repo):
    """`import mkdocs` in a docs hook with `mkdocs-material` declared: the theme installs the tool."""
    root = make_repo(
        {
            "requirements.txt": "numpy==1.26.4\n",
            "docs/requirements.txt": "mkdocs-material==9.7.6\n",
            "docs/hooks/api.py": "import mkdocs\nimport griffe\n",  # griffe: not brought by mkdocs-material
        }
    )
    # mkdocs works wherever the docs requirements are installed, and bears on no result
    assert imported(dep004(root)) == ["griffe"]


def test_iterative_stratification_provides_iterstrat_and_brings_scikit_learn(make_repo):
    """`iterstrat` is the import name of iterative-stratification, whose every release requires scikit-learn: an
    old pin provides the one and brings the other (a note, not a missing install)."""
    root = make_repo(
        {
            "requirements.txt": "numpy==1.15.4\niterative-stratification==0.1.6\ntorch==1.0.0\n",
            "tools/split.py": "from iterstrat.ml_stratifiers import MultilabelStratifiedKFold\n",
            "utils/metrics.py": "import numpy as np\nfrom sklearn.metrics import f1_score\n",
        }
    )
    found = dep004(root)
    assert [(f["message"].split(" ", 1)[0], f["severity"]) for f in found] == [("sklearn", "info")]
    assert "it only arrives as a requirement of iterative-stratification;" in found[0]["message"]
    # another shape: an unpinned declaration in pyproject.toml, `import iterstrat` and scipy through it
    other = make_repo(
        {
            "pyproject.toml": '[project]\nname = "x"\nversion = "0"\ndependencies = ["iterative-stratification"]\n',
            "x/split.py": "import iterstrat\nimport scipy.sparse\n",
        }
    )
    assert [(f["message"].split(" ", 1)[0], f["severity"]) for f in dep004(other)] == [("scipy", "info")]
    # look-alikes: nothing declared that provides or brings them
    alone = make_repo(
        {
            "requirements.txt": "numpy==1.26.4\n",
            "split.py": "from iterstrat.ml_stratifiers import MultilabelStratifiedKFold\nimport sklearn\n",
        }
    )
    found = dep004(alone)
    assert [(f["message"].split(" ", 1)[0], f["severity"]) for f in found] == [
        ("iterstrat", "warning"),
        ("sklearn", "warning"),
    ]
    assert "declare iterative-stratification (or map" in found[0]["message"]
