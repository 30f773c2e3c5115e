"""DEP004: a repository root imported as a package under its own name, a script's docstring that says what to
`pip install`, and an optional backend's lazy imports."""

from __future__ import annotations

import pytest

from tests.checker.test_dep_imports import REQUIREMENTS, dep004, imported
from tests.conftest import git, write_files

ROOT_MODULES = {
    **REQUIREMENTS,
    "main.py": "import vdm.experiment\n\nvdm.experiment.run()\n",
    "experiment.py": "import vdm.train_state\nfrom vdm.utils import get_workdir\n\n\ndef run():\n    pass\n",
    "train_state.py": "STATE = 1\n",
    "utils.py": "def get_workdir():\n    return '.'\n",
    "configs/cifar10.py": "import numpy\n",
}


# -- the root imported as a package under its name -----------------------------------------------------------------
def test_a_readme_running_the_root_as_a_package_makes_its_imports_own(make_repo):
    # the judged shape: `python3 -m vdm.main` from the folder above, `main.py` at the root
    readme = "Checked out at `./vdm`:\n\n```\npython3 -m vdm.main --config=vdm/configs/cifar10.py\n```\n"
    assert dep004(make_repo({**ROOT_MODULES, "README.md": readme})) == []


def test_the_checkout_folder_and_the_origin_remote_name_the_root_package(tmp_path, make_repo):
    root = tmp_path / "vdm"
    write_files(root, ROOT_MODULES)
    git(root, "init", "-q", "-b", "main")
    assert dep004(root) == []  # checked out under its name
    remote = make_repo(ROOT_MODULES)
    git(remote, "remote", "add", "origin", "https://github.com/google-research/vdm.git")
    assert dep004(remote) == []
    other = make_repo(ROOT_MODULES)
    git(other, "remote", "add", "origin", "https://github.com/someone/diffusion.git")
    assert imported(dep004(other)) == ["vdm"]


def test_a_root_package_with_an_init_provides_its_names(make_repo):
    files = {
        **REQUIREMENTS,
        "__init__.py": "def helper():\n    return 1\n",
        "train.py": "from mypkg import helper\n",
        "README.md": "Run `python -m mypkg.train`.\n",
    }
    assert dep004(make_repo(files)) == []


@pytest.mark.parametrize(
    "readme",
    [
        "Run `python -m vdm.main`.\n",  # but `main.py` is not at the root: no package made of it
        "Run `python -m other.main`.\n",  # another name
        "",
    ],
)
def test_lookalikes_of_a_root_package_keep_reporting(make_repo, readme):
    files = {**ROOT_MODULES, "README.md": readme}
    if "vdm.main" in readme:
        del files["main.py"]
        files["scripts/main.py"] = "import vdm.experiment\n"
    assert imported(dep004(make_repo(files))) == ["vdm"]


def test_a_root_package_name_importing_what_the_root_lacks_is_reported(make_repo):
    files = {**ROOT_MODULES, "README.md": "python -m vdm.main\n", "eval.py": "import vdm.sampling\n"}
    assert [(f["path"], f["line"]) for f in dep004(make_repo(files))] == [("eval.py", 1)]


# -- a script's docstring that tells what to install ----------------------------------------------------------------
HPU = '''"""
Loads a LoRA adapter into an FP8-quantized model.

Requirements:
pip install optimum-habana sentencepiece neural-compressor[pt] peft
"""

import importlib

from neural_compressor.torch.quantization import FP8Config
'''


@pytest.mark.parametrize(
    "script",
    [
        HPU,  # the judged shape
        "#!/usr/bin/env python\n'''Usage: first `pip install wandb==0.17.0`, then run it.'''\nimport wandb\n",
        '# Copyright\n\nr"""\n    $ pip install -U wandb\n"""\nimport wandb\n',
    ],
)
def test_a_docstring_install_declares_the_scripts_own_imports(make_repo, script):
    assert dep004(make_repo({**REQUIREMENTS, "examples/run.py": script})) == []


@pytest.mark.parametrize(
    "script",
    [
        '"""Runs the demo."""\nimport wandb\n\n# pip install wandb\n',  # a comment below, not the docstring
        'import wandb\n\n"""pip install wandb"""\n',  # a string after an import is no docstring
        '"""Install: pip install -r requirements.txt"""\nimport wandb\n',  # names no distribution
        '"""Install: pip install comet-ml"""\nimport wandb\n',  # another one
    ],
)
def test_lookalikes_of_a_docstring_install_keep_reporting(make_repo, script):
    assert imported(dep004(make_repo({**REQUIREMENTS, "run.py": script}))) == ["wandb"]


def test_a_docstring_install_declares_nothing_for_other_files(make_repo):
    files = {**REQUIREMENTS, "a.py": '"""pip install wandb"""\nimport wandb\n', "b.py": "import wandb\n"}
    assert [f["path"] for f in dep004(make_repo(files))] == ["b.py"]


# -- an optional backend's lazy imports ---------------------------------------------------------------------------
BACKEND = """
from pkg.import_utils import is_torchao_available


class TorchaoLinear:
    def check(self):
        from torchao.quantization import Int4Tensor

        return Int4Tensor

    def merge(self):
        from torchao import quantize_

        quantize_(self)


def dispatch(target):
    if not is_torchao_available():
        return None
    from torchao.utils import TorchAOBaseTensor

    return TorchaoLinear() if isinstance(target, TorchAOBaseTensor) else None
"""


@pytest.mark.parametrize(
    "module",
    [
        BACKEND,  # the judged shape: a guarded import in one function, lazy ones in the methods
        "try:\n    import apex\nexcept ImportError:\n    apex = None\n\n\ndef fused(x):\n"
        "    from apex.optimizers import FusedAdam\n\n    return FusedAdam(x)\n",
    ],
)
def test_the_lazy_imports_of_an_optional_backends_module_are_optional(make_repo, module):
    files = {**REQUIREMENTS, "pkg/__init__.py": "", "pkg/import_utils.py": "", "pkg/backend.py": module}
    assert dep004(make_repo(files)) == []


@pytest.mark.parametrize(
    "module",
    [
        BACKEND + "\nimport torchao\n",  # a module-level import runs with the module
        BACKEND.replace("from torchao import quantize_", "from bitsandbytes import quantize_"),  # another name
    ],
)
def test_lookalikes_of_an_optional_backend_keep_reporting(make_repo, module):
    files = {**REQUIREMENTS, "pkg/__init__.py": "", "pkg/import_utils.py": "", "pkg/backend.py": module}
    assert len(dep004(make_repo(files))) == 1


def test_a_lazy_import_in_a_file_without_the_guard_is_reported(make_repo):
    files = {
        **REQUIREMENTS,
        "pkg/__init__.py": "",
        "pkg/import_utils.py": "",
        "pkg/backend.py": BACKEND,
        "pkg/other.py": "def load():\n    import torchao\n\n    return torchao\n",
    }
    assert [f["path"] for f in dep004(make_repo(files))] == ["pkg/other.py"]
