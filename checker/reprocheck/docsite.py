"""A static HTML site of the docs: the guide, the rule index and one page per rule, with a navigation sidebar.

``python -m reprocheck.docs --site OUT`` writes it. The site needs no network to build or to view: the pages are
rendered from the freshly generated Markdown (so the site is current even when docs/ is stale) with markdown-it-py,
which reprocheck already has through typer and rich, and the style sheet is inline. Links between the Markdown pages
(``rules/DEP001.md``, ``../guide.md#configuration``) become links between the HTML pages, and headings get GitHub's
anchors, so a link that works on GitHub works in the site too.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

from reprocheck.docs import RULE_PAGES, families_of, family_heading, generated, shipped_rules, slug

STYLE = """
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;display:flex}
nav{width:16rem;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f6f8fa;
border-right:1px solid #d0d7de;padding:1rem;box-sizing:border-box;font-size:14px}
nav a{display:block;color:#1f2328;text-decoration:none;padding:1px 4px;border-radius:4px}
nav a:hover{background:#e7ebef}nav a.current{background:#ddf4ff;font-weight:600}
nav summary{cursor:pointer;font-weight:600;margin-top:.4rem}nav .title{font-size:18px;font-weight:700}
main{max-width:56rem;padding:1rem 2.5rem 4rem;min-width:0}
code{background:#eff1f3;padding:.1em .3em;border-radius:4px;font-size:90%}
pre{background:#f6f8fa;padding:.8rem;overflow:auto;border-radius:6px}pre code{background:none;padding:0}
table{border-collapse:collapse;display:block;overflow:auto}th,td{border:1px solid #d0d7de;padding:4px 8px}
a{color:#0969da}
"""

HOME = """# reprocheck documentation

reprocheck is a static checker for the reproducibility of machine-learning repositories: declared dependencies,
lock files, containers, seeds, configs, data, notebooks, CI and the project template.

- [User guide](guide.md): installing, running, configuring, suppressing findings, CI recipes and pre-commit.
- [Rule reference](rules.md): every rule, by family, each with its own page.
"""


def markdown_renderer():
    try:
        from markdown_it import MarkdownIt
    except ImportError as exc:  # pragma: no cover - markdown-it-py comes with typer's rich
        raise SystemExit("reprocheck: error: the docs site needs markdown-it-py (pip install markdown-it-py)") from exc
    return MarkdownIt("commonmark", {"html": True}).enable("table")


def html_href(href: str) -> str:
    """A link between Markdown pages as a link between their HTML pages; other links unchanged."""
    target, hash_mark, fragment = href.partition("#")
    if target.endswith(".md") and "://" not in target:
        target = target[: -len(".md")] + ".html"
    return target + hash_mark + fragment


def render_markdown(md, text: str) -> tuple[str, str]:
    """The page's HTML body and its title (the first heading), with anchored headings and .html links."""
    tokens = md.parse(text)
    title, seen = "", {}
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            heading = tokens[index + 1].content
            title = title or heading.replace("`", "")
            anchor = slug(heading)
            seen[anchor] = seen.get(anchor, -1) + 1
            token.attrSet("id", anchor if not seen[anchor] else f"{anchor}-{seen[anchor]}")
        for child in token.children or ():
            if child.type == "link_open":
                child.attrSet("href", html_href(str(child.attrGet("href"))))
    return md.renderer.render(tokens, md.options, {}), title


def sidebar(page: str, families: dict) -> str:
    """Navigation for the page at `page` (a path relative to the site root such as "rules/DEP001.html")."""
    up = "../" * page.count("/")

    def link(target: str, text: str) -> str:
        current = ' class="current" aria-current="page"' if target == page else ""
        return f'<a href="{up}{target}"{current}>{html.escape(text)}</a>'

    out = ['<nav><div class="title">reprocheck</div>', link("index.html", "Home"), link("guide.html", "User guide")]
    out.append(link("rules.html", "Rule reference"))
    for family, rules in families.items():
        is_open = " open" if any(page == f"{RULE_PAGES}/{rule.code}.html" for rule in rules) else ""
        out.append(f"<details{is_open}><summary>{html.escape(family_heading(family))}</summary>")
        out += [link(f"{RULE_PAGES}/{rule.code}.html", f"{rule.code} {rule.name}") for rule in rules]
        out.append("</details>")
    return "\n".join([*out, "</nav>"])


def page_html(body: str, title: str, nav: str) -> str:
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)} · reprocheck</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n{nav}\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


def site_pages(docs: Path) -> dict[str, str]:
    """Each page of the site (relative path ending in .html) and its Markdown source."""
    pages = {"index.html": HOME}
    for path, content in generated(docs).items():
        pages[path.relative_to(docs).with_suffix(".html").as_posix()] = content
    return pages


def build(docs: Path, out: Path) -> Path:
    """Write the site for the docs folder `docs` into `out` (replacing the pages of an earlier build)."""
    md, families = markdown_renderer(), families_of(shipped_rules())
    if (out / RULE_PAGES).is_dir():
        shutil.rmtree(out / RULE_PAGES)  # pages of removed rules go with it
    for page, text in site_pages(docs).items():
        body, title = render_markdown(md, text)
        target = out / page
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page_html(body, title, sidebar(page, families)), encoding="utf-8", newline="\n")
    return out
