"""Projects in a monorepo: which folders are projects of their own, and the cross-file rules judging each apart."""

from __future__ import annotations

import pytest

from tests.conftest import findings, run_cli

DIGEST = "@sha256:" + "d" * 64
PIPFILE = '[packages]\nflask = "==2.0.1"\n\n[requires]\npython_version = "{}"\n'
LIBRARY = '[project]\nname = "mylib"\nversion = "1.0"\ndependencies = ["numpy>=1.26"]\n'


def projects_of(root, *args: str) -> list[str]:
    """The `# project:` lines of `reprocheck config --show`, without their prefix."""
    result = run_cli("config", "--show", str(root), *args)
    assert result.exit_code == 0, result.stderr
    return [line.removeprefix("# project: ") for line in result.stdout.splitlines() if line.startswith("# project: ")]


def of(root, code: str) -> list[dict]:
    return [f for f in findings(root, select=code) if f["code"] == code]


def where(found: list[dict]) -> list[tuple[str, int]]:
    return [(f["path"], f["line"]) for f in found]


# -- detection ----------------------------------------------------------------------------------------------------
SHAPES = {
    "course monorepo": (
        {
            "README.md": "# course\n",
            "01-intro/requirements.txt": "pandas==2.2.2\n",
            "01-intro/train.ipynb": "{}",
            "02-deployment/web-service/Pipfile": PIPFILE.format("3.9"),
            "02-deployment/web-service/predict.py": "",
            "02-deployment/web-service/Dockerfile": f"FROM python:3.9-slim{DIGEST}\n",
            "03-orchestration/requirements.txt": "prefect==2.10.8\n",  # lists only: the root's
            "03-orchestration/README.md": "",
            "cohorts/2024/homework/requirements.txt": "mlflow==2.3.1\n",
            "cohorts/2024/homework/nested/hpo.py": "",  # code in a sub-folder is the project's too
            "cohorts/2024/notes.py": "",  # loose code belongs to the root project
        },
        [
            "./ (03-orchestration/requirements.txt)",
            "01-intro/ (requirements.txt)",
            "02-deployment/web-service/ (Pipfile)",
            "cohorts/2024/homework/ (requirements.txt)",
        ],
    ),
    "examples, one folder each": (
        {
            "runtime.txt": "python-3.11\n",
            "mnist/requirements.txt": "torch\ntorchvision\n",
            "mnist/main.py": "",
            "distributed/rpc/rnn/requirements.txt": "torch\n",
            "distributed/rpc/rnn/main.py": "",
            "docs/requirements.txt": "sphinx==7.2.6\n",  # the docs serve the repository
            "docs/source/conf.py": "",
        },
        ["./ (docs/requirements.txt)", "distributed/rpc/rnn/ (requirements.txt)", "mnist/ (requirements.txt)"],
    ),
    "root package with a requirements folder": (
        {
            "pyproject.toml": LIBRARY,
            "mylib/__init__.py": "",
            "requirements/dev.txt": "pytest==8.2.0\n",
            "requirements/prod.in": "numpy\n",
            "tests/requirements.txt": "pytest==8.2.0\n",  # tests serve the project they test
            "tests/test_lib.py": "",
            "envs/environment.yml": "dependencies:\n  - python=3.11\n",
            ".devcontainer/requirements.txt": "ipykernel\n",
        },
        ["./ (.devcontainer/requirements.txt, envs/environment.yml, pyproject.toml, requirements/dev.txt, and 2 more)"],
    ),
    "src layout with sub-packages": (
        {
            "pyproject.toml": LIBRARY,
            "src/mylib/__init__.py": "",
            "src/mylib/server/__init__.py": "",
            "src/mylib/server/requirements.txt": "fastapi==0.110.0\n",
            "src/mylib/plugins/requirements.txt": "pillow==10.3.0\n",  # under the package, no __init__.py
            "src/mylib/plugins/images.py": "",
            "mylib_extra/__init__.py": "",  # a package of the root distribution with its own list
            "mylib_extra/requirements.txt": "scipy==1.13.0\n",
        },
        [
            "./ (mylib_extra/requirements.txt, pyproject.toml, src/mylib/plugins/requirements.txt, "
            "src/mylib/server/requirements.txt)"
        ],
    ),
    "root project and one service": (
        {
            "requirements.txt": "numpy==1.26.4\n",
            "train.py": "",
            "services/api/requirements.txt": "numpy==2.0.1\nfastapi==0.110.0\n",
            "services/api/app.py": "",
            "services/api/Dockerfile": f"FROM python:3.12-slim{DIGEST}\n",
            "services/api/docker/requirements.txt": "uvicorn==0.29.0\n",  # no code: the service's
            "third_party/tool/setup.py": "from setuptools import setup\nsetup(name='tool')\n",  # a distribution
        },
        [
            "./ (requirements.txt)",
            "services/api/ (docker/requirements.txt, requirements.txt)",
            "third_party/tool/ (setup.py)",
        ],
    ),
    "one project declared in a folder": (
        {
            "dvc.yaml": "stages: {}\n",
            "src/requirements.txt": "dvc==3.50.0\n",
            "src/train.py": "",
            "src/mylib/__init__.py": "",
            "src/mylib/setup.py": "",  # beside an __init__.py: a module of the package, not a setup
            "src/mylib/extra/requirements.txt": "scipy==1.13.0\n",
        },
        ["./ (src/mylib/extra/requirements.txt, src/requirements.txt)"],
    ),
    "packages in the examples of a distribution": (
        {
            "setup.py": "from setuptools import setup\nsetup(name='lib')\n",
            "lib/__init__.py": "",
            "examples/seq2seq/__init__.py": "",  # a package, but not one of the root distribution
            "examples/seq2seq/requirements.txt": "rouge-score==0.1.2\n",
            "examples/seq2seq/finetune.py": "",
            "examples/vision/requirements.txt": "timm==0.9.16\n",
            "examples/vision/train.py": "",
        },
        ["./ (setup.py)", "examples/seq2seq/ (requirements.txt)", "examples/vision/ (requirements.txt)"],
    ),
    "look-alikes": (
        {
            "requirements.txt": "numpy==1.26.4\n",
            "tools/pyproject.toml": "[tool.black]\nline-length = 100\n",  # settings, not a declaration
            "tools/format.py": "",
            "{{cookiecutter.slug}}/requirements.txt": "numpy\n",  # a template of another project
            "{{cookiecutter.slug}}/main.py": "",
            "docker/requirements.txt": "numpy==1.26.4\n",  # the container build of the project above
            "docker/Dockerfile": f"FROM python:3.11-slim{DIGEST}\n",
            "docker/entrypoint.py": "",
            "scripts/requirements.txt": "numpy==1.26.4\n",  # no code of its own
            "scripts/setup.sh": "",
        },
        ["./ (docker/requirements.txt, requirements.txt, scripts/requirements.txt)"],
    ),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_projects_detected_by_shape(make_repo, shape):
    files, expected = SHAPES[shape]
    assert projects_of(make_repo(files)) == expected


def test_projects_setting_names_them(make_repo):
    root = make_repo(
        {
            "pyproject.toml": '[tool.reprocheck]\nprojects = ["services/*", "courses/*/project"]\n',
            "services/api/main.py": "",
            "services/api/sub/requirements.txt": "numpy==2.0.1\n",
            "services/worker/Dockerfile": f"FROM python:3.12-slim{DIGEST}\n",
            "courses/one/project/requirements.txt": "numpy==1.26.4\n",
            "courses/one/notes/requirements.txt": "numpy==1.26.4\n",  # not named: the root's, not detected
            "courses/one/notes/a.py": "",
        }
    )
    assert projects_of(root) == [
        "./ (courses/one/notes/requirements.txt)",
        "courses/one/project/ (requirements.txt)",
        "services/api/ (sub/requirements.txt)",
        "services/worker/ (no declarations)",
    ]
    result = run_cli("config", "--show", str(make_repo({"reprocheck.toml": "projects = ['x\\']\n"})))
    assert result.exit_code == 2
    assert "projects[0]: 'x\\\\' is not a valid glob" in result.stderr


# -- rules judging each project apart -----------------------------------------------------------------------------
def test_dep005_compares_pins_within_one_project(make_repo):
    root = make_repo(
        {
            "requirements.txt": "numpy==1.26.4\n",
            "requirements/dev.txt": "numpy==1.26.3\n",  # the root project's own list disagrees
            "train.py": "",
            "week1/requirements.txt": "numpy==2.0.1\npandas==2.2.2\n",
            "week1/train.py": "",
            "week1/Dockerfile": f"FROM python:3.11-slim{DIGEST}\nRUN pip install pandas==2.1.0\n",
            "week2/Pipfile": '[packages]\nnumpy = "==1.24.0"\npandas = "==2.0.0"\n',
            "week2/predict.py": "",
        }
    )
    found = of(root, "DEP005")
    assert where(found) == [("requirements/dev.txt", 1), ("week1/Dockerfile", 2)]
    assert found[1]["message"] == (
        "pandas is pinned to 2.2.2 in week1/requirements.txt but 2.1.0 in week1/Dockerfile; "
        "use one version everywhere (install from the lock)"
    )


def test_dep005_ci_working_in_a_project_is_that_projects(make_repo):
    step = "      - run: pip install numpy==2.1.0\n        working-directory: {}\n"
    workflow = "on: push\njobs:\n  t:\n    runs-on: ubuntu-24.04\n    steps:\n" + step
    files = {
        "requirements.txt": "numpy==1.26.4\n",
        "week1/requirements.txt": "numpy==2.0.1\n",
        "week1/train.py": "",
    }
    root = make_repo({**files, ".github/workflows/ci.yml": workflow.format("week1")})
    assert where(of(root, "DEP005")) == [(".github/workflows/ci.yml", 6)]
    assert "2.0.1 in week1/requirements.txt" in of(root, "DEP005")[0]["message"]
    root = make_repo({**files, ".github/workflows/ci.yml": workflow.format(".")})
    assert "1.26.4 in requirements.txt" in of(root, "DEP005")[0]["message"]


def test_env002_compares_python_within_one_project(make_repo):
    root = make_repo(
        {
            ".python-version": "3.11\n",
            "week1/requirements.txt": "pandas==2.2.2\n",
            "week1/runtime.txt": "python-3.9\n",
            "week1/train.py": "",
            "week1/Dockerfile": f"FROM python:3.10-slim{DIGEST}\n",  # disagrees with its own project
            "week2/environment.yml": "dependencies:\n  - python=3.12\n",
            "week2/analysis.ipynb": "{}",
            "docker/Dockerfile": f"FROM python:3.12-slim{DIGEST}\n",  # the root project's
        }
    )
    assert where(of(root, "ENV002")) == [("docker/Dockerfile", 1), ("week1/Dockerfile", 1)]


def test_dep004_checks_imports_against_their_project_and_the_root(make_repo):
    root = make_repo(
        {
            "requirements.txt": "numpy==1.26.4\n",
            "week1/requirements.txt": "pandas==2.2.2\n",
            "week1/train.py": "import numpy\nimport pandas\nimport sklearn\n",
            "week2/requirements.txt": "scikit-learn==1.5.0\n",
            "week2/train.py": "import sklearn\nimport pandas\n",
        }
    )
    found = of(root, "DEP004")
    assert where(found) == [("week1/train.py", 3), ("week2/train.py", 2)]
    assert found[0]["message"] == (
        "sklearn is imported in week1/train.py but no dependency declaration of the project in week1/ provides it; "
        "declare scikit-learn (or map the import in `import-map`)"
    )


def test_dep004_look_alikes_across_projects(make_repo):
    files = {
        "week1/requirements.txt": "pandas==2.2.2\n",
        "week1/train.py": "import pandas\n",
        "week2/requirements.txt": "numpy==1.26.4\n",
        "week2/train.py": "import numpy\n",
        "notes/explore.py": "import pandas\n",  # the root declares nothing: any declaration counts
        "03-orchestration/requirements.txt": "prefect==2.10.8\n",  # a module's list, not the root's environment
        "03-orchestration/README.md": "",
        "homework/flow.py": "import prefect\n",
    }
    assert of(make_repo(files), "DEP004") == []
    root = make_repo({**files, "week2/flow.py": "import prefect\n"})
    assert where(of(root, "DEP004")) == [("week2/flow.py", 1)]
    # a single project: every declaration of the repository counts, wherever it is
    files = {
        "requirements.txt": "numpy==1.26.4\n",
        "docker/requirements.txt": "pandas==2.2.2\n",
        "a.py": "import pandas\n",
    }
    assert of(make_repo(files), "DEP004") == []
    # a root that declares its environment lends all its declarations (tests, docs) to itself and the projects
    files = {
        "requirements.txt": "numpy==1.26.4\n",
        "tests/requirements.txt": "pytest==8.2.0\n",
        "tests/test_a.py": "import pytest\n",
        "service/requirements.txt": "fastapi==0.110.0\n",
        "service/test_app.py": "import fastapi\nimport numpy\nimport pytest\n",
    }
    assert of(make_repo(files), "DEP004") == []


def test_lck002_pairs_each_lock_with_its_own_input(make_repo):
    def lock(*pins: str) -> str:
        body = "".join(f"{p}\n    # via -r requirements.in\n" for p in pins)
        return (
            "#\n# This file is autogenerated by pip-compile with Python 3.11\n# by the following command:\n#\n"
            f"#    pip-compile --output-file=requirements.txt requirements.in\n#\n{body}"
        )

    root = make_repo(
        {
            "a/requirements.in": "numpy>=2\n",
            "a/requirements.txt": lock("numpy==2.0.1"),
            "a/main.py": "",
            "b/requirements.in": "numpy<2\n",
            "b/requirements.txt": lock("numpy==2.0.1"),  # stale against its own input
            "b/main.py": "",
        }
    )
    assert [f["path"] for f in of(root, "LCK002")] == ["b/requirements.txt"]
    assert of(root, "DEP005") == []


def test_setup_files_of_sub_projects_are_declarations(make_repo):
    root = make_repo(
        {
            "requirements.txt": "numpy==1.26.4\n",
            "services/api/pyproject.toml": '[project]\nname = "api"\nversion = "1"\n'
            'dependencies = ["fastapi==0.110.0", "sklearn"]\n',
            "services/api/app.py": "import fastapi\nimport httpx\n",
            "services/worker/setup.py": "from setuptools import setup\n"
            "setup(name='worker', install_requires=['celery'])\n",
            "services/worker/tasks.py": "import celery\n",
        }
    )
    found = of(root, "DEP004")
    assert [(f["path"], f["message"].split(" ")[0]) for f in found] == [("services/api/app.py", "httpx")]
    assert where(of(root, "DEP006")) == [("services/api/pyproject.toml", 4)]


def test_findings_name_their_project_in_full_and_json_outputs(make_repo):
    root = make_repo(
        {
            "requirements.txt": "numpy>=1.26\n",
            "train.py": "import numpy\n",
            "services/api/requirements.txt": "fastapi\n",
            "services/api/app.py": "import fastapi\n",
        }
    )
    found = {f["path"]: f.get("project") for f in findings(root, select="DEP001")}
    assert found == {"requirements.txt": "./", "services/api/requirements.txt": "services/api/"}
    full = run_cli(str(root), "--select", "DEP001", "--no-color").stdout
    assert "= project: services/api/" in full and "= project: ./" in full


def test_a_single_project_repository_names_no_project(make_repo):
    root = make_repo({"requirements.txt": "numpy>=1.26\n", "train.py": "import numpy\n"})
    assert all("project" not in f for f in findings(root, select="DEP001"))
