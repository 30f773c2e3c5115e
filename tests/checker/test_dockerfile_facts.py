"""The Dockerfile parser: the constructs real Dockerfiles use, and bad input that must not crash."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reprocheck.config import Settings
from reprocheck.facts import FactStore
from reprocheck.facts.devcontainers import strip_jsonc
from reprocheck.facts.dockerfile import DockerfileError, parse_dockerfile, parse_image
from reprocheck.facts.shell import parse_install, split_commands
from reprocheck.project import Project
from tests.conftest import findings


def parse(text: str):
    return parse_dockerfile("Dockerfile", text.lstrip("\n"))


def run_argvs(stage):
    return [c.argv for run in stage.runs for c in split_commands(run.script, run.line, run.env)]


def test_global_args_resolve_from_and_stage_args_inherit_their_defaults():
    dockerfile = parse(
        """
        ARG PY=3.11
        ARG BASE=python:${PY}-slim
        FROM ${BASE} AS build
        ARG PY
        RUN pip install "python-dotenv==1.0.1" && echo $PY
        """.replace("        ", "")
    )
    stage = dockerfile.stages[0]
    assert (stage.base.name, stage.base.tag, stage.base.raw) == ("python", "3.11-slim", "${BASE}")
    assert stage.args[0].default == "3.11" and not stage.args[0].has_default
    assert run_argvs(stage)[-1] == ["echo", "3.11"]


def test_global_arg_not_redeclared_is_invisible_in_the_stage():
    dockerfile = parse("ARG V=1\nFROM alpine:3.20\nRUN echo $V\n")
    assert run_argvs(dockerfile.stages[0]) == [["echo", "$V"]]


def test_default_forms_and_unresolved_args():
    dockerfile = parse("ARG CUDA\nARG TAG\nFROM nvidia/cuda:${CUDA}-runtime\nFROM python:${TAG:-3.12}\n")
    first, second = dockerfile.stages
    assert first.base.unresolved == ("CUDA",)
    assert second.base.tag == "3.12" and second.base.unresolved == ()


def test_stage_aliases_scratch_platform_and_env_inheritance():
    dockerfile = parse(
        "FROM --platform=$BUILDPLATFORM python:3.11-slim AS Base\nENV A=1\n"
        "FROM base AS app\nRUN echo $A\nFROM scratch\nCOPY --from=app /x /x\n"
    )
    base, app, final = dockerfile.stages
    assert base.platform == "$BUILDPLATFORM" and base.alias == "Base"
    assert app.base.is_stage_alias and app.parent == 0 and app.env == {"A": "1"}
    assert run_argvs(app) == [["echo", "1"]]
    assert final.base.is_scratch and final.external_refs == []
    assert dockerfile.final_stage is final


def test_continuations_with_comments_and_blank_lines_keep_lines():
    dockerfile = parse(
        "FROM python:3.11\n"
        "run apt-get update && \\\n"
        "    # install tools\n"
        "    apt-get install -y \\\n"
        "\n"
        "      curl\n"
        "RUN pip install \\\n  numpy==1.26.4\n"
    )
    stage = dockerfile.stages[0]
    commands = [c for run in stage.runs for c in split_commands(run.script, run.line, run.env)]
    assert [c.argv for c in commands] == [
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "curl"],
        ["pip", "install", "numpy==1.26.4"],
    ]
    assert [c.line for c in commands] == [2, 4, 7]
    assert parse_install(commands[2]).package_lines == [8]
    assert stage.runs[0].end_line == 6


def test_heredocs_in_run_and_copy():
    dockerfile = parse(
        "FROM python:3.11\n"
        "COPY <<EOF /etc/app.conf\nRUN not an instruction\nEOF\n"
        "RUN <<EOF\nset -e\npip install torch\nEOF\n"
        "RUN python3 <<EOF\nimport os\nEOF\n"
        "USER app\n"
    )
    stage = dockerfile.stages[0]
    assert [i.keyword for i in stage.instructions] == ["COPY", "RUN", "RUN", "USER"]
    commands = [c for run in stage.runs for c in split_commands(run.script, run.line, run.env)]
    assert [(c.line, c.argv) for c in commands] == [
        (6, ["set", "-e"]),
        (7, ["pip", "install", "torch"]),
        (9, ["python3"]),
    ]
    assert stage.user == "app"


def test_json_form_is_exec_form_without_expansion():
    dockerfile = parse('FROM python:3.11\nENV V=1\nRUN ["pip", "install", "x==$V"]\nCMD ["python", "train.py"]\n')
    stage = dockerfile.stages[0]
    assert stage.runs[0].exec_form
    assert run_argvs(stage) == [["pip", "install", "x==$V"]]
    assert stage.cmd.argv == ["python", "train.py"]


def test_escape_directive_and_syntax_directive():
    dockerfile = parse(
        "# syntax=docker/dockerfile:1\n# escape=`\nFROM mcr.microsoft.com/windows:ltsc2022\nRUN a `\n  b\n"
    )
    assert dockerfile.directives == {"syntax": "docker/dockerfile:1", "escape": "`"}
    assert run_argvs(dockerfile.stages[0]) == [["a", "b"]]


def test_copy_from_and_mount_from_external_images():
    dockerfile = parse(
        "FROM python:3.11 AS build\n"
        "FROM python:3.11-slim\n"
        "COPY --from=build /a /a\n"
        "COPY --from=0 /b /b\n"
        "COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/uv\n"
        "RUN --mount=type=bind,from=busybox:1.36,source=/bin,target=/x --mount=type=cache,target=/c true\n"
        "RUN --mount=type=secret,id=tok cat /run/secrets/tok\n"
    )
    refs = dockerfile.final_stage.external_refs
    assert [(r.name, r.tag, r.line) for r in refs] == [("ghcr.io/astral-sh/uv", "latest", 5), ("busybox", "1.36", 6)]
    assert dockerfile.final_stage.runs[0].mounts[1] == {"type": "cache", "target": "/c"}


def test_env_forms():
    dockerfile = parse('FROM python:3.11\nENV A=1 B="two words" C=${A}x\nENV LEGACY some value\n')
    assert dockerfile.stages[0].env == {"A": "1", "B": "two words", "C": "1x", "LEGACY": "some value"}


def test_add_with_and_without_checksum():
    dockerfile = parse(
        "FROM alpine:3.20\nADD https://x.org/a.tgz /a\n"
        "ADD --checksum=sha256:abc https://x.org/b.tgz /b\nADD src/ /src\n"
    )
    adds = dockerfile.stages[0].adds
    assert [(a.sources, a.checksum) for a in adds] == [
        (["https://x.org/a.tgz"], None),
        (["https://x.org/b.tgz"], "sha256:abc"),
        (["src/"], None),
    ]


def test_unknown_instruction_is_a_problem_but_the_rest_parses():
    dockerfile = parse("FROM python:3.11\nFROBNICATE x\nUSER app\n")
    assert [str(p) for p in dockerfile.problems] == ["unknown instruction 'FROBNICATE'"]
    assert dockerfile.stages[0].user == "app"


@pytest.mark.parametrize("text", ["", "# just a comment\n", "RUN echo hi\n", "\x00\x01garbage"])
def test_no_from_raises_a_parse_error(text):
    with pytest.raises(DockerfileError):
        parse_dockerfile("Dockerfile", text)


@pytest.mark.parametrize(
    ("ref", "name", "tag", "digest"),
    [
        ("python", "python", None, None),
        ("python:3.11-slim", "python", "3.11-slim", None),
        ("docker.io/library/python:3.11", "python", "3.11", None),
        ("library/ubuntu@sha256:abc", "ubuntu", None, "sha256:abc"),
        ("localhost:5000/team/img:1.0@sha256:def", "localhost:5000/team/img", "1.0", "sha256:def"),
        ("localhost:5000/team/img", "localhost:5000/team/img", None, None),
        ("nvidia/cuda:12.1.0-runtime-ubuntu22.04", "nvidia/cuda", "12.1.0-runtime-ubuntu22.04", None),
    ],
)
def test_parse_image(ref, name, tag, digest):
    image = parse_image(ref, ref, 1)
    assert (image.name, image.tag, image.digest) == (name, tag, digest)


def test_fact_records_unparsable_dockerfiles(make_repo):
    root = make_repo(
        {
            "Dockerfile": "RUN echo no from\n",
            "docker/Dockerfile.gpu": "FROM python:3.11\nBOGUS x\nUSER app\n",
            "Containerfile": b"\x00\x01binary",
            "app.Dockerfile": "FROM python:3.11-slim\n",
        }
    )
    project = Project.discover(root, Settings())
    parsed = FactStore(project).get("dockerfiles")
    assert sorted(parsed) == ["app.Dockerfile", "docker/Dockerfile.gpu"]
    problems = sorted((p.path, p.line) for p in project.problems)
    assert problems == [("Containerfile", None), ("Dockerfile", 1), ("docker/Dockerfile.gpu", 2)]


def test_shell_instruction_switches_off_posix_splitting():
    dockerfile = parse(
        'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\n'
        "RUN Invoke-WebRequest https://x.org/a.zip -OutFile a.zip; pip install x\n"
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN pip install y\n'
    )
    first, second = dockerfile.stages[0].runs
    assert first.commands() == [] and not first.is_posix_shell
    assert [c.argv for c in second.commands()] == [["pip", "install", "y"]]
    assert second.commands() is second.commands()  # split once


DOCKERISH = st.lists(
    st.sampled_from(
        ["FROM python:3.11 AS a", "FROM a", "ARG X", "ARG Y=${X:-1}", "RUN <<EOF", "EOF", "RUN a \\", "# c", "",
         "ENV A=$Y", "COPY --from=$X / /", "USER $A", 'RUN ["a"', "SHELL [\"cmd\"]", "RUN pip install $A", "\tb",
         "ADD http://x /", "from scratch", "# escape=`", "RUN x `"]
    ),
    max_size=25,
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=DOCKERISH)
def test_parser_only_raises_its_own_error(lines):
    try:
        dockerfile = parse_dockerfile("Dockerfile", "\n".join(lines))
    except DockerfileError:
        return
    for stage in dockerfile.stages:
        for run in stage.runs:
            run.commands()


# -- build context ------------------------------------------------------------------------------------------------
def contexts_of(root):
    project = Project.discover(root, Settings())
    return FactStore(project).get("build_contexts")


def test_build_context_knows_what_buildkit_sends(make_repo):
    root = make_repo(
        {
            "Dockerfile": (
                "FROM python:3.11\nCOPY ./requirements.txt /app/\nCOPY src/ /app/src/\nADD *.toml /app/\n"
                "ADD https://x.org/a.tgz /opt/\nRUN --mount=type=bind,source=wheels,target=/w pip install /w/*\n"
                "RUN --mount=type=cache,target=/root/.cache true\n"
            ),
            "all/Dockerfile": "FROM python:3.11\nCOPY . /app\n",
            "var/Dockerfile": "FROM python:3.11\nARG SRC\nCOPY ${SRC} /app\n",
            "requirements.txt": "x==1\n",
            "src/a.py": "",
            "wheels/x.whl": "",
        }
    )
    contexts = contexts_of(root)
    main = contexts["Dockerfile"]
    assert (main.folder, main.ignore_file) == ("", None)
    assert main.sent == ("requirements.txt", "src", "*.toml", "wheels")
    assert main.sends("src/a.py") and main.sends("pyproject.toml")
    assert not main.sends(".git") and not main.sends("data") and not main.sends("src")  # src itself: on purpose
    assert contexts["all/Dockerfile"].sent is None and contexts["all/Dockerfile"].sends(".git")
    assert contexts["var/Dockerfile"].sent is None


def test_build_context_reads_the_dev_container_and_the_ignore_file_in_force(make_repo):
    root = make_repo(
        {
            ".devcontainer/devcontainer.json": (
                '{\n  // JSON with comments\n  "build": {\n    "dockerfile": "../docker/dev.Dockerfile",\n'
                '    "context": "..", /* the repository */\n  },\n  "remoteUser": "vscode",\n}\n'
            ),
            "docker/dev.Dockerfile": "FROM python:3.11\nCOPY requirements.txt /tmp/\n",
            "docker/dev.Dockerfile.dockerignore": "*\n!requirements.txt\n",
            "requirements.txt": "x==1\n",
        }
    )
    project = Project.discover(root, Settings())
    store = FactStore(project)
    (container,) = store.get("devcontainers")
    assert (container.dockerfile, container.context, container.user) == ("docker/dev.Dockerfile", "", "vscode")
    context = store.get("build_contexts")["docker/dev.Dockerfile"]
    assert (context.folder, context.ignore_file, context.devcontainer) == (
        "",
        "docker/dev.Dockerfile.dockerignore",
        ".devcontainer/devcontainer.json",
    )
    assert context.excludes(project, "docker/dev.Dockerfile") and not context.excludes(project, "requirements.txt")


def test_unparsable_devcontainer_is_rpc002(make_repo):
    root = make_repo({".devcontainer/devcontainer.json": '{"build": ', ".devcontainer/Dockerfile": "FROM x:1\n"})
    found = [(f["code"], f["path"]) for f in findings(root, select="RPC002,DKR")]
    assert ("RPC002", ".devcontainer/devcontainer.json") in found


@pytest.mark.parametrize(
    ("jsonc", "data"),
    [
        ('{"a": "http://x/*y*/", // c\n "b": [1, 2,],}', {"a": "http://x/*y*/", "b": [1, 2]}),
        ('{"a": "q\\" // not a comment", /* a\n block */ "b": ",}"}', {"a": 'q" // not a comment', "b": ",}"}),
    ],
)
def test_jsonc_comments_and_trailing_commas_go_strings_stay(jsonc, data):
    stripped = strip_jsonc(jsonc)
    assert json.loads(stripped) == data and stripped.count("\n") == jsonc.count("\n")
