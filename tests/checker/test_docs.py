"""The generated docs are current, and the guide documents every option, format and setting."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reprocheck import docs, docsite
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


def test_rule_index_links_every_rule_to_its_page():
    text = (DOCS / "rules.md").read_text("utf-8")
    for code, rule in docs.shipped_rules().items():
        assert f"| [{code}](rules/{code}.md) | {rule.name} |" in text


@pytest.mark.parametrize("code", sorted(docs.shipped_rules()))
def test_every_rule_has_a_current_page(code):
    rule = docs.shipped_rules()[code]
    page = (DOCS / "rules" / f"{code}.md").read_text("utf-8")
    assert page == docs.render_rule_page(rule), STALE
    assert page.startswith(f"# {code} {rule.name}\n") and f"{rule.summary}." in page
    assert rule.explanation() in page and docs.status_line(rule) in page
    assert "## Configuration" in page and f'per-file-ignores = {{ "tests/**" = ["{code}"] }}' in page


def test_no_pages_of_removed_rules():
    assert docs.orphaned(DOCS, docs.generated(DOCS)) == [], STALE


def test_opt_in_rules_say_how_to_turn_them_on():
    rules = docs.shipped_rules().values()
    opt_in = next(rule for rule in rules if rule.severity is not None and not rule.default_enabled)
    assert f"{opt_in.code} is opt-in" in docs.render_rule_page(opt_in)
    default_on = next(rule for rule in rules if rule.default_enabled)
    assert "is opt-in" not in docs.render_rule_page(default_on)


def markdown_links_and_anchors(text: str) -> tuple[list[str], set[str]]:
    """The link targets and heading anchors of a Markdown page, parsed as Markdown (code spans are not links)."""
    tokens = docsite.markdown_renderer().parse(text)
    anchors = {docs.slug(tokens[i + 1].content) for i, token in enumerate(tokens) if token.type == "heading_open"}
    inline = [child for token in tokens for child in token.children or ()]
    return [str(child.attrGet("href")) for child in inline if child.type == "link_open"], anchors


def test_links_in_the_docs_resolve_to_files_and_headings():
    pages = [DOCS / "guide.md", DOCS / "rules.md", *sorted((DOCS / "rules").glob("*.md"))]
    checked = 0
    for page in pages:
        for href in markdown_links_and_anchors(page.read_text("utf-8"))[0]:
            if "://" in href or href.startswith("mailto:"):
                continue
            target, _, fragment = href.partition("#")
            path = (page.parent / target).resolve() if target else page
            assert path.is_file(), f"{page.name}: {href}"
            if fragment:
                assert fragment in markdown_links_and_anchors(path.read_text("utf-8"))[1], f"{page.name}: {href}"
            checked += 1
    assert checked > 3 * len(docs.shipped_rules())


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


def test_docs_command_finds_and_deletes_pages_of_removed_rules(tmp_path):
    target = tmp_path / "docs"
    shutil.copytree(DOCS, target)
    removed = target / "rules" / "DEP999.md"
    removed.write_text("# DEP999 gone\n")
    assert docs.main(["--check", str(target)]) == 1
    assert docs.main(["--write", str(target)]) == 0
    assert not removed.exists() and docs.main(["--check", str(target)]) == 0


def test_docs_command_writes_missing_rule_pages(tmp_path):
    target = tmp_path / "docs"
    shutil.copytree(DOCS, target)
    shutil.rmtree(target / "rules")
    assert docs.main(["--check", str(target)]) == 1
    assert docs.main(["--write", str(target)]) == 0
    assert sorted(p.stem for p in (target / "rules").glob("*.md")) == sorted(docs.shipped_rules())


def test_rule_reference_ignores_rules_defined_outside_the_package(scratch_rules):
    scratch_rules("ZZZ001", lambda self: ())
    assert "ZZZ001" not in docs.render_rules()


def test_demote_leaves_code_blocks_alone():
    text = "## What it does\nx\n```python\n# a comment, not a heading\n```\n## Fix\n"
    assert docs.demote(text) == "#### What it does\nx\n```python\n# a comment, not a heading\n```\n#### Fix"


class SiteLinks(HTMLParser):
    """The hrefs, ids and asset references of one HTML page."""

    def __init__(self):
        super().__init__()
        self.hrefs, self.ids, self.assets = [], set(), []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "href" in values:
            self.hrefs.append(values["href"])
        if tag in ("link", "script", "img"):
            self.assets.append(values.get("href") or values.get("src") or "")


def parse_page(path: Path) -> SiteLinks:
    parser = SiteLinks()
    parser.feed(path.read_text("utf-8"))
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    assert docs.main(["--site", str(out), str(DOCS)]) == 0
    return out


def test_site_has_a_home_the_guide_the_index_and_a_page_per_rule(site):
    for page in ("index.html", "guide.html", "rules.html"):
        assert (site / page).is_file()
    assert sorted(p.stem for p in (site / "rules").glob("*.html")) == sorted(docs.shipped_rules())
    page = (site / "rules" / "DEP001.html").read_text("utf-8")
    assert '<h1 id="dep001-unpinned-requirement">DEP001 unpinned-requirement</h1>' in page
    assert '<a href="../rules/DEP001.html" class="current"' in page  # the sidebar marks the page
    assert '<a href="../rules.html#dep-declared-dependencies">' in page


def test_site_links_resolve_and_it_loads_nothing_from_outside(site):
    pages = sorted(site.rglob("*.html"))
    parsed = {page: parse_page(page) for page in pages}
    for page, links in parsed.items():
        assert not any(asset.startswith(("http:", "https:", "//")) for asset in links.assets), page
        for href in links.hrefs:
            if href.startswith(("http:", "https:", "mailto:")):
                continue
            target, _, fragment = href.partition("#")
            path = (page.parent / target).resolve() if target else page
            assert path in parsed, f"{page.relative_to(site)}: {href}"
            assert not fragment or fragment in parsed[path].ids, f"{page.relative_to(site)}: {href}"


def test_site_rebuild_drops_pages_of_removed_rules(site):
    (site / "rules" / "DEP999.html").write_text("old")
    docs.main(["--site", str(site), str(DOCS)])
    assert not (site / "rules" / "DEP999.html").exists()


def test_html_href_maps_markdown_pages_only():
    assert docsite.html_href("rules/DEP001.md") == "rules/DEP001.html"
    assert docsite.html_href("../guide.md#configuration") == "../guide.html#configuration"
    assert docsite.html_href("#fix") == "#fix"
    assert docsite.html_href("https://example.org/a.md") == "https://example.org/a.md"


def test_shared_notes_end_the_what_it_does_section_of_each_rule_that_names_them():
    from reprocheck.rule import load_rules
    from reprocheck.rules.dkr import DEAD_STAGES, TRACKING_IMAGES

    rules = load_rules()
    for code in ("DKR001", "DKR007"):
        text = rules[code].explanation()
        what = text[text.index("## What it does") : text.index("## Why it matters")]
        assert what.count(DEAD_STAGES.strip()) == 1 and what.rstrip().endswith(rules[code].notes[-1].strip())
    assert TRACKING_IMAGES.strip() in rules["DKR001"].explanation()
    assert TRACKING_IMAGES.strip() not in rules["DKR007"].explanation()
