"""Render the rule reference (docs/rules.md) from the registry, so the docs never drift from the code.

Regenerate with ``python -m reprocheck.docs > docs/rules.md``; ``tests/checker/test_docs.py`` fails when the
committed file is out of date.
"""

from __future__ import annotations

import re
import sys

from reprocheck.rule import FAMILY_NAMES, load_rules

REGENERATE = "python -m reprocheck.docs > docs/rules.md"
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


def render_rules(rules: dict | None = None) -> str:
    rules = load_rules() if rules is None else rules
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


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv:
        sys.stderr.write(f"usage: {REGENERATE}\n")
        return 2
    sys.stdout.write(render_rules())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
