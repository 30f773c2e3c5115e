"""Shared test helpers: build small repositories on disk and run the checker on them in-process."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from textwrap import dedent

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(root: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(dedent(content).lstrip("\n") if content.startswith("\n") else content, encoding="utf-8")


@pytest.fixture
def make_repo(tmp_path):
    """make_repo({"path": "content"}, git=True, commit=True) -> root. Leading-newline strings are dedented."""
    counter = {"n": 0}

    def build(files: dict[str, str | bytes], git_init: bool = True, commit: bool = True) -> Path:
        counter["n"] += 1
        root = tmp_path / f"repo{counter['n']}"
        root.mkdir()
        write_files(root, files)
        if git_init:
            git(root, "init", "-q", "-b", "main")
            git(root, "add", "-A")
            if commit:
                git(root, "commit", "-q", "-m", "init", "--allow-empty")
        return root

    return build


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> dict:
        return json.loads(self.stdout)


def run_cli(*args: str, cwd: Path | None = None) -> CliResult:
    """Run `reprocheck ARGS` in-process (same code path as the console script)."""
    from typer.testing import CliRunner

    from reprocheck import cli

    argv = cli.normalize_argv(list(args))
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(cli.app, argv, catch_exceptions=False, prog_name="reprocheck")
    finally:
        os.chdir(old)
    return CliResult(result.exit_code, result.stdout, result.stderr)


def findings(root: Path, *args: str, select: str = "ALL") -> list[dict]:
    """Findings (JSON dicts) of a check of `root` with `select` (preview rules included: the tests judge every
    rule) and any extra CLI args; asserts no crash."""
    result = run_cli(str(root), "--select", select, "--preview", "--output-format", "json", "--no-cache", *args)
    assert result.exit_code in (0, 1), result.stderr + result.stdout
    return result.json["findings"]


def codes(root: Path, *args: str, select: str = "ALL") -> list[str]:
    return [f["code"] for f in findings(root, *args, select=select)]


@pytest.fixture
def check():
    return findings


# -- throwaway rules for tests of the engine -------------------------------------------------------------------
SYNTHETIC_DOC = """
## What it does
A rule defined by a test.

## Why it matters
Tests need findings before the real families exist.

## Example
`BAD`

## Fix
Remove it.
"""


@pytest.fixture
def scratch_rules():
    """Define rules (and facts) freely in a test: both registries are restored afterwards.

    Returns `define(code, check, **attrs)`, which creates and registers a rule class whose `check` is the given
    function (its parameters name the facts it needs, after `self`).
    """
    from reprocheck import rule as rule_module
    from reprocheck.facts import FACTS, load_facts
    from reprocheck.findings import Severity

    rule_module.load_rules()
    load_facts()
    saved_rules, saved_facts = dict(rule_module._REGISTRY), dict(FACTS)

    def define(code: str, check, **attrs):
        body = {
            "code": code,
            "name": attrs.pop("name", f"synthetic-{code.lower()}"),
            "severity": attrs.pop("severity", Severity.WARNING),
            "summary": attrs.pop("summary", f"Synthetic rule {code}"),
            "__doc__": SYNTHETIC_DOC,
            "check": check,
            **attrs,
        }
        return type(f"Synthetic{code}", (rule_module.Rule,), body)

    try:
        yield define
    finally:
        rule_module._REGISTRY.clear()
        rule_module._REGISTRY.update(saved_rules)
        FACTS.clear()
        FACTS.update(saved_facts)


def marker_rule(define, code: str = "ZZZ001", marker: str = "BAD", **attrs):
    """A rule reporting every line containing `marker` in any listed text file, at its column."""

    def check(self, project):
        for rel in project.files:
            try:
                text = project.read_text(rel)
            except Exception:
                continue
            for number, line in enumerate(text.splitlines(), start=1):
                column = line.find(marker)
                if column >= 0:
                    yield self.finding(
                        f"{marker} found in {rel}; remove it",
                        rel,
                        number,
                        column + 1,
                        end_line=number,
                        end_column=column + 1 + len(marker),
                    )

    return define(code, check, **attrs)
