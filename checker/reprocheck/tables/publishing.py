"""How a project shows that it publishes to PyPI (which makes it a library by default): as data.

`PUBLISH_ACTIONS` are GitHub Actions that upload distributions; `PUBLISH_COMMANDS` are (program, subcommand)
pairs that upload, also when run as `python -m <program>`. A README that tells users to install the project by
its own name is read with the shell lexer (`INSTALL_IN_TEXT` finds where such a command starts).
"""

from __future__ import annotations

from reprocheck.patterns import lazy_pattern

PUBLISH_ACTIONS = frozenset({"pypa/gh-action-pypi-publish"})
PUBLISH_COMMANDS = frozenset(
    {
        ("twine", "upload"),
        ("uv", "publish"),
        ("hatch", "publish"),
        ("flit", "publish"),
        ("poetry", "publish"),
        ("pdm", "publish"),
        ("maturin", "publish"),
    }
)
README_NAMES = ("README.md", "README.rst", "README.txt", "README", "README.markdown")
# The start of an install command inside prose or a code block (`$ pip install x`, `!pip install x`, `conda install
# -c owner x`: a package published to a conda channel is distributed as much as one on PyPI).
INSTALL_IN_TEXT = lazy_pattern(
    r"(?<![\w-])(?:python3?\s+-m\s+)?(?:uv\s+)?pip3?\s+install\b|(?<![\w-])uv\s+add\b"
    r"|(?<![\w-])(?:conda|mamba|micromamba)\s+install\b"
)
