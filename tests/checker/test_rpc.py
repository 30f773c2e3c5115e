"""RPC002: files the checker reads and cannot parse, and files that are not part of the checkout."""

from __future__ import annotations

import os

from tests.conftest import findings


# -- RPC002: links into a submodule that is not checked out ------------------------------------------
def test_rpc002_links_into_a_submodule_that_is_not_checked_out(make_repo):
    root = make_repo(
        {
            ".gitmodules": '[submodule "jekyllbook"]\n\tpath = docs/jekyllbook\n\turl = https://example.org/jb\n',
            "docs/README.md": "# docs\n![plot](img/plot.png)\n",
            "docs/_layouts/custom.html": "<html></html>\n",
            "configs/base.yaml": "seed: 1\n",
            "data/train.csv": "a,b\n" + "1,2\n" * 50,
        },
        commit=False,
    )
    # links into the submodule, which is not checked out: a docs page, a layout, a config
    os.symlink("jekyllbook/404.html", root / "docs/404.html")
    os.symlink("../jekyllbook/_layouts/default.html", root / "docs/_layouts/default.html")
    os.symlink("../docs/jekyllbook/_config.yml", root / "configs/site.yaml")
    # a broken link elsewhere into a YAML config is still a file the run needs and cannot read
    os.symlink("../missing/params.yaml", root / "configs/params.yaml")
    result = findings(root, select="CFG,DAT,RPC002")
    assert [f["path"] for f in result if f["code"] == "RPC002"] == ["configs/params.yaml"]
    # a docs page that cannot be read is never a parse error: pages are only scanned for links
    os.symlink("../missing/page.md", root / "docs/page.md")
    result = findings(root, select="CFG,DAT,RPC002")
    assert [f["path"] for f in result if f["code"] == "RPC002"] == ["configs/params.yaml"]
