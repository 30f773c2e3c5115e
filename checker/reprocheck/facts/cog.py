"""Replicate Cog's `cog.yaml`: the image Cog builds from it declares a Python version and Python packages.

`build.python_version` (`"3.8"`) is the interpreter of the image, `build.python_packages` lists requirement
specifiers (`torchvision==0.11.1`) that Cog installs with pip, and `build.python_requirements` names a
requirements file Cog installs. Read from the YAML nodes, so that each value keeps its line; the version is
taken as written (`python_version: 3.10` unquoted is the text `3.10`, not the float 3.1).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

import yaml

from reprocheck import filekinds
from reprocheck.facts.yamlfiles import load_yaml

COG_FILE = "cog.yaml"


@dataclass
class CogBuild:
    path: str
    python_version: tuple[str, int] | None = None  # (as written, line)
    python_packages: list[tuple[str, int]] = field(default_factory=list)  # (requirement specifier, line)
    python_requirements: tuple[str, int] | None = None  # (repository path, line)


def is_cog_file(rel: str) -> bool:
    return filekinds.name(rel) == COG_FILE


def cog_builds(project) -> list[CogBuild]:
    """The `build:` section of every `cog.yaml` of the repository."""
    found = []
    for rel in project.select(is_cog_file):
        parsed = load_yaml(project, rel)
        build = parsed.node_at("build") if parsed is not None else None
        if not isinstance(build, yaml.MappingNode):
            continue
        cog = CogBuild(rel)
        version = parsed.node_at("build", "python_version")
        if isinstance(version, yaml.ScalarNode) and version.value:
            cog.python_version = (str(version.value), version.start_mark.line + 1)
        packages = parsed.node_at("build", "python_packages")
        if isinstance(packages, yaml.SequenceNode):
            cog.python_packages = [
                (item.value.strip(), item.start_mark.line + 1)
                for item in packages.value
                if isinstance(item, yaml.ScalarNode) and isinstance(item.value, str) and item.value.strip()
            ]
        requirements = parsed.node_at("build", "python_requirements")
        if isinstance(requirements, yaml.ScalarNode) and requirements.value:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), requirements.value))
            cog.python_requirements = (target, requirements.start_mark.line + 1)
        found.append(cog)
    return found
