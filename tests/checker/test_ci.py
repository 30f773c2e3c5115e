"""CI facts and the CI001-CI004 and SEC002 rules on real-looking GitHub, GitLab and pre-commit configurations."""

from __future__ import annotations

import pytest

from reprocheck.config import Settings
from reprocheck.facts import FactStore
from reprocheck.facts.makefile import parse_makefile
from reprocheck.project import Project
from tests.conftest import findings

SHA = "11bd71901bbe5b1630ceea73d27597364c9af683"
HOOK = (
    "repos:\n  - repo: https://github.com/reprocheck/reprocheck\n    rev: v0.1.0\n    hooks:\n      - id: reprocheck\n"
)


def facts_of(root, name):
    project = Project.discover(root, Settings())
    return FactStore(project).get(name), project


# A repository that uses reprocheck already (its settings file): CI002 speaks only to such repositories.
ADOPTED = {"reprocheck.toml": ""}


def found(make_repo, files, code, **kwargs):
    root = make_repo(files, **kwargs)
    return [(f["path"], f["line"], f["message"]) for f in findings(root, select=code)]


def workflow(steps: str, extra: str = "") -> str:
    return f"name: ci\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-24.04\n{extra}    steps:\n{steps}"


# -- facts --------------------------------------------------------------------------------------------------------
def test_github_fact_reads_versions_from_nodes_matrix_and_containers(make_repo):
    root = make_repo(
        {
            ".github/workflows/ci.yml": (
                "on:\n  push:\njobs:\n  test:\n"
                "    runs-on: ${{ matrix.os }}\n"
                "    container: python:3.12-slim\n"
                "    strategy:\n      matrix:\n        os: [ubuntu-24.04, macos-latest]\n"
                "        python-version: [3.10, '3.11']\n"
                "    steps:\n"
                f"      - uses: actions/setup-python@{SHA}\n"
                "        with:\n          python-version: ${{ matrix.python-version }}\n"
                "  lint:\n    runs-on: ubuntu-24.04\n    steps:\n"
                f"      - uses: actions/setup-python@{SHA}\n        with:\n          python-version: 3.10\n"
            )
        }
    )
    (config,), _ = facts_of(root, "ci_configs")
    assert config.kind == "github"
    assert sorted(config.python_versions) == [
        ("3.10", 10, True),
        ("3.10", 20, False),
        ("3.11", 10, True),
        ("3.12", 6, False),
    ]
    assert [(r.label, r.line) for r in config.runners] == [
        ("ubuntu-24.04", 9),
        ("macos-latest", 9),
        ("ubuntu-24.04", 16),
    ]


def test_github_fact_substitutes_single_valued_matrix_references(make_repo):
    root = make_repo(
        {
            ".github/workflows/ci.yml": (
                "on: push\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    strategy:\n      matrix:\n"
                "        python: ['3.11']\n        torch: ['2.2', '2.3']\n"
                "        include:\n          - cuda: '12.1'\n"
                "    env:\n      CUDA: cu${{ matrix.cuda }}\n"
                "    steps:\n      - run: conda install python=${{ matrix.python }} torch=${{ matrix.torch }} $CUDA\n"
            )
        }
    )
    (config,), _ = facts_of(root, "ci_configs")
    (step,) = config.run_steps
    assert step.script == "conda install python=3.11 torch=${{ matrix.torch }} $CUDA"
    assert step.env["CUDA"] == "cu12.1"
    assert config.jobs == {"test": 3}


def test_gitlab_fact_follows_local_includes_and_flattens_scripts(make_repo):
    root = make_repo(
        {
            ".gitlab-ci.yml": (
                "include:\n  - local: /ci/lint.yml\n  - project: other/group\n    file: x.yml\n"
                "image: python:3.11\nvariables:\n  PIP_NO_CACHE_DIR: '1'\n"
                ".setup: &setup\n  - pip install -r requirements.txt\n"
                "test:\n  before_script:\n    - *setup\n  script:\n    - |\n      pytest -q\n      echo done\n"
            ),
            "ci/lint.yml": "lint:\n  script: make lint\n  allow_failure: true\n",
        }
    )
    configs, project = facts_of(root, "ci_configs")
    assert [(c.path, c.kind) for c in configs] == [(".gitlab-ci.yml", "gitlab"), ("ci/lint.yml", "gitlab")]
    steps = [(s.job, s.line, s.script.strip()) for s in configs[0].run_steps]
    assert steps == [
        ("test", 9, "pip install -r requirements.txt"),  # the anchored list, at the anchor's line
        ("test", 15, "pytest -q\necho done"),
    ]
    assert configs[1].run_steps[0].continue_on_error
    assert configs[0].python_versions == [("3.11", 5, False)]
    assert project.problems == []


def test_composite_action_and_precommit_facts(make_repo):
    root = make_repo(
        {
            ".github/actions/setup/action.yml": (
                "name: setup\ninputs:\n  version:\n    description: v\n"
                "runs:\n  using: composite\n  steps:\n"
                "    - run: pip install tool==${{ inputs.version }}\n      shell: bash\n"
            ),
            ".pre-commit-config.yaml": HOOK + "  - repo: local\n    hooks:\n      - id: x\n        entry: x\n"
            "ci:\n  skip: [x]\n",
        }
    )
    (config,), _ = facts_of(root, "ci_configs")
    assert (config.kind, config.inputs, config.run_steps[0].line) == ("action", {"version": "string"}, 8)
    precommit, _ = facts_of(root, "precommit_config")
    assert [(r.repo, r.rev, r.rev_line) for r in precommit.repos] == [
        ("https://github.com/reprocheck/reprocheck", "v0.1.0", 3),
        ("local", None, 6),
    ]
    assert precommit.ci == {"skip": ["x"]}


def test_makefile_fact():
    makefile = parse_makefile(
        "Makefile",
        "PY ?= python3\nRUN := $(PY) -m\n.PHONY: check\ncheck: lint test ## all\nlint:\n\t@$(RUN) reprocheck . \\\n"
        "\t  --output-format concise\ntest: ; $(PY) -m pytest\nifdef CI\nextra:\n\t-echo $$HOME $@\nendif\n",
    )
    assert makefile.default_target == "check"
    closure = [(t, r.line, r.text) for t, r in makefile.recipe_closure("check")]
    assert closure == [
        ("lint", 6, "python3 -m reprocheck . \\\n  --output-format concise"),
        ("test", 8, "python3 -m pytest"),
    ]
    assert makefile.targets["extra"].recipe[0].text == "echo $HOME extra"


def test_unparsable_workflow_is_rpc002(make_repo):
    root = make_repo({".github/workflows/ci.yml": "jobs: [\n", ".gitlab-ci.yml": "a: !reference [x]\n"})
    codes_paths = sorted((f["code"], f["path"]) for f in findings(root, select="CI,RPC002"))
    assert ("RPC002", ".github/workflows/ci.yml") in codes_paths


# -- CI001 --------------------------------------------------------------------------------------------------------
def test_ci001_no_ci(make_repo):
    assert found(make_repo, {"pyproject.toml": "[project]\nname='x'\n", "train.py": ""}, "CI001") == [
        (
            "pyproject.toml",
            1,
            "no CI configuration: add a workflow (.github/workflows/ci.yml or .gitlab-ci.yml) that installs from "
            "the lock and runs the tests and reprocheck",
        )
    ]


def test_ci001_and_ci004_only_concern_python_projects(make_repo):
    ci = {".github/workflows/ci.yml": workflow("      - run: pre-commit run --all-files\n")}
    assert found(make_repo, {"a.txt": "x\n", "docs/index.md": "# x\n"}, "CI001") == []
    assert found(make_repo, {"a.txt": "x\n", "docs/index.md": "# x\n", **ci}, "CI004") == []
    assert [line for _, line, _ in found(make_repo, {"notebooks/eda.ipynb": "{}"}, "CI001")] == [1]
    assert [line for _, line, _ in found(make_repo, {"notebooks/eda.ipynb": "{}", **ci}, "CI004")] == [7]


def test_ci001_lookalikes(make_repo):
    for files in (
        {".github/workflows/ci.yml": workflow("      - run: pytest\n")},
        {".gitlab-ci.yml": "test:\n  script: pytest\n"},
        {".circleci/config.yml": "version: 2.1\n"},
        {"Jenkinsfile": "pipeline {}\n"},
        {".pre-commit-config.yaml": HOOK + "ci:\n  autofix_prs: false\n"},
    ):
        assert found(make_repo, {"train.py": "", **files}, "CI001") == [], files


# -- CI002 --------------------------------------------------------------------------------------------------------
def test_ci002_ci_never_runs_reprocheck(make_repo):
    files = {".github/workflows/ci.yml": workflow("      - run: pytest -q\n      - run: echo reprocheck\n")}
    expected = [
        (
            ".github/workflows/ci.yml",
            4,
            "CI (.github/workflows/ci.yml) never runs reprocheck: add a step `reprocheck .` to its test job "
            "(or `pre-commit run --all-files` with the reprocheck hook)",
        )
    ]
    assert found(make_repo, {**ADOPTED, **files}, "CI002") == expected
    # a repository that uses reprocheck through its pyproject settings, its pre-commit hook or a baseline
    hook = f"repos:\n  - repo: https://github.com/acme/reprocheck\n    rev: {SHA}\n    hooks:\n      - id: reprocheck\n"
    for adoption in (
        {"pyproject.toml": "[tool.reprocheck]\nselect = ['ALL']\n"},
        {".pre-commit-config.yaml": hook},
        {".reprocheck-baseline.json": '{"version": 1, "findings": []}\n'},
    ):
        assert found(make_repo, {**adoption, **files}, "CI002") == expected
    # a first run over a repository that never adopted reprocheck: that CI does not run it is no news
    assert found(make_repo, files, "CI002") == []


def test_ci002_points_at_the_workflow_that_runs_the_tests(make_repo):
    docs = "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo docs\n"
    build = "on: push\njobs:\n  image:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: docker build .\n"
    tests = (
        "on: push\njobs:\n  lint:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo lint\n"
        "  unit:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: uv run --locked pytest -q\n"
    )
    files = {
        ".github/workflows/a-docs.yml": docs,
        ".github/workflows/b-image.yml": build,
        ".github/workflows/c-tests.yml": tests,
    }
    assert [(p, line, m.split(": ")[1]) for p, line, m in found(make_repo, {**ADOPTED, **files}, "CI002")] == [
        (
            ".github/workflows/c-tests.yml",
            7,
            "add a step `reprocheck .` to its unit job (or `pre-commit run --all-files` with the reprocheck hook)",
        )
    ]
    # without tests, a job that installs or builds the project; without either, the first pipeline
    del files[".github/workflows/c-tests.yml"]
    assert [(p, line) for p, line, _ in found(make_repo, {**ADOPTED, **files}, "CI002")] == [
        (".github/workflows/b-image.yml", 3)
    ]
    del files[".github/workflows/b-image.yml"]
    assert [(p, line) for p, line, _ in found(make_repo, {**ADOPTED, **files}, "CI002")] == [
        (".github/workflows/a-docs.yml", 1)
    ]
    gitlab = {".gitlab-ci.yml": "stages: [test]\n.base:\n  script: echo\nunit:\n  script:\n    - python -m pytest\n"}
    assert [(p, line) for p, line, _ in found(make_repo, {**ADOPTED, **gitlab}, "CI002")] == [(".gitlab-ci.yml", 4)]


def test_ci002_prefers_tests_then_lint_then_pull_request_workflows(make_repo):
    job = "on: {on}\njobs:\n  {name}:\n    runs-on: ubuntu-24.04\n    steps:\n      - {step}\n"
    files = {
        ".github/workflows/a.yml": job.format(on="push", name="docs", step="run: pip install -r docs/req.txt"),
        ".github/workflows/b.yml": job.format(on="pull_request", name="pr", step="run: pip install -e ."),
    }
    assert [p for p, _, _ in found(make_repo, {**ADOPTED, **files}, "CI002")] == [".github/workflows/b.yml"]
    files[".github/workflows/c.yml"] = job.format(on="push", name="lint", step=f"uses: pre-commit/action@{SHA}")
    assert [p for p, _, _ in found(make_repo, {**ADOPTED, **files}, "CI002")] == [".github/workflows/c.yml"]
    files[".github/workflows/d.yml"] = job.format(on="push", name="unit-tests", step="uses: org/suite@v1")
    assert [p for p, _, _ in found(make_repo, {**ADOPTED, **files}, "CI002")] == [".github/workflows/d.yml"]


def test_ci002_runs_that_cannot_fail(make_repo):
    files = {
        ".github/workflows/ci.yml": workflow(
            "      - run: reprocheck . --exit-zero\n"
            "      - run: |\n          python -m reprocheck . || true\n"
            "      - run: uvx reprocheck .\n        continue-on-error: true\n"
        ),
        ".gitlab-ci.yml": "lint:\n  script:\n    - reprocheck .\n  allow_failure: true\n",
    }
    assert [(p, line, m.split(",")[0]) for p, line, m in found(make_repo, {**ADOPTED, **files}, "CI002")] == [
        (".github/workflows/ci.yml", 7, "CI runs reprocheck with `--exit-zero`"),
        (".github/workflows/ci.yml", 8, "CI runs reprocheck with `|| true`"),
        (".github/workflows/ci.yml", 10, "CI runs reprocheck with `continue-on-error: true`"),
        (".gitlab-ci.yml", 3, "CI runs reprocheck with `allow_failure: true`"),
    ]


def test_ci002_every_way_of_running_it(make_repo):
    ways = [
        {".github/workflows/ci.yml": workflow("      - run: reprocheck --output-format github .\n")},
        {".github/workflows/ci.yml": workflow("      - run: python3 -m reprocheck .\n")},
        {".github/workflows/ci.yml": workflow("      - run: uvx --from reprocheck==0.1.0 reprocheck .\n")},
        {".github/workflows/ci.yml": workflow("      - run: uv run --locked reprocheck .\n")},
        {
            ".github/workflows/ci.yml": workflow("      - run: pre-commit run --all-files\n"),
            ".pre-commit-config.yaml": HOOK,
        },
        {
            ".github/workflows/ci.yml": workflow("      - run: pre-commit run reprocheck -a\n"),
            ".pre-commit-config.yaml": HOOK,
        },
        {
            ".github/workflows/ci.yml": workflow(f"      - uses: pre-commit/action@{SHA}\n"),
            ".pre-commit-config.yaml": HOOK,
        },
        {
            ".github/workflows/ci.yml": workflow("      - run: make -C . check\n"),
            "Makefile": "check: lint\nlint:\n\t@reprocheck .\n",
        },
        {".gitlab-ci.yml": "lint:\n  script: make\n", "Makefile": "all:\n\t$(PY) -m reprocheck .\nPY = python\n"},
        {".gitlab-ci.yml": "lint:\n  script: ./scripts/ci.sh\n", "scripts/ci.sh": "set -e\nreprocheck .\n"},
        {".gitlab-ci.yml": "lint:\n  script: bash .ci/run\n", ".ci/run": "#!/bin/bash\nuvx reprocheck .\n"},
        {".gitlab-ci.yml": "lint:\n  script: make -f ci.mk lint\n", "ci.mk": "lint:\n\treprocheck .\n"},
        {".gitlab-ci.yml": "lint:\n  script: conda run -n base make lint\n", "Makefile": "lint:\n\treprocheck .\n"},
        {".gitlab-ci.yml": "test:\n  script: pytest\n", ".pre-commit-config.yaml": HOOK + "ci:\n  skip: []\n"},
    ]
    for files in ways:
        assert found(make_repo, {**ADOPTED, **files}, "CI002") == [], files


def test_ci002_lookalikes_that_do_not_count(make_repo):
    ways = [
        {".github/workflows/ci.yml": workflow("      - run: reprocheck rules\n")},
        {".github/workflows/ci.yml": workflow("      - run: pre-commit run --all-files\n")},  # no hook configured
        {".github/workflows/ci.yml": workflow("      - run: pre-commit run ruff\n"), ".pre-commit-config.yaml": HOOK},
        {".github/workflows/ci.yml": workflow("      - run: make test\n"), "Makefile": "test:\n\tpytest\n"},
        {".github/workflows/ci.yml": workflow("      - run: uv pip install reprocheck && pipx install reprocheck\n")},
        {
            ".github/workflows/ci.yml": workflow("      - run: make -C docs html\n"),
            "Makefile": "html:\n\treprocheck .\n",  # the root Makefile is not the one run
            "docs/Makefile": "html:\n\tsphinx-build . _build\n",
        },
        {".gitlab-ci.yml": "t:\n  script: pytest\n", ".pre-commit-config.yaml": HOOK + "ci:\n  skip: [reprocheck]\n"},
    ]
    for files in ways:
        assert len(found(make_repo, {**ADOPTED, **files}, "CI002")) == 1, files


def test_ci002_needs_ci(make_repo):
    assert found(make_repo, {"train.py": ""}, "CI002") == []
    action = "name: a\nruns:\n  using: composite\n  steps:\n    - run: echo hi\n      shell: bash\n"
    assert found(make_repo, {"train.py": "", "action.yml": action}, "CI002") == []
    assert [code for code in ("CI001",) if found(make_repo, {"train.py": "", "action.yml": action}, code)] == ["CI001"]


# -- CI003 --------------------------------------------------------------------------------------------------------
def test_ci003_mutable_actions_images_and_runners(make_repo):
    files = {
        ".github/workflows/ci.yml": (
            "on: push\njobs:\n"
            "  test:\n    runs-on: ubuntu-latest\n    container: python:latest\n"
            "    services:\n      db:\n        image: postgres\n"
            "    steps:\n"
            "      - uses: astral-sh/setup-uv@v6\n"
            "      - uses: conda-incubator/setup-miniconda@v3.1.0\n"
            "      - uses: org/action@main\n"
            "      - uses: docker://alpine:3.20\n"
            "  reuse:\n    uses: org/repo/.github/workflows/x.yml@v1\n"
        ),
        ".gitlab-ci.yml": "image: python\ntest:\n  image: python:latest\n  script: pytest\n",
    }
    result = found(make_repo, files, "CI003")
    assert [(p, line) for p, line, _ in result] == [
        (".github/workflows/ci.yml", 4),
        (".github/workflows/ci.yml", 5),
        (".github/workflows/ci.yml", 8),
        (".github/workflows/ci.yml", 10),
        (".github/workflows/ci.yml", 11),
        (".github/workflows/ci.yml", 12),
        (".github/workflows/ci.yml", 13),
        (".github/workflows/ci.yml", 15),
        (".gitlab-ci.yml", 1),
        (".gitlab-ci.yml", 3),
    ]
    messages = [m for _, _, m in result]
    assert messages[3] == (
        "astral-sh/setup-uv@v6 is not pinned to a commit: pin it as astral-sh/setup-uv@<40-hex sha>  # v6"
    )
    assert messages[0].startswith("runs-on: ubuntu-latest moves to a new OS release")
    root = make_repo(files)
    severities = {f["line"]: f["severity"] for f in findings(root, select="CI003") if f["path"].endswith("ci.yml")}
    assert severities[4] == "info" and severities[10] == "warning"


def test_ci003_runner_labels_only_for_jobs_that_install_test_train_or_build(make_repo):
    housekeeping = (
        "on: push\njobs:\n"
        "  links:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/checkout@{SHA}\n      - uses: lycheeverse/lychee-action@{SHA}\n"
        "  stale:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/stale@{SHA}\n"
        "  greet:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/first-interaction@{SHA}\n      - run: gh issue edit 1 --add-label triage\n"
        "  publish:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/download-artifact@{SHA}\n"
        "      - run: pip install twine && twine upload dist/*\n"
    )
    working = (
        "on: push\njobs:\n"
        "  test:\n    runs-on: ${{ matrix.os }}\n    strategy:\n      matrix:\n"
        "        os: [ubuntu-latest, windows-latest, macos-14]\n    steps:\n"
        f"      - uses: actions/setup-python@{SHA}\n"
        "  train:\n    runs-on: ubuntu-latest\n    steps:\n      - run: python train.py\n"
        "  image:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build -t x .\n"
        "  deps:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pip install -r requirements.txt\n"
    )
    files = {".github/workflows/chores.yml": housekeeping, ".github/workflows/ci.yml": working}
    result = [f for f in findings(make_repo(files), select="CI003")]
    assert [(f["path"], f["line"], f["severity"]) for f in result] == [(".github/workflows/ci.yml", 7, "info")]
    # once per workflow file: the other runs-on lines are related locations; the image-only job is not judged
    assert [place["line"] for place in result[0]["related"]] == [11, 19]
    assert result[0]["message"] == (
        "runs-on: ubuntu-latest, windows-latest (3 places in this workflow) move to a new OS release without "
        "notice: use a versioned runner (e.g. ubuntu-24.04, windows-<version>)"
    )


def test_ci003_commands_wrapped_in_actions_and_named_test_jobs(make_repo):
    files = {
        ".github/workflows/ci.yml": (
            "on: push\njobs:\n"
            "  links:\n    runs-on: ubuntu-latest\n    steps:\n"
            f"      - uses: org/retry@{SHA}\n        with:\n          run: lychee --verbose .\n"
            "  wheels:\n    runs-on: ubuntu-latest\n    steps:\n"
            f"      - uses: org/retry@{SHA}\n        with:\n          run: make wheel\n"
            "  Tests:\n    runs-on: macos-latest\n    steps:\n"
            f"      - uses: org/run-the-suite@{SHA}\n"
        )
    }
    result = [f for f in findings(make_repo(files), select="CI003") if "runs-on" in f["message"]]
    assert [(f["line"], [place["line"] for place in f["related"]]) for f in result] == [(10, [16])]
    assert result[0]["message"].startswith("runs-on: ubuntu-latest, macos-latest (2 places in this workflow) move")


def test_ci003_runner_of_jobs_that_only_build_container_images(make_repo):
    """The image is built from its Dockerfile: the runner's OS does not enter it (a matrix of Dockerfiles, the
    build-push action, buildx, podman). A job that also installs, tests or runs a container is still judged."""
    images = (
        "on: push\njobs:\n"
        "  docker:\n    strategy:\n      matrix:\n        include:\n"
        "          - dockerfile: Dockerfile-cpu\n            runs_on: ubuntu-latest\n"
        "          - dockerfile: Dockerfile\n            runs_on: ubuntu-latest\n"
        "    runs-on: ${{ matrix.runs_on }}\n    steps:\n"
        f"      - uses: actions/checkout@{SHA}\n"
        f"      - uses: org/retry@{SHA}\n        with:\n          run: docker login -u x --password-stdin\n"
        f"      - uses: org/retry@{SHA}\n        with:\n          run: docker build -f ${{{{ matrix.dockerfile }}}} .\n"
        "      - run: docker push org/img\n"
        "  action:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: docker/setup-buildx-action@{SHA}\n      - uses: docker/build-push-action@{SHA}\n"
        "  buildx:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: docker buildx build --platform linux/arm64 -t org/img .\n"
        "      - run: podman build -t img . && docker tag img org/img\n"
    )
    assert [m for _, _, m in found(make_repo, {".github/workflows/docker.yml": images}, "CI003")] == []
    still = (
        "on: push\njobs:\n"
        "  smoke:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: docker build -t img .\n      - run: docker run img pytest\n"
        "  compose:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker compose up --exit-code-from app\n"
        "  wheel:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/setup-python@{SHA}\n      - uses: docker/build-push-action@{SHA}\n"
    )
    result = [f for f in findings(make_repo({".github/workflows/ci.yml": still}), select="CI003")]
    assert [(f["line"], [place["line"] for place in f["related"]]) for f in result] == [(4, [9, 13])]
    assert result[0]["message"].startswith("runs-on: ubuntu-latest (3 places in this workflow) moves")


def test_ci003_runner_of_jobs_that_only_lint_or_report(make_repo):
    """Linting (pre-commit and its action, ruff, flake8, linters installed on their own or from a requirements
    file of linters, `make lint`) and reports that fetch results and render them (CML with setup-cml/setup-dvc,
    `dvc pull`, `dvc plots diff`, `cml comment create`, a global npm tool) do not depend on the runner's OS."""
    checks = (
        "on: [push, pull_request]\njobs:\n"
        "  code-quality:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/setup-python@{SHA}\n      - uses: org/file-changes@{SHA}\n"
        f"      - uses: pre-commit/action@{SHA}\n"
        "  linters:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/setup-python@{SHA}\n"
        "      - run: pip install black black[jupyter] flake8 isort\n      - run: isort --check . && flake8\n"
        "      - run: pip install -r requirements-dev.txt && python -m pylint pkg && make lint\n"
        "  report:\n    runs-on: [ubuntu-latest]\n    steps:\n"
        f"      - uses: iterative/setup-cml@{SHA}\n      - uses: iterative/setup-dvc@{SHA}\n"
        "      - run: npm install -g json5\n"
        "      - run: |\n          cml ci\n          dvc pull eval\n          dvc plots diff main workspace > p.json\n"
        "          dvc exp diff main --md > report.md\n          cml comment create report.md\n"
    )
    files = {".github/workflows/checks.yml": checks, "requirements-dev.txt": "black==22.6.0\npylint==2.15.0\n"}
    assert [m for _, _, m in found(make_repo, files, "CI003") if "runs-on" in m] == []


def test_ci003_runner_of_jobs_that_build_the_docs_or_check_links(make_repo):
    """A docs build installs what the docs need (a theme, image libraries), a link check runs pytest on the
    documents and a quality job installs the project for its linters: the runner's OS enters no result. A docs job
    that also runs the tests is judged."""
    docs = (
        "on: push\njobs:\n"
        "  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: pip install mkdocs-jupyter pillow cairosvg\n      - run: mkdocs gh-deploy --force\n"
        "  sphinx:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: pip install -r docs/requirements.txt\n      - run: make docs\n"
        "  links:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: pip install pytest pytest-check-links\n      - run: pytest --check-links README.md\n"
        "  quality:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pip install -e .[quality]\n"
        "      - run: make quality\n"
        "  html:\n    runs-on: ubuntu-latest\n    steps:\n      - run: sudo apt-get install -y pandoc\n"
        f"      - uses: anishathalye/proof-html@{SHA}\n"
    )
    files = {".github/workflows/docs.yml": docs, "docs/requirements.txt": "sphinx==7.3.7\n"}
    runners = [f for f in findings(make_repo(files), select="CI003") if "runs-on" in f["message"]]
    assert runners == []
    tested = {".github/workflows/docs.yml": docs.replace("mkdocs gh-deploy --force", "pytest && mkdocs build")}
    runners = [f for f in findings(make_repo({**files, **tested}), select="CI003") if "runs-on" in f["message"]]
    assert [f["line"] for f in runners] == [4]


def test_ci003_lint_and_report_lookalikes_that_do_work_on_the_runner(make_repo):
    """A lint job that also tests, runs a script or builds, a DVC job that reproduces the pipeline, a set-up job
    whose other steps are unknown, a local npm build: still judged."""
    jobs = (
        "on: push\njobs:\n"
        "  typecheck:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: pip install -e . mypy && mypy src && pytest\n"
        "  lint-deps:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: pip install -r requirements-lint.txt && flake8 && python train.py --smoke\n"
        "  repro:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: iterative/setup-dvc@{SHA}\n      - run: dvc pull && dvc repro && cml comment create r.md\n"
        "  suite:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/setup-python@{SHA}\n      - uses: org/run-suite@{SHA}\n"
        "  web:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm ci && npm run build\n"
    )
    files = {".github/workflows/ci.yml": jobs, "requirements-lint.txt": "flake8==7.0.0\ntorch==2.3.1\n"}
    (finding,) = [f for f in findings(make_repo(files), select="CI003") if "runs-on" in f["message"]]
    assert (finding["line"], [place["line"] for place in finding["related"]]) == (4, [8, 12, 17, 22])


def test_ci003_runner_of_lint_link_check_and_chore_jobs_whatever_they_install(make_repo):
    """A quality job that installs the project's extras or a mixed requirements file for its linters, a link check
    named `test` that installs pytest plugins and their pins, a merge job that sets up Python for PyGithub and runs
    an inline Python script, a labelling job that sets up a toolchain and runs gh/git: no result depends on the
    runner's OS."""
    jobs = (
        "on: push\njobs:\n"
        "  quality:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/setup-python@{SHA}\n"
        "      - run: |\n          python -m pip install --upgrade pip\n"
        '          python -m pip install ".[quality]"\n'
        "      - run: make quality\n"
        "  Linting:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: pip install -r requirements-dev.txt\n      - run: make lint\n"
        "      - run: pip install -e . mypy && mypy src\n"
        "  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: astral-sh/setup-uv@{SHA}\n"
        '      - run: uv pip install "mistune<3.1" "pytest<9" pytest-check-links\n'
        "      - run: pytest --check-links README.md tutorials\n"
        "  Merge:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/setup-python@{SHA}\n      - uses: org/actions/setup-uv@{SHA}\n"
        "      - run: uv pip install --system pygithub\n"
        "      - shell: python\n        run: |\n          from github import Github\n"
        "  markdown:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/setup-node@{SHA}\n      - run: npx --yes markdown-link-check README.md\n"
        f"      - uses: actions/setup-python@{SHA}\n      - run: uvx ruff@0.5.0 check .\n"
        "  label:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/setup-node@{SHA}\n"
        "      - run: gh pr edit 1 --add-label ready && git push origin HEAD:main\n"
    )
    files = {".github/workflows/chores.yml": jobs, "requirements-dev.txt": "coverage\nflake8\nnumpy==1.26.4\n"}
    assert [m for _, _, m in found(make_repo, files, "CI003")] == []
    # the same jobs doing real work are judged: a test named job that runs pytest, a merge job that trains
    working = (
        jobs.replace("pytest --check-links README.md tutorials", "pytest tests")
        .replace("from github import Github", "import x")
        .replace("      - run: uv pip install --system pygithub\n", "      - run: python train.py\n")
    )
    runners = [f for f in findings(make_repo({**files, ".github/workflows/chores.yml": working}), select="CI003")]
    assert [(f["line"], [p["line"] for p in f.get("related", [])]) for f in runners] == [(18, [24])]


def test_ci003_actions_that_surface_test_reports_are_not_judged(make_repo):
    """A test-report or coverage action runs after the tests and only shows what they wrote; other third-party
    actions of the same test job are still reported."""
    steps = (
        f"      - uses: actions/setup-python@{SHA}\n"
        "      - run: pip install hatch && hatch run ci:test --junit-xml results.xml\n"
        "      - uses: pmeier/pytest-results-action@main\n        with:\n          path: results.xml\n"
        "      - uses: codecov/codecov-action@v4\n"
        "      - uses: conda-incubator/setup-miniconda@v3\n"
    )
    assert [line for _, line, _ in found(make_repo, {".github/workflows/ci.yml": workflow(steps)}, "CI003")] == [13]


def test_ci003_runners_reported_once_per_workflow_file(make_repo):
    """Each workflow file gets its own finding; one -latest line is reported without a count."""
    job = "  {name}:\n    runs-on: {runner}\n    steps:\n      - run: pip install -r requirements.txt\n"
    test_yml = (
        "on: push\njobs:\n"
        + job.format(name="test", runner="ubuntu-latest")
        + job.format(name="coverage", runner="ubuntu-latest")
    )
    docs_yml = (
        "on: push\njobs:\n"
        + job.format(name="docs", runner="ubuntu-latest")
        + job.format(name="pinned", runner="ubuntu-24.04")
    )
    files = {".github/workflows/test.yml": test_yml, ".github/workflows/docs.yml": docs_yml}
    result = [f for f in findings(make_repo(files), select="CI003")]
    assert [(f["path"], f["line"], len(f.get("related", []))) for f in result] == [
        (".github/workflows/docs.yml", 4, 0),
        (".github/workflows/test.yml", 4, 1),
    ]
    assert result[0]["message"].startswith("runs-on: ubuntu-latest moves to a new OS release")
    assert "(2 places in this workflow)" in result[1]["message"]


def test_ci003_an_action_reported_once_per_workflow_file_and_reference(make_repo):
    """The same unpinned action in several jobs or steps of one workflow is one pin decision: one finding at its
    first use, the other uses related; another reference (`@v2`), another file each get their own."""
    job = (
        "  {name}:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: pip install -r requirements.txt\n"
        "      - uses: acme/setup-toolchain@v1\n      - uses: acme/find-replace@{ref}\n"
        "      - uses: acme/find-replace@{ref}\n      - run: pytest\n"
    )
    ci = "on: push\njobs:\n" + job.format(name="test", ref="v1") + job.format(name="windows", ref="v2")
    files = {
        ".github/workflows/ci.yml": ci,
        ".github/workflows/nightly.yml": "on: push\njobs:\n" + job.format(name="n", ref="v1"),
    }
    result = [
        (f["path"], f["line"], len(f.get("related", [])), f["message"])
        for f in findings(make_repo(files), select="CI003")
    ]
    ci_found = [r for r in result if r[0].endswith("ci.yml")]
    assert [(line, related) for _, line, related, _ in ci_found] == [(7, 1), (8, 1), (16, 1)]
    assert ci_found[0][3].startswith(
        "acme/setup-toolchain@v1 is not pinned to a commit (2 places in this workflow): pin"
    )
    assert "acme/find-replace@v2" in ci_found[2][3]
    nightly = [r for r in result if r[0].endswith("nightly.yml")]
    assert len(nightly) == 2 and "(2 places" in nightly[1][3] and "places" not in nightly[0][3]


def test_ci003_lookalikes(make_repo):
    files = {
        ".github/workflows/ci.yml": (
            "on: push\njobs:\n"
            "  test:\n    runs-on: [self-hosted, gpu]\n    container:\n      image: python:3.11.9-slim\n"
            "    services:\n      db:\n        image: postgres:16.3@sha256:" + "a" * 64 + "\n"
            "    steps:\n"
            f"      - uses: actions/checkout@{SHA} # v4.2.2\n"
            "      - uses: ./.github/actions/setup\n"
            "      - uses: docker://alpine@sha256:" + "b" * 64 + "\n"
            "  other:\n    runs-on: ubuntu-24.04\n    container: ${{ matrix.image }}\n    steps: []\n"
        ),
        ".gitlab-ci.yml": "image: $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA\ntest:\n  image: python:3.11\n  script: pytest\n",
    }
    assert found(make_repo, files, "CI003") == []


def test_ci003_github_owned_actions_on_a_tag_are_not_reported(make_repo):
    files = {
        ".github/workflows/ci.yml": (
            "on: push\njobs:\n"
            "  test:\n    runs-on: ubuntu-24.04\n    steps:\n"
            "      - uses: actions/checkout@v4\n"
            "      - uses: actions/setup-python@v5.1.0\n"
            "      - uses: github/codeql-action/init@v3\n"
            "      - uses: Actions/cache@v4\n"
            "      - uses: actions/checkout@main\n"
            "      - uses: github/codeql-action/analyze@master\n"
            "      - uses: actions/upload-artifact\n"
            "      - uses: actions-rs/toolchain@v1\n"
            "      - uses: my-actions/setup@v2\n"
            "      - uses: githubtraining/hello@v1\n"
            "  reuse:\n    uses: actions/reusable/.github/workflows/x.yml@v1\n"
        )
    }
    result = found(make_repo, files, "CI003")
    assert [(line, m.split(" is ")[0].split(" has ")[0]) for _, line, m in result] == [
        (10, "actions/checkout@main"),
        (11, "github/codeql-action/analyze@master"),
        (12, "actions/upload-artifact"),
        (13, "actions-rs/toolchain@v1"),
        (14, "my-actions/setup@v2"),
        (15, "githubtraining/hello@v1"),
    ]


OWN_ACTIONS_WORKFLOW = (
    "on: push\njobs:\n"
    "  test:\n    runs-on: ubuntu-24.04\n    steps:\n"
    "      - uses: ultralytics/actions/retry@main\n"
    "      - uses: Ultralytics/actions@v1\n"
    "      - uses: ultralytics-community/setup@main\n"
    "      - uses: other/ultralytics@main\n"
)


def test_ci003_the_projects_own_actions_are_first_party(make_repo):
    pyproject = (
        "[project]\nname = 'yolo'\ndependencies = ['thop']  # https://github.com/someone/thop\n"
        "[project.urls]\nSource = 'https://github.com/ultralytics/yolo/'\n"
        "Documentation = 'https://docs.ultralytics.com'\n"
    )
    files = {"pyproject.toml": pyproject, ".github/workflows/ci.yml": OWN_ACTIONS_WORKFLOW}
    assert [line for _, line, _ in found(make_repo, files, "CI003")] == [8, 9]


def test_ci003_the_origin_remote_names_the_owner(make_repo):
    root = make_repo({"train.py": "", ".github/workflows/ci.yml": OWN_ACTIONS_WORKFLOW})
    with open(root / ".git" / "config", "a") as config:
        config.write('[remote "upstream"]\n\turl = https://github.com/other/x.git\n')
        config.write('[remote "origin"]\n\turl = git@github.com:ultralytics/yolo.git\n\tfetch = +refs/*\n')
    assert [f["line"] for f in findings(root, select="CI003")] == [8, 9]


def test_ci003_owners_named_elsewhere_are_third_party(make_repo):
    pyproject = (
        "[project]\nname = 'yolo'\ndependencies = ['thop']\n# https://github.com/ultralytics/yolo\n"
        "[project.urls]\nDocumentation = 'https://ultralytics.github.io/yolo'\n"
    )
    files = {
        "pyproject.toml": pyproject,
        "README.md": "See https://github.com/ultralytics/yolo\n",
        ".github/workflows/ci.yml": OWN_ACTIONS_WORKFLOW,
    }
    root = make_repo(files)
    with open(root / ".git" / "config", "a") as config:
        config.write('[remote "upstream"]\n\turl = https://github.com/ultralytics/yolo.git\n')
    assert [f["line"] for f in findings(root, select="CI003")] == [6, 7, 8, 9]


def test_ci003_the_readme_clone_command_names_the_owner(make_repo):
    readme = "# yolo\n\n```bash\ngit clone --depth 1 https://github.com/ultralytics/yolo.git\n```\n"
    reusable = (
        "on: push\njobs:\n  ci:\n    uses: ultralytics/.github/.github/workflows/branch_ci.yml@main\n"
        "  other:\n    uses: someone/.github/.github/workflows/ci.yml@main\n"
    )
    files = {
        "train.py": "",
        "README.md": readme,
        ".github/workflows/ci.yml": OWN_ACTIONS_WORKFLOW,
        ".github/workflows/reuse.yml": reusable,
    }
    assert [(p, line) for p, line, _ in found(make_repo, files, "CI003")] == [
        (".github/workflows/ci.yml", 8),
        (".github/workflows/ci.yml", 9),
        (".github/workflows/reuse.yml", 6),
    ]


def test_ci003_actions_that_make_no_result_are_not_judged(make_repo):
    """Release-tag readers and PATH locators make nothing a result depends on; the other third-party actions of
    the same job are still reported, credential actions included (a moved tag would receive the secrets)."""
    steps = (
        "      - uses: aws-actions/configure-aws-credentials@v4\n"
        "      - uses: microsoft/setup-msbuild@v1\n"
        "      - uses: pozetroninc/github-action-get-latest-release@master\n"
        "      - run: pip install -r requirements.txt && pytest\n"
        "      - uses: iterative/setup-cml@v2\n"
        "      - uses: conda-incubator/setup-miniconda@v3\n"
    )
    assert [line for _, line, _ in found(make_repo, {".github/workflows/ci.yml": workflow(steps)}, "CI003")] == [
        7,
        11,
        12,
    ]


def test_ci003_runner_of_jobs_testing_moving_dependencies_on_purpose(make_repo):
    def job(name: str, extra: str = "", install: str = "pip install -r requirements.txt", env: str = "") -> str:
        return f"  {name}:\n    runs-on: ubuntu-latest\n{extra}    steps:\n      - run: {install} && pytest\n{env}"

    text = "on: [push]\njobs:\n" + "".join(
        [
            job("canary", "    continue-on-error: true\n"),
            job("deps", '    name: "Bleeding Edge Dependencies: Python Latest"\n'),
            job("pre", install="pip install --pre --upgrade numpy"),
            job(
                "nightly_index", env="        env:\n          ARGS: '-f https://download.pytorch.org/whl/nightly/cpu'\n"
            ),
            # look-alikes that stay reported: an ordinary test job, a job named for its OS label
            job("test"),
            job("tests", '    name: "Tests on ubuntu-latest"\n'),
        ]
    )
    (finding,) = findings(make_repo({".github/workflows/ci.yml": text}), select="CI003")
    assert finding["line"] == 14 and [r["line"] for r in finding["related"]] == [24, 28]
    assert finding["message"].startswith("runs-on: ubuntu-latest (3 places in this workflow)")


# -- CI004 --------------------------------------------------------------------------------------------------------
def test_ci004_missing_config_where_the_project_runs_pre_commit(make_repo):
    """CI steps, the pre-commit action, the root Makefile, tox/nox and contributor docs that run or mention
    pre-commit expect the root's config: one warning, at the first place (CI first), the others related."""
    files = {"README.md": "# x\n", "train.py": ""}
    cases = (
        ({".github/workflows/ci.yml": workflow("      - run: pip install pre-commit && pre-commit run -a\n")},
         (".github/workflows/ci.yml", 7, "CI runs")),
        ({".github/workflows/ci.yml": workflow(f"      - uses: pre-commit/action@{SHA}\n")},
         (".github/workflows/ci.yml", 7, "CI runs")),
        ({".gitlab-ci.yml": "lint:\n  script:\n    - uv run pre-commit run --all-files\n"},
         (".gitlab-ci.yml", 3, "CI runs")),
        ({"Makefile": "lint:\n\tpython -m pre_commit run --all-files\n"}, ("Makefile", 2, "the Makefile runs")),
        ({"tox.ini": "[testenv:lint]\ndeps = pre-commit\ncommands = pre-commit run -a\n"},
         ("tox.ini", 3, "tox.ini runs")),
        ({"noxfile.py": "import nox\n@nox.session\ndef lint(s):\n    s.run('pre-commit', 'run', '-a')\n"},
         ("noxfile.py", 4, "noxfile.py runs")),
        ({"CONTRIBUTING.md": "# Contributing\n\nRun `pre-commit install` first.\n"},
         ("CONTRIBUTING.md", 3, "CONTRIBUTING.md tells contributors to use")),
        ({"README.md": "# x\n## Development\npip install pre-commit && pre-commit install --install-hooks\n"},
         ("README.md", 3, "README.md tells contributors to use")),
    )  # fmt: skip
    for extra, (path, line, who) in cases:
        (finding,) = findings(make_repo({**files, **extra}), select="CI004")
        assert (finding["path"], finding["line"], finding["severity"]) == (path, line, "warning"), extra
        assert finding["message"] == (
            f"{who} pre-commit but there is no .pre-commit-config.yaml: add one at the root with the project's "
            "hooks (reprocheck, formatters) pinned to tags or commits"
        )
    both = {
        ".github/workflows/ci.yml": workflow("      - run: pre-commit run -a\n"),
        "CONTRIBUTING.md": "Run pre-commit run -a.\n",
    }
    (finding,) = findings(make_repo({**files, **both}), select="CI004")
    assert finding["path"] == ".github/workflows/ci.yml"
    assert finding["related"] == [{"path": "CONTRIBUTING.md", "line": 1}]


def test_ci004_missing_config_the_project_never_expects_is_not_reported(make_repo):
    """CI, linters and docs that never run pre-commit, a sub-folder's own config (a course module) and a step that
    runs pre-commit in that folder or with `-c`, a sub-folder's Makefile, and a mention of another config file."""
    files = {"README.md": "# x\n", "train.py": ""}
    module_step = (
        "      - run: pre-commit run --all-files\n        working-directory: course/module1\n"
        "      - run: pre-commit run -c tools/hooks.yaml && pre-commit --version\n"
    )
    for extra in (
        {".github/workflows/ci.yml": workflow("      - run: pytest\n      - run: ruff check .\n")},
        {".gitlab-ci.yml": "test:\n  script: pytest\n"},
        {".circleci/config.yml": "version: 2.1\n"},
        {".github/workflows/ci.yml": workflow(module_step), "course/module1/.pre-commit-config.yaml": "repos: []\n"},
        {"course/module1/.pre-commit-config.yaml": "repos: []\n", "course/module1/README.md": "pre-commit install\n"},
        {"course/Makefile": "lint:\n\tpre-commit run -a\n"},
        {"README.md": "Copy .pre-commit-config.yaml from the template.\n"},
        {"README.md": "## Module 6\n- Linting, formatting, and pre-commit hooks\n", "tox.ini": "[tox]\n"},
        {"CONTRIBUTING.md": "We use pre-commit-ci and pre-commit-install-hooks-action.\n"},
    ):
        assert found(make_repo, {**files, **extra}, "CI004") == [], extra


def test_ci004_a_step_in_a_folder_the_run_makes_uses_that_folders_config(make_repo):
    """A template's CI generates the project (cookiecutter) and runs pre-commit in it: its `working-directory` is an
    expression or a folder the repository does not hold, so the configuration is the generated project's (the
    template's `{{ cookiecutter.repository_name }}/.pre-commit-config.yaml`), not a missing root one."""
    files = {
        "README.md": "# template\n",
        "cookiecutter.json": "{}\n",
        "{{ cookiecutter.repository_name }}/.pre-commit-config.yaml": "repos: []\n",
        "{{ cookiecutter.repository_name }}/train.py": "",
    }
    generated = (
        "      - run: cookiecutter . --no-input repository_name=project-test\n"
        "      - run: |\n          pre-commit install\n          pre-commit run -v --all-files\n"
        "        working-directory: ${{ env.PROJECT }}\n"
    )
    env = "env:\n  PROJECT: 'project-test'\n"
    cases = (
        workflow(generated).replace("jobs:", env + "jobs:"),  # the judged shape: env names a folder made by the run
        workflow(generated.replace("${{ env.PROJECT }}", "project-test")),  # written out
        workflow(generated.replace("${{ env.PROJECT }}", "${{ steps.gen.outputs.dir }}")),  # unknown expression
        workflow(generated.replace("        working-directory: ${{ env.PROJECT }}\n", ""),
                 extra="    defaults:\n      run:\n        working-directory: ${{ env.PROJECT }}\n"),
    )  # fmt: skip
    for text in cases:
        assert found(make_repo, {**files, ".github/workflows/ci.yml": text}, "CI004") == [], text


def test_ci004_a_step_in_a_folder_of_the_repository_or_at_the_root_still_needs_a_config(make_repo):
    """Look-alikes: a `working-directory` (or env value) naming a folder the repository holds without its own
    configuration (pre-commit then reads the root's) and `working-directory: .` still expect the root's."""
    files = {"README.md": "# x\n", "train.py": "", "src/train.py": ""}
    step = "      - run: pre-commit run -a\n        working-directory: {}\n"
    env = "env:\n  CODE: src\n"
    for text in (
        workflow(step.format("src")),
        workflow(step.format("${{ env.CODE }}")).replace("jobs:", env + "jobs:"),
        workflow(step.format("./")),
    ):
        ((path, _, message),) = found(make_repo, {**files, ".github/workflows/ci.yml": text}, "CI004")
        assert path == ".github/workflows/ci.yml" and message.startswith("CI runs pre-commit"), text


def test_ci004_missing_config_without_ci_is_left_to_ci001(make_repo):
    for files in (
        {"README.md": "# x\n", "train.py": ""},
        {"pyproject.toml": "[project]\nname='x'\n", "src/x/__init__.py": ""},
        {"paper/train.py": "", "requirements.txt": "torch==2.3.1\n"},
    ):
        assert found(make_repo, files, "CI004") == [], files
        assert [code for code in ("CI001",) if found(make_repo, files, code)] == ["CI001"]
    action_only = {"train.py": "", "action.yml": "runs:\n  using: composite\n  steps: []\n"}
    assert found(make_repo, action_only, "CI004") == []


def test_ci004_branch_revs(make_repo):
    config = (
        "repos:\n"
        "  - repo: https://github.com/psf/black\n    rev: stable\n    hooks: [{id: black}]\n"
        "  - repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: main\n    hooks: [{id: check-yaml}]\n"
    )
    (finding,) = findings(make_repo({".pre-commit-config.yaml": config}), select="CI004")  # one fix pins them all
    assert (finding["line"], finding["message"]) == (
        3,
        "2 pre-commit hook repos use a branch as rev: black (stable), pre-commit-hooks (main): pin tags or commits "
        "(pre-commit autoupdate --freeze)",
    )
    assert [r["line"] for r in finding["related"]] == [6]
    single = "repos:\n  - repo: https://github.com/psf/black\n    rev: stable\n    hooks: [{id: black}]\n"
    assert [(line, m) for _, line, m in found(make_repo, {".pre-commit-config.yaml": single}, "CI004")] == [
        (
            3,
            "pre-commit hook repo https://github.com/psf/black uses rev: stable, a branch: pin a tag or commit "
            "(pre-commit autoupdate --freeze)",
        ),
    ]
    with_ci = {"train.py": "", ".github/workflows/ci.yml": workflow("      - run: pytest\n")}
    for repo_files in ({"train.py": ""}, with_ci):  # with or without CI, a branch rev is a warning
        root = make_repo({".pre-commit-config.yaml": config, **repo_files})
        assert {f["severity"] for f in findings(root, select="CI004")} == {"warning"}


def test_ci004_lookalikes(make_repo):
    config = (
        "repos:\n"
        "  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.6.9\n    hooks: [{id: ruff}]\n"
        "  - repo: https://github.com/psf/black-pre-commit-mirror\n    rev: 24.8.0\n    hooks: [{id: black}]\n"
        f"  - repo: https://github.com/x/y\n    rev: {SHA}\n    hooks: [{{id: y}}]\n"
        "  - repo: https://github.com/x/z\n    rev: release-2024.05\n    hooks: [{id: z}]\n"
        "  - repo: local\n    hooks: [{id: l, name: l, entry: l, language: system}]\n"
        "  - repo: meta\n    hooks: [{id: check-hooks-apply}]\n"
    )
    assert found(make_repo, {".pre-commit-config.yaml": config}, "CI004") == []


# -- SEC002 -------------------------------------------------------------------------------------------------------
def test_sec002_untrusted_expressions_in_run(make_repo):
    files = {
        ".github/workflows/triage.yml": (
            "on:\n  issue_comment:\n  workflow_call:\n    inputs:\n      note: {type: string}\n"
            "jobs:\n  t:\n    runs-on: ubuntu-24.04\n    steps:\n"
            "      - run: |\n"
            '          echo "title: ${{ github.event.issue.title }}"\n'
            '          gh pr comment --body "${{ github.event.comment.body }}"\n'
            "      - run: git checkout ${{ github.head_ref }} && echo ${{ inputs.note }}\n"
        ),
        ".github/actions/a/action.yml": (
            "name: a\ninputs:\n  v: {description: v}\nruns:\n  using: composite\n  steps:\n"
            "    - run: echo ${{ inputs.v }}\n      shell: bash\n"
        ),
    }
    result = found(make_repo, files, "SEC002")
    # one finding per step (its env: block is the fix), the step's other lines related
    assert [(p, line) for p, line, _ in result] == [
        (".github/actions/a/action.yml", 7),
        (".github/workflows/triage.yml", 11),
        (".github/workflows/triage.yml", 13),
    ]
    assert result[2][2] == (
        "${{ github.head_ref }}, ${{ inputs.note }} are expanded into a run: script (script injection): pass them "
        'through env: (HEAD_REF: ${{ github.head_ref }}, NOTE: ${{ inputs.note }}) and use "$HEAD_REF", "$NOTE"'
    )
    assert result[1][2] == (
        "${{ github.event.issue.title }}, ${{ github.event.comment.body }} are expanded into a run: script (script "
        "injection): pass them through env: (TITLE: ${{ github.event.issue.title }}, BODY: "
        '${{ github.event.comment.body }}) and use "$TITLE", "$BODY"'
    )
    root = make_repo(files)
    triage = [f for f in findings(root, select="SEC002") if f["path"].endswith("triage.yml")]
    assert triage[0]["column"] == 24
    assert [r["line"] for r in triage[0]["related"]] == [12]


def test_sec002_lookalikes(make_repo):
    files = {
        ".github/workflows/ok.yml": (
            "on:\n  pull_request:\n  workflow_dispatch:\n    inputs:\n      dry: {type: boolean}\n"
            "      level: {type: choice, options: [a, b]}\n"
            "jobs:\n  t:\n    runs-on: ubuntu-24.04\n    steps:\n"
            '      - run: echo "$TITLE"\n        env:\n          TITLE: ${{ github.event.pull_request.title }}\n'
            "      - run: echo ${{ github.event.pull_request.number }} ${{ github.event.pull_request.head.sha }}\n"
            "      - run: echo ${{ inputs.dry }} ${{ inputs.level }} ${{ github.sha }} ${{ github.event_name }}\n"
            "      - run: echo ${{ github.event.action == 'opened' }}\n"
            "      - uses: actions/github-script@" + SHA + "\n        with:\n          script: console.log(1)\n"
            "      - name: ${{ github.event.pull_request.title }}\n        run: echo hi\n"
        ),
        ".gitlab-ci.yml": "t:\n  script: echo ${{ github.event.issue.title }}\n",
        # inputs only a person with write access can set: a manual dispatch
        ".github/workflows/manual.yml": (
            "on:\n  push:\n  workflow_dispatch:\n    inputs:\n      ref: {type: string}\n"
            "jobs:\n  t:\n    runs-on: ubuntu-24.04\n    steps:\n"
            "      - run: git checkout ${{ inputs.ref }} && echo ${{ github.event.inputs.ref }}\n"
        ),
    }
    assert found(make_repo, files, "SEC002") == []


def test_sec002_release_fields_the_maintainer_types_are_trusted_the_body_is_not(make_repo):
    """Only people with write access create releases: the tag, title and target branch they type inject nothing they
    could not push anyway (the judged shape: `on: release` publishing docs for `${{ github.event.release.tag_name }}`;
    another: the title in a reusable workflow). The body is reported: generated notes quote pull-request titles."""
    docs = (
        "on:\n  release:\n    types: [created]\njobs:\n  docs:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: mike deploy --push --update-aliases ${{ github.event.release.tag_name }} latest\n"
        '      - run: echo "${{ github.event.release.name }} from ${{ github.event.release.target_commitish }}"\n'
    )
    called = "on:\n  workflow_call:\n  release:\njobs:\n  t:\n    runs-on: ubuntu-24.04\n    steps:\n"
    files = {
        ".github/workflows/docs.yml": docs,
        ".github/workflows/called.yml": called + "      - run: echo ${{ github.event.release.name }}\n",
    }
    assert found(make_repo, files, "SEC002") == []
    body = {".github/workflows/notes.yml": docs + '      - run: echo "${{ github.event.release.body }}" > notes.md\n'}
    ((path, line, message),) = found(make_repo, body, "SEC002")
    assert (path, line) == (".github/workflows/notes.yml", 10) and "${{ github.event.release.body }}" in message
    pushed = {".github/workflows/push.yml": docs.replace("${{ github.event.release.tag_name }}", "${{ "
              "github.event.head_commit.message }}")}  # fmt: skip
    ((_, _, message),) = found(make_repo, pushed, "SEC002")
    assert message.startswith("${{ github.event.head_commit.message }}")


@pytest.mark.parametrize(
    ("makefile", "command", "named"),
    [
        ("lint:\n\t-reprocheck .\n", "make lint", "a `-` prefix or `.IGNORE` for `lint` in Makefile"),
        ("lint:\n\t@-reprocheck .\n", "make lint", "a `-` prefix or `.IGNORE` for `lint` in Makefile"),
        (".IGNORE: lint\nlint:\n\treprocheck .\n", "make lint", "`.IGNORE` for `lint`"),
        (".IGNORE:\ncheck: lint\nlint:\n\treprocheck .\n", "make check", "`.IGNORE` for `lint`"),
        ("lint:\n\treprocheck .\n", "make -i lint", "`make -i` (errors ignored)"),
        ("lint:\n\treprocheck .\n", "make -ik lint", "`make -i` (errors ignored)"),
    ],
)
def test_ci002_names_make_ignoring_the_checkers_failure(make_repo, makefile, command, named):
    files = {".github/workflows/ci.yml": workflow(f"      - run: {command}\n"), "Makefile": makefile}
    messages = [message for _path, _line, message in found(make_repo, {**ADOPTED, **files}, "CI002")]
    assert len(messages) == 1 and named in messages[0], messages


@pytest.mark.parametrize(
    ("makefile", "command"),
    [
        ("lint:\n\t@reprocheck .\n", "make lint"),
        ("lint:\n\t+reprocheck .\n", "make lint"),
        (".IGNORE: docs\nlint:\n\treprocheck .\ndocs:\n\t-sphinx-build docs out\n", "make lint"),
        ("lint:\n\treprocheck .\n", "make -k lint"),
        ("lint:\n\treprocheck .\n", "make -C . -f Makefile lint"),
    ],
)
def test_ci002_make_that_lets_the_checker_fail_the_build(make_repo, makefile, command):
    files = {".github/workflows/ci.yml": workflow(f"      - run: {command}\n"), "Makefile": makefile}
    assert found(make_repo, {**ADOPTED, **files}, "CI002") == []


def test_ci003_action_pins_only_in_jobs_whose_output_a_result_can_depend_on(make_repo):
    workflow = (
        "on: push\njobs:\n"
        "  lint:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: trilom/file-changes-action@v1.2.4\n      - uses: pre-commit/action@v3.0.1\n"
        "  labels:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions-ecosystem/action-add-labels@v1\n"
        "  test:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: astral-sh/setup-uv@v6\n      - run: uv sync --locked && uv run pytest\n"
        "  image:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: docker/build-push-action@v6\n"
    )
    found_lines = [line for _, line, _ in found(make_repo, {".github/workflows/ci.yml": workflow}, "CI003")]
    assert found_lines == [15, 20]  # setup-uv in the test job, build-push-action in the image job


def test_ci003_workflows_that_only_issue_and_project_events_trigger_are_not_judged(make_repo):
    triage = (
        "name: Check Triage Status of Issue\non:\n  issues:\n    types: [opened, closed, labeled]\n\n"
        "jobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - name: Update Kanban\n        uses: kubeflow/code-intelligence/Issue_Triage/action@master\n"
    )
    board = (
        "on: [project_card, label, discussion]\njobs:\n  move:\n    runs-on: ubuntu-latest\n"
        "    container: python:latest\n    steps:\n      - uses: alex-page/github-project-automation-plus@v0.8.3\n"
        "      - run: pip install -r requirements.txt && python sync_board.py\n"
    )
    # a `/test` bot: pull-request comments trigger it and its steps run the tests
    chatops = (
        "on: issue_comment\njobs:\n  run-tests:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: org/checkout-pr@v1\n      - run: pip install -r requirements.txt && pytest\n"
        "  test-reply:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: org/reply@v1\n"
    )
    # the look-alike: a test job on push stays judged
    ci = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"
    files = {
        ".github/workflows/triage_issues.yaml": triage,
        ".github/workflows/board.yml": board,
        ".github/workflows/chatops.yml": chatops,
        ".github/workflows/ci.yml": ci,
    }
    result = found(make_repo, files, "CI003")
    assert [(path, line) for path, line, _ in result] == [
        (".github/workflows/chatops.yml", 4),
        (".github/workflows/chatops.yml", 6),
        (".github/workflows/ci.yml", 4),
    ]


def test_ci003_a_workflow_with_no_trigger_never_runs_and_is_not_judged(make_repo):
    jobs = (
        "jobs:\n  run_tests:\n    runs-on: ${{ matrix.os }}\n    strategy:\n      matrix:\n"
        "        os: [ubuntu-latest, macos-latest]\n    container: python:latest\n    steps:\n"
        "      - uses: org/setup-env@v1\n      - run: pip install -r requirements.txt && pytest\n"
    )
    commented = "name: Runner Tests\n\n#on:\n#  push:\n#    branches: [main]\n\n" + jobs  # conditional-flow-matching
    files = {
        ".github/workflows/test_runner.yaml": commented,
        ".github/workflows/empty.yml": "name: Empty trigger\non:\n" + jobs,  # `on:` with nothing under it
        ".github/workflows/none.yml": "name: No trigger map\non: {}\n" + jobs,
        # look-alikes: a manual trigger only, and a quoted `"on":` key, still run
        ".github/workflows/manual.yml": "on: workflow_dispatch\n" + jobs,
        ".github/workflows/quoted.yml": '"on": [push]\n' + jobs,
    }
    result = found(make_repo, files, "CI003")
    assert sorted({path for path, _, _ in result}) == [".github/workflows/manual.yml", ".github/workflows/quoted.yml"]
    assert len(result) == 6  # each: the action, the container, the runners


def test_ci003_a_job_that_only_files_tickets_is_no_test_job_whatever_its_name(make_repo):
    jira = (
        "on:\n  pull_request_target:\n    types: [assigned, opened, reopened]\n  workflow_dispatch:\n"
        "jobs:\n  test-transition-issue:\n    name: Convert Github Issue to Jira Issue\n"
        "    runs-on: ubuntu-latest\n    steps:\n"
        "    - name: Checkout\n      uses: actions/checkout@master\n"
        "    - name: Login\n      uses: atlassian/gajira-login@master\n"
        "      env:\n        JIRA_API_TOKEN: ${{ secrets.JIRA_API_TOKEN }}\n"
        "    - name: Create\n      id: create\n      uses: atlassian/gajira-create@master\n"
        '    - name: Log created issue\n      run: echo "Issue ${{ steps.create.outputs.issue }} was created"\n'
    )
    # named test, files a ticket too, and runs something of its own: a test job
    tests = (
        "on: push\njobs:\n  tests:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@master\n      - uses: org/run-the-suite@v1\n"
        "      - uses: atlassian/gajira-create@v3\n"
    )
    # the same job without secrets: nothing of it is judged
    quiet = jira.replace("      env:\n        JIRA_API_TOKEN: ${{ secrets.JIRA_API_TOKEN }}\n", "")
    files = {
        ".github/workflows/manual.yml": jira,
        ".github/workflows/quiet.yml": quiet,
        ".github/workflows/tests.yml": tests,
    }
    result = found(make_repo, files, "CI003")
    # no runner, no GitHub action of the ticket job; its third-party actions run on a runner holding the secrets;
    # the ticket action of the test job, handed none, makes nothing a result depends on
    assert [(path, line) for path, line, _ in result] == [
        (".github/workflows/manual.yml", 13),
        (".github/workflows/manual.yml", 18),
        (".github/workflows/tests.yml", 4),
        (".github/workflows/tests.yml", 6),
        (".github/workflows/tests.yml", 7),
    ]


def test_ci003_third_party_actions_of_housekeeping_jobs_handed_stored_secrets_stay_judged(make_repo):
    workflow = (
        "on: push\njobs:\n"
        # GitHub's own token, scoped to the run: a housekeeping job stays unjudged
        "  draft:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: release-drafter/release-drafter@v5\n        env:\n"
        "          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n"
        # a stored credential given to the job: its third-party actions run with it, GitHub's own are trusted
        "  notify:\n    runs-on: ubuntu-latest\n    env:\n      SLACK_WEBHOOK: ${{ secrets.SLACK_WEBHOOK }}\n"
        "    steps:\n      - uses: actions/checkout@main\n      - uses: slackapi/slack-github-action@v1.24.0\n"
    )
    result = found(make_repo, {".github/workflows/chores.yml": workflow}, "CI003")
    assert [(line, message.split(" ")[0]) for _, line, message in result] == [
        (15, "slackapi/slack-github-action@v1.24.0")
    ]


def test_ci003_notification_housekeeping_pull_request_and_credential_actions_make_no_result(make_repo):
    """Actions whose only effect is a notification, cancelling superseded runs or a pull request opened for review
    cannot change what a job builds, tests or trains: not reported in a job that holds no stored secret (with one,
    a moved tag would run with it). Credential set-up, and the actions beside them that build, test, set up
    toolchains or publish, stay reported."""
    text = (
        "on: [push, pull_request]\njobs:\n"
        # a test job: cancels superseded runs, then tests (yolov5/vision_transformer shape)
        "  test:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: styfle/cancel-workflow-action@0.8.0\n"
        "      - uses: conda-incubator/setup-miniconda@v3\n"
        "      - run: pip install -e . && pytest\n"
        # a summary job handed a webhook: only posts a failure notice
        "  summary:\n    runs-on: ubuntu-24.04\n    needs: test\n    steps:\n"
        "      - uses: slackapi/slack-github-action@v4.0.0\n        with:\n"
        "          webhook: ${{ secrets.SLACK_WEBHOOK_URL }}\n"
        # a train job: credentials for the bucket, then training and a model push
        "  train:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n"
        "          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}\n"
        "      - uses: google-github-actions/auth@v2\n"
        "      - run: python train.py\n"
        "      - uses: jwalton/gh-ecr-push@v1\n"
        # a weekly docs job that opens a pull request with what a script wrote
        "  docs:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: python scripts/make_readme.py\n"
        "      - uses: peter-evans/create-pull-request@v4\n"
        "      - uses: docker/build-push-action@v5\n"
    )
    result = found(make_repo, {".github/workflows/ci.yml": text}, "CI003")
    assert [message.split(" ")[0] for _, _, message in result] == [
        "conda-incubator/setup-miniconda@v3",
        "slackapi/slack-github-action@v4.0.0",
        "aws-actions/configure-aws-credentials@v4",
        "google-github-actions/auth@v2",
        "jwalton/gh-ecr-push@v1",
        "docker/build-push-action@v5",
    ]
    # a comment bot in a workflow whose token may write to the repository stays judged (Made-With-ML shape)
    for permissions in ("permissions: write-all\n", "permissions:\n  contents: write\n"):
        writer = (
            f"on: pull_request\n{permissions}jobs:\n  workloads:\n    runs-on: ubuntu-24.04\n    steps:\n"
            "      - run: python results.py\n      - uses: thollander/actions-comment-pull-request@v2\n"
        )
        assert [m.split(" ")[0] for _, _, m in found(make_repo, {".github/workflows/w.yml": writer}, "CI003")] == [
            "thollander/actions-comment-pull-request@v2"
        ], permissions
    reader = writer.replace("contents: write", "contents: read")
    assert found(make_repo, {".github/workflows/w.yml": reader}, "CI003") == []
    # look-alikes: owners' other actions and actions named like them stay judged
    lookalikes = workflow(
        "      - uses: peter-evans/rebase@v2\n"
        "      - uses: aws-actions/amazon-ecs-deploy-task-definition@v1\n"
        "      - uses: someone/cancel-workflow-action-and-build@v1\n"
        "      - run: pytest\n"
    )
    assert len(found(make_repo, {".github/workflows/ci.yml": lookalikes}, "CI003")) == 3


def test_ci003_runner_of_a_job_the_workflow_names_for_a_librarys_head(make_repo):
    """A workflow named for a library's development head (`tests on transformers main`) whose job installs that
    library from its git head tests a moving dependency on purpose: its runner is not judged, whether the
    workflow's or the job's name says so."""

    def text(name: str, job_name: str = "", install: str = "git+https://github.com/huggingface/transformers.git"):
        title = f"    name: {job_name}\n" if job_name else ""
        return (
            f"name: {name}\non: push\njobs:\n  tests:\n{title}    runs-on: ubuntu-latest\n    steps:\n"
            "      - run: |\n          python -m pip install --upgrade pip\n"
            f"          pip install -U {install}\n          pip install -e .[test]\n"
            "      - run: pytest\n"
        )

    for name, job_name in (("tests on transformers main", ""), ("CI", "Transformers dev"),
                           ("tests against transformers@main", "")):  # fmt: skip
        assert found(make_repo, {".github/workflows/t.yml": text(name, job_name)}, "CI003") == [], name
    # look-alikes: the name says main but not the library; the library but not its head; the library's head
    # named but installed from a release; a pinned commit of it
    for name, install in (
        ("tests on main", "git+https://github.com/huggingface/transformers.git"),
        ("transformers tests", "git+https://github.com/huggingface/transformers.git"),
        ("tests on transformers main", "transformers"),
        ("tests on transformers main", "git+https://github.com/huggingface/transformers.git@v4.40.0"),
    ):
        result = found(make_repo, {".github/workflows/t.yml": text(name, install=install)}, "CI003")
        assert [line for _, line, _ in result] == [5], (name, install)


CLOUD_BUILD = """
# CI/CD steps for Cloud Build to test and deploy a TFX pipeline to Vertex AI.
steps:

# Clone the repository.
- name: 'gcr.io/cloud-builders/git'
  args: ['clone', '--single-branch', '--branch', '$_BRANCH', '$_REPO_URL', '--depth', '1']
  id: 'Clone Repository'

# Run unit tests.
- name: '$_CICD_IMAGE_URI'
  entrypoint: 'pytest'
  args: ['src/tests/datasource_utils_tests.py', '-s']
  dir: 'mlops-with-vertex-ai'
  id: 'Unit Test Datasource Utils'
"""


def test_ci001_other_ci_systems_count_wherever_their_files_are(make_repo):
    base = {"setup.py": "from setuptools import setup\nsetup()\n", "src/train.py": "import numpy\n"}
    for files in (
        {"build/pipeline-deployment.yaml": CLOUD_BUILD},  # Cloud Build under another name (mlops-with-vertex-ai)
        {"deploy/cloudbuild.yaml": "steps:\n- name: python\n  entrypoint: pytest\n"},
        {"ci/azure-pipelines.yml": "trigger: [main]\n"},
        {"tools/Jenkinsfile": "pipeline {}\n"},
        {".travis.yml": "language: python\n"},
        {"bitbucket-pipelines.yml": "pipelines: {}\n"},
        {".buildkite/pipeline.yml": "steps: []\n"},
        {".drone.yml": "kind: pipeline\n"},
        {"appveyor.yml": "build: off\n"},
        {".woodpecker.yml": "steps: {}\n"},
        {".taskcluster.yml": "version: 1\n"},
        {"build/deploy.yml": "steps:\n- name: gcr.io/cloud-builders/docker\n  id: build\n"},
    ):
        assert found(make_repo, {**base, **files}, "CI001") == [], files
    # look-alikes: `steps:` as a list of strings (a recipe), steps without images, a config below the top level
    for files in (
        {"configs/recipe.yaml": "steps:\n  - download\n  - train\n  - evaluate\nargs: {lr: 0.1}\n"},
        {"pipeline.yaml": "steps:\n- train\n- name: evaluate\n  args: [--fast]\n"},
        {"workflow.yaml": "spec:\n  steps:\n  - name: gcr.io/cloud-builders/docker\n    args: [build]\n"},
    ):
        assert [line for _, line, _ in found(make_repo, {**base, **files}, "CI001")] == [1], files


AZURE_PR = """\
# Pipeline to run basic code quality tests as part of pull requests to the master branch.
resources:
  containers:
  - container: mlops
    image: mcr.microsoft.com/mlops/python:latest
trigger: none
pr:
  branches:
    include:
    - master
pool:
  vmImage: 'ubuntu-latest'
container: mlops
steps:
- template: code-quality-template.yml
"""
AZURE_TEMPLATE = """\
# Pipeline template to run linting, unit tests with code coverage, and publish the results.
steps:
- script: |
   flake8 --output-file=lint-testresults.xml --format junit-xml
  displayName: 'Run lint tests'
- task: PublishTestResults@2
  condition: succeededOrFailed()
  inputs:
    testResultsFiles: '*-testresults.xml'
"""
AZURE_STAGES = """\
pr: none
trigger: [main]
stages:
- stage: Model_CI
  jobs:
  - job: train
    pool: {name: self-hosted}
    steps:
    - bash: python -m pytest tests
      displayName: Unit tests
"""
AZURE_DEPLOYMENT = """\
jobs:
- deployment: deploy_model
  environment: prod
  strategy:
    runOnce:
      deploy:
        steps:
        - task: AzureCLI@1
          inputs: {scriptLocation: inlineScript}
"""


def test_ci001_azure_pipelines_and_jenkinsfiles_under_other_names(make_repo):
    base = {"setup.py": "from setuptools import setup\nsetup()\n", "src/train.py": "import numpy\n"}
    for files in (
        {".pipelines/pr.yml": AZURE_PR, ".pipelines/code-quality-template.yml": AZURE_TEMPLATE},  # MLOpsPython
        {".pipelines/pr.yml": AZURE_PR},  # the hosted pool alone
        {"ci/code-quality-template.yml": AZURE_TEMPLATE},  # a template: its versioned task
        {"devops/model-ci.yaml": AZURE_STAGES},  # a script named by displayName in a stage's job
        {"environment_setup/deploy.yml": AZURE_DEPLOYMENT},  # a deployment job's strategy
        {"ci/azure-pipeline.yml": "trigger: [main]\n"},  # the singular name
        {"ci/Jenkinsfile-gpu": "pipeline {}\n"},
        {"jenkins/nightly.jenkinsfile": "pipeline {}\n"},
    ):
        assert found(make_repo, {**base, **files}, "CI001") == [], files
    # look-alikes: recipe and pipeline configs of ML tools, steps below another key, unversioned tasks, GitHub-like
    # steps, a displayName outside any step
    for files in (
        {"configs/training.yaml": "steps:\n  trainer:\n    parameters: {epochs: 3}\nsettings:\n  docker: {}\n"},
        {"recipe.yaml": "recipe: regression/v1\nsteps:\n  split: {split_ratios: [0.75, 0.125, 0.125]}\n"},
        {"tasks.yaml": "steps:\n- task: train\n  script: train.py\n- task: evaluate@best\n"},
        {"k8s/job.yaml": "spec:\n  pool:\n    vmImage: ubuntu-latest\n  steps:\n  - task: Bash@3\n"},
        {"pipeline.yml": "steps:\n- name: Unit tests\n  run: pytest\n- script: train.py\n  name: train\n"},
        {"model.yaml": "displayName: My model\nsteps:\n- script: train.py\n"},
        {"ci/notes.yml": "- task: PublishTestResults@2\n"},
    ):
        assert [line for _, line, _ in found(make_repo, {**base, **files}, "CI001")] == [1], files
