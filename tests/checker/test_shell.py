"""The shell lexer and install recognition shared by the DKR, LCK and CI rules."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reprocheck.facts.shell import Command, is_local_path, parse_install, split_commands, strip_wrappers


def argvs(script: str, env=None) -> list[list[str]]:
    return [c.argv for c in split_commands(script, env=env)]


def install(line: str, env=None):
    commands = [c for c in split_commands(line, env=env) if parse_install(c)]
    assert len(commands) == 1, [c.argv for c in split_commands(line, env=env)]
    return parse_install(commands[0])


# -- splitting ------------------------------------------------------------------------------------------------
def test_control_operators_split_commands_and_are_recorded():
    commands = split_commands("a 1 && b 2 || c; d | e & f\ng")
    assert [c.argv for c in commands] == [["a", "1"], ["b", "2"], ["c"], ["d"], ["e"], ["f"], ["g"]]
    assert [c.operator for c in commands] == ["&&", "||", ";", "|", "&", "\n", ""]


def test_continuations_keep_line_numbers():
    script = "apt-get update \\\n  && apt-get install -y \\\n     curl \\\n     git\npip install x\n"
    commands = split_commands(script, first_line=7)
    assert [c.argv for c in commands] == [
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "curl", "git"],
        ["pip", "install", "x"],
    ]
    assert [c.line for c in commands] == [7, 8, 11]
    assert commands[1].arg_lines == [8, 8, 8, 9, 10]


def test_comments_quotes_and_escapes():
    script = """echo "a # not a comment" 'b  c' d\\ e f#g # comment && not-a-command\nnext"""
    assert argvs(script) == [["echo", "a # not a comment", "b  c", "d e", "f#g"], ["next"]]


def test_operators_inside_quotes_and_substitutions_do_not_split():
    script = """sh -c "pip install a && pip install b" && echo $(cd x && pwd) `date; true` ${A:-x;y}"""
    commands = split_commands(script)
    assert commands[0].argv == ["sh", "-c", "pip install a && pip install b"]
    assert commands[1].argv == ["echo", "$(cd x && pwd)", "`date; true`", "x;y"]


def test_redirections_are_dropped_with_their_targets():
    assert argvs("pip install x > /dev/null 2>&1 &>log <in") == [["pip", "install", "x"]]
    assert argvs("cmd 2> err.txt arg") == [["cmd", "arg"]]


def test_expansion_from_env_with_defaults_and_unknown_variables_kept():
    env = {"TORCH": "2.3.1", "EMPTY": ""}
    assert argvs("pip install torch==$TORCH torch==${TORCH} x==${V:-1.0} y==${EMPTY:-2} z==$UNKNOWN", env) == [
        ["pip", "install", "torch==2.3.1", "torch==2.3.1", "x==1.0", "y==2", "z==$UNKNOWN"]
    ]
    assert argvs("echo '$TORCH' \"$TORCH\" ${TORCH:+set} ${NOPE:+set}", env) == [
        ["echo", "$TORCH", "2.3.1", "set", "${NOPE:+set}"]
    ]


def test_unquoted_expansion_is_split_and_empty_expansion_disappears():
    env = {"PKGS": "numpy==1.26.4 pandas==2.2.2", "EXTRA": ""}
    assert argvs("pip install $EXTRA $PKGS", env) == [["pip", "install", "numpy==1.26.4", "pandas==2.2.2"]]
    assert argvs('pip install "$PKGS"', env) == [["pip", "install", "numpy==1.26.4 pandas==2.2.2"]]


def test_assignments_persist_and_prefix_assignments_do_not():
    commands = split_commands("V=1.2 && export W=3; PIP_NO_CACHE_DIR=1 pip install a==$V b==$W c==$PIP_NO_CACHE_DIR")
    assert [c.argv for c in commands][-1] == ["pip", "install", "a==1.2", "b==3", "c==$PIP_NO_CACHE_DIR"]
    assert commands[-1].assignments == {"PIP_NO_CACHE_DIR": "1"}


def test_reserved_words_are_not_programs():
    script = "if [ -f req.txt ]; then pip install -r req.txt; else pip install x; fi\nfor p in a b; do echo $p; done"
    programs = [c.program for c in split_commands(script)]
    assert programs == ["[", "pip", "pip", "for", "echo"]


def test_heredoc_fed_to_a_shell_is_split_and_others_are_not():
    script = (
        "cat <<EOF > /etc/conf\npip install nope\nEOF\n"
        "bash -e <<'X'\n  pip install yes==1\nX\n"
        "python - <<EOF\nimport os\nEOF\n"
    )
    commands = split_commands(script, first_line=20)
    assert [c.argv for c in commands] == [["cat"], ["bash", "-e"], ["pip", "install", "yes==1"], ["python", "-"]]
    assert commands[2].line == 24
    assert commands[0].heredocs == [(21, "pip install nope\n")]


def test_heredoc_without_command_is_a_script_unless_its_shebang_says_otherwise():
    assert argvs("<<EOF\napt-get update\npip install a\nEOF") == [["apt-get", "update"], ["pip", "install", "a"]]
    assert argvs("<<EOF\n#!/usr/bin/env python3\nprint('hi')\nEOF") == []
    assert argvs("<<-EOF\n\t#!/bin/bash\n\tpip install b\n\tEOF\n") == [["pip", "install", "b"]]


@pytest.mark.parametrize(
    "script",
    ["", "   ", "# only a comment", "'unterminated", '"unterminated $(', "${", "a <<", "&& || ;;", "\\", "$'x"],
)
def test_malformed_input_never_raises(script):
    split_commands(script)


def test_command_text_spans_the_command():
    (first, second) = split_commands("A=1 pip install \\\n  x  &&  echo done")
    assert first.text == "A=1 pip install \\\n  x"
    assert second.text == "echo done"


# -- install recognition --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "line",
    [
        "pip install torch",
        "pip3 install torch",
        "pip3.11 install torch",
        "python -m pip install torch",
        "python3 -m pip install torch",
        "python3.11 -u -m pip install torch",
        "/opt/venv/bin/python -m pip install torch",
        "/usr/local/bin/pip install torch",
        "uv pip install torch",
        "uv pip install --system torch",
        "sudo -H pip install torch",
        "env PIP_NO_CACHE_DIR=1 pip install torch",
        "python -m uv pip install torch",
    ],
)
def test_every_spelling_of_pip_is_pip(line):
    found = install(line)
    assert (found.tool, found.action, found.packages) == ("pip", "install", ["torch"])


def test_pip_value_options_are_never_packages():
    found = install(
        "pip install --no-cache-dir -i https://download.pytorch.org/whl/cu121 --extra-index-url https://x/simple "
        "--target /opt/lib -f ./wheels --trusted-host x.org --only-binary=:all: -c constraints.txt "
        "--progress-bar off --root-user-action ignore torch==2.3.1 -r requirements.txt -rextra.txt -qU "
        "--upgrade-strategy eager"
    )
    assert found.packages == ["torch==2.3.1"]
    assert found.requirement_files == ["requirements.txt", "extra.txt"]
    assert found.constraint_files == ["constraints.txt"]
    assert found.options["--index-url"] == ["https://download.pytorch.org/whl/cu121"]
    assert {"--no-cache-dir", "--upgrade", "--quiet", "--index-url", "--target"} <= found.flags


def test_local_paths_wheels_and_editables_are_not_packages():
    found = install("pip install -e .[dev] . ./pkg dist/x-1.0-py3-none-any.whl x.whl /tmp/src numpy==1.26.4")
    assert found.editables == [".[dev]"]
    assert found.local_paths == [".", "./pkg", "dist/x-1.0-py3-none-any.whl", "x.whl", "/tmp/src"]
    assert found.packages == ["numpy==1.26.4"]


def test_direct_references_are_packages():
    found = install("pip install 'pkg @ git+https://github.com/o/r@main' git+https://github.com/o/r2")
    assert found.packages == ["pkg @ git+https://github.com/o/r@main", "git+https://github.com/o/r2"]


def test_global_options_before_the_action():
    found = install("pip --disable-pip-version-check --cache-dir /tmp/c install numpy")
    assert (found.action, found.packages) == ("install", ["numpy"])


def test_read_only_pip_commands_are_not_installs():
    for line in ("pip freeze", "pip list", "pip --version", "python -m pip show x", "python -c 'import pip'"):
        assert all(parse_install(c) is None for c in split_commands(line)), line


@pytest.mark.parametrize(
    ("line", "tool", "action", "packages", "files"),
    [
        ("uv sync --locked --no-dev", "uv", "sync", [], []),
        ("uv add 'httpx>=0.27'", "uv", "add", ["httpx>=0.27"], []),
        ("uv lock --upgrade", "uv", "lock", [], []),
        ("uv tool install ruff", "uv", "tool install", ["ruff"], []),
        ("uv pip sync requirements.lock", "pip", "sync", [], ["requirements.lock"]),
        ("pip-sync requirements/dev.txt", "pip", "sync", [], ["requirements/dev.txt"]),
        ("poetry install --no-root --with dev", "poetry", "install", [], []),
        ("poetry add requests", "poetry", "add", ["requests"], []),
        ("pipenv install --deploy", "pipenv", "install", [], []),
        ("pipx install black==24.4.2", "pipx", "install", ["black==24.4.2"], []),
        ("pipx install --global reprocheck==0.1.0", "pipx", "install", ["reprocheck==0.1.0"], []),
        (
            "conda install -y -c conda-forge -n base numpy=1.26 'scipy>=1'",
            "conda",
            "install",
            ["numpy=1.26", "scipy>=1"],
            [],
        ),
        ("mamba env create -f environment.yml", "conda", "env create", [], ["environment.yml"]),
        ("micromamba install -y -n base -f env.yaml", "conda", "install", [], ["env.yaml"]),
        (
            "apt-get install -y --no-install-recommends -o Dpkg::Options::=x curl=7.88 git",
            "apt",
            "install",
            ["curl=7.88", "git"],
            [],
        ),
        ("apk add --no-cache --virtual .build-deps gcc musl-dev=1.2", "apk", "add", ["gcc", "musl-dev=1.2"], []),
        ("dnf install -y --setopt=tsflags=nodocs python3-3.11.2", "dnf", "install", ["python3-3.11.2"], []),
        ("yum install -y --enablerepo epel jq", "yum", "install", ["jq"], []),
    ],
)
def test_other_installers(line, tool, action, packages, files):
    found = install(line)
    assert (found.tool, found.action, found.packages, found.requirement_files) == (tool, action, packages, files)


def test_package_lines_follow_continuations():
    (command,) = [c for c in split_commands("pip install \\\n  numpy==1 \\\n  pandas", first_line=3)]
    assert parse_install(command).package_lines == [4, 5]


def test_non_installers():
    for line in ("echo pip install x", "make install", "npm install left-pad", "python train.py", "ls"):
        assert all(parse_install(c) is None for c in split_commands(line)), line


def test_strip_wrappers():
    assert strip_wrappers(["sudo", "-u", "app", "timeout", "60", "pip", "install", "x"]) == ["pip", "install", "x"]
    assert strip_wrappers(["env", "-u", "X", "A=1", "pip"]) == ["pip"]


def test_is_local_path():
    assert is_local_path("file:///tmp/x.whl")
    assert not is_local_path("https://x.org/pkg.whl")
    assert not is_local_path("pkg[extra]")
    assert not is_local_path("pkg @ https://x.org/a/b.tar.gz")


def test_command_program():
    assert Command(["/usr/bin/python3", "x.py"], 1, "").program == "python3"
    assert Command([], 1, "").program == ""


# -- the shell_commands fact ----------------------------------------------------------------------------------
def test_shell_commands_fact_collects_every_origin(make_repo):
    from reprocheck.config import Settings
    from reprocheck.facts import FactStore
    from reprocheck.project import Project

    root = make_repo(
        {
            "docker/Dockerfile": "FROM python:3.11\nARG V=2\nRUN pip install \\\n  a==$V\n",
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    steps:\n      - run: |\n          make lint\n"
            "      - run: print('x')\n        shell: python\n",
            ".github/workflows/win.yml": "on: push\ndefaults:\n  run:\n    shell: pwsh\njobs:\n  t:\n    steps:\n"
            "      - run: Get-ChildItem\n  u:\n    defaults:\n      run:\n        shell: bash\n    steps:\n"
            "      - run: ls -la\n",
            ".gitlab-ci.yml": "test:\n  script:\n    - pytest -q\n",
            "Makefile": "PY = python3\nlint:\n\t@$(PY) -m reprocheck .\n",
            "scripts/setup.sh": "set -e\nuv sync --locked\n",
            ".ci/run": "#!/usr/bin/env bash\npython -m pytest\n",
            "bin/tool": "#!/usr/bin/env python3\nimport os\n",
            "notes/readme": "#!/bin/sh\nnot a script folder\n",
        }
    )
    project = Project.discover(root, Settings())
    found = [(c.path, c.line, c.origin, c.command.argv) for c in FactStore(project).get("shell_commands")]
    assert found == [
        ("docker/Dockerfile", 3, "dockerfile", ["pip", "install", "a==2"]),
        (".github/workflows/ci.yml", 6, "ci", ["make", "lint"]),
        (".github/workflows/win.yml", 14, "ci", ["ls", "-la"]),
        (".gitlab-ci.yml", 3, "ci", ["pytest", "-q"]),
        ("Makefile", 3, "makefile", ["python3", "-m", "reprocheck", "."]),
        (".ci/run", 2, "script", ["python", "-m", "pytest"]),
        ("scripts/setup.sh", 1, "script", ["set", "-e"]),
        ("scripts/setup.sh", 2, "script", ["uv", "sync", "--locked"]),
    ]
    assert project.problems == []


# -- hostile input ------------------------------------------------------------------------------------------------

SHELLISH = st.text(alphabet=st.sampled_from(list("ab $={}()'\"\\`|&;<>#\n\t-=:+EOF")), max_size=200)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script=SHELLISH, env=st.dictionaries(st.sampled_from(["a", "b", "EOF"]), st.text(max_size=5), max_size=3))
def test_split_and_parse_never_raise(script, env):
    for command in split_commands(script, 1, env):
        assert command.argv
        parse_install(command)


def test_deep_nesting_is_bounded():
    assert split_commands("echo " + "${A:-" * 5000 + "x" + "}" * 5000) in ([], [split_commands("echo x")[0]])
    nested = "".join(f"bash <<E{i}\n" for i in range(50)) + "pip install z\n"
    assert len(split_commands(nested)) <= 50
