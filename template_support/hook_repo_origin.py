"""Copy-time task (copier.yml `_tasks`): a project copied from a local checkout of the template takes the reprocheck
hook from that checkout's `origin` remote.

Copied from a git URL, the `reprocheck_repo` default already is that URL. From a local path, Jinja cannot read the
checkout's git config, so the default is the placeholder and copier runs this task in the new project. copier
works on a clone of a local checkout (the clone's `origin` is the checkout); the checkout's own `origin` is where it
came from, typically the user's fork. That URL, normalized by hook_repo.jinja exactly as the default is, replaces
the placeholder in .pre-commit-config.yaml and in the answers file, so that `copier update` keeps it. Without an
origin, the task says how to set the repository later; it never fails the copy.

    python hook_repo_origin.py <template folder copier works in> <source as given to copier> <answers file>

It needs the standard library and Jinja2 only: copier's own interpreter (`_copier_python`) has both.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment

HERE = Path(__file__).resolve().parent
HOOK_CONFIG = Path(".pre-commit-config.yaml")


def rules():
    """hook_repo.jinja as a module (`hook_repo_url`, `placeholder`), rendered as copier renders copier.yml."""
    environment = SandboxedEnvironment(loader=FileSystemLoader(str(HERE.parent)))
    return environment.get_template(f"{HERE.name}/hook_repo.jinja").module


def git(repo: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (done.stdout.strip() or None) if done.returncode == 0 else None


def is_repository_root(folder: Path) -> bool:
    """Whether `folder` is the top of a git work tree (a folder inside another repository has no origin of its own)."""
    top = git(folder, "rev-parse", "--show-toplevel") if folder.is_dir() else None
    return top is not None and Path(top).resolve() == folder.resolve()


def local_checkout(template_folder: Path, source: str) -> Path | None:
    """The checkout the template was copied from: the source path itself when absolute, else the origin of the
    clone copier works in (git records a local origin as an absolute path)."""
    candidates = [Path(source).expanduser()]
    cloned_from = git(template_folder, "config", "--get", "remote.origin.url")
    if cloned_from:
        candidates.append(Path(cloned_from))
    return next((c for c in candidates if c.is_absolute() and is_repository_root(c)), None)


def replaced_line(path: Path, old: str, new: str) -> str | None:
    """The text of `path` with its one line that is `old` (surrounding spaces kept) made `new`; None when there is
    not exactly one."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    found = [n for n, line in enumerate(lines) if line.strip() == old]
    if len(found) != 1:
        return None
    lines[found[0]] = lines[found[0]].replace(old, new, 1)
    return "".join(lines)


def main(argv: list[str]) -> int:
    template_folder, source, answers_file = Path(argv[0]), argv[1], Path(argv[2])
    module = rules()
    placeholder = str(module.placeholder)
    if str(module.hook_repo_url(source)) != placeholder:
        return 0  # copied from a URL, and the placeholder was answered on purpose
    checkout = local_checkout(template_folder, source)
    origin = git(checkout, "config", "--get", "remote.origin.url") if checkout else None
    url = str(module.hook_repo_url(origin)) if origin and not any(c.isspace() for c in origin) else placeholder
    if url == placeholder:
        print(
            f"Note: {source} has no origin remote to take the reprocheck hook from, so .pre-commit-config.yaml points"
            f" at the placeholder {placeholder}. After the first commit, set your reprocheck repository:"
            " copier update --trust --defaults --data reprocheck_repo=<git URL>",
            file=sys.stderr,
        )
        return 0
    edits = {
        HOOK_CONFIG: replaced_line(HOOK_CONFIG, f"- repo: {placeholder}", f"- repo: {url}"),
        answers_file: replaced_line(answers_file, f"reprocheck_repo: {placeholder}", f"reprocheck_repo: {url}"),
    }
    if None in edits.values():
        print(f"Warning: could not point the reprocheck hook at {url}; set reprocheck_repo yourself.", file=sys.stderr)
        return 0
    for path, text in edits.items():
        path.write_text(text, encoding="utf-8")
    print(f"The reprocheck hook follows {url}, the origin remote of {checkout}.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
