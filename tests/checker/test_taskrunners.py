"""CI002 through task runners: tox (ini, setup.cfg, pyproject, tox.toml), nox (noxfile read with ast) and hatch."""

from __future__ import annotations

import pytest

from reprocheck.config import Settings
from reprocheck.facts import FactStore
from reprocheck.project import Project
from tests.conftest import findings


def workflow(*runs: str, env: str = "") -> str:
    steps = "".join(f"      - run: {run}\n" for run in runs)
    return (
        "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-24.04\n"
        f"{env}    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n{steps}"
    )


# A repository that uses reprocheck already (its settings file): CI002 speaks only to such repositories.
ADOPTED = {"train.py": "", "reprocheck.toml": ""}


def ci002(make_repo, files: dict[str, str | bytes]) -> list[tuple[str, int, str]]:
    root = make_repo({**ADOPTED, **files})
    return [(f["path"], f["line"], f["message"]) for f in findings(root, select="CI002")]


def problems(make_repo, files: dict[str, str | bytes]) -> list[tuple[str, str]]:
    root = make_repo({**ADOPTED, **files})
    return [(f["path"], f["message"]) for f in findings(root, select="CI002,RPC002") if f["code"] == "RPC002"]


TOX_LINT = (
    "[tox]\nenvlist = py311\n\n[testenv]\ncommands = pytest {posargs}\n\n[testenv:lint]\ncommands = reprocheck .\n"
)
NOXFILE = """
import nox


@nox.session
def tests(session):
    session.install("-r", "requirements.txt")
    session.run("pytest")


@nox.session(python=["3.11", "3.12"], tags=["style"])
def lint(session):
    session.install("reprocheck")
    session.run("reprocheck", ".")
"""
HATCH = """
[project]
name = "m"
version = "0"

[tool.hatch.envs.lint]
detached = true
dependencies = ["reprocheck"]

[tool.hatch.envs.lint.scripts]
check = "reprocheck ."
all = ["check", "ruff check ."]
"""


# -- tox ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "files",
    [
        {".github/workflows/ci.yml": workflow("tox -e lint"), "tox.ini": TOX_LINT},
        {".github/workflows/ci.yml": workflow("tox run -e lint"), "tox.ini": TOX_LINT},
        {".github/workflows/ci.yml": workflow("tox r -e lint -- --output-format github"), "tox.ini": TOX_LINT},
        {".github/workflows/ci.yml": workflow("tox -e py311,lint"), "tox.ini": TOX_LINT},
        {".github/workflows/ci.yml": workflow("tox -elint -p auto"), "tox.ini": TOX_LINT},
        {".github/workflows/ci.yml": workflow("uv run tox -e lint"), "tox.ini": TOX_LINT},
        {".github/workflows/ci.yml": workflow("uvx --with tox-uv tox -e lint"), "tox.ini": TOX_LINT},
        {".github/workflows/ci.yml": workflow("python -m tox -e lint"), "tox.ini": TOX_LINT},
        {".github/workflows/ci.yml": workflow("tox", env="    env:\n      TOXENV: lint\n"), "tox.ini": TOX_LINT},
        {".github/workflows/ci.yml": workflow("tox -c ci/tox.ini -e lint"), "ci/tox.ini": TOX_LINT},
        {".gitlab-ci.yml": "lint:\n  script: tox -m static\n", "tox.ini": TOX_LINT + "labels = static\n"},
        # `tox` alone runs the env_list, generative names included
        {
            ".github/workflows/ci.yml": workflow("tox"),
            "tox.ini": "[tox]\nenv_list =\n    py{310,311}-{unit,lint}\n[testenv]\ncommands =\n"
            "    pytest\n    lint: python -m reprocheck {posargs:.}\n",
        },
        # `{[section]key}` references, `\\` continuations and an `{envpython}` command
        {
            ".github/workflows/ci.yml": workflow("tox -e lint"),
            "tox.ini": "[base]\nchecks =\n    {envpython} -m reprocheck \\\n      --output-format github .\n"
            "[testenv:lint]\ncommands =\n    {[base]checks}\n",
        },
        # the tox env runs pre-commit with the reprocheck hook
        {
            ".github/workflows/ci.yml": workflow("tox -e lint"),
            "tox.ini": "[testenv:lint]\ncommands = pre-commit run --all-files\n",
            ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/reprocheck/reprocheck\n"
            "    rev: v0.1.0\n    hooks:\n      - id: reprocheck\n",
        },
        {".github/workflows/ci.yml": workflow("tox -e lint"), "setup.cfg": "[tox:tox]\n" + TOX_LINT[6:]},
        {
            ".github/workflows/ci.yml": workflow("tox -e lint"),
            "pyproject.toml": f'[tool.tox]\nlegacy_tox_ini = """\n{TOX_LINT}"""\n',
        },
        {
            ".github/workflows/ci.yml": workflow("tox -e lint"),
            "pyproject.toml": '[tool.tox]\nenv_list = ["3.12", "lint"]\n\n[tool.tox.env.lint]\n'
            'commands = [["reprocheck", "."]]\n',
        },
        {
            ".github/workflows/ci.yml": workflow("tox"),
            "tox.toml": 'env_list = ["lint"]\n[env_run_base]\ncommands = [["pytest"]]\n[env.lint]\n'
            'commands = [{ replace = "ref", of = ["env", "checks", "commands"] }]\n'
            '[env.checks]\ncommands = [["python", "-m", "reprocheck", { replace = "posargs", default = ["."] }]]\n',
        },
    ],
)
def test_tox_running_reprocheck_counts(make_repo, files):
    assert ci002(make_repo, files) == []


def test_tox_env_without_reprocheck_still_fires(make_repo):
    files = {
        ".github/workflows/ci.yml": workflow("tox -e py311"),
        "tox.ini": TOX_LINT,  # lint would run it, but CI only runs py311
    }
    assert [(p, m.split(":")[0]) for p, _, m in ci002(make_repo, files)] == [
        (".github/workflows/ci.yml", "CI (.github/workflows/ci.yml) never runs reprocheck")
    ]
    # `tox` alone runs only the env_list (py311)
    assert len(ci002(make_repo, {**files, ".github/workflows/ci.yml": workflow("tox")})) == 1
    # `tox list` / `tox -e lint --notest` run nothing; a factor condition for another env does not apply
    assert len(ci002(make_repo, {**files, ".github/workflows/ci.yml": workflow("tox list -e lint")})) == 1
    assert len(ci002(make_repo, {**files, ".github/workflows/ci.yml": workflow("tox -e lint --notest")})) == 1
    conditional = "[testenv]\ncommands =\n    pytest\n    lint: reprocheck .\n"
    assert len(ci002(make_repo, {".github/workflows/ci.yml": workflow("tox -e py311"), "tox.ini": conditional})) == 1
    assert ci002(make_repo, {".github/workflows/ci.yml": workflow("tox -e py311-lint"), "tox.ini": conditional}) == []


@pytest.mark.parametrize(
    ("config", "named"),
    [
        (
            {"tox.ini": "[testenv:lint]\ncommands =\n    -reprocheck .\n"},
            "the `-` prefix (exit code ignored) before `reprocheck .` in tox.ini [testenv:lint]",
        ),
        (
            {"tox.ini": "[testenv:lint]\ncommands = - python -m reprocheck .\n"},
            "the `-` prefix (exit code ignored) before `python -m reprocheck .` in tox.ini [testenv:lint]",
        ),
        (
            {"tox.ini": "[testenv]\nignore_outcome = true\n[testenv:lint]\ncommands = reprocheck .\n"},
            "`ignore_outcome = true` in tox.ini [testenv]",
        ),
        (
            {"tox.toml": '[env.lint]\ncommands = [["-", "reprocheck", "."]]\n'},
            'the `"-"` element (exit code ignored) before `reprocheck .` in tox.toml [env.lint]',
        ),
        (
            {"tox.ini": "[testenv:lint]\ncommands = reprocheck . --exit-zero\n"},
            "`--exit-zero`",
        ),
    ],
)
def test_tox_ignored_failures_are_named(make_repo, config, named):
    files = {".github/workflows/ci.yml": workflow("tox -e lint"), **config}
    assert ci002(make_repo, files) == [
        (
            ".github/workflows/ci.yml",
            8,
            f"CI runs reprocheck with {named}, so its findings never fail the build: remove it",
        )
    ]


def test_tox_lines_are_found(make_repo):
    root = make_repo({"tox.ini": "[tox]\nenvlist = lint\n\n[testenv:lint]\ncommands =\n    ruff check .\n"
                      "    -reprocheck .\n"})  # fmt: skip
    tasks = FactStore(Project.discover(root, Settings())).get("task_runners").tox([], {})
    assert [(c.argv, c.line, line.ignored is not None) for line in tasks[0].lines for c in line.commands] == [
        (["ruff", "check", "."], 6, False),
        (["reprocheck", "."], 7, True),
    ]


# -- nox ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("run", "noxfile"),
    [
        ("nox -s lint", NOXFILE),
        ("nox --session lint", NOXFILE),
        ("nox -s tests lint", NOXFILE),
        ("nox --sessions=lint-3.12", NOXFILE),
        ("nox -t style", NOXFILE),
        ("nox", NOXFILE),  # every session is a default session
        ("pipx run nox -s lint", NOXFILE),
        ("python -m nox -s lint", NOXFILE),
        ("uv run --with nox nox -s lint", NOXFILE),
        ("nox -s style", NOXFILE.replace("@nox.session(python", '@nox.session(name="style", python')),
        # nox.options.sessions decides what `nox` runs; notify queues another session
        (
            "nox",
            "import nox\nnox.options.sessions = ['ci']\n\n@nox.session\ndef ci(session):\n"
            "    session.notify('lint')\n\n@nox.session(default=False)\ndef lint(s):\n"
            "    s.run('python', '-m', 'reprocheck', '.', external=True)\n",
        ),
        # aliases, a constant splatted into run, a `*"...".split()`
        (
            "nox -s check",
            "from nox import session as nox_session\nCHECK = ('reprocheck', '.')\n\n@nox_session\n"
            "def check(session):\n    session.run(*CHECK)\n    session.run(*'uvx reprocheck .'.split())\n",
        ),
        ("nox -s lint", NOXFILE.replace('"reprocheck", "."', '"reprocheck", ".", success_codes=[0]')),
    ],
)
def test_nox_running_reprocheck_counts(make_repo, run, noxfile):
    assert ci002(make_repo, {".github/workflows/ci.yml": workflow(run), "noxfile.py": noxfile}) == []


def test_nox_lookalikes_still_fire(make_repo):
    runs = {
        "nox -s tests": NOXFILE,  # lint is not run
        "nox -l": NOXFILE,  # lists sessions, runs none
        "uv run --group nox pytest": NOXFILE,  # `nox` is the value of --group, pytest is run
        "nox": NOXFILE.replace('tags=["style"]', 'tags=["style"], default=False'),
        # a session that only installs reprocheck, and a function that is no session
        "nox -s lint ": "import nox\n\n@nox.session\ndef lint(session):\n    session.install('reprocheck')\n\n"
        "def helper(session):\n    session.run('reprocheck', '.')\n",
    }
    for run, noxfile in runs.items():
        assert len(ci002(make_repo, {".github/workflows/ci.yml": workflow(run), "noxfile.py": noxfile})) == 1, run


def test_nox_success_codes_fire(make_repo):
    noxfile = NOXFILE.replace('"reprocheck", "."', '"reprocheck", ".", success_codes=[0, 1]')
    assert ci002(make_repo, {".github/workflows/ci.yml": workflow("nox -s lint"), "noxfile.py": noxfile}) == [
        (
            ".github/workflows/ci.yml",
            8,
            "CI runs reprocheck with `success_codes=[0, 1]` in noxfile.py session lint, so its findings never fail "
            "the build: remove it",
        )
    ]


# -- hatch --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("run", "extra"),
    [
        ("hatch run lint:check", {}),
        ("hatch run lint:all", {}),  # a script calling another script
        ("hatch -e lint run check", {}),
        ("pipx run hatch run lint:check", {}),
        ("hatch run lint:reprocheck .", {}),  # a command, not a script, run in the env
        ("hatch run +py=3.12 lint:check", {}),
        ("hatch run check", {"hatch.toml": '[envs.default.scripts]\ncheck = ["pytest", "python -m reprocheck ."]\n'}),
        # an env inherits the default env's scripts through its template
        ("hatch run ci:check", {"hatch.toml": '[envs.default.scripts]\ncheck = "reprocheck ."\n[envs.ci]\n'}),
    ],
)
def test_hatch_running_reprocheck_counts(make_repo, run, extra):
    files = {".github/workflows/ci.yml": workflow(run), "pyproject.toml": HATCH, **extra}
    assert ci002(make_repo, files) == []


def test_hatch_lookalikes_and_ignored_failures(make_repo):
    ci = ".github/workflows/ci.yml"
    # `hatch run check` is the default env, which has no such script; `hatch env create lint` runs nothing
    for run in ("hatch run check", "hatch env create lint", "hatch run lint:fmt"):
        assert len(ci002(make_repo, {ci: workflow(run), "pyproject.toml": HATCH})) == 1, run
    ignored = HATCH.replace('all = ["check"', 'all = ["- check"')
    assert ci002(make_repo, {ci: workflow("hatch run lint:all"), "pyproject.toml": ignored}) == [
        (
            ci,
            8,
            "CI runs reprocheck with the `- ` prefix before `check` in pyproject.toml [tool.hatch.envs.lint.scripts] "
            "all, so its findings never fail the build: remove it",
        )
    ]


# -- robustness ---------------------------------------------------------------------------------------------------
def test_broken_configurations_never_crash(make_repo):
    ci = ".github/workflows/ci.yml"
    runs = workflow("tox -e lint", "nox -s lint", "hatch run lint:check")
    broken = {
        ci: runs,
        "tox.ini": "commands = reprocheck .\n[testenv:lint\n",  # no section header, unclosed section
        "noxfile.py": "import nox\n@nox.session\ndef lint(session:\n    session.run('reprocheck')\n",
        "pyproject.toml": "[tool.hatch.envs.lint.scripts\ncheck = 'reprocheck .'\n",
    }
    assert len(ci002(make_repo, broken)) == 1
    reported = problems(make_repo, broken)
    assert sorted(path for path, _ in reported) == ["noxfile.py", "pyproject.toml", "tox.ini"]
    assert any("invalid Python" in message for _, message in reported)
    # binary and odd-encoding files
    odd = {ci: runs, "tox.ini": b"\x00\x01\x02" * 100, "noxfile.py": "# \xe9\n".encode("latin-1") + b"import nox\n"}
    assert len(ci002(make_repo, odd)) == 1


def test_cycles_are_bounded(make_repo):
    ci = ".github/workflows/ci.yml"
    files = {
        ci: workflow("hatch run a", "tox -e lint", "nox -s a"),
        "hatch.toml": '[envs.default.scripts]\na = "b"\nb = ["a", "- a"]\n',
        "tox.ini": "[testenv:lint]\ndepends = lint\ncommands = {[testenv:lint]commands}\n",
        "noxfile.py": "import nox\n@nox.session\ndef a(s):\n    s.notify('b')\n@nox.session\ndef b(s):\n"
        "    s.notify('a')\n",
    }
    assert len(ci002(make_repo, files)) == 1
    files["noxfile.py"] += "    s.run('reprocheck', '.')\n"
    assert ci002(make_repo, files) == []


def test_huge_and_generative_inputs_stay_bounded(make_repo):
    ci = ".github/workflows/ci.yml"
    huge_nox = "import nox\n" + "x = 1\n" * 120_000 + "@nox.session\ndef lint(s):\n    s.run('reprocheck', '.')\n"
    generative = "[tox]\nenvlist = " + "-".join("f{a,b,c,d}" for _ in range(12)) + "\n[testenv]\ncommands = pytest\n"
    files = {ci: workflow("nox -s lint", "tox"), "noxfile.py": huge_nox, "tox.ini": generative}
    assert len(ci002(make_repo, files)) == 1
    assert any("noxfile not read" in message for _, message in problems(make_repo, files))


def test_nothing_is_read_unless_ci_runs_a_runner(make_repo):
    root = make_repo({
        ".github/workflows/ci.yml": workflow("reprocheck ."),
        "noxfile.py": "def broken(:\n",
        "tox.ini": "not ini\n",
    })  # fmt: skip
    assert [f for f in findings(root, select="CI002,RPC002")] == []


def test_runners_calling_runners_do_not_multiply(make_repo):
    ci = ".github/workflows/ci.yml"
    # 256 environments whose commands run tox again (and hatch scripts calling hatch in every env): each
    # environment is followed once, not 256 ** depth times.
    fan_out = "[tox]\nenvlist = " + "-".join("f{a,b,c,d}" for _ in range(4)) + "\n[testenv]\ncommands = tox\n"
    hatch = "".join(f'[envs.e{i}.scripts]\ns = "hatch run ${{X}}:s"\n' for i in range(30))
    files = {ci: workflow("tox", "hatch run e0:s"), "tox.ini": fan_out, "hatch.toml": hatch}
    assert len(ci002(make_repo, files)) == 1
    files["tox.ini"] += "[testenv:fa-fa-fa-fd]\ncommands = tox -e lint\n[testenv:lint]\ncommands = reprocheck .\n"
    assert ci002(make_repo, files) == []


def test_tox_exec_and_base_environment(make_repo):
    ci = ".github/workflows/ci.yml"
    assert ci002(make_repo, {ci: workflow("tox exec -e lint -- reprocheck ."), "tox.ini": "[tox]\n"}) == []
    # `tox` without an env_list runs the base environment; an undeclared `-e name` gets [testenv]
    base = "[testenv]\n# the checks\ncommands =\n    # lint first\n    reprocheck .\n"
    assert ci002(make_repo, {ci: workflow("tox"), "tox.ini": base}) == []
    assert ci002(make_repo, {ci: workflow("tox -e py312"), "tox.ini": base}) == []
    # a matrix-chosen environment may be any of them
    matrix = workflow("tox -e ${{ matrix.env }}")
    assert ci002(make_repo, {ci: matrix, "tox.ini": TOX_LINT}) == []
