"""The `reprocheck` entry point, kept light: `reprocheck --version` answers without importing typer or the rules.

The typer application lives in :mod:`reprocheck.commands`; `reprocheck.cli.app` still reaches it (lazily).
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys

from reprocheck import __version__

COMMANDS = ("check", "rules", "rule", "config", "init", "clean")
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

    try:
        app(args=normalize_argv(argv), prog_name="reprocheck")
    except SystemExit as done:
        if done.code is not None and not isinstance(done.code, int):
            raise  # a message to print: Python does that
        leave(done.code or 0)
    leave(0)


def leave(code: int) -> None:
    """Exit without tearing the interpreter down: freeing the millions of objects of a large run one by one took
    a tenth of a second, and the process ends anyway. Everything is written by now; only the standard streams
    may still hold buffered output (a reader that went away, as `| head` does, is no error)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def __getattr__(name: str):
    if name in ("app", "fail", "rule_metadata", "render_rule"):
        from reprocheck import commands

        return getattr(commands, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":  # pragma: no cover
    main()
