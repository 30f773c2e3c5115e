"""File roles: experiment rules report at info outside experiments and not at all in vendored copies."""

from __future__ import annotations

import json
import random

import pytest

from tests.conftest import findings, run_cli


def notebook(*sources: str, markdown: str = "# analysis\n") -> str:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": [markdown]}]
    for number, source in enumerate(sources, start=1):
        cells.append(
            {
                "cell_type": "code",
                "execution_count": number,
                "metadata": {},
                "outputs": [{"output_type": "stream", "name": "stdout", "text": ["42\n"]}],
                "source": [source],
            }
        )
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)


# The project strips notebooks, so NB001 judges an experiment notebook with outputs a warning.
STRIPPED = {".gitattributes": "*.ipynb filter=nbstripout\n"}
HUB_LOAD = "from transformers import AutoModel\n\nmodel = AutoModel.from_pretrained('bert-base-uncased')\n"
# A test that runs the hub's code (trust_remote_code) is still judged, at info.
REMOTE_CODE_LOAD = HUB_LOAD.replace("'bert-base-uncased'", "'org/custom', trust_remote_code=True")


def by_path(found: list[dict]) -> dict[str, dict]:
    return {f["path"]: f for f in found}


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("docs/guide/intro.ipynb", "docs/ holds documentation"),
        ("examples/mnist.ipynb", "examples/ holds examples"),
        ("project/tutorials/part1.ipynb", "project/tutorials/ holds examples"),
        ("demo/app.ipynb", "demo/ holds examples"),
        ("lectures/micrograd/part1.ipynb", "lectures/ holds teaching material"),
        ("lecture_03/bigrams.ipynb", "lecture_03/ holds teaching material"),
        ("video_notebooks/01_intro.ipynb", "video_notebooks/ holds teaching material"),
        ("course/week1/train.ipynb", "course/ holds teaching material"),
        ("notebooks/Tutorial_01.ipynb", "a tutorial notebook by its name"),
        ("notebooks/quickstart.ipynb", "a quickstart notebook by its name"),
        ("notebooks/train_colab.ipynb", "a colab notebook by its name"),
    ],
)
def test_notebooks_outside_experiments_are_reported_at_info_saying_why(make_repo, path, why):
    root = make_repo({path: notebook("print(42)\n"), "notebooks/analysis.ipynb": notebook("print(1)\n"), **STRIPPED})
    found = by_path(findings(root, select="NB001"))
    assert found["notebooks/analysis.ipynb"]["severity"] == "warning"
    assert found[path]["severity"] == "info"
    assert found[path]["message"].endswith(f"(info: {why})")


@pytest.mark.parametrize(
    "marker",
    [
        "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/x)\n",
        "from google.colab import drive\n",
    ],
)
def test_a_notebook_made_for_colab_is_an_example(make_repo, marker):
    root = make_repo({"notebooks/walkthrough.ipynb": notebook("print(42)\n", markdown=marker), **STRIPPED})
    [found] = findings(root, select="NB001")
    assert found["severity"] == "info" and "a notebook made to open in Colab" in found["message"]


def test_a_notebook_saved_from_colab_is_an_example(make_repo):
    saved = json.loads(notebook("print(42)\n"))
    saved["metadata"]["colab"] = {"name": "Interacting with CLIP.ipynb", "provenance": []}
    root = make_repo({"notebooks/Interacting_with_CLIP.ipynb": json.dumps(saved, indent=1), **STRIPPED})
    [found] = findings(root, select="NB001")
    assert found["severity"] == "info" and "a notebook made to open in Colab" in found["message"]


def test_a_notebook_the_readme_opens_in_colab_is_an_example(make_repo):
    """A README link `colab.research.google.com/github/<owner>/<repo>/blob/<ref>/<path>` makes that notebook a
    Colab tutorial; other notebooks, and links to paths that do not exist, change nothing."""
    link = "https://colab.research.google.com/github/acme/course/blob/main/{}"
    readme = f"# GNNs\n\n[GNNs]({link.format('notebooks/intro%20gnn.ipynb')})\n[gone]({link.format('old.ipynb')})\n"
    files = {
        "README.md": readme,
        "notebooks/intro gnn.ipynb": notebook("print(42)\n"),
        "notebooks/train.ipynb": notebook("print(42)\n"),
        "lab/README.md": f'<a href="{link.format("lab/run.ipynb")}">open</a>\n',
        "lab/run.ipynb": notebook("print(42)\n"),
        **STRIPPED,
    }
    found = {f["path"]: f for f in findings(make_repo(files), select="NB001")}
    assert found["notebooks/train.ipynb"]["severity"] == "warning"
    for path in ("notebooks/intro gnn.ipynb", "lab/run.ipynb"):
        assert found[path]["severity"] == "info"
        assert found[path]["message"].endswith("(info: a notebook the README opens in Colab)")


def test_a_readme_that_opens_the_notebooks_in_colab_through_drive_copies(make_repo):
    """A root README with a Colab badge per notebook, linking copies on Drive (no path ties a link to a file):
    every notebook is a Colab tutorial. One or two Drive links among many notebooks change nothing."""
    row = '<a href="https://colab.research.google.com/drive/1Ab{n}?usp=sharing"><img src="https://colab.research.google.com/assets/colab-badge.svg"></a>\n'
    names = [f"notebooks/n{n}.ipynb" for n in range(4)]
    course = {"README.md": "".join(row.format(n=n) for n in range(3)), **{p: notebook("print(1)\n") for p in names}}
    found = findings(make_repo({**course, **STRIPPED}), select="NB001")
    assert sorted(f["path"] for f in found) == names and {f["severity"] for f in found} == {"info"}
    few = {**course, "README.md": row.format(n=1) + row.format(n=2)}
    found = findings(make_repo({**few, **STRIPPED}), select="NB001")
    assert {f["severity"] for f in found} == {"warning"}
    many = {**course, **{f"exp/e{n}.ipynb": notebook("print(1)\n") for n in range(4)}}  # 3 links, 8 notebooks
    found = findings(make_repo({**many, **STRIPPED}), select="NB001")
    assert {f["severity"] for f in found} == {"warning"}


def test_look_alikes_stay_experiments(make_repo):
    root = make_repo(
        {
            "notebooks/explore_examples_data.py": "",
            "notebooks/results.ipynb": notebook("print('see the docs at example.com')\n"),
            "src/docsgen/train.ipynb": notebook("print(1)\n"),
            "testing_utils.ipynb": notebook("print(1)\n"),
            "notebooks/lecture_notes_model.ipynb": notebook("print(1)\n"),
            "src/courseware/train.ipynb": notebook("print(1)\n"),
            **STRIPPED,
        }
    )
    assert {f["path"]: f["severity"] for f in findings(root, select="NB001")} == {
        "notebooks/results.ipynb": "warning",
        "src/docsgen/train.ipynb": "warning",
        "testing_utils.ipynb": "warning",
        "notebooks/lecture_notes_model.ipynb": "warning",
        "src/courseware/train.ipynb": "warning",
    }


def test_a_test_loading_from_the_hub_is_silent_and_an_experiment_stays_a_warning(make_repo):
    root = make_repo(
        {
            "tests/test_compare.py": HUB_LOAD,
            "test_remote.py": REMOTE_CODE_LOAD,
            "train.py": HUB_LOAD,
            "requirements.txt": "transformers==4.40.0\n",
        }
    )
    found = by_path(findings(root, select="DAT005"))
    assert set(found) == {"train.py", "test_remote.py"}
    assert found["train.py"]["severity"] == "warning"
    # a test that runs the hub's code from its moving branch stays, at info
    assert found["test_remote.py"]["severity"] == "info"
    assert found["test_remote.py"]["message"].endswith("(info: a test file by its name)")


def test_tests_are_judged_again_when_the_roles_setting_makes_them_experiments(make_repo):
    root = make_repo(
        {
            "reprocheck.toml": '[roles]\ntest = ["integration/"]\n',
            "tests/test_compare.py": HUB_LOAD,
            "integration/test_hub.py": HUB_LOAD,
            "requirements.txt": "transformers==4.40.0\n",
        }
    )
    found = by_path(findings(root, select="DAT005"))
    assert set(found) == {"tests/test_compare.py"}
    assert found["tests/test_compare.py"]["severity"] == "warning"


def test_non_experiment_rules_keep_their_severity_in_examples(make_repo):
    root = make_repo({"examples/Dockerfile": "FROM python\n"})
    [found] = findings(root, select="DKR001")
    assert found["severity"] == "error" and "(info:" not in found["message"]


def test_configured_severity_applies_before_the_role(make_repo):
    root = make_repo(
        {
            "reprocheck.toml": '[severity]\nNB001 = "error"\n',
            "examples/a.ipynb": notebook("print(1)\n"),
            "b.ipynb": notebook("print(1)\n"),
            **STRIPPED,
        }
    )
    assert {f["path"]: f["severity"] for f in findings(root, select="NB001")} == {
        "b.ipynb": "error",
        "examples/a.ipynb": "info",
    }


def test_roles_setting_replaces_defaults_and_experiment_wins(make_repo):
    root = make_repo(
        {
            "reprocheck.toml": '[roles]\nexample = ["showcase/"]\nexperiment = ["showcase/paper/"]\n',
            "examples/a.ipynb": notebook("print(1)\n"),
            "showcase/b.ipynb": notebook("print(1)\n"),
            "showcase/paper/c.ipynb": notebook("print(1)\n"),
            **STRIPPED,
        }
    )
    assert {f["path"]: f["severity"] for f in findings(root, select="NB001")} == {
        "examples/a.ipynb": "warning",
        "showcase/b.ipynb": "info",
        "showcase/paper/c.ipynb": "warning",
    }


def test_a_bad_roles_setting_is_a_usage_error(make_repo):
    root = make_repo({"reprocheck.toml": '[roles]\nexamples = ["x/"]\n'})
    result = run_cli(str(root))
    assert result.exit_code == 2 and "roles" in result.stderr


VENDORED_SETUP = (
    "from setuptools import setup\n\nsetup(name='transformers', version='4.4.0', package_dir={'': 'src'})\n"
)


def vendored_repo(setup: str = VENDORED_SETUP, licence: bool = False, name: str = "transformers") -> dict[str, str]:
    files = {
        "setup.py": "from setuptools import setup\n\nsetup(name='loralib', version='0.1.1')\n",
        "loralib/__init__.py": "",
        "examples/NLU/setup.py": setup,
        f"examples/NLU/src/{name}/__init__.py": "__version__ = '4.4.0'\n",
        f"examples/NLU/src/{name}/hub.py": HUB_LOAD,
        "examples/NLU/tests/test_hub.py": REMOTE_CODE_LOAD,
        "examples/NLU/notebooks/explore.ipynb": notebook("print(1)\n"),
        "examples/NLU/big.bin": random.Random(0).randbytes(2_000_000),  # weights: incompressible
        "examples/NLU/.env": "TOKEN=1\n",
        "train.py": HUB_LOAD,
    }
    if licence:
        files["examples/NLU/LICENSE"] = "Apache License\n"
    return files


def test_a_vendored_copy_reports_only_repository_wide_rules(make_repo):
    root = make_repo(vendored_repo())
    found = findings(root, select="DAT005,NB001,DAT001,SEC001")
    assert sorted((f["code"], f["path"]) for f in found) == [
        ("DAT001", "examples/NLU/big.bin"),
        ("DAT005", "train.py"),
        ("SEC001", "examples/NLU/.env"),
    ]


def test_a_copy_of_an_unknown_package_is_vendored_when_it_carries_its_own_licence(make_repo):
    setup = "from setuptools import setup\nsetup(name='fancylib', version='2.0')\n"
    assert {f["path"] for f in findings(make_repo(vendored_repo(setup, name="fancylib")), select="DAT005")} == {
        "examples/NLU/src/fancylib/hub.py",
        "examples/NLU/tests/test_hub.py",
        "train.py",
    }
    found = findings(make_repo(vendored_repo(setup, licence=True, name="fancylib")), select="DAT005")
    assert [f["path"] for f in found] == ["train.py"]


@pytest.mark.parametrize(
    "setup",
    [
        "[project]\nname = 'transformers'\nversion = '4.4.0'\n",  # a pyproject declares it
        "[metadata]\nname = transformers\nversion = 4.4.0\n",  # a setup.cfg declares it
    ],
)
def test_vendored_copies_are_found_from_every_setup_file(make_repo, setup):
    files = vendored_repo()
    del files["examples/NLU/setup.py"]
    files["examples/NLU/pyproject.toml" if setup.startswith("[project]") else "examples/NLU/setup.cfg"] = setup
    assert [f["path"] for f in findings(make_repo(files), select="DAT005")] == ["train.py"]


def test_sub_projects_are_not_vendored_copies(make_repo):
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='mono')\n",
        "services/api/setup.py": "from setuptools import setup\nsetup(name='api-service')\n",
        "services/api/api_service/__init__.py": "",
        "services/api/api_service/load.py": HUB_LOAD,
        "services/ours/setup.py": "from setuptools import setup\nsetup(name='transformers')\n",  # no package inside
        "services/ours/run.py": HUB_LOAD,
    }
    assert {f["path"] for f in findings(make_repo(files), select="DAT005")} == {
        "services/api/api_service/load.py",
        "services/ours/run.py",
    }


def test_configured_vendored_folders_and_default_third_party(make_repo):
    files = {"third_party/lib/load.py": HUB_LOAD, "ext/copy/load.py": HUB_LOAD, "train.py": HUB_LOAD}
    assert {f["path"] for f in findings(make_repo(files), select="DAT005")} == {"ext/copy/load.py", "train.py"}
    files["reprocheck.toml"] = '[roles]\nvendored = ["ext/"]\n'
    assert {f["path"] for f in findings(make_repo(files), select="DAT005")} == {"third_party/lib/load.py", "train.py"}


@pytest.mark.parametrize(
    "pyproject",
    ["tool = 5\n", "project = 1\n", "[project]\nname = 3\n", "[tool]\npoetry = []\n", "[tool.poetry]\nname = ['x']\n"],
)
def test_odd_setup_files_name_no_project(make_repo, pyproject):
    files = {
        "pyproject.toml": pyproject,
        "ext/pyproject.toml": pyproject,
        "ext/x/__init__.py": "",
        "train.py": HUB_LOAD,
    }
    assert [f["path"] for f in findings(make_repo(files), select="DAT005")] == ["train.py"]


def test_archived_material_reports_only_repository_wide_rules(make_repo):
    """Past course cohorts and archive folders are kept for the record: their Dockerfiles and requirements are
    not built any more, so only repository-wide rules (secrets) speak there; the live course still reports."""
    image = "FROM python:3.9.7-slim\nRUN pip install -r requirements.txt\n"
    root = make_repo(
        {
            "cohorts/2022/04-deployment/Dockerfile": image,
            "cohorts/2022/04-deployment/requirements.txt": "pandas\nscikit-learn\n",
            "cohorts/2022/04-deployment/.env": "AWS_SECRET_ACCESS_KEY=abc\n",
            "archive/old_model/requirements.txt": "torch\nnumpy\n",
            "04-deployment/Dockerfile": image,
            "04-deployment/requirements.txt": "pandas\nscikit-learn\n",
        }
    )
    found = findings(root, select="DKR003,DEP001,SEC001")
    assert sorted((f["code"], f["path"]) for f in found) == [
        ("DEP001", "04-deployment/requirements.txt"),
        ("DKR003", "04-deployment/Dockerfile"),
        ("SEC001", "cohorts/2022/04-deployment/.env"),
    ]


def test_a_folder_whose_readme_title_retires_it_is_archived(make_repo):
    """`# Not maintained / deprecated` as a folder's README title: kept for the record, not run any more. A note
    about a deprecated API further down, or a first line that is no title, leaves the folder live."""
    floating = "torch\nnumpy\n"
    root = make_repo(
        {
            "training/moq/README.md": "# Not maintained / deprecated\n\n> __Warning__\n> This folder is deprecated.\n",
            "training/moq/copy/examples/requirements.txt": floating,
            "training/old/README.rst": "Unmaintained baseline\n=====================\n",
            "training/old/requirements.txt": floating,
            "training/fsdp/README.md": "Note: FSDP1 is deprecated. Please follow the FSDP2 examples.\n\n## FSDP1 T5\n",
            "training/fsdp/requirements.txt": floating,
            "training/new/README.md": "# Training\n\nThe old `--fp16` flag is deprecated.\n",
            "training/new/requirements.txt": floating,
        }
    )
    found = findings(root, select="DEP001")
    assert sorted(f["path"] for f in found) == ["training/fsdp/requirements.txt", "training/new/requirements.txt"]


def test_a_copy_of_a_notebook_is_reported_at_its_original_only(make_repo):
    """The docs build copies the root notebooks into docs/, a lab copies the previous lab's notebook: the same
    code cells. Findings stay at the original (outside the docs, nearest the root); a small notebook that happens
    to match another is no copy."""
    lab = notebook(
        "import random\nimport torch\n\nsample = random.randint(0, 100)\nx = torch.randn(4, 4)\n",
        "model = torch.nn.Linear(4, 2)\nprint(model(x).shape, sample)\n",
        "%pip install torchinfo\nimport torchinfo\nprint(torchinfo.summary(model))\n",
    )
    tiny = notebook("import random\nprint(random.random())\n")
    root = make_repo(
        {
            "03_vision.ipynb": lab,
            "docs/03_vision.ipynb": lab,
            "lab02/notebooks/03_vision.ipynb": lab,
            "notes/a.ipynb": tiny,
            "notes/b.ipynb": tiny,
            "requirements.txt": "torch==2.3.1\n",
        }
    )
    found = findings(root, select="RNG001,NB001,NB003,DEP004")
    assert {f["path"] for f in found} == {"03_vision.ipynb", "notes/a.ipynb", "notes/b.ipynb"}
    assert role_of(root, "docs/03_vision.ipynb") == ("copy", "a copy of 03_vision.ipynb")


GCN_CELLS = (
    "import numpy as np\nimport torch\n\ntorch.manual_seed(12345)\nlayer = torch.nn.Linear(16, 4)\n",
    "n_simu = 100\nsamples = [np.random.randn(16) for _ in range(n_simu)]\nprint(np.mean(samples))\n",
    "outputs = [layer(torch.from_numpy(x).float()) for x in samples]\nprint(torch.stack(outputs).std(0))\n",
)


def test_a_colab_twin_that_only_adds_setup_cells_is_a_copy(make_repo):
    """The judged shape: `X-colab.ipynb` holds the cells of `X.ipynb` plus a cell of `!pip install` lines (and `X`
    has a `%config` cell of its own); its findings are the original's, reported once, at the notebook without the
    install. Another shape: a twin that adds `!git clone` and `%cd` cells."""
    plain = notebook("%config Completer.use_jedi = False\n", *GCN_CELLS)
    twin = notebook(
        "# Install required packages.\n!pip install -q torch-scatter\n!pip install -q torch-geometric\n", *GCN_CELLS
    )
    cloned = notebook("!git clone https://github.com/org/repo\n%cd repo\n", "%pip install -e .\n", *GCN_CELLS)
    root = make_repo(
        {
            "graphs/GCN_spectral.ipynb": plain,
            "graphs/GCN_spectral-colab.ipynb": twin,
            "demo/colab_run.ipynb": cloned,
            "requirements.txt": "torch==2.3.1\nnumpy==1.26.4\n",
        }
    )
    assert role_of(root, "graphs/GCN_spectral-colab.ipynb") == ("copy", "a copy of graphs/GCN_spectral.ipynb")
    assert role_of(root, "demo/colab_run.ipynb") == ("copy", "a copy of graphs/GCN_spectral.ipynb")
    assert {f["path"] for f in findings(root, select="RNG002,NB003")} == {"graphs/GCN_spectral.ipynb"}


def test_notebooks_that_differ_in_code_are_no_copies(make_repo):
    """Look-alikes: a twin whose extra cell mixes Python with the install (`import os` then `!pip install`), and one
    whose code differs in one line, are notebooks of their own."""
    mixed = notebook("import os\n!pip install -q torch-geometric\n", *GCN_CELLS)
    edited = notebook(GCN_CELLS[0], GCN_CELLS[1].replace("100", "1000"))
    root = make_repo(
        {
            "GCN.ipynb": notebook(*GCN_CELLS),
            "GCN-mixed.ipynb": mixed,
            "GCN-more.ipynb": edited,
            "requirements.txt": "torch==2.3.1\n",
        }
    )
    for path in ("GCN-mixed.ipynb", "GCN-more.ipynb"):
        assert role_of(root, path)[0] != "copy"


def role_of(root, path):
    from reprocheck.config import Settings
    from reprocheck.facts import FactStore
    from reprocheck.project import Project

    roles = FactStore(Project.discover(root, Settings())).get("roles")
    return roles.role(path), roles.why(path)


LAB = notebook(
    "import random\nimport torch\n\nsample = random.randint(0, 100)\nx = torch.randn(4, 4)\n",
    "model = torch.nn.Linear(4, 2)\nprint(model(x).shape, sample)\n",
)
# The committed copy was made before the source changed: its cells differ, the copy command says what it is.
STALE = notebook(
    "import random\nimport torch\n\nsample = random.randint(0, 10)\nx = torch.randn(8, 8)\n",
    "model = torch.nn.Linear(8, 2)\nprint(model(x).shape)\n",
)


@pytest.mark.parametrize(
    ("extra", "copy", "source"),
    [
        (  # a docs workflow copies the root notebooks into docs/ (and one more from extras/)
            {
                ".github/workflows/docs.yml": "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-24.04\n    steps:\n"
                "      - run: cp *.ipynb docs/ # copy all notebooks\n"
                "      - run: cp extras/intro.ipynb docs/\n      - run: mkdocs gh-deploy --force\n"
            },
            "docs/lab.ipynb",
            "lab.ipynb",
        ),
        (  # a Makefile in a sub-folder copies with rsync, relative to its folder
            {"course/Makefile": "site:\n\trsync -a notebooks/ ../site/notebooks/\n"},
            "site/notebooks/lab.ipynb",
            "course/notebooks/lab.ipynb",
        ),
        (  # a script runs nbconvert into an output folder after `cd`
            {
                "scripts/build_docs.sh": "#!/bin/sh\ncd course\njupyter nbconvert --to notebook --execute "
                "--output-dir=../book notebooks/*.ipynb\n"
            },
            "book/lab.ipynb",
            "course/notebooks/lab.ipynb",
        ),
        (  # a CI step in a working directory copies a folder recursively
            {
                ".github/workflows/site.yml": "on: push\njobs:\n  site:\n    runs-on: ubuntu-24.04\n    steps:\n"
                "      - run: cp -r notebooks ../public/\n        working-directory: course\n"
            },
            "public/notebooks/lab.ipynb",
            "course/notebooks/lab.ipynb",
        ),
    ],
)
def test_a_notebook_a_copy_command_writes_is_a_copy_even_when_its_cells_differ(make_repo, extra, copy, source):
    """CI steps, Makefile recipes and scripts that copy notebooks into a folder (`cp`, `cp -r`, `rsync`,
    `jupyter nbconvert --to notebook --output-dir`) make the committed files there copies of their source, even
    when the committed copy is stale; findings stay at the source."""
    files = {source: LAB, copy: STALE, "extras/intro.ipynb": LAB.replace("Linear", "Bilinear"), **extra}
    root = make_repo({**files, "requirements.txt": "torch==2.3.1\n"})
    assert role_of(root, copy) == ("copy", f"a copy of {source}")
    assert role_of(root, source)[0] != "copy"
    paths = {f["path"] for f in findings(root, select="RNG001")}
    assert source in paths and copy not in paths


def test_copy_commands_that_write_no_committed_notebook_change_nothing(make_repo):
    """A copy into a folder outside the repository or through a variable, a notebook copied to another name
    that is not committed, html output of nbconvert, `mv`, and copies of other files leave roles alone."""
    steps = (
        "      - run: cp *.ipynb $OUT/ && cp lab.ipynb /tmp/ && cp lab.ipynb backup.ipynb\n"
        "      - run: jupyter nbconvert --to html --output-dir site lab.ipynb\n"
        "      - run: mv other.ipynb moved/ && cp README.md site/\n"
    )
    files = {
        "lab.ipynb": LAB,
        "site/lab.ipynb": STALE,
        "moved/other.ipynb": LAB.replace("Linear", "Bilinear"),
        "other.ipynb": STALE.replace("Linear", "Bilinear"),
        ".github/workflows/docs.yml": "on: push\njobs:\n  d:\n    runs-on: ubuntu-24.04\n    steps:\n" + steps,
    }
    root = make_repo(files)
    for path in ("lab.ipynb", "site/lab.ipynb", "moved/other.ipynb", "other.ipynb"):
        assert role_of(root, path)[0] != "copy", path


SCRIPT = (
    "import random\nimport torch\n\nif __name__ == '__main__':\n    sample = random.randint(0, 100)\n"
    "    print(torch.randn(4, 4), sample)\n"
)


@pytest.mark.parametrize(
    "extra",
    [
        {  # CI converts every chapter's script and commits the notebooks
            ".github/workflows/convert.yml": "on: push\njobs:\n  c:\n    runs-on: ubuntu-24.04\n    steps:\n"
            "      - run: pip install py2ipynb==0.0.5\n      - run: py2ipynb '*/*.py'\n"
        },
        {"Makefile": "notebooks:\n\tjupytext --to notebook 1-nnlm/nnlm.py\n"},
        {"scripts/convert.sh": "#!/bin/sh\np2j 1-nnlm/nnlm.py\n"},
    ],
)
def test_a_notebook_converted_from_a_script_is_a_copy_of_it(make_repo, extra):
    """A notebook that a converter writes next to its script (py2ipynb, `jupytext --to notebook`, p2j) repeats the
    script: findings stay at the script."""
    root = make_repo({"1-nnlm/nnlm.py": SCRIPT, "1-nnlm/nnlm.ipynb": notebook(SCRIPT), **extra})
    assert role_of(root, "1-nnlm/nnlm.ipynb") == ("copy", "a copy of 1-nnlm/nnlm.py")
    paths = {f["path"] for f in findings(root, select="RNG001")}
    assert paths == {"1-nnlm/nnlm.py"}


def test_converters_that_write_elsewhere_or_to_scripts_change_nothing(make_repo):
    files = {
        "1-nnlm/nnlm.py": SCRIPT,
        "1-nnlm/nnlm.ipynb": notebook(SCRIPT),
        "Makefile": "a:\n\tjupytext --to py:percent 1-nnlm/nnlm.ipynb\n"
        "\tjupytext --to notebook -o out/x.ipynb 1-nnlm/nnlm.py\n",
    }
    root = make_repo(files)
    assert role_of(root, "1-nnlm/nnlm.ipynb")[0] != "copy"


def test_a_link_to_a_listed_file_is_reported_where_the_file_is(make_repo):
    """A docs folder that links the notebooks it renders (git stores the links): each problem is reported once, at
    the real notebook."""
    import os

    from tests.conftest import git

    real = notebook("import numpy as np\nimport graphviz\nprint(np.random.rand())\n")
    root = make_repo({"requirements.txt": "numpy==2.0.0\n", "notebooks/overview.ipynb": real}, commit=False)
    (root / "docs/source/notebooks").mkdir(parents=True)
    os.symlink("../../../notebooks/overview.ipynb", root / "docs/source/notebooks/overview.ipynb")
    git(root, "add", "-A")
    found = findings(root, select="DEP004,RNG001")
    assert {(f["code"], f["path"]) for f in found} == {
        ("DEP004", "notebooks/overview.ipynb"),
        ("RNG001", "notebooks/overview.ipynb"),
    }
    assert all(not f.get("related") for f in found)


def test_the_templates_of_generated_projects_are_not_this_repositorys_artifacts(make_repo):
    """Sample data under a cookiecutter or copier folder (`{{ cookiecutter.repo_name }}/data/...`) ships so that a
    generated project runs: no DAT002 there; a big blob stays DAT001 (repository-wide); data outside is reported."""
    big = random.Random(7).randbytes(1200 * 1024)  # incompressible: over the 1 MiB limit as git stores it
    root = make_repo(
        {
            "requirements.txt": "numpy==1.26.4\n",
            "iris/{{ cookiecutter.repo_name }}/data/01_raw/iris.csv": "a,b\n1,2\n",
            "copier/{{ project_name }}/data/sample.parquet": b"PAR1",
            "{{cookiecutter.project_slug}}/models/model.pkl": b"\x80\x04",
            "starter/data.csv.jinja": "a,b\n{{ value }},2\n",
            "iris/{{ cookiecutter.repo_name }}/data/06_models/huge.pkl": big,
            "data/raw.csv": "a,b\n1,2\n",  # the repository's own data: reported
        }
    )
    found = [(f["code"], f["path"]) for f in findings(root, select="DAT001,DAT002")]
    assert ("DAT002", "data/raw.csv") in found
    assert ("DAT001", "iris/{{ cookiecutter.repo_name }}/data/06_models/huge.pkl") in found
    assert not [path for code, path in found if code == "DAT002" and "{" in path]
    # the role is configurable like the others: no template globs, and the samples are artifacts again
    (root / "reprocheck.toml").write_text("[roles]\ntemplate = []\n")
    found = [f["path"] for f in findings(root, select="DAT002")]
    assert any("{{" in path for path in found)


# -- courses and retired folders --------------------------------------------------------------------------
SEEDLESS = notebook("print(1)\n")  # NB001 warns on it in an experiment: the project strips notebooks
COURSE_README = "<h1 align='center'>\n  Machine Learning Zoomcamp: A Free 4-Month Course\n</h1>\n\nLearn ML.\n"


def lessons(*names: str, readme: str | None = COURSE_README, homework: bool = False) -> dict[str, str]:
    files = {**STRIPPED, **{f"{name}/notebook.ipynb": SEEDLESS for name in names}}
    if homework:
        files.update({f"{name}/homework.md": "# Homework\n" for name in names})
    if readme is not None:
        files["README.md"] = readme
    return files


@pytest.mark.parametrize(
    "files",
    [
        lessons("01-intro", "02-regression", "03-classification"),  # the root README's title names a course
        lessons("01_intro", "02_regression", "03_trees", readme="# Deep learning\n\nCode.\n", homework=True),
        {**lessons("1-basics", "2-cnn", "3-rnn", readme=None), "course/README.md": "x"}
        | {"README.md": "Lecture notes\n=============\n\nThe labs.\n"},
    ],
)
def test_numbered_lesson_folders_of_a_course_are_teaching_material(make_repo, files):
    found = findings(make_repo(files), select="NB001")
    assert len(found) == 3 and {f["severity"] for f in found} == {"info"}
    assert all("is a lesson of a course" in f["message"] for f in found)


@pytest.mark.parametrize(
    "files",
    [
        # pipeline stages of a paper: numbered folders, no course in the README's title
        lessons("01_preprocess", "02_train", "03_evaluate", readme="# Paper X\n\nOf course, lessons learned.\n"),
        # two numbered folders are no course (under a README whose title names none)
        lessons("01-intro", "02-regression", readme="# Deep learning\n\nCode.\n"),
        # a course word only further down the README is no course title
        lessons("01-data", "02-model", "03-eval", readme="# My project\n\n## Homework\n\nTODO\n"),
    ],
)
def test_numbered_stage_folders_stay_experiments(make_repo, files):
    found = findings(make_repo(files), select="NB001")
    assert found and {f["severity"] for f in found} == {"warning"}


def test_a_legacy_folder_a_readme_retires_is_archived(make_repo):
    """README: "Previous versions used features which are no longer available. These are stored in the legacy
    directory": kept for the record, not run; only repository-wide rules report there."""
    retired = (
        "# Tutorials\n\n## Legacy Tutorials\n\nPrevious versions of these tutorials used features from torchtext "
        "which are no longer available. These are stored in the [legacy](https://github.com/o/r/tree/main/legacy) "
        "directory.\n"
    )
    root = make_repo(
        {
            **STRIPPED,
            "README.md": retired,
            "legacy/5 - ConvSeq2Seq.ipynb": SEEDLESS,
            "lab/old/README.md": "# Old runs\n\nThe `old/` scripts are deprecated: they need Python 2.\n",
            "lab/old/run.ipynb": SEEDLESS,
            "lab/README.md": "# Lab\n",
        }
    )
    assert findings(root, select="NB001") == []
    assert role_of(root, "legacy/5 - ConvSeq2Seq.ipynb") == ("archive", "README.md:5 says legacy/ no longer runs")
    assert role_of(root, "lab/old/run.ipynb")[0] == "archive"


def test_legacy_folders_no_readme_retires_stay_code(make_repo):
    root = make_repo(
        {
            **STRIPPED,
            # the README names the folder but says nothing of it no longer running
            "README.md": "# Lib\n\nThe `legacy/` folder keeps the v1 API for old callers.\n\nSome API is deprecated.\n",
            "legacy/train.ipynb": SEEDLESS,
            # an old folder and the word "old" in a paragraph about a deprecated flag
            "tools/README.md": "# Tools\n\nThe old flag is deprecated.\n",
            "tools/old/run.ipynb": SEEDLESS,
        }
    )
    found = by_path(findings(root, select="NB001"))
    assert sorted(found) == ["legacy/train.ipynb", "tools/old/run.ipynb"]
    assert {f["severity"] for f in found.values()} == {"warning"}


def test_a_notebook_that_renders_pages_with_jinja2_is_site_tooling(make_repo):
    pages = notebook(
        "import pandas as pd\nfrom jinja2 import Template\n",
        "df = pd.read_csv('meta.csv')\ntemplate = Template('## {{ name }}')\n",
        "for row in df.itertuples():\n    open(f'{row.page}.md', 'w').write(template.render(name=row.name))\n",
    )
    trains = notebook("import jinja2\nimport torch\n", "model = torch.nn.Linear(2, 2)\nprint(model)\n")
    root = make_repo({**STRIPPED, "generate-pages.ipynb": pages, "report.ipynb": trains})
    found = by_path(findings(root, select="NB001"))
    assert found["generate-pages.ipynb"]["severity"] == "info"
    assert "renders pages from jinja2 templates" in found["generate-pages.ipynb"]["message"]
    assert found["report.ipynb"]["severity"] == "warning"  # it imports a library that runs a model


# -- examples collections ---------------------------------------------------------------------------------------------
UNSEEDED = "import torch\n\nif __name__ == '__main__':\n    print(torch.randn(3))\n"
GIT_HEAD_CI = """name: basic
on: [push]
jobs:
  examples:
    runs-on: ubuntu-24.04
    steps:
    - uses: actions/checkout@v4
    - run: |
        pip install git+https://github.com/optuna/optuna.git
        pip install -r basic/requirements.txt
"""
NIGHTLY_CI = """name: run
on: [push]
jobs:
  examples:
    runs-on: ubuntu-24.04
    env:
      PIP_INSTALL_ARGS: '--pre -f https://download.pytorch.org/whl/nightly/cpu/torch_nightly.html'
    steps:
    - uses: actions/checkout@v4
    - run: ./run_examples.sh
"""


def collection(title: str = "Optuna Examples\n===============\n", ci: str | None = GIT_HEAD_CI, n: int = 3):
    files = {"README.md": f"{title}\nA list of examples.\n"}
    for name in ("basic", "sklearn", "pytorch", "keras")[:n]:
        files[f"{name}/requirements.txt"] = "optuna\nscikit-learn\n"
        files[f"{name}/main.py"] = UNSEEDED
    files["kubernetes/Dockerfile"] = "FROM python:3.11-slim\nRUN pip install optuna scikit-learn\n"
    if ci is not None:
        files[".github/workflows/basic.yml"] = ci
    return files


PIN_AND_SEED = "DEP001,DEP002,DKR003,DKR004,RNG001"


@pytest.mark.parametrize(
    ("title", "ci", "library", "how"),
    [
        ("Optuna Examples\n===============\n", GIT_HEAD_CI, "optuna", "from git head"),
        ("# Examples for Optuna\n", GIT_HEAD_CI.replace(".git\n", ".git@master\n"), "optuna", "from git head"),
        ("# PyTorch Examples\n", NIGHTLY_CI, "pytorch", "nightly"),
    ],
)
def test_an_examples_collection_tracking_its_library_sets_pins_aside(make_repo, title, ci, library, how):
    root = make_repo(collection(title, ci))
    result = run_cli(str(root), "--select", PIN_AND_SEED, "--output-format", "json", "--no-cache")
    found, pins = result.json["findings"], result.json["suppressed"]
    assert {f["code"] for f in found} == {"RNG001"}
    assert {f["code"] for f in pins} >= {"DEP001", "DKR003", "DKR004"}
    assert all(f["severity"] == "info" for f in found), found
    reason = f"an examples collection that tracks {library}'s latest on purpose: its CI installs {library} {how}"
    assert all(f["suppressed"].startswith(reason) for f in pins), pins
    text = run_cli(str(root), "--select", PIN_AND_SEED, "--no-cache").stdout
    assert f"DEP001: 3 findings suppressed ({reason}" in text
    seeds = found
    assert all(f"is one example of an examples collection of {library})" in f["message"] for f in seeds)
    assert role_of(root, "basic/main.py")[0] == "example"


def test_an_examples_collection_sets_hub_revisions_aside_too(make_repo):
    files = collection()
    files["basic/hub.py"] = (
        "from transformers import AutoModel\n\nif __name__ == '__main__':\n"
        "    AutoModel.from_pretrained('prajjwal1/bert-tiny')\n"
    )
    files["basic/fetch.py"] = (
        "import requests\n\n\ndef fetch():\n"
        "    data = requests.get('https://example.org/data/cora.tgz').content\n"
        "    open('cora.tgz', 'wb').write(data)\n\n\nif __name__ == '__main__':\n    fetch()\n"
    )
    result = run_cli(str(make_repo(files)), "--select", "DAT005", "--output-format", "json", "--no-cache")
    assert [f["path"] for f in result.json["findings"]] == ["basic/fetch.py"]  # integrity, not a pin
    assert [f["suppressed"][:61] for f in result.json["suppressed"]] == [
        "an examples collection that tracks optuna's latest on purpose"
    ]


@pytest.mark.parametrize(
    "files",
    [
        # no CI evidence: a repository named examples whose examples are meant to be rerun as they are
        collection(ci=None),
        collection(ci=GIT_HEAD_CI.replace("git+https://github.com/optuna/optuna.git", "optuna==4.0.0")),
        # a pinned git ref is a pin, not the head
        collection(ci=GIT_HEAD_CI.replace(".git\n", ".git@v4.0.0\n")),
        # CI tracks a library the title does not name (an application's one nightly canary job)
        collection(title="# Fraud Detection Service\n", ci=NIGHTLY_CI),
        collection(title="# Optuna Examples\n", ci=NIGHTLY_CI),
        # not split into per-example folders
        collection(n=2),
    ],
)
def test_look_alikes_of_an_examples_collection_keep_their_warnings(make_repo, files):
    root = make_repo(files)
    found = findings(root, select=PIN_AND_SEED)
    assert {f["code"] for f in found if f["severity"] == "warning"} >= {"DEP001", "DKR003", "RNG001"}
    assert not any("examples collection" in f["message"] for f in found)


def test_a_librarys_own_repository_with_examples_is_no_examples_collection(make_repo):
    files = collection(title="# Optuna examples and library\n")
    files["pyproject.toml"] = '[project]\nname = "optuna"\nversion = "1.0"\n'
    root = make_repo(files)
    found = findings(root, select="DEP001,DKR003,RNG001")
    assert not any("examples collection" in f["message"] for f in found)
    assert role_of(root, "basic/main.py")[0] == "experiment"


def test_configured_experiments_in_an_examples_collection_keep_their_warnings(make_repo):
    files = collection()
    files["pyproject.toml"] = '[tool.reprocheck]\nroles = { experiment = ["basic/"] }\n'
    root = make_repo(files)
    found = {(f["code"], f["path"]): f["severity"] for f in findings(root, select="DEP001,RNG001")}
    assert found[("DEP001", "basic/requirements.txt")] == "warning"
    assert found[("RNG001", "basic/main.py")] == "warning"
    assert ("DEP001", "sklearn/requirements.txt") not in found
    assert found[("RNG001", "sklearn/main.py")] == "info"


def test_site_tooling_notebooks_are_no_result_to_restart(make_repo):
    """Without a strip policy, a page generator's kept outputs and run order bear on no result: NB001 and NB002
    say nothing; a notebook that also imports an ML library is still reported."""

    def out_of_order(*sources: str) -> str:
        cells = [
            {
                "cell_type": "code",
                "execution_count": count,
                "metadata": {},
                "outputs": [{"output_type": "stream", "name": "stdout", "text": ["42\n"]}],
                "source": [source],
            }
            for count, source in zip((12, 3, 13), sources, strict=False)
        ]
        return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)

    pages = out_of_order(
        "import pandas as pd\nfrom jinja2 import Template\n",
        "df = pd.read_csv('meta.csv')\n",
        "for row in df.itertuples():\n    print(Template('{{ n }}').render(n=row.name))\n",
    )
    trains = out_of_order("import jinja2\nimport torch\n", "model = torch.nn.Linear(2, 2)\n", "print(model)\n")
    root = make_repo({"generate-pages.ipynb": pages, "report.ipynb": trains, "requirements.txt": "torch\n"})
    found = findings(root, select="NB001,NB002")
    assert sorted({f["path"] for f in found}) == ["report.ipynb"]


# -- repositories that present themselves as teaching material ------------------------------------------------------
UDACITY_README = """# Deep Learning (PyTorch) - ND101 v7

This repository contains material related to Udacity's [Deep Learning v7 Nanodegree program](https://www.udacity.com/
course/deep-learning-nanodegree--nd101). It consists of a bunch of tutorial notebooks for various deep learning topics.

## Table Of Contents
"""


@pytest.mark.parametrize(
    "readme",
    [
        UDACITY_README,  # the judged shape: the first paragraph says so
        "# PyTorch Seq2Seq\n\n[![badge](https://x/y.svg)](https://x)\n\nThis repo contains tutorials on seq2seq.\n",
        "# Neural Networks: Zero to Hero\n\nA course on neural networks that starts at the basics.\n",
        "<h1 align='center'>\n  Deep Learning Lectures\n</h1>\n\nNotebooks.\n",  # the title says so
        "NLP tutorial\n============\n\nModels in a hundred lines.\n",
        # what the repository holds, and what for (dataflowr's README)
        "# [Dataflowr: Deep Learning DIY](https://dataflowr.github.io/website/)\n\n[![Dataflowr](https://x/l.png)]"
        "(https://x)\n\nCode and notebooks for the deep learning course [dataflowr](https://dataflowr.github.io/website/)."
        " Here is the schedule followed at école polytechnique in 2023:\n",
        "# CS-101\n\nSlides, exercises and solutions for the lectures of CS-101 at Somewhere University.\n",
    ],
)
def test_a_repository_presenting_itself_as_a_course_makes_its_notebooks_teaching_material(make_repo, readme):
    root = make_repo({"README.md": readme, "gan/train_gan.ipynb": SEEDLESS, "train.py": "print(1)\n", **STRIPPED})
    [found] = findings(root, select="NB001")
    assert found["severity"] == "info"
    assert "the root README presents the repository as teaching material" in found["message"]


@pytest.mark.parametrize(
    "readme",
    [
        # a research repository with a tutorial section further down
        "# FastSeg\n\nOfficial implementation of our CVPR paper.\n\n## Tutorial\n\nSee the tutorials folder.\n",
        # tutorials mentioned alongside a paper's code in the first paragraph
        "# Method\n\nThis repository contains the code for the paper X and tutorials on using it.\n",
        # course words that are no course
        "# Paper X\n\nOf course, lessons learned. In the course of training we saw this.\n",
        "# Segmenter\n\nWe study lessons. See the [course](https://x) we took.\n",
        # what the repository holds, for something that is no course: a student's course project, a paper
        "# GAN zoo\n\nCode for my CS231n course project on GANs.\n",
        "# Seg\n\nCode and notebooks for the paper X, presented in the course of a workshop.\n",
        "# Tools\n\nNotebooks for training segmentation models.\n",
    ],
)
def test_course_words_that_do_not_present_the_repository_keep_its_roles(make_repo, readme):
    root = make_repo({"README.md": readme, "gan/train_gan.ipynb": SEEDLESS, **STRIPPED})
    [found] = findings(root, select="NB001")
    assert found["severity"] == "warning"


@pytest.mark.parametrize(
    ("name", "sibling", "role"),
    [
        ("dcgan/DCGAN_Exercise.ipynb", None, "a course exercise notebook by its name"),
        ("intro/Part 1 - Tensors in PyTorch (Exercises).ipynb", None, "a course exercise notebook by its name"),
        ("intro/Part 1 - Tensors in PyTorch (Solution).ipynb", None, "a course solution notebook by its name"),
        ("dcgan/DCGAN_Solution.ipynb", "dcgan/DCGAN_Exercise.ipynb", "a course solution notebook by its name"),
        ("ch04/exercise-solutions.ipynb", None, "a course exercise notebook by its name"),
    ],
)
def test_exercise_and_solution_notebooks_are_teaching_material(make_repo, name, sibling, role):
    files = {name: SEEDLESS, **STRIPPED}
    if sibling:
        files[sibling] = notebook("print(2)\n")
    found = by_path(findings(make_repo(files), select="NB001"))
    assert found[name]["severity"] == "info" and found[name]["message"].endswith(f"(info: {role})")


@pytest.mark.parametrize(
    ("name", "sibling", "role"),
    [
        # the judged shape: an exercise and its solution, `_empty` and `_sol`, side by side
        ("Module18/ddpm_nano_sol.ipynb", "Module18/ddpm_nano_empty.ipynb", "a course solution notebook by its name"),
        ("Module18/ddpm_nano_empty.ipynb", "Module18/ddpm_nano_sol.ipynb", "a course exercise notebook by its name"),
        # the solution in a solutions folder under the exercise's, the exercise named plainly
        ("Module2/sol/02_backprop_sol.ipynb", "Module2/02_backprop.ipynb", "a course solution notebook by its name"),
        ("Module2/02_backprop.ipynb", "Module2/sol/02_backprop_sol.ipynb", "a course exercise notebook by its name"),
        ("hw/HW1_student.ipynb", "hw/HW1_solution.ipynb", "a course exercise notebook by its name"),
    ],
)
def test_exercise_and_solution_pairs_by_their_last_word_are_teaching_material(make_repo, name, sibling, role):
    found = by_path(findings(make_repo({name: SEEDLESS, sibling: notebook("print(2)\n"), **STRIPPED}), select="NB001"))
    assert found[name]["severity"] == "info" and found[name]["message"].endswith(f"(info: {role})")


def test_one_word_of_a_pair_alone_is_no_course(make_repo):
    """Look-alikes: `tsp_sol.ipynb` (a solver's output) with nothing of its name beside it, `data_empty.ipynb` alone,
    and a solution whose exercise sits in another module stay experiments."""
    files = {
        "opt/tsp_sol.ipynb": SEEDLESS,
        "opt/tsp_greedy.ipynb": SEEDLESS,
        "eda/data_empty.ipynb": SEEDLESS,
        "a/model_sol.ipynb": SEEDLESS,
        "b/model_empty.ipynb": SEEDLESS,
        **STRIPPED,
    }
    found = findings(make_repo(files), select="NB001")
    assert {f["path"]: f["severity"] for f in found} == {path: "warning" for path in files if path.endswith("ipynb")}


def test_a_competition_solution_notebook_stays_an_experiment(make_repo):
    """Look-alike: `1st_place_solution.ipynb` with no exercise beside it is a competition entry, not a course's."""
    root = make_repo({"notebooks/1st_place_solution.ipynb": SEEDLESS, "notebooks/eda.ipynb": SEEDLESS, **STRIPPED})
    found = findings(root, select="NB001")
    assert {f["severity"] for f in found} == {"warning"}


# A book chapter: the notebook, and the script its converter writes from it (imports hoisted, markdown as comments,
# magics and figure cells dropped; `# coding: utf-8` on top, as nbconvert writes it).
CHAPTER_CELLS = (
    "import sys\nsys.path.insert(0, '..')\n",
    "from IPython.display import Image\n%matplotlib inline\n",
    "import urllib.request\nurl = 'http://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz'\n"
    "urllib.request.urlretrieve(url, 'aclImdb_v1.tar.gz')\n",
    "Image(filename='figures/04_01.png', width=500)\n",
    "import pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n\n"
    "df = pd.read_csv('wine.csv')\nX, y = df.iloc[:, 1:].values, df.iloc[:, 0].values\n",
    "lr = LogisticRegression(solver='liblinear')\nlr.fit(X, y)\nprint('Training accuracy:', lr.score(X, y))\n",
)
CHAPTER_SCRIPT = (
    "# coding: utf-8\n\n\nimport sys\nimport urllib.request\nimport pandas as pd\n"
    "from sklearn.linear_model import LogisticRegression\n\n# # Machine Learning with PyTorch and Scikit-Learn\n"
    "# ## Chapter 4\n\n\nsys.path.insert(0, '..')\n\n\n\nurl = 'http://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz'\n"
    "urllib.request.urlretrieve(url, 'aclImdb_v1.tar.gz')\n\n\n\n\ndf = pd.read_csv('wine.csv')\n"
    "X, y = df.iloc[:, 1:].values, df.iloc[:, 0].values\n\n\nlr = LogisticRegression(solver='liblinear')\n"
    "lr.fit(X, y)\nprint('Training accuracy:', lr.score(X, y))\n"
)
# nbconvert's own `--to script` output: `# In[n]:` markers, magics as get_ipython() calls.
NBCONVERT_SCRIPT = (
    "#!/usr/bin/env python\n# coding: utf-8\n\n# In[1]:\n\n\nimport sys\nsys.path.insert(0, '..')\n\n\n# In[2]:\n\n\n"
    "from IPython.display import Image\nget_ipython().run_line_magic('matplotlib', 'inline')\n\n\n# In[3]:\n\n\n"
    "import urllib.request\nurl = 'http://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz'\n"
    "urllib.request.urlretrieve(url, 'aclImdb_v1.tar.gz')\n\n\n# In[5]:\n\n\nimport pandas as pd\n"
    "from sklearn.linear_model import LogisticRegression\n\ndf = pd.read_csv('wine.csv')\n"
    "X, y = df.iloc[:, 1:].values, df.iloc[:, 0].values\n\n\n# In[6]:\n\n\n"
    "lr = LogisticRegression(solver='liblinear')\nlr.fit(X, y)\nprint('Training accuracy:', lr.score(X, y))\n"
)
EXPERIMENT_RULES = "RNG,DAT005,DEP004"


@pytest.mark.parametrize("script", [CHAPTER_SCRIPT, NBCONVERT_SCRIPT])
def test_a_script_exported_from_the_notebook_beside_it_is_a_copy_of_it(make_repo, script):
    """machine-learning-book: every chapter holds chNN.ipynb and chNN.py generated from it. The script's findings
    repeated the notebook's, at a higher severity; they are reported once, at the notebook."""
    root = make_repo({"ch04/ch04.ipynb": notebook(*CHAPTER_CELLS), "ch04/ch04.py": script})
    assert role_of(root, "ch04/ch04.py") == ("copy", "a script exported from ch04/ch04.ipynb")
    found = findings(root, select=EXPERIMENT_RULES)
    assert [(f["code"], f["path"]) for f in found] == [("DAT005", "ch04/ch04.ipynb")]


@pytest.mark.parametrize(
    "extra",
    [
        {"Makefile": "scripts:\n\tjupyter nbconvert --to script notebooks/*.ipynb\n"},
        {"scripts/export.sh": "#!/bin/sh\ncd notebooks\njupytext --to py:percent eda.ipynb\n"},
        {"scripts/pair.sh": "#!/bin/sh\njupytext --set-formats ipynb,py:percent notebooks/eda.ipynb\n"},
        {"Makefile": "py:\n\tjupyter nbconvert --to python --output-dir scripts notebooks/eda.ipynb\n"},
    ],
)
def test_a_script_an_export_command_writes_is_a_copy_even_when_stale(make_repo, extra):
    """A converter command of the repository (`jupyter nbconvert --to script|python`, `jupytext --to py`, a jupytext
    pairing) writes the script from the notebook: the committed script is a copy, even when it is older than the
    notebook's cells."""
    stale = "import random\n\nprint(random.random())\n"
    target = "scripts/eda.py" if "--output-dir scripts" in next(iter(extra.values())) else "notebooks/eda.py"
    root = make_repo({"notebooks/eda.ipynb": notebook(*CHAPTER_CELLS), target: stale, **extra})
    assert role_of(root, target) == ("copy", "a script exported from notebooks/eda.ipynb")
    assert "RNG001" not in {f["code"] for f in findings(root, select="RNG001") if f["path"] == target}


def test_scripts_with_code_of_their_own_beside_notebooks_stay_judged(make_repo):
    """Look-alikes: a script beside a notebook of another name (train.py by explore.ipynb, even with the same code),
    a module the notebook of its name imports, an nbconvert export since grown into a script of its own (half its
    lines are new: arguments, a main), a script converted into the notebook beside it (py2ipynb: the notebook is the
    copy), and a jupytext-paired script whose notebook git ignores (the script is what the repository holds)."""
    module = (
        "import torch\n\n\nclass Net(torch.nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.fc = torch.nn.Linear(4, 2)\n\n    def forward(self, x):\n        return self.fc(x)\n\n\n"
        "def loader(dataset):\n    return torch.utils.data.DataLoader(dataset, batch_size=8, shuffle=True)\n"
    )
    grown = NBCONVERT_SCRIPT.replace(
        "# In[6]:",
        "import argparse\n\n\ndef run(path, solver):\n    frame = pd.read_csv(path)\n    model = LogisticRegression("
        "solver=solver)\n    model.fit(frame.iloc[:, 1:], frame.iloc[:, 0])\n    return model\n\n\n"
        "if __name__ == '__main__':\n    parser = argparse.ArgumentParser()\n    parser.add_argument('--data')\n"
        "    parser.add_argument('--solver', default='lbfgs')\n    args = parser.parse_args()\n"
        "    model = run(args.data, args.solver)\n    print(model.coef_)\n    print(model.intercept_)\n"
        "    print(model.classes_)\n    print(model.n_iter_)\n    print(model.get_params())\n",
    )
    files = {
        "explore.ipynb": notebook(*CHAPTER_CELLS),
        "train.py": CHAPTER_SCRIPT,
        "model/net.ipynb": notebook("from net import Net, loader\n\nmodel = Net()\nprint(model)\n"),
        "model/net.py": module,
        "deploy/score.ipynb": notebook(*CHAPTER_CELLS),
        "deploy/score.py": grown,
        "1-nnlm/nnlm.py": SCRIPT,
        "1-nnlm/nnlm.ipynb": notebook(SCRIPT),
        "Makefile": "notebooks:\n\tp2j 1-nnlm/nnlm.py\n",
        "paired/jupytext.toml": 'formats = "ipynb,py:percent"\n',
        "paired/.gitignore": "*.ipynb\n",
        "paired/eda.py": "# %%\n" + CHAPTER_SCRIPT,
        "paired/eda.ipynb": notebook(*CHAPTER_CELLS),
    }
    root = make_repo(files)
    for path in ("train.py", "model/net.py", "deploy/score.py", "1-nnlm/nnlm.py", "paired/eda.py"):
        assert role_of(root, path)[0] != "copy", path
    assert role_of(root, "1-nnlm/nnlm.ipynb")[0] == "copy"
    paths = {f["path"] for f in findings(root, select="RNG004,RNG006,DAT005")}
    assert {"train.py", "model/net.py", "deploy/score.py", "paired/eda.py"} <= paths


def test_commands_that_write_no_script_leave_scripts_alone(make_repo):
    """An export to html, to standard output, or of another notebook does not make a script with its own code a
    copy."""
    own = "import random\n\nif __name__ == '__main__':\n    print(random.random())\n"
    files = {
        "notebooks/eda.ipynb": notebook(*CHAPTER_CELLS),
        "notebooks/eda.py": own,
        "notebooks/other.ipynb": notebook(*CHAPTER_CELLS),
        "Makefile": "a:\n\tjupyter nbconvert --to html notebooks/eda.ipynb\n"
        "\tjupyter nbconvert --to script --stdout notebooks/eda.ipynb > /tmp/eda.py\n"
        "\tjupytext --to py:percent notebooks/other.ipynb\n",
    }
    root = make_repo(files)
    assert role_of(root, "notebooks/eda.py")[0] != "copy"


def editions(old: str, new: str, names: list[str], extra: list[str] = ()) -> dict[str, str]:
    """A book's notebooks in `new/`, and the first edition's under `old/`: the same chapter names, other code."""
    files = {**STRIPPED}
    for index, name in enumerate(names):
        files[f"{new}/{name}"] = notebook(f"print('second edition', {index})\n")
        files[f"{old}/{name}"] = notebook(f"print('first edition', {index})\n")
    for index, name in enumerate(extra):
        files[f"{old}/{name}"] = notebook(f"print('only in the first', {index})\n")
    return files


CHAPTERS = ["01.00-IPython.ipynb", "02.00-NumPy.ipynb", "03.00-Pandas.ipynb", "04.00-Matplotlib.ipynb"]


@pytest.mark.parametrize(
    ("old", "new", "extra"),
    [
        ("notebooks_v1", "notebooks", []),  # the judged shape: a book's first edition beside the current one
        ("book/labs-1st-edition", "book/labs", ["99-Appendix.ipynb"]),
        ("chapters_old", "chapters", []),
    ],
)
def test_a_first_edition_folder_beside_the_current_one_is_archived(make_repo, old, new, extra):
    root = make_repo(editions(old, new, CHAPTERS, extra))
    found = by_path(findings(root, select="NB001"))
    assert sorted(found) == [f"{new}/{name}" for name in CHAPTERS]  # the current edition keeps its findings
    assert {f["severity"] for f in found.values()} == {"warning"}
    assert role_of(root, f"{old}/{CHAPTERS[0]}") == ("archive", f"{old}/ is an older edition of {new}/")


@pytest.mark.parametrize(
    ("old", "new", "names", "extra"),
    [
        ("notebooks_v2", "notebooks", CHAPTERS, []),  # a v2 beside its base: which one is current is not said
        ("notebooks_v1", "notebooks", CHAPTERS[:2], []),  # two namesakes may be chance
        ("notebooks_v1", "notebooks", CHAPTERS, ["a.ipynb", "b.ipynb", "c.ipynb", "d.ipynb", "e.ipynb"]),
        ("notebooks_v1", "other", CHAPTERS, []),  # no current folder of its name
        ("bold", "b", CHAPTERS, []),  # a name that only ends in "old"
    ],
)
def test_edition_look_alikes_stay_experiments(make_repo, old, new, names, extra):
    root = make_repo(editions(old, new, names, extra))
    found = by_path(findings(root, select="NB001"))
    assert sum(path.startswith(old + "/") for path in found) == len(names) + len(extra)
