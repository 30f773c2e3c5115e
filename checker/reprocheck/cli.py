"""The `reprocheck` entry point, kept light: `reprocheck --version` answers without importing typer or the rules.

The typer application lives in :mod:`reprocheck.commands`; `reprocheck.cli.app` still reaches it (lazily).
"""

from __future__ import annotations

import gc
import sys

from reprocheck import __version__

COMMANDS = ("check", "rules", "rule", "config")
HELP = ("-h", "--help")
VERSION = (["--version"], ["-V"], ["version"])


def normalize_argv(argv: list[str]) -> list[str]:
    """`reprocheck [PATH ...]` and `reprocheck --select X .` mean `reprocheck check ...`."""
    if not argv:
        return ["check"]
    if argv[0] in COMMANDS or argv[0] in HELP or argv[0] in ("--version", "-V"):
        return argv
    return ["check", *argv]


def main() -> None:
    argv = sys.argv[1:]
    if argv in VERSION:
        print(f"reprocheck {__version__}")
        return
    # One short-lived run: the parsed trees and facts live until it ends and hold no garbage cycles worth
    # collecting, while each collection walks millions of AST nodes again (a third of a large run's time).
    # Only the console command turns the collector off; in-process callers (tests) keep theirs.
    gc.disable()
    from reprocheck.commands import app

    app(args=normalize_argv(argv), prog_name="reprocheck")


def __getattr__(name: str):
    if name in ("app", "fail", "rule_metadata", "render_rule"):
        from reprocheck import commands

        return getattr(commands, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":  # pragma: no cover
    main()
