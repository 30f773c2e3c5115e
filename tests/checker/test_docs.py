"""The generated docs are current, and the guide documents every option, format and setting."""

from __future__ import annotations

import re
import shutil

import pytest

from reprocheck import docs
from reprocheck.config import load_schema
from reprocheck.report import FORMATS
from tests.conftest import REPO_ROOT

DOCS = REPO_ROOT / "docs"
GUIDE = (DOCS / "guide.md").read_text("utf-8")
STALE = f"out of date: regenerate with `{docs.REGENERATE}` from the repository root"


def test_rule_reference_is_current():
    assert (DOCS / "rules.md").read_text("utf-8") == docs.render_rules(), STALE


def test_guide_settings_table_is_current():
    assert docs.with_settings(GUIDE) == GUIDE, STALE


def test_rule_reference_lists_every_rule_with_its_explanation():
    text = (DOCS / "rules.md").read_text("utf-8")
    for code, rule in docs.shipped_rules().items():
        assert f"### {code} {rule.name}" in text
        assert f"[{code}](#{code.lower()}-{rule.name})" in text


@pytest.mark.parametrize("code", sorted(docs.shipped_rules()))
def test_every_rule_is_documented_the_same_way(code):
    rule = docs.shipped_rules()[code]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), "name must be kebab-case"
    assert rule.summary and not rule.summary.endswith(".") and "\n" not in rule.summary
    explanation = rule.explanation()
    positions = [explanation.find(f"## {s}") for s in ("What it does", "Why it matters", "Example", "Fix")]
    assert -1 not in positions and positions == sorted(positions), "sections: What it does, Why, Example, Fix"


def check_options() -> list[str]:
    from typer.main import get_command

    from reprocheck.commands import app

    command = get_command(app).commands["check"]
    return [opt for param in command.params for opt in getattr(param, "opts", []) if opt.startswith("-")]


def test_guide_documents_every_check_option():
    options = check_options()
    assert "--select" in options and "--no-cache" in options
    for option in options:
        if option in ("-h", "--help"):
            continue
        assert f"`{option}" in GUIDE or f"`-o`, `{option}" in GUIDE, option


def test_guide_documents_every_output_format_and_setting():
    for fmt in FORMATS:
        assert f"| `{fmt}` |" in GUIDE, fmt
    for key in load_schema()["properties"]:
        assert f"| `{key}` |" in GUIDE, key


def test_guide_covers_the_required_topics():
    for heading in (
        "## Install",
        "## Running the checker",
        "### Exit codes",
        "## Configuration",
        "## Suppressing findings",
        "## CI recipes",
        "### GitHub Actions",
        "### GitLab CI",
        "## pre-commit",
    ):
        assert heading in GUIDE
    assert "upload-sarif" in GUIDE and "--output-format github" in GUIDE
    assert "codequality: gl-code-quality.json" in GUIDE
    assert "id: reprocheck" in GUIDE


def test_docs_command_writes_and_checks(tmp_path, capsys):
    target = tmp_path / "docs"
    shutil.copytree(DOCS, target)
    (target / "rules.md").write_text("stale\n")
    assert docs.main(["--check", str(target)]) == 1
    assert docs.main(["--write", str(target)]) == 0
    assert docs.main(["--check", str(target)]) == 0
    assert (target / "rules.md").read_text() == docs.render_rules()
    assert docs.main([]) == 0 and capsys.readouterr().out == docs.render_rules()
    assert docs.main(["--bogus"]) == 2


def test_rule_reference_ignores_rules_defined_outside_the_package(scratch_rules):
    scratch_rules("ZZZ001", lambda self: ())
    assert "ZZZ001" not in docs.render_rules()


def test_demote_leaves_code_blocks_alone():
    text = "## What it does\nx\n```python\n# a comment, not a heading\n```\n## Fix\n"
    assert docs.demote(text) == "#### What it does\nx\n```python\n# a comment, not a heading\n```\n#### Fix"
