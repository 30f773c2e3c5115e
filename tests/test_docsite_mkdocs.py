"""The docs site builds with MkDocs in strict mode (broken links and anchors fail), with a page per rule."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from reprocheck.rule import load_rules
from tests.conftest import REPO_ROOT

mkdocs = pytest.importorskip("mkdocs", reason="mkdocs comes with the dev lock (requirements/dev.txt)")


def test_mkdocs_builds_strictly_with_a_page_per_rule(tmp_path):
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for code in load_rules():
        page = site / "rules" / code / "index.html"
        assert page.is_file(), code
        assert code in page.read_text(encoding="utf-8")
    assert (site / "guide" / "index.html").is_file() and (site / "rules" / "index.html").is_file()
