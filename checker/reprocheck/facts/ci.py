"""CI configurations as data: GitHub Actions workflows, composite actions, GitLab CI (following local
`include:`s) and the pre-commit configuration.

Each configuration yields its shell steps with the line of their first script line (so the shell lexer's lines
are the file's lines), the actions it uses, the images it runs in, its runners and its Python versions. Values
are read from the composed YAML nodes, not the constructed data, so `python-version: 3.10` stays "3.10".
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from reprocheck import filekinds
from reprocheck.facts import fact
from reprocheck.facts.shell import SHELLS, Command, parse_install, split_commands, strip_wrappers
from reprocheck.facts.yamlfiles import YamlFile, load_yaml, scalar_key
from reprocheck.patterns import lazy_pattern
from reprocheck.project import UnreadableFile
from reprocheck.tables import ci_jobs as jobs_table

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
MATRIX_ANYWHERE = lazy_pattern(r"\$\{\{\s*matrix\.([A-Za-z0-9_\-]+)\s*\}\}")
MATRIX_REFERENCE = lazy_pattern(r"^\$\{\{\s*matrix\.([A-Za-z0-9_\-]+)\s*\}\}$")
ENVIRONMENT_TOOLS = frozenset({"pip", "uv", "poetry", "pipenv", "conda"})  # installs that build an environment
PYTHON = re.compile(r"^(python|pypy)(\d+(\.\d+)?)?$")
PYTHON_IMAGE = lazy_pattern(r"^(?:docker\.io/)?(?:library/)?python:(\d+\.\d+)")
SETUP_PYTHON_ACTIONS = frozenset({"actions/setup-python", "astral-sh/setup-uv", "conda-incubator/setup-miniconda"})
GITLAB_RESERVED = frozenset(
    {"stages", "variables", "include", "default", "workflow", "image", "services", "before_script",
     "after_script", "cache", "spec"}
)  # fmt: skip
GITLAB_SCRIPT_KEYS = ("before_script", "script", "after_script")
GITHUB_OWNER = lazy_pattern(r"github\.com[:/]([A-Za-z0-9][A-Za-z0-9-]*)/[A-Za-z0-9._-]+", re.IGNORECASE)
GIT_ORIGIN = lazy_pattern(r'^\s*\[remote "origin"\]\s*$((?:\n(?!\s*\[).*)*)', re.MULTILINE)
GIT_URL = lazy_pattern(r"^\s*url\s*=\s*(\S+)", re.MULTILINE)
MAX_GIT_CONFIG = 1 << 20
GIT_CLONE = lazy_pattern(r"\bgit clone\s+(?:--?[\w-]+(?:[ =]\d+)?\s+)*((?:https://|git@)github\.com[:/]\S+)")
README_NAMES = ("README.md", "README.rst", "README.txt", "README", "readme.md", "Readme.md")


# -- data ---------------------------------------------------------------------------------------------------------
@dataclass
class RunStep:
    """A shell script run by CI: `line` is the file line of the script's first line."""

    line: int
    script: str
    env: dict[str, str]
    job: str | None = None
    key_line: int = 0  # line of the `run:`/`script:` key (or list item)
    continue_on_error: bool = False  # the step or its job may fail (continue-on-error / allow_failure)
    shell: str | None = None  # GitHub `shell:` (None: the default shell)
    name: str | None = None
    folded: bool = False  # a `>` block scalar (its lines are joined, so lines inside it are approximate)
    folder: str = ""  # the GitHub `working-directory` it runs in ("" for the checkout's root)
    workdir: str | None = None  # that `working-directory` as written (an expression kept), None when none is set

    @property
    def is_shell(self) -> bool:
        words = (self.shell or "").split()
        return not words or posixpath.basename(words[0]) in ("bash", "sh", "zsh", "dash")


@dataclass
class ActionUse:
    """A `uses:` reference: `action` is `owner/repo[/path]` (or `./local`, `docker://image`), `ref` after `@`."""

    uses: str
    line: int
    job: str | None
    inputs: dict[str, Any] = field(default_factory=dict)
    continue_on_error: bool = False

    @property
    def action(self) -> str:
        return self.uses.rsplit("@", 1)[0] if "@" in self.uses and not self.is_docker else self.uses

    @property
    def ref(self) -> str | None:
        return self.uses.rsplit("@", 1)[1] if "@" in self.uses and not self.is_docker else None

    @property
    def is_local(self) -> bool:
        return self.uses.startswith("./") or self.uses.startswith("../")

    @property
    def is_docker(self) -> bool:
        return self.uses.startswith("docker://")


@dataclass
class ImageUse:
    """A container image a CI file runs (a job's container, a service, a GitLab image)."""

    image: str
    line: int
    where: str  # "container", "services", "image"
    job: str | None = None


@dataclass
class RunnerLabel:
    """A `runs-on` label of a GitHub job."""

    label: str
    line: int
    job: str | None = None


@dataclass
class CiConfig:
    """One CI file (a GitHub workflow or action, a GitLab pipeline) as the rules read it."""

    path: str
    kind: str  # "github", "gitlab", "action"
    jobs: dict[str, int] = field(default_factory=dict)  # job name -> line of its key
    events: frozenset[str] = frozenset()  # what triggers a GitHub workflow (push, pull_request, schedule, ...)
    run_steps: list[RunStep] = field(default_factory=list)
    python_versions: list[tuple[str, int, bool]] = field(default_factory=list)  # (version, line, in_matrix)
    env: dict[str, str] = field(default_factory=dict)
    uses: list[ActionUse] = field(default_factory=list)
    images: list[ImageUse] = field(default_factory=list)
    runners: list[RunnerLabel] = field(default_factory=list)
    yaml: YamlFile | None = field(default=None, repr=False)
    # workflow_dispatch / workflow_call inputs and composite-action inputs: name -> declared type ("string"...)
    inputs: dict[str, str] = field(default_factory=dict)
    # jobs that test moving dependencies on purpose (CI003 leaves their runner alone): allowed to fail, or named
    # bleeding-edge/nightly/pre-release/latest
    canary_jobs: set[str] = field(default_factory=set)
    # jobs whose steps are handed stored secrets (`${{ secrets.X }}`, not GITHUB_TOKEN, in a step's `with:` or
    # `env:`, or the job's or workflow's `env:`): every later step of the job runs on a runner that holds them
    secret_jobs: set[str] = field(default_factory=set)
    # GitHub jobs whose `permissions:` (their own, else the workflow's) let the token write (`write-all`,
    # `contents: write`): an action there can change the repository
    writing_jobs: set[str] = field(default_factory=set)
    titles: dict[str, str] = field(default_factory=dict)  # job -> its `name:` (GitHub), when it has one
    name: str = ""  # the GitHub workflow's own `name:` ("tests on transformers main"), "" when it has none
    tag_pushes: bool = False  # a GitHub workflow that a pushed tag triggers (`on: push: tags:`)
    # False for a GitHub workflow with no trigger (no `on:`, its triggers commented out, or an empty one): GitHub
    # rejects it and it never runs
    triggered: bool = True


@dataclass
class Hook:
    """One hook of a pre-commit repository entry."""

    id: str
    line: int
    args: list[str]
    entry: str | None
    language: str | None


@dataclass
class HookRepo:
    """One `repos:` entry of a pre-commit config, with its pinned revision."""

    repo: str
    rev: str | None
    line: int
    rev_line: int
    hooks: list[Hook]


@dataclass
class PreCommitConfig:
    """A `.pre-commit-config.yaml`: its repositories and pre-commit.ci section."""

    path: str
    repos: list[HookRepo]
    ci: dict | None  # the pre-commit.ci `ci:` section
    ci_line: int | None
    yaml: YamlFile = field(repr=False)

    def hooks(self) -> list[tuple[HookRepo, Hook]]:
        return [(repo, hook) for repo in self.repos for hook in repo.hooks]


# -- node helpers -------------------------------------------------------------------------------------------------
def child(node: yaml.Node | None, key: Any) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if scalar_key(k) == key), None)
    return None


def items(node: yaml.Node | None) -> list[tuple[Any, yaml.Node, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        return [(scalar_key(k), k, v) for k, v in node.value]
    return []


def elements(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def text(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def truthy(node: yaml.Node | None) -> bool:
    value = text(node)
    return value is not None and value.strip().lower() in ("true", "yes", "on", "1")


def first_line(node: yaml.Node) -> int:
    """1-based file line of a scalar's first content line (block scalars start on the line after `|`)."""
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        return node.start_mark.line + 2
    return node.start_mark.line + 1


def line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def env_of(node: yaml.Node | None) -> dict[str, str]:
    out = {}
    for key, _, value in items(node):
        if isinstance(value, yaml.ScalarNode) and key is not None:
            out[str(key)] = value.value
    return out


# -- GitHub -------------------------------------------------------------------------------------------------------
# A repository secret in an expression; GitHub's own `secrets.GITHUB_TOKEN` expires with the job, scoped by the
# workflow's `permissions:`, where a stored credential (a JIRA, cloud or API token) outlives the run.
SECRET = lazy_pattern(r"\$\{\{[^}]*\bsecrets\.(?!GITHUB_TOKEN\b)", re.IGNORECASE)


def _github_steps(
    config: CiConfig, steps: yaml.Node | None, job: str | None, env: dict, job_fails: bool, matrix, shell=None,
    folder: str = "", workdir: str | None = None,
):  # fmt: skip
    fixed = single_valued(matrix)
    for step in elements(steps):
        step_env = {k: with_matrix(v, fixed) for k, v in {**env, **env_of(child(step, "env"))}.items()}
        given = [*step_env.values(), *(text(v) or "" for _, _, v in items(child(step, "with")))]
        if job is not None and any(SECRET.search(value) for value in given):
            config.secret_jobs.add(job)
        fails = job_fails or truthy(child(step, "continue-on-error"))
        run = child(step, "run")
        if isinstance(run, yaml.ScalarNode):
            key_node = next((k for k, v in step.value if v is run), run)
            config.run_steps.append(
                RunStep(
                    line=first_line(run),
                    script=with_matrix(run.value, fixed),
                    env=step_env,
                    job=job,
                    key_line=line(key_node),
                    continue_on_error=fails,
                    shell=text(child(step, "shell")) or shell,
                    name=text(child(step, "name")),
                    folded=run.style == ">",
                    folder=working_directory(text(child(step, "working-directory"))) or folder,
                    workdir=text(child(step, "working-directory")) or workdir,
                )
            )
        uses = child(step, "uses")
        if isinstance(uses, yaml.ScalarNode):
            inputs = {str(k): v.value for k, _, v in items(child(step, "with")) if isinstance(v, yaml.ScalarNode)}
            config.uses.append(ActionUse(uses.value.strip(), line(uses), job, inputs, fails))
            action = uses.value.split("@", 1)[0]
            if action in SETUP_PYTHON_ACTIONS:
                _python_versions(config, child(child(step, "with"), "python-version"), matrix)


def matrix_values(matrix: yaml.Node | None, key: str) -> list[yaml.Node]:
    """The values a matrix gives `key`: its own list and those its `include` entries add."""
    own = child(matrix, key)
    listed = elements(own) if isinstance(own, yaml.SequenceNode) else [own] if own is not None else []
    return [*listed, *(v for v in (child(i, key) for i in elements(child(matrix, "include"))) if v is not None)]


def single_valued(matrix: yaml.Node | None) -> dict[str, str]:
    """Matrix keys with one value only: GitHub substitutes that value wherever `${{ matrix.<key> }}` is written."""
    keys = {str(k) for k, _, _ in items(matrix) if k not in ("include", "exclude")}
    keys |= {str(k) for entry in elements(child(matrix, "include")) for k, _, _ in items(entry)}
    fixed = {}
    for key in keys:
        values = {v.value.strip() for v in matrix_values(matrix, key) if isinstance(v, yaml.ScalarNode)}
        if len(values) == 1:
            fixed[key] = values.pop()
    return fixed


def with_matrix(text: str, fixed: dict[str, str]) -> str:
    """`text` with the single-valued `${{ matrix.<key> }}` references replaced by their value."""
    if not fixed or "matrix." not in text:
        return text
    return MATRIX_ANYWHERE.sub(lambda m: fixed.get(m.group(1), m.group(0)), text)


def _python_versions(config: CiConfig, node: yaml.Node | None, matrix: yaml.Node | None) -> None:
    if isinstance(node, yaml.SequenceNode):
        for element in elements(node):
            _python_versions(config, element, matrix)
        return
    value = text(node)
    if not value:
        return
    reference = MATRIX_REFERENCE.match(value.strip())
    if reference:
        for candidate in matrix_values(matrix, reference.group(1)):
            if isinstance(candidate, yaml.ScalarNode) and candidate.value.strip():
                config.python_versions.append((candidate.value.strip(), line(candidate), True))
        return
    if "${{" in value:
        return
    versions = [v.strip() for v in value.splitlines() if v.strip()]
    for offset, version in enumerate(versions):
        config.python_versions.append((version, first_line(node) + offset, len(versions) > 1))


def _image(node: yaml.Node | None) -> tuple[str, int] | None:
    if isinstance(node, yaml.ScalarNode) and node.value.strip():
        return node.value.strip(), line(node)
    image = child(node, "image") if isinstance(node, yaml.MappingNode) else None
    image = image if image is not None else child(node, "name")
    if isinstance(image, yaml.ScalarNode) and image.value.strip():
        return image.value.strip(), line(image)
    return None


def _python_from_image(config: CiConfig, image: tuple[str, int] | None) -> None:
    if image is not None:
        match = PYTHON_IMAGE.match(image[0])
        if match:
            config.python_versions.append((match.group(1), image[1], False))


def grants_write(permissions: yaml.Node | None) -> bool:
    """`permissions: write-all`, or a scope given `write` (`contents: write`)."""
    if isinstance(permissions, yaml.ScalarNode):
        return permissions.value.strip() == "write-all"
    return any(text(value) == "write" for _, _, value in items(permissions))


def parse_github(rel: str, data: YamlFile) -> CiConfig:
    config = CiConfig(path=rel, kind="github", yaml=data)
    root = data.root
    config.env = env_of(child(root, "env"))
    config.name = text(child(root, "name")) or ""
    triggers = child(root, True) or child(root, "on")
    config.events = frozenset(workflow_events(triggers))
    config.triggered = any(event.strip() for event in config.events)
    config.tag_pushes = child(child(triggers, "push"), "tags") is not None
    for trigger in ("workflow_dispatch", "workflow_call"):
        for name, _, spec in items(child(child(triggers, trigger), "inputs")):
            config.inputs[str(name)] = text(child(spec, "type")) or "string"
    default_shell = text(child(child(child(root, "defaults"), "run"), "shell"))
    default_workdir = text(child(child(child(root, "defaults"), "run"), "working-directory"))
    workflow_permissions = child(root, "permissions")
    for job_name, key, job in items(child(root, "jobs")):
        job_name = str(job_name)
        config.jobs[job_name] = line(key)
        permissions = child(job, "permissions")
        if grants_write(workflow_permissions if permissions is None else permissions):
            config.writing_jobs.add(job_name)
        job_env = {**config.env, **env_of(child(job, "env"))}
        fails = truthy(child(job, "continue-on-error"))
        matrix = child(child(job, "strategy"), "matrix")
        uses = child(job, "uses")  # a reusable workflow
        if isinstance(uses, yaml.ScalarNode):
            config.uses.append(ActionUse(uses.value.strip(), line(uses), job_name, {}, fails))
        for label in _runner_labels(child(job, "runs-on"), matrix):
            config.runners.append(RunnerLabel(label[0], label[1], job_name))
        container = _image(child(job, "container"))
        if container:
            config.images.append(ImageUse(container[0], container[1], "container", job_name))
            _python_from_image(config, container)
        for _, _, service in items(child(job, "services")):
            image = _image(service)
            if image:
                config.images.append(ImageUse(image[0], image[1], "services", job_name))
        shell = text(child(child(child(job, "defaults"), "run"), "shell")) or default_shell
        workdir = text(child(child(child(job, "defaults"), "run"), "working-directory")) or default_workdir
        folder = working_directory(workdir)
        _github_steps(config, child(job, "steps"), job_name, job_env, fails, matrix, shell, folder, workdir)
        if text(child(job, "name")):
            config.titles[job_name] = text(child(job, "name"))
        title = f"{job_name} {text(child(job, 'name')) or ''}"
        if fails or jobs_table.CANARY_NAME.search(title):
            config.canary_jobs.add(job_name)
    return config


def working_directory(value: str | None) -> str:
    """A `working-directory` as a root-relative folder ("" for the root, or when it holds an expression)."""
    if not value or "$" in value:
        return ""
    folder = posixpath.normpath(value.strip().removeprefix("./"))
    return "" if folder in (".", "") or folder.startswith(("..", "/")) else folder


def workflow_events(triggers: yaml.Node | None) -> list[str]:
    """`on: push`, `on: [push, pull_request]` or `on: {push: ..., schedule: ...}`."""
    if isinstance(triggers, yaml.ScalarNode):
        return [triggers.value]
    if isinstance(triggers, yaml.SequenceNode):
        return [text(e) for e in elements(triggers) if text(e)]
    return [str(key) for key, _, _ in items(triggers)]


def _runner_labels(node: yaml.Node | None, matrix: yaml.Node | None) -> list[tuple[str, int]]:
    if isinstance(node, yaml.SequenceNode):
        return [label for element in elements(node) for label in _runner_labels(element, matrix)]
    if isinstance(node, yaml.MappingNode):
        return _runner_labels(child(node, "labels"), matrix)
    value = text(node)
    if not value:
        return []
    reference = MATRIX_REFERENCE.match(value.strip())
    if reference:
        found = matrix_values(matrix, reference.group(1))
        return [(c.value, line(c)) for c in found if isinstance(c, yaml.ScalarNode)]
    return [(value.strip(), line(node))]


def parse_action(rel: str, data: YamlFile) -> CiConfig:
    config = CiConfig(path=rel, kind="action", yaml=data)
    runs = child(data.root, "runs")
    for name, _, spec in items(child(data.root, "inputs")):
        config.inputs[str(name)] = "string"
        del spec
    image = text(child(runs, "image"))
    if image and image.startswith("docker://"):
        config.uses.append(ActionUse(image, line(child(runs, "image")), None))
    _github_steps(config, child(runs, "steps"), None, {}, False, None)
    return config


# -- GitLab -------------------------------------------------------------------------------------------------------
def parse_gitlab(rel: str, data: YamlFile) -> CiConfig:
    config = CiConfig(path=rel, kind="gitlab", yaml=data)
    root = data.root
    config.env = env_of(child(root, "variables"))
    default = child(root, "default")
    for scope_name, scope in (("default", default), (None, root)):
        image = _image(child(scope, "image"))
        if image:
            config.images.append(ImageUse(image[0], image[1], "image", scope_name))
            _python_from_image(config, image)
        for service in elements(child(scope, "services")):
            found = _image(service)
            if found:
                config.images.append(ImageUse(found[0], found[1], "services", scope_name))
        for key in ("before_script", "after_script"):
            _gitlab_script(config, child(scope, key), scope_name or "default", config.env, False)
    for job_name, key, job in items(root):
        if not isinstance(job, yaml.MappingNode) or job_name in GITLAB_RESERVED or not isinstance(job_name, str):
            continue
        if not job_name.startswith("."):  # `.hidden` jobs are templates
            config.jobs[job_name] = line(key)
        env = {**config.env, **env_of(child(job, "variables"))}
        fails = truthy(child(job, "allow_failure")) or isinstance(child(job, "allow_failure"), yaml.MappingNode)
        image = _image(child(job, "image"))
        if image:
            config.images.append(ImageUse(image[0], image[1], "image", job_name))
            _python_from_image(config, image)
        for service in elements(child(job, "services")):
            found = _image(service)
            if found:
                config.images.append(ImageUse(found[0], found[1], "services", job_name))
        for key in GITLAB_SCRIPT_KEYS:
            _gitlab_script(config, child(job, key), job_name, env, fails)
    return config


def _gitlab_script(config: CiConfig, node: yaml.Node | None, job: str, env: dict, fails: bool) -> None:
    if isinstance(node, yaml.ScalarNode):
        config.run_steps.append(
            RunStep(first_line(node), node.value, env, job, line(node), fails, folded=node.style == ">")
        )
    for element in elements(node):  # nested lists (from anchors) are flattened by GitLab
        _gitlab_script(config, element, job, env, fails)


def gitlab_includes(data: YamlFile) -> list[str]:
    """Local files named by `include:` (`include: ci/a.yml`, `- local: /ci/b.yml`), as root-relative paths."""
    out = []
    node = child(data.root, "include")
    for entry in [node] if not isinstance(node, yaml.SequenceNode) else elements(node):
        value = text(entry) if isinstance(entry, yaml.ScalarNode) else text(child(entry, "local"))
        if value and "://" not in value and "$" not in value:
            out.append(posixpath.normpath(value.lstrip("/")))
    return out


# -- what a job does ---------------------------------------------------------------------------------------------
def job_activities(
    config: CiConfig, job: str, tool_files: frozenset[str] = frozenset(), by_name: bool = True
) -> frozenset[str]:
    """What the job does among "test", "lint", "docs", "install" (the project's environment), "tools" (an install
    of tools only: linters, twine, PyGithub), "setup" (a toolchain set-up action), "build", "image" (a container
    image built from its Dockerfile), "train", "report" (fetching results and rendering them) and "chores"
    (git/gh: merging, labelling, commenting), from its actions, its commands and its name (see
    `tables/ci_jobs.py`); empty for housekeeping done by actions (labels, greetings, stale marks). `tool_files`
    are requirements files that list only linters and publishing tools: installing them is no environment. A job
    named for its tests runs them (`by_name`), unless its steps show it only checks documents, or it files tickets,
    labels or comments with actions made for that and does nothing else."""
    found: set[str] = set()
    chore_actions, unknown_actions = False, False
    for use in config.uses:
        if use.job == job:
            done = action_activities(use.action)
            chore_actions = chore_actions or done == {"chores"}
            owner = use.action.split("/", 1)[0].lower()
            unknown_actions = unknown_actions or (not done and owner not in jobs_table.GITHUB_OWNED_ACTIONS)
            found |= done
            for key in jobs_table.SCRIPT_INPUTS & use.inputs.keys():  # a command wrapped in an action (retries)
                found |= script_activities(str(use.inputs[key]), {}, tool_files=tool_files)
    for step in config.run_steps:
        if step.job == job and step.is_shell:
            found |= script_activities(step.script, step.env, step.line, tool_files)
    chores_only = chore_actions and not unknown_actions and found <= jobs_table.AUXILIARY_ACTIVITIES
    if by_name and jobs_table.TEST_NAME.search(job) and not only_checks(found) and not chores_only:
        found.add("test")  # a job named for its tests runs them, unless its steps show it only checks documents
    return frozenset(found)


def only_checks(activities: set[str] | frozenset[str]) -> bool:
    """Whether a job's work is only checking (linting, link checks, docs, reports, chores): what it installs
    serves those checks, and nothing it does makes a result."""
    return bool(activities & jobs_table.CHECKING_ACTIVITIES) and not activities & jobs_table.RESULT_ACTIVITIES


def script_activities(
    script: str, env: dict[str, str], line: int = 1, tool_files: frozenset[str] = frozenset()
) -> set[str]:
    found: set[str] = set()
    for command in split_commands(script, line, env):
        found |= command_activities(command, tool_files)
    return found


def action_activities(action: str) -> set[str]:
    name = action.lower()
    if name in jobs_table.CHORE_ACTIONS or name.startswith(jobs_table.CHORE_ACTION_PREFIXES):
        return {"chores"}
    if name in jobs_table.IMAGE_ACTIONS:
        return {"image"}
    if name in jobs_table.IMAGE_TOOLING_ACTIONS:
        return set()
    if name in jobs_table.BUILD_ACTIONS:
        return {"build"}
    if name in jobs_table.LINT_ACTIONS:
        return {"lint"}
    if name in jobs_table.REPORT_ACTIONS:
        return {"report"}
    if name.rsplit("/", 1)[-1].startswith(jobs_table.SETUP_ACTION_PREFIXES):
        return {"setup"}
    return set()


def command_activities(command: Command, tool_files: frozenset[str] = frozenset()) -> set[str]:
    install = parse_install(command)
    if install is not None and install.action == "run":
        return {"install"} | program_activities(command)  # `uv run pytest` syncs the environment, then tests
    if install is not None:
        environment = install.tool in ENVIRONMENT_TOOLS and not install.action.startswith("tool ")
        if not environment:
            return set()
        return {"tools"} if only_tools(install, tool_files) else {"install"}
    return program_activities(command)


def program_activities(command: Command) -> set[str]:
    """What the program a command runs does (through `uv run`, `poetry run`, ... wrappers)."""
    argv = run_target(strip_wrappers(command.argv))
    if not argv:
        return set()
    program = posixpath.basename(argv[0])
    module = argv[2] if PYTHON.match(program) and argv[1:2] == ["-m"] and len(argv) > 2 else None
    if program in jobs_table.CHORE_PROGRAMS:
        return {"chores"}
    if program in jobs_table.DOCS_PROGRAMS or module in jobs_table.DOCS_PROGRAMS:
        return {"docs"}
    if (program in jobs_table.TEST_PROGRAMS or module in jobs_table.TEST_MODULES) and "--check-links" in argv:
        return {"lint"}  # pytest-check-links checks the links of documents
    if program in jobs_table.TEST_PROGRAMS or module in jobs_table.TEST_MODULES:
        return {"test"}
    if program in jobs_table.LINT_PROGRAMS or module in jobs_table.LINT_MODULES:
        return {"lint"}
    if program in ("make", "gmake"):
        return make_activities(argv)
    if program in jobs_table.IMAGE_BUILDERS:
        return container_activities(argv)
    if program in jobs_table.REPORT_PROGRAMS:
        return report_activities(program, argv)
    if program in jobs_table.NODE_PACKAGE_MANAGERS and jobs_table.NODE_GLOBAL & set(argv[1:]):
        return set()  # a command-line tool, not the project's build
    if program in jobs_table.BUILD_PROGRAMS:
        return {"build"}
    if program in jobs_table.TRAIN_PROGRAMS or PYTHON.match(program):
        return {"train"}
    if argv[0].startswith("./") or (program in SHELLS and any(filekinds.is_shell_script(a) for a in argv[1:])):
        return {"build"}  # a repository script: assume it does real work
    return set()


def make_activities(argv: list[str]) -> set[str]:
    """`make test` tests and builds, `make lint` / `make format` lint, other targets build."""
    targets = [a for a in argv[1:] if not a.startswith("-") and "=" not in a]
    if any("test" in target for target in targets):
        return {"test", "build"}
    if targets and all(target in jobs_table.LINT_TARGETS for target in targets):
        return {"lint"}
    if targets and all(target in jobs_table.DOCS_TARGETS for target in targets):
        return {"docs"}
    return {"build"}


def report_activities(program: str, argv: list[str]) -> set[str]:
    """`dvc repro` / `dvc exp run` run the pipeline ("train"); `dvc pull`, `dvc plots diff`, `cml comment create`
    fetch results and render them ("report")."""
    words = tuple(a for a in argv[1:] if not a.startswith("-"))
    working = jobs_table.REPORT_PROGRAMS[program]
    return {"train"} if any(words[: len(sub)] == sub for sub in working) else {"report"}


def container_activities(argv: list[str]) -> set[str]:
    """`docker build`/`buildx build`/`buildah bud` build an image ("image"); `docker run`/`compose` do work on the
    runner ("build"); `docker login`/`push`/`tag` nothing of their own."""
    words = [a for a in argv[1:] if not a.startswith("-")]
    if any(tuple(words[: len(sub)]) == sub for sub in jobs_table.IMAGE_SUBCOMMANDS):
        return {"image"}
    return {"build"} if any(a in ("compose", "run") for a in argv[1:3]) else set()


def only_tools(install, tool_files: frozenset[str] = frozenset()) -> bool:
    """`pip install twine` in a publishing job, `pip install black flake8` or `pip install -r requirements-dev.txt`
    (linters only) in a lint job install tools, not the project's environment."""
    if install.editables or install.local_paths or not (install.packages or install.requirement_files):
        return False
    if any(posixpath.normpath(f) not in tool_files for f in install.requirement_files):
        return False
    return all(requirement_name(p) in jobs_table.TOOL_PACKAGES for p in install.packages)


def run_target(argv: list[str]) -> list[str]:
    """`uv run --locked pytest -q` -> `pytest -q`, `npx markdown-link-check x.md` -> `markdown-link-check x.md`;
    other commands as they are."""
    if argv and posixpath.basename(argv[0]) in jobs_table.DIRECT_RUNNERS:
        rest, i = argv[1:], 0
        while i < len(rest) and rest[i].startswith("-"):
            i += 2 if rest[i] in jobs_table.DIRECT_RUNNER_VALUE_OPTIONS else 1
        rest = rest[i:]
        return [re.split(r"(?<=.)[@=<>~]", rest[0], maxsplit=1)[0], *rest[1:]] if rest else []  # `ruff@0.5`
    if len(argv) > 1 and posixpath.basename(argv[0]) in jobs_table.RUNNERS and argv[1] in ("run", "exec"):
        rest = argv[2:]
        while rest and rest[0].startswith("-"):
            rest = rest[1:]
        return rest
    return argv


def requirement_name(spec: str) -> str:
    return re.split(r"[\s<>=!~;\[@]", spec, maxsplit=1)[0].lower()


# -- facts --------------------------------------------------------------------------------------------------------
@fact
def ci_configs(project) -> list[CiConfig]:
    """GitHub workflows, composite actions and GitLab CI files (with their local includes), parsed once each."""
    configs: list[CiConfig] = []
    for rel in project.select(filekinds.is_github_workflow):
        data = load_yaml(project, rel)
        if data is not None and isinstance(data.root, yaml.MappingNode):
            configs.append(parse_github(rel, data))
    for rel in project.select(filekinds.is_github_action):
        data = load_yaml(project, rel)
        if data is not None and isinstance(data.root, yaml.MappingNode) and child(data.root, "runs") is not None:
            configs.append(parse_action(rel, data))
    pending = [rel for rel in project.select(filekinds.is_gitlab_ci) if filekinds.name(rel) == ".gitlab-ci.yml"]
    seen: set[str] = set()
    while pending:
        rel = pending.pop(0)
        if rel in seen or not project.exists(rel):
            continue
        seen.add(rel)
        data = load_yaml(project, rel)
        if data is None or not isinstance(data.root, yaml.MappingNode):
            continue
        configs.append(parse_gitlab(rel, data))
        pending.extend(gitlab_includes(data))
    return configs


@fact
def precommit_config(project) -> PreCommitConfig | None:
    """The root `.pre-commit-config.yaml`, or None when absent or unparsable (RPC002)."""
    rel = ".pre-commit-config.yaml"
    if not project.exists(rel):
        return None
    data = load_yaml(project, rel)
    if data is None or not isinstance(data.root, yaml.MappingNode):
        return None
    repos = []
    for entry in elements(child(data.root, "repos")):
        repo_node, rev_node = child(entry, "repo"), child(entry, "rev")
        hooks = []
        for hook in elements(child(entry, "hooks")):
            args = [text(a) or "" for a in elements(child(hook, "args"))]
            hooks.append(
                Hook(
                    text(child(hook, "id")) or "",
                    line(hook),
                    args,
                    text(child(hook, "entry")),
                    text(child(hook, "language")),
                )
            )
        repos.append(
            HookRepo(
                repo=text(repo_node) or "",
                rev=text(rev_node),
                line=line(repo_node or entry),
                rev_line=line(rev_node or entry),
                hooks=hooks,
            )
        )
    ci_node = child(data.root, "ci")
    ci = data.data.get("ci") if isinstance(data.data, dict) and isinstance(data.data.get("ci"), dict) else None
    return PreCommitConfig(rel, repos, ci, line(ci_node) if ci_node is not None else None, data)


@fact
def tool_requirement_files(requirements_files) -> frozenset[str]:
    """Requirements files that list only linters and publishing tools (`requirements-dev.txt` with black,
    flake8, pylint): a CI job installing them sets up tools, not the project's environment (CI003)."""
    return frozenset(
        path
        for path, file in requirements_files.items()
        if file.requirements
        and not file.includes
        and all(r.name and requirement_name(r.name) in jobs_table.TOOL_PACKAGES for r in file.requirements)
    )


@fact
def repository_owners(project, pyproject) -> frozenset[str]:
    """The GitHub owners (lower-cased) the project names as its home: the repositories in `[project.urls]` of
    pyproject.toml and the `origin` remote in .git/config (read as text). Their actions are first-party (CI003)."""
    project_table = (pyproject or {}).get("project")
    urls_table = project_table.get("urls") if isinstance(project_table, dict) else None
    urls = [url for url in (urls_table or {}).values() if isinstance(url, str)] if isinstance(urls_table, dict) else []
    urls += origin_urls(project) + readme_clone_urls(project)
    return frozenset(match.group(1).lower() for url in urls if (match := GITHUB_OWNER.search(url)))


# A key of a setup file that names the project's address (`url="https://github.com/org/name"`, `Homepage =
# "https://github.com/org/name"` in `[project.urls]`, `repository = ...` in `[tool.poetry]`), and the GitHub
# repository of any URL.
ADDRESS_KEY = lazy_pattern(
    r"""(?im)(?:^|[(,])[ \t]*["']?[\w .-]*["']?[ \t]*[=:][ \t]*["']?(https?://(?:www\.)?github\.com/[^\s"',)]+)"""
)
GITHUB_SLUG = lazy_pattern(r"github\.com[:/]([\w.-]+/[\w.-]+?)(?:\.git)?(?=[/#?@\s\"')\]]|$)", re.IGNORECASE)
HOME_FILES = ("setup.py", "setup.cfg", "pyproject.toml")


@fact
def home_repositories(project) -> frozenset[str]:
    """The `owner/name` (lower case) of the GitHub repository the project is, as far as it says: the address a root
    setup file gives the project (`url=`, `[project.urls]`; a `git+` dependency is no address), the repository the
    root README tells users to clone, and the `origin` remote in .git/config. A notebook that installs it installs
    the code it ships with (NB003)."""
    urls: list[str] = []
    for name in HOME_FILES:
        if name in project.files:
            urls += ADDRESS_KEY.findall((project.try_read_text(name) or "")[:MAX_GIT_CONFIG])
    urls += origin_urls(project) + readme_clone_urls(project)
    return frozenset(match.group(1).lower() for url in urls if (match := GITHUB_SLUG.search(url)))


def readme_clone_urls(project) -> list[str]:
    """The repositories the root README tells users to clone (`git clone https://github.com/owner/name`): the
    project's home."""
    for name in README_NAMES:
        if name in project.files:
            try:
                content = project.read_text(name)
            except UnreadableFile:
                return []
            return GIT_CLONE.findall(content[:MAX_GIT_CONFIG])
    return []


def origin_urls(project) -> list[str]:
    config = project.root / ".git" / "config"
    try:
        if not config.is_file() or config.stat().st_size > MAX_GIT_CONFIG:
            return []
        content = config.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [url for section in GIT_ORIGIN.findall(content) for url in GIT_URL.findall(section)]
