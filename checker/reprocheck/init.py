"""`reprocheck init`: adopt reprocheck on an existing repository in one command.

It writes the settings that detection would otherwise decide on every run (the project type and, in a monorepo,
the projects), so that they are reviewed once and stay put; records today's findings in the baseline, so that CI
fails only on new problems; and prints the pre-commit and GitHub Action snippets to paste. Nothing is written
when the repository already has reprocheck settings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from reprocheck import __version__
from reprocheck.config import ConfigError

SNIPPETS = """\
Add the hook to .pre-commit-config.yaml (pin rev to a release tag or commit of reprocheck):

  - repo: https://github.com/<org>/reprocheck
    rev: v{version}
    hooks:
      - id: reprocheck

and run it in CI, e.g. GitHub Actions:

      - uses: <org>/reprocheck@<commit-sha>   # the reprocheck action: annotations, job summary, SARIF
"""


@dataclass
class Adoption:
    """What `init` wrote: the settings file, the settings, and the baseline with its number of findings."""

    settings_file: Path
    settings: dict
    baseline: str
    recorded: int


def settings_text(values: dict, notes: dict[str, str], table: bool) -> str:
    """TOML for the settings: a `[tool.reprocheck]` table for pyproject.toml, top-level keys for reprocheck.toml."""
    lines = ["", "[tool.reprocheck]"] if table else ["# reprocheck settings, written by `reprocheck init`."]
    for key, value in values.items():
        note = f"  # {notes[key]}" if key in notes else ""
        lines.append(f"{key} = {json.dumps(value)}{note}")
    return "\n".join(lines) + "\n"


def adopt(path: Path) -> Adoption:
    """Write the settings and the baseline for the repository at `path` (ConfigError when it has settings)."""
    from reprocheck.facts import FactStore
    from reprocheck.project import Project
    from reprocheck.runner import CheckOptions, check_target, group_targets, settings_for, write_baseline

    target = group_targets([path])[0]
    root = target.root
    settings = settings_for(root, CheckOptions())
    if settings.config_file is not None:
        raise ConfigError(f"reprocheck is configured already in {settings.config_file}; nothing was written")
    facts = FactStore(Project.discover(root, settings, root=root))
    kind = facts.get("project_kind")
    values: dict = {"project-type": kind.kind}
    notes = {"project-type": f"detected: {kind.reason}"}
    folders = [p.folder for p in facts.get("projects").found if p.folder]
    if len(folders) >= 2:
        values["projects"] = sorted(folders)
        notes["projects"] = "detected independent projects, each judged on its own"
    pyproject = root / "pyproject.toml"
    settings_file = pyproject if pyproject.is_file() else root / "reprocheck.toml"
    before = settings_file.read_text("utf-8") if settings_file.is_file() else None
    text = settings_text(values, notes, table=before is not None)
    settings_file.write_text((before.rstrip("\n") + "\n" if before else "") + text, "utf-8")
    try:
        settings_for(root, CheckOptions())  # what was written must load
        result = check_target(target, CheckOptions(write_baseline=True, no_cache=True))
    except ConfigError:
        restore(settings_file, before)
        raise
    if result.errors:
        restore(settings_file, before)
        raise ConfigError(f"a rule crashed ({result.errors[0].code}); nothing was written")
    baseline, recorded = write_baseline(result, None)
    return Adoption(settings_file, values, baseline, recorded)


def restore(settings_file: Path, before: str | None) -> None:
    if before is None:
        settings_file.unlink(missing_ok=True)
    else:
        settings_file.write_text(before, "utf-8")


def snippets() -> str:
    return SNIPPETS.format(version=__version__)
