"""conda environment files: channels, conda match specs and the `pip:` section.

Which files: those named as conda environments (`environment*.yml`, MLflow's `conda.yaml`, `conda_env*.yml`),
and any other YAML file whose content is one, whatever it is called (`requirements.yaml`, `env.yml`): a top-level
`dependencies:` list of conda match specs (with at most a `pip:` sub-list beside them), no top-level key a conda
environment does not have, and a sign of conda (`channels:`, a `pip:` sub-list, or `python`/`pip` among the specs).
A file in the folder of a logged MLflow model (next to `MLmodel`) is that model's metadata, never an environment
of the project.

Read through the shared YAML loader (parsed once). Conda match specs are read with conda's own grammar
(`[channel::]name[ version[ build]]`, `name=1.2`, `name==1.2.3`, `name=1.2.3=build`, `name>=1,<2`); the
`pip:` entries are requirement lines and are parsed by the requirements reader, with `-r` resolved relative
to the environment file as conda does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from reprocheck import filekinds
from reprocheck.facts import fact
from reprocheck.facts.requirements import RequirementsFile, in_saved_model, parse_requirements_text
from reprocheck.facts.yamlfiles import YamlRefused, load_yaml, parse_yaml
from reprocheck.patterns import lazy_pattern
from reprocheck.project import UnreadableFile

MATCH_SPEC = lazy_pattern(
    r"^(?:(?P<channel>[^\s:]+(?:/[^\s:]+)*)::)?(?P<name>[A-Za-z0-9_][A-Za-z0-9_.\-]*)\s*(?P<rest>.*)$"
)
BRACKET_VERSION = lazy_pattern(r"version\s*=\s*['\"]?(?P<version>[^'\",\]]+)")
RELEASE = lazy_pattern(r"^\d+(\.\d+)*")
VERSION_START = lazy_pattern(r"^(=|==|<|>|<=|>=|!=|~=)?\s*[0-9*]")
# conda's version strings may be words (`sacremoses=master=py_0` from `conda env export`): an exact `=word` or
# `==word`, with or without a build, is a match spec conda accepts.
WORD_VERSION = lazy_pattern(r"^==?[A-Za-z0-9_][A-Za-z0-9_.+!]*(?:=[A-Za-z0-9_.*+]*)?$")
# The top-level keys of a conda environment file (conda's own, and conda-lock's additions).
ENVIRONMENT_KEYS = frozenset({"name", "channels", "dependencies", "prefix", "variables", "platforms", "category"})
DEPENDENCIES_KEY = lazy_pattern(r"^dependencies\s*:", re.MULTILINE)
# A list item that opens with a template placeholder (`- {tensorflow}=1.13.1`, `- {pytorch}`, filled by a
# Dockerfile's `sed` before `conda env create`): YAML reads `{...}` as a flow mapping (and refuses the file when a
# version follows). The placeholder names the package that goes there.
TEMPLATE_ITEM = lazy_pattern(
    r"^(?P<lead>[ \t]*-[ \t]+)\{(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)\}(?=[^\s,:}]|[ \t]*(?:#.*)?$)", re.MULTILINE
)
# A channel label that names one release of a package family (`nvidia/label/cuda-12.1.1`): it serves only the
# packages of that release, so `cuda`, `cuda-nvcc` or `cuda-toolkit` installed from it have their version fixed.
RELEASE_LABEL = lazy_pattern(
    r"(?:^|/)label/(?P<family>[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z][A-Za-z0-9_]*)*)-\d+\.\d+\.\d+/?$"
)


@dataclass
class CondaSpec:
    """A conda match spec: `version` is the version constraint as written ("" for none)."""

    raw: str
    name: str
    channel: str | None = None
    version: str = ""
    build: str | None = None

    @property
    def has_version(self) -> bool:
        return bool(self.version.strip())

    @property
    def pinned_version(self) -> str | None:
        """The single version this spec selects: `==V`, `=V=build`, or a fully specific `=V` (three parts)."""
        version = self.version.strip()
        if not version or any(ch in version for ch in "<>!|,*~"):
            return None
        if version.startswith("=="):
            return version[2:].strip() or None
        exact = version.lstrip("=").strip()
        if self.build or (RELEASE.match(exact) and exact.count(".") >= 2):
            return exact
        return None

    @property
    def minor(self) -> tuple[int, int] | None:
        """(major, minor) when the constraint names exactly one minor version (`=3.11`, `3.11.*`, `==3.11.4`)."""
        version = self.version.strip()
        if not version or any(ch in version for ch in "<>!|,~"):
            return None
        match = re.match(r"^=?=?\s*(\d+)\.(\d+)(\.[\d*]+)*\.?\*?$", version)
        return (int(match.group(1)), int(match.group(2))) if match else None


@dataclass
class CondaDependency:
    """One conda dependency of an environment file, with where it is written."""

    spec: CondaSpec
    line: int
    column: int


@dataclass
class CondaEnvironment:
    """A conda environment file: its channels, conda dependencies and pip section."""

    path: str
    name: str | None = None
    channels: list[str] = field(default_factory=list)
    channels_line: int | None = None
    dependencies: list[CondaDependency] = field(default_factory=list)
    dependencies_line: int = 1
    pip: RequirementsFile | None = None
    pip_line: int | None = None

    @property
    def python(self) -> CondaDependency | None:
        return next((d for d in self.dependencies if d.spec.name == "python"), None)


def pinned_by_label(name: str, channels) -> bool:
    """Whether one of `channels` is a release label of `name`'s family (`cuda-nvcc` from
    `nvidia/label/cuda-12.1.1`): the label holds that one release, so the package needs no version of its own. A
    label without a full version (`cuda-12.1`, `nightly`) or of another family (`pytorch` from a cuda label)
    fixes nothing."""
    name = name.lower()
    for channel in channels:
        match = RELEASE_LABEL.search(channel.strip())
        family = match.group("family").lower() if match else None
        if family and (name == family or name.startswith(family + "-")):
            return True
    return False


def parse_match_spec(text: str) -> CondaSpec | None:
    """A conda match spec, or None when it is not one."""
    text = text.strip()
    bracket = None
    if "[" in text and text.endswith("]"):
        text, bracket = text[: text.index("[")], text[text.index("[") :]
    match = MATCH_SPEC.match(text)
    if not match:
        return None
    name, rest = match.group("name"), match.group("rest").strip()
    if rest and not VERSION_START.match(rest) and not WORD_VERSION.match(rest):
        return None
    version, build = rest, None
    if rest.startswith("=") and not rest.startswith("=="):
        parts = rest[1:].split("=")
        version, build = "=" + parts[0], (parts[1] if len(parts) > 1 and parts[1] else None)
    elif rest.startswith("=="):
        parts = rest[2:].split("=")
        version, build = "==" + parts[0], (parts[1] if len(parts) > 1 and parts[1] else None)
    elif rest and rest[0].isdigit() and " " in rest:  # `numpy 1.26.4 py311h_0`
        version, build = rest.split(None, 1)
    if bracket and not version:
        found = BRACKET_VERSION.search(bracket)
        version = found.group("version") if found else ""
    return CondaSpec(
        raw=match.group(0), name=name.lower(), channel=match.group("channel"), version=version, build=build
    )


def _scalar(node) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def _string(node) -> str | None:
    """The text of a string scalar (a number or a boolean where a spec belongs is not one)."""
    return node.value if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str" else None


def filled_template(text: str) -> str | None:
    """The text of an environment file whose list items open with template placeholders (`- {pytorch}`,
    `- {tensorflow}=1.13.1`), each placeholder replaced by its name; None when it has none."""
    if "{" not in text or not TEMPLATE_ITEM.search(text):
        return None
    return TEMPLATE_ITEM.sub(lambda m: m.group("lead") + m.group("name"), text)


def load_environment_yaml(project, rel: str):
    """The parsed environment file; one whose list items open with template placeholders is parsed filled (see
    `filled_template`), without a problem recorded when that parses."""

    def build(project, rel: str):
        text = project.try_read_text(rel, "YAML file")
        filled = filled_template(text) if text is not None else None
        if filled is not None:
            try:
                return parse_yaml(rel, filled)
            except (yaml.YAMLError, YamlRefused, RecursionError, ValueError, TypeError):
                pass
        return load_yaml(project, rel)

    return project.parsed("conda-yaml", rel, build)


def parse_environment(project, rel: str) -> CondaEnvironment | None:
    loaded = load_environment_yaml(project, rel)
    if loaded is None:
        return None
    env = CondaEnvironment(path=rel)
    root = loaded.root
    if not isinstance(root, yaml.MappingNode):
        if root is not None:
            project.problem(rel, "invalid conda environment: the top level is not a mapping", 1)
        return env
    for key, value in root.value:
        label = _scalar(key)
        if label == "name":
            env.name = _scalar(value)
        elif label == "channels" and isinstance(value, yaml.SequenceNode):
            env.channels_line = key.start_mark.line + 1
            env.channels = [c for c in (_scalar(v) for v in value.value) if c]
        elif label == "dependencies" and isinstance(value, yaml.SequenceNode):
            env.dependencies_line = key.start_mark.line + 1
            read_dependencies(project, env, value)
    return env


def read_dependencies(project, env: CondaEnvironment, sequence: yaml.SequenceNode) -> None:
    for item in sequence.value:
        text = _string(item)
        if text is None and isinstance(item, yaml.ScalarNode):
            project.problem(
                env.path, f"invalid conda dependency {item.value!r}: not a string", item.start_mark.line + 1
            )
            continue
        if text is not None:
            spec = parse_match_spec(text)
            if spec is None:
                project.problem(env.path, f"invalid conda dependency {text!r}", item.start_mark.line + 1)
                continue
            env.dependencies.append(CondaDependency(spec, item.start_mark.line + 1, item.start_mark.column + 1))
        elif isinstance(item, yaml.MappingNode):
            for key, value in item.value:
                if _scalar(key) == "pip" and isinstance(value, yaml.SequenceNode):
                    env.pip_line = key.start_mark.line + 1
                    env.pip = read_pip_section(project, env.path, value)


def read_pip_section(project, rel: str, sequence: yaml.SequenceNode) -> RequirementsFile:
    """The `pip:` entries as one requirements file whose lines point into the environment file."""
    section = RequirementsFile(path=rel)
    for item in sequence.value:
        text = _string(item)
        line, column = item.start_mark.line + 1, item.start_mark.column + 1
        if text is None:
            project.problem(rel, "invalid pip entry: not a string", line, column)
            continue
        parsed, problems = parse_requirements_text(rel, text.replace("\n", " "))
        for _, message in problems:
            project.problem(rel, message, line)
        plain = item.style is None and "\n" not in text
        for entry in parsed.requirements:
            entry.line = entry.end_line = line
            entry.column = column
            entry.via, entry.via_line = (), None
            if plain and entry.name_span and entry.head_span:
                shift = column - 1
                entry.name_span = (entry.name_span[0] + shift, entry.name_span[1] + shift)
                entry.head_span = (entry.head_span[0] + shift, entry.head_span[1] + shift)
            else:
                entry.name_span = entry.head_span = None
            section.requirements.append(entry)
        section.includes.extend(type(i)(i.kind, i.target, i.resolved, line, column) for i in parsed.includes)
        section.options.extend(type(o)(o.name, o.value, line, column) for o in parsed.options)
    return section


def load_environment(project, rel: str) -> CondaEnvironment | None:
    return project.parsed("conda-environment", rel, parse_environment)


def has_environment_shape(root) -> bool:
    """Whether a parsed YAML document is a conda environment by its content (see the module docstring)."""
    if not isinstance(root, yaml.MappingNode):
        return False
    keys = {_scalar(key): value for key, value in root.value}
    dependencies = keys.get("dependencies")
    if not set(keys) <= ENVIRONMENT_KEYS or not isinstance(dependencies, yaml.SequenceNode):
        return False
    names, pip = set(), False
    for item in dependencies.value:
        text = _string(item)
        if text is not None:
            spec = parse_match_spec(text)
            if spec is None:
                return False
            names.add(spec.name)
        elif isinstance(item, yaml.MappingNode) and [_scalar(k) for k, _ in item.value] == ["pip"]:
            pip = isinstance(item.value[0][1], yaml.SequenceNode)
            if not pip:
                return False
        else:
            return False
    channels = keys.get("channels")
    return bool(names) and (isinstance(channels, yaml.SequenceNode) or pip or bool(names & {"python", "pip"}))


def shaped_as_environment(project, rel: str) -> bool:
    """A YAML file of another name that holds a conda environment (decided from its bytes; unparsable is not)."""

    def decide() -> bool:
        try:
            text = project.read_text(rel)
        except UnreadableFile:
            return False
        if not DEPENDENCIES_KEY.search(text):
            return False
        try:
            # `- {tensorflow}=1.13.1`: a template that a Dockerfile fills is read filled
            parsed = parse_yaml(rel, filled_template(text) or text)
        except (yaml.YAMLError, YamlRefused, RecursionError, ValueError, TypeError):
            return False
        return len(parsed.nodes) == 1 and has_environment_shape(parsed.nodes[0])

    return project.remembered("conda-environment-shape", rel, decide)


def _environment_files(project, _rel: str) -> tuple[list[str], frozenset[str]]:
    found = [
        rel
        for rel in project.files
        if (filekinds.is_conda_env(rel) or (filekinds.is_yaml(rel) and shaped_as_environment(project, rel)))
        and not in_saved_model(project, rel)
    ]
    return found, frozenset(found)


def environment_files(project) -> list[str]:
    """The conda environment files of the project, in order: by name or by content, none of a logged model."""
    return list(project.parsed("conda-environment-files", "", _environment_files)[0])


def is_environment_file(project, rel: str) -> bool:
    return rel in project.parsed("conda-environment-files", "", _environment_files)[1]


@fact
def conda_environments(project) -> dict[str, CondaEnvironment]:
    """Every conda environment file that parses (by name: `environment*.yml`, MLflow's `conda.yaml`,
    `conda_env*.yml`; or by content, see the module docstring), by path; a logged MLflow model's is left out."""
    found = {}
    for rel in environment_files(project):
        env = load_environment(project, rel)
        if env is not None:
            found[rel] = env
    return found
