"""Generated documentation: the rule index (docs/rules.md) and one page per rule (docs/rules/<CODE>.md) from the
registry, and the settings table of the user guide (docs/guide.md) from the shipped JSON Schema, so the docs never
drift from the code.

Regenerate them with ``python -m reprocheck.docs --write docs`` (it also deletes the pages of removed rules;
``python -m reprocheck.docs > docs/rules.md`` prints the index alone); ``--check docs`` exits 1 when they are out of
date, and ``tests/checker/test_docs.py`` fails in that case. ``--site OUT`` renders the docs to a static HTML site
(reprocheck.docsite).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from reprocheck.patterns import lazy_pattern
from reprocheck.rule import FAMILY_NAMES, load_rules

REGENERATE = "python -m reprocheck.docs --write docs"
RULE_PAGES = "rules"  # docs/rules/<CODE>.md, one page per rule
SETTINGS_BEGIN = "<!-- generated: settings (python -m reprocheck.docs --write docs) -->"
SETTINGS_END = "<!-- end generated: settings -->"
HEADING = lazy_pattern(r"^(#{1,4})(\s)", re.M)
FENCE = lazy_pattern(r"^\s*(```|~~~)")


def demote(markdown: str, levels: int = 2) -> str:
    """Push the explanation's headings below the rule's own heading (code blocks untouched)."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        out.append(line if fenced else HEADING.sub(lambda m: "#" * (len(m.group(1)) + levels) + m.group(2), line))
    return "\n".join(out)


def anchor(rule) -> str:
    return f"{rule.code.lower()}-{rule.name}"


def severity_text(rule) -> str:
    return rule.severity.label if rule.severity else "reserved"


def default_text(rule) -> str:
    if rule.severity is None:
        return "never"
    if rule.preview:
        return "preview"
    return "on" if rule.default_enabled else "opt-in"


def table_cell(text: str) -> str:
    return text.replace("|", "\\|")


def shipped_rules() -> dict:
    """The registry without rules defined elsewhere (tests define throwaway ones)."""
    return {code: r for code, r in load_rules().items() if r.__module__.startswith("reprocheck.rules.")}


def families_of(rules: dict) -> dict[str, list]:
    """Rules grouped by family, families in the catalogue's order (unknown ones last, sorted)."""
    families: dict[str, list] = {}
    for rule in rules.values():
        families.setdefault(rule.family(), []).append(rule)
    order = [f for f in FAMILY_NAMES if f in families] + sorted(f for f in families if f not in FAMILY_NAMES)
    return {family: families[family] for family in order}


def family_heading(family: str) -> str:
    return f"{family}: {FAMILY_NAMES.get(family, family)}"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading; the HTML site gives its headings the same ids, so links work in both."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return text.replace(" ", "-")


def page_path(rule) -> str:
    """Where a rule's page lives, relative to the docs folder."""
    return f"{RULE_PAGES}/{rule.code}.md"


def status_line(rule) -> str:
    return (
        f"Severity: **{severity_text(rule)}** · default: **{default_text(rule)}** · "
        f"fix: **{'yes' if rule.fixable else 'no'}**"
    )


def render_rules(rules: dict | None = None) -> str:
    """The rule index: every rule by family, each linking to its own page."""
    rules = shipped_rules() if rules is None else rules
    families = families_of(rules)
    out = [
        "# Rule reference",
        "",
        f"<!-- Generated from the rule registry by `{REGENERATE}`; do not edit by hand. -->",
        "",
        f"{len(rules)} rules in {len(families)} families; each has its own page with its explanation, an example, "
        "the fix and how to configure it. Severity is the default (`severity` in the configuration overrides it); "
        "*opt-in* rules run only when selected by code, prefix or `ALL`; *preview* rules run when selected by their "
        "exact code, or by any selector with `--preview` (`preview = true`): on repositories the checker had never "
        "seen, too few of their findings were worth acting on (each page gives the figures); *fix* rules have a safe "
        "automatic fix applied by `reprocheck --fix`. `reprocheck rule CODE` prints the same explanation.",
        "",
        "Families: " + " · ".join(f"[{family}](#{slug(family_heading(family))})" for family in families),
    ]
    for family, members in families.items():
        out += [
            "",
            f"## {family_heading(family)}",
            "",
            "| Code | Name | Severity | Default | Fix | Summary |",
            "|---|---|---|---|---|---|",
        ]
        out += [
            f"| [{rule.code}]({page_path(rule)}) | {rule.name} | {severity_text(rule)} | {default_text(rule)} | "
            f"{'yes' if rule.fixable else 'no'} | {table_cell(rule.summary)} |"
            for rule in members
        ]
    return "\n".join(out) + "\n"


def configuration_hint(rule) -> list[str]:
    """How to run, silence or scope one rule, with its own code in every example."""
    code, family = rule.code, rule.family()
    opt_in = (
        [f"{code} is opt-in: it runs only when a selector names it (`{code}`, `{family}` or `ALL`).", ""]
        if rule.severity is not None and not rule.default_enabled
        else []
    )
    if rule.preview:
        opt_in = [
            f"{code} is in preview: it runs when `--select`/`extend-select` names `{code}` itself, or with "
            f"`--preview` (`preview = true` under `[tool.reprocheck]`), which lets `{family}` and `ALL` select it too.",
            f"In the precision triage (`benchmarks/precision/` in reprocheck's repository), {rule.preview}.",
            "",
        ]
    return [
        "## Configuration",
        "",
        *opt_in,
        f"- Run it alone: `reprocheck check . --select {code}`; its whole family: `--select {family}`.",
        f'- Turn it off for the repository: `ignore = ["{code}"]` under `[tool.reprocheck]` in `pyproject.toml` '
        f'(or `ignore = {{{code} = "the reason"}}`).',
        f'- Turn it off for some files: `per-file-ignores = {{ "tests/**" = ["{code}"] }}`.',
        f'- Change its severity: `severity = {{ {code} = "info" }}`.',
        f"- Silence one finding: a `# reprocheck: ignore[{code}] reason` comment on its line, where the file takes"
        " comments.",
        "",
        "See [Configuration](../guide.md#configuration) and [Suppressing findings](../guide.md#suppressing-findings)"
        " in the guide.",
    ]


def render_rule_page(rule) -> str:
    """One rule's page: title, summary, status, the docstring's explanation, configuration and links back."""
    family = rule.family()
    out = [
        f"# {rule.code} {rule.name}",
        "",
        f"<!-- Generated from the rule registry by `{REGENERATE}`; do not edit by hand. -->",
        "",
        f"[Rule reference](../rules.md) · [{family_heading(family)}](../rules.md#{slug(family_heading(family))})",
        "",
        f"{rule.summary}.",
        "",
        status_line(rule),
        "",
        rule.explanation(),
        "",
        *configuration_hint(rule),
    ]
    return "\n".join(out).rstrip("\n") + "\n"


def setting_default(key: str, value) -> str:
    if key == "select" and value is None:
        return "every rule that is neither opt-in nor preview"
    if key == "max-file-size":
        return f"`{value}` (1 MiB)"
    return f"`{json.dumps(value)}`"


def render_settings() -> str:
    """A Markdown table of every settings key: type, default and meaning, from the schema and `Settings`."""
    from reprocheck.config import Settings, load_schema, shape

    schema = load_schema()
    defaults = Settings().as_dict()
    out = ["| Key | Accepts | Default | Meaning |", "|---|---|---|---|"]
    for key, prop in schema["properties"].items():
        accepts = table_cell(shape(prop, schema))
        meaning = table_cell(prop.get("description", ""))
        out.append(f"| `{key}` | {accepts} | {setting_default(key, defaults[key])} | {meaning} |")
    return "\n".join(out) + "\n"


def with_settings(guide: str) -> str:
    """The guide with its generated settings block replaced by the current one."""
    start, end = guide.find(SETTINGS_BEGIN), guide.find(SETTINGS_END)
    if start < 0 or end < start:
        raise ValueError(f"the guide lacks the markers {SETTINGS_BEGIN!r} ... {SETTINGS_END!r}")
    return guide[: start + len(SETTINGS_BEGIN)] + "\n" + render_settings() + guide[end:]


def generated(docs: Path) -> dict[Path, str]:
    """Each generated file under `docs` and the content it should have."""
    guide = docs / "guide.md"
    pages = {docs / page_path(rule): render_rule_page(rule) for rule in shipped_rules().values()}
    return {docs / "rules.md": render_rules(), guide: with_settings(guide.read_text("utf-8")), **pages}


def orphaned(docs: Path, expected: dict[Path, str]) -> list[Path]:
    """Rule pages of rules that no longer exist."""
    return sorted(path for path in (docs / RULE_PAGES).glob("*.md") if path not in expected)


def sync(docs: Path, write: bool) -> list[str]:
    """Compare (and with `write`, update) the generated files; one line per file that was or is out of date."""
    expected = generated(docs)
    changes = []
    for path, content in expected.items():
        if (path.read_text("utf-8") if path.exists() else None) != content:
            changes.append(f"{'updated' if write else 'out of date'}: {path}")
            if write:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content, encoding="utf-8", newline="\n")
    for path in orphaned(docs, expected):
        changes.append(f"{'deleted' if write else 'page of a removed rule'}: {path}")
        if write:
            path.unlink()
    return changes


USAGE = (
    "usage: python -m reprocheck.docs [--write DOCS_DIR | --check DOCS_DIR | --site OUT_DIR [DOCS_DIR]]"
    f"  (regenerate: {REGENERATE})"
)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        sys.stdout.write(render_rules())
        return 0
    if len(argv) == 2 and argv[0] in ("--write", "--check"):
        changes = sync(Path(argv[1]), write=argv[0] == "--write")
        for line in changes:
            print(line, file=sys.stderr)
        return 1 if changes and argv[0] == "--check" else 0
    if len(argv) in (2, 3) and argv[0] == "--site":
        from reprocheck.docsite import build

        out = build(Path(argv[2] if len(argv) == 3 else "docs"), Path(argv[1]))
        print(f"wrote the docs site to {out}; open {out / 'index.html'}", file=sys.stderr)
        return 0
    print(USAGE)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
