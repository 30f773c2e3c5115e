"""Generated documentation: the rule reference (docs/rules.md) from the registry and the settings table of the
user guide (docs/guide.md) from the shipped JSON Schema, so the docs never drift from the code.

Regenerate both with ``python -m reprocheck.docs --write docs`` (``python -m reprocheck.docs > docs/rules.md``
prints the rule reference alone); ``--check docs`` exits 1 when they are out of date, and
``tests/checker/test_docs.py`` fails in that case.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from reprocheck.rule import FAMILY_NAMES, load_rules

REGENERATE = "python -m reprocheck.docs --write docs"
SETTINGS_BEGIN = "<!-- generated: settings (python -m reprocheck.docs --write docs) -->"
SETTINGS_END = "<!-- end generated: settings -->"
HEADING = re.compile(r"^(#{1,4})(\s)", re.M)
FENCE = re.compile(r"^\s*(```|~~~)")


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
    return "on" if rule.default_enabled else "opt-in"


def table_cell(text: str) -> str:
    return text.replace("|", "\\|")


def shipped_rules() -> dict:
    """The registry without rules defined elsewhere (tests define throwaway ones)."""
    return {code: r for code, r in load_rules().items() if r.__module__.startswith("reprocheck.rules.")}


def render_rules(rules: dict | None = None) -> str:
    rules = shipped_rules() if rules is None else rules
    families: dict[str, list] = {}
    for rule in rules.values():
        families.setdefault(rule.family(), []).append(rule)
    order = [f for f in FAMILY_NAMES if f in families] + sorted(f for f in families if f not in FAMILY_NAMES)

    out = [
        "# Rule reference",
        "",
        f"<!-- Generated from the rule registry by `{REGENERATE}`; do not edit by hand. -->",
        "",
        f"{len(rules)} rules in {len(families)} families. Severity is the default (`severity` in the configuration "
        "overrides it); *opt-in* rules run only when selected by code, prefix or `ALL`; *fix* rules have a safe "
        "automatic fix applied by `reprocheck --fix`. `reprocheck rule CODE` prints the same explanation.",
        "",
        "| Code | Name | Severity | Default | Fix | Summary |",
        "|---|---|---|---|---|---|",
    ]
    for family in order:
        for rule in families[family]:
            out.append(
                f"| [{rule.code}](#{anchor(rule)}) | {rule.name} | {severity_text(rule)} | {default_text(rule)} | "
                f"{'yes' if rule.fixable else 'no'} | {table_cell(rule.summary)} |"
            )
    for family in order:
        title = FAMILY_NAMES.get(family, family)
        out += ["", f"## {family}: {title}"]
        for rule in families[family]:
            out += [
                "",
                f"### {rule.code} {rule.name}",
                "",
                f"{rule.summary}.",
                "",
                f"Severity: **{severity_text(rule)}** · default: **{default_text(rule)}** · "
                f"fix: **{'yes' if rule.fixable else 'no'}**",
                "",
                demote(rule.explanation()),
            ]
    return "\n".join(out).rstrip("\n") + "\n"


def setting_default(key: str, value) -> str:
    if key == "select" and value is None:
        return "every rule that is not opt-in"
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
    return {docs / "rules.md": render_rules(), guide: with_settings(guide.read_text("utf-8"))}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        sys.stdout.write(render_rules())
        return 0
    if len(argv) == 2 and argv[0] in ("--write", "--check"):
        stale = []
        for path, content in generated(Path(argv[1])).items():
            current = path.read_text("utf-8") if path.exists() else None
            if current != content:
                stale.append(path)
                if argv[0] == "--write":
                    path.write_text(content, encoding="utf-8", newline="\n")
        for path in stale:
            print(f"{'updated' if argv[0] == '--write' else 'out of date'}: {path}", file=sys.stderr)
        return 1 if stale and argv[0] == "--check" else 0
    print(f"usage: python -m reprocheck.docs [--write DOCS_DIR | --check DOCS_DIR]  (regenerate: {REGENERATE})")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
