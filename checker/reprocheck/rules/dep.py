"""DEP: declared dependencies — pinned, immutable, complete, consistent and correctly named."""

from __future__ import annotations

import ast
import posixpath
import re
import warnings
from collections.abc import Collection, Mapping
from functools import cache
from urllib.parse import urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from reprocheck import filekinds
from reprocheck.facts.brought import (
    BETWEEN,
    LATEST,
    brought_at_both_ends,
    brought_by,
    installed_release,
    installing,
    modules_of,
    published,
    requirements_known,
    way,
)
from reprocheck.facts.conda import pinned_by_label
from reprocheck.facts.declarations import (
    README_NAME,
    docstring_installs,
    inline_script_dependencies,
    metaflow_dependencies,
    readme_installs,
    text_installs,
)
from reprocheck.facts.entrypoints import module_statements
from reprocheck.facts.imports import guarded_lines, last_name
from reprocheck.facts.project_kind import LIBRARY_HINT
from reprocheck.facts.reachability import is_main_guard
from reprocheck.facts.requirements import is_loose, looks_like_url, name_from_url, patch_series, same_release, unpinned
from reprocheck.facts.roles import root_project_names
from reprocheck.facts.shell import Command, parse_install, split_commands
from reprocheck.findings import Edit, Fix, Location, Severity
from reprocheck.patterns import lazy_pattern
from reprocheck.project import UnreadableFile
from reprocheck.rule import Rule
from reprocheck.rules.dat import UnusedClasses
from reprocheck.tables.dependency_names import BOOTSTRAP_TOOLS, COMPANIONS, RENAMES, RETIRED_FRAMEWORKS
from reprocheck.tables.dev_tools import bears_on_results, is_dev_tool
from reprocheck.tables.import_names import (
    COMPILED_EXTENSION_NAME,
    GENERIC_LOCAL_NAMES,
    IMPORT_TO_DISTRIBUTIONS,
    KNOWN_THIRD_PARTY,
    MISLEADING_NAMESAKES,
    NAMESPACE_PATTERNS,
    PROVIDER_PATTERNS,
)

HEX_COMMIT = lazy_pattern(r"^[0-9a-fA-F]{40}([0-9a-fA-F]{24})?$")
HASH_FRAGMENT = lazy_pattern(r"(^|&)(sha256|sha384|sha512)=[0-9a-fA-F]{32,}")
SVN_REVISION = lazy_pattern(r"^r?\d+$")
# Which source wins as the reference when the same distribution is pinned differently (first = reference).
PIN_PRIORITY = (
    "lock",
    "requirements",
    "constraints",
    "conda-pip",
    "conda",
    "pyproject",
    "pipfile",
    "setup",
    "input",
    "dockerfile",
    "ci",
    "makefile",
    "script",
)
# DEP002 reads requirements files itself (above), and Dockerfile RUN installs are DKR004's.
SKIPPED_DIRECT_ORIGINS = frozenset({"lock", "requirements", "input", "constraints", "dockerfile"})
# Roles of files that show the project to readers: what only they import is a note, not a missing dependency.
SHOWCASE_ROLES = frozenset({"example", "docs"})
# A weight converter: a script named for converting (`convert_from_mxnet.py`, `mxnet2torch.py`) or one in a
# folder of converters (`convert/`, `conversion/`).
CONVERTER_NAME = lazy_pattern(
    r"(?i)(^|[_\-.])(convert|conversion|converter|port)s?([_\-.]|$)|[a-z]2(torch|pytorch|pt)\b"
)
CONVERTER_FOLDERS = frozenset({"convert", "converters", "conversion", "converter", "convert_weights", "porting"})
# From this many loose requirements in one file, they are one finding (one lock fixes them), pinned ones or not.
FOLD_AT = 3
# How many names a finding that stands for several requirements lists before "and N more".
MAX_NAMED = 5
# Names of build/CI install commands, where a rename cannot be applied safely from here.
NON_PIP_ORIGINS = frozenset({"lock", "conda"})


class UnpinnedRequirement(Rule):
    """
    ## What it does
    Reports a requirement that is not pinned to one exact version (`==1.2.3` or `===1.2.3`) in a file that pip
    installs from directly: a hand-written `requirements*.txt`, a `constraints*.txt`, or the `pip:` section of a
    conda `environment*.yml`. A wildcard (`==1.*`), a range (`>=1.2`), `~=` or no specifier is not a pin; a
    compatible release that only lets patch versions float (`~=2.13.0`) is reported at info. One fix, one
    finding: a file that pins none of its requirements, or leaves three or more of them loose, is reported once
    (compile a lock), and so are a file's patch series, at the first line with the others as related locations.
    A requirement pinned by a constraints file in force (`-c`) is pinned. Packages that never shape results are
    left out: development tools (linters, test runners, docs builders) and display-only packages (tqdm, rich,
    colorlog, graphviz, notebook front ends), and so is a wrong name that DEP006 reports (`sklearn`): fix the
    name first.

    A conda environment file is known by its name (`environment*.yml`, MLflow's `conda.yaml`, `conda_env*.yml`)
    or, unlike the catalogue's file-name rule, by its content whatever it is called (`conda env create -f
    requirements.yaml`): a top-level `dependencies:` list of conda specs with `channels:`, a `pip:` sub-list or
    `python` among them, and no key a conda environment does not have. Files that MLflow writes beside a logged
    model's `MLmodel` (`conda.yaml`, `requirements.txt`) record the model's training environment: nobody installs
    from them, and they are not read.

    Inputs of a lock are exempt, since the lock pins them: `*.in` files, any file a lock is compiled from (or
    that such a file includes), and an environment file with a conda lock. Libraries are exempt: a library
    declares ranges and lets applications pin. A project is a library when `project-type = "library"` is set,
    or when it publishes to PyPI and `project-type` is not set (see LCK001).

    ## Why it matters
    `pip install -r requirements.txt` with `torch>=2.0` installs whatever is newest on the day: two runs a
    month apart train with different code, and results drift or break without any change in the repository.

    ## Example
    ```text
    # requirements.txt
    numpy>=1.24
    torch==2.*
    ```

    ## Fix
    Pin exact versions (`numpy==1.26.4`), or better, move the loose requirements to `requirements.in` and
    compile a lock with `pip-compile --generate-hashes requirements.in` (or use `uv lock`).

    In an examples collection that tracks its library's latest release on purpose (the root README's title calls
    the repository examples of a library, its top-level folders are self-contained examples, and its CI installs
    that library from git head or nightly), the finding is not reported: it is listed with the suppressed findings,
    saying why ("an examples collection that tracks optuna's latest on purpose: its CI installs optuna from git
    head"), as a library needs no pins.
    """

    code = "DEP001"
    name = "unpinned-requirement"
    severity = Severity.WARNING
    summary = "A requirement in an install source is not pinned to an exact version"

    def check(self, project_kind, requirements_files, conda_environments, locks, lock_inputs, inline_suppressions):
        if project_kind.is_library:
            return
        for rel, parsed in requirements_files.items():
            if parsed.is_input or rel in locks or rel in lock_inputs:
                continue
            relevant = [r for r in parsed.requirements if r.name is not None and bears_on_results(r.name)]
            yield from self.in_file(unpinned(requirements_files, rel), relevant, rel, rel, inline_suppressions)
        for rel, env in conda_environments.items():
            if env.pip is None or rel in lock_inputs:
                continue
            loose = [entry for entry in env.pip.requirements if is_loose(entry)]
            relevant = [r for r in env.pip.requirements if r.name is not None and bears_on_results(r.name)]
            yield from self.in_file(loose, relevant, rel, f"the pip section of {rel}", inline_suppressions)

    def in_file(self, loose: list, relevant: list, rel: str, where: str, silenced):
        """One file's findings, one per fix: a file that pins none of its requirements (a policy of floating,
        fixed by one lock) and the patch series of a file (one decision) are each reported once, at their first
        line with the others related; otherwise each loose requirement is its own finding. A line that a comment
        silences stays out of the fold (`silenced`: the inline suppressions), so the comment keeps its meaning."""
        loose = [entry for entry in loose if not left_to_dep006(entry)]  # DEP006: the name is wrong, fix it first
        alone = [entry for entry in loose if silenced.covers(rel, entry.line, self.code)]
        yield from (self.unpinned(entry, rel, where) for entry in alone)  # the engine suppresses them
        series = [entry for entry in loose if patch_series(entry.specifier) and entry not in alone]
        floating = [entry for entry in loose if not patch_series(entry.specifier) and entry not in alone]
        everything = len(floating) >= 2 and len(floating) + len(alone) == len(relevant)
        if everything or len(floating) >= FOLD_AT:
            yield self.floating(floating, len(relevant), everything, rel, where)
        else:
            yield from (self.unpinned(entry, rel, where) for entry in floating)
        if len(series) >= 2:
            yield self.patch_series(series, rel, where)
        else:
            yield from (self.unpinned(entry, rel, where) for entry in series)

    def floating(self, entries: list, total: int, everything: bool, rel: str, where: str):
        """One finding for a file whose requirements float (all of them, or at least FOLD_AT): one lock fixes it."""
        names = ", ".join(entry.raw_name for entry in entries[:MAX_NAMED])
        more = f" and {len(entries) - MAX_NAMED} more" if len(entries) > MAX_NAMED else ""
        which = (
            f"none of the {len(entries)} requirements in {where} is pinned"
            if everything
            else f"{len(entries)} of the {total} requirements in {where} are not pinned"
        )
        return self.finding(
            f"{which} ({names}{more}): every install resolves them anew; compile a lock (pip-compile "
            f"--generate-hashes, or move them to a .in file) or pin exact versions; {LIBRARY_HINT}",
            rel,
            entries[0].line,
            entries[0].column,
            related=[Location(rel, entry.line) for entry in entries[1:]],
        )

    def patch_series(self, entries: list, rel: str, where: str):
        names = ", ".join(f"{entry.raw_name}{entry.specifier}" for entry in entries[:MAX_NAMED])
        more = f" and {len(entries) - MAX_NAMED} more" if len(entries) > MAX_NAMED else ""
        finding = self.finding(
            f"{len(entries)} requirements in {where} are pinned to a patch series ({names}{more}), so patch "
            "releases float; pin them exactly or compile a lock for a bit-for-bit environment",
            rel,
            entries[0].line,
            entries[0].column,
            related=[Location(rel, entry.line) for entry in entries[1:]],
        )
        finding.severity = Severity.INFO
        return finding

    def unpinned(self, entry, rel: str, where: str):
        """A warning, or info for a compatible release that only lets patch versions float (`~=2.13.0`)."""
        written = str(entry.specifier) or "no version"
        if patch_series(entry.specifier):
            finding = self.finding(
                f"{entry.raw_name} is pinned to a patch series in {where} ({written}), so patch releases float; pin "
                f"it exactly ({entry.raw_name}==X.Y.Z) or compile a lock for a bit-for-bit environment",
                rel,
                entry.line,
                entry.column,
            )
            finding.severity = Severity.INFO
            return finding
        return self.finding(
            f"{entry.raw_name} is not pinned in {where} ({written}); pin an exact version ({entry.raw_name}==X.Y.Z) "
            f"or declare it in a .in file compiled into a lock; {LIBRARY_HINT}",
            rel,
            entry.line,
            entry.column,
        )


class MutableDirectReference(Rule):
    """
    ## What it does
    Reports a dependency installed from a URL that does not name immutable content: a VCS URL without a ref
    or with a branch or tag (`git+https://…@main`, `@v1.0.12`), or an archive URL without a hash fragment
    (`#sha256=…`) or `--hash`. A 40-hex commit (`@3f2a…`) or a hash is immutable. It looks at requirements
    files, `pyproject.toml`, the `pip:` section of conda environments, `Pipfile`, and install commands in CI,
    Makefiles and scripts (a Dockerfile `RUN` is DKR004's). A generated lock is only checked when its input is
    not in the repository (otherwise the input is reported).

    ## Why it matters
    Branches move and tags can be re-pointed: `@main` installs different code every week, and a tag deleted and
    recreated silently changes what `v1.0.12` means. An archive at a URL can be replaced in place.

    ## Example
    ```text
    torchmetrics @ git+https://github.com/Lightning-AI/torchmetrics@master
    mylib @ https://example.com/mylib-1.0.tar.gz
    ```

    ## Fix
    Pin the full commit: `git+https://github.com/org/repo@3f2a6c1e…` (40 hex digits), add `#sha256=<digest>` to
    archive URLs, or install a released version from the index.

    In an examples collection that tracks its library's latest release on purpose (the root README's title calls
    the repository examples of a library, its top-level folders are self-contained examples, and its CI installs
    that library from git head or nightly), the finding is not reported: it is listed with the suppressed findings,
    saying why ("an examples collection that tracks optuna's latest on purpose: its CI installs optuna from git
    head"), as a library needs no pins.
    """

    code = "DEP002"
    name = "mutable-direct-reference"
    severity = Severity.WARNING
    summary = "A VCS or URL dependency without an immutable commit or hash"

    def check(self, requirements_files, locks, declared_distributions):
        seen: set[tuple[str, int]] = set()
        for rel, parsed in requirements_files.items():
            lock = locks.get(rel)
            if lock is not None and any(requirements_files.get(i) is not None for i in lock.inputs):
                continue
            for entry in parsed.requirements:
                if entry.url is None or entry.is_local or entry.hashes or not bears_on_results(entry.name):
                    continue
                reason = mutable_reason(entry.url)
                if reason is not None:
                    seen.add((rel, entry.line))
                    label = entry.raw_name or "a dependency"
                    yield self.finding(direct_message(label, entry.url, rel, reason), rel, entry.line, entry.column)
        for declarations in declared_distributions.values():
            for item in declarations:
                if item.url is None or item.origin in SKIPPED_DIRECT_ORIGINS or (item.path, item.line) in seen:
                    continue
                if not bears_on_results(item.name):
                    continue
                if item.url.startswith("file:"):
                    continue
                reason = mutable_reason(item.url)
                if reason is not None:
                    seen.add((item.path, item.line))
                    message = direct_message(item.raw_name, item.url, item.path, reason)
                    yield self.finding(message, item.path, item.line, item.column)


def mutable_reason(url: str) -> str | None:
    """Why `url` does not pin immutable content, or None when it does."""
    fragment = url.split("#", 1)[1] if "#" in url else ""
    if HASH_FRAGMENT.search(fragment):
        return None
    vcs = re.match(r"^(git|hg|svn|bzr)\+", url)
    if not vcs:
        if url.startswith("file:"):
            return None
        return "an archive URL without a #sha256= hash"
    body = url[vcs.end() :].split("#", 1)[0]
    path = urlsplit(body).path
    if "@" not in path:
        return "no ref, so it follows the default branch"
    ref = path.rsplit("@", 1)[1]
    if vcs.group(1) in ("git", "hg") and HEX_COMMIT.match(ref):
        return None
    if vcs.group(1) in ("svn", "bzr") and SVN_REVISION.match(ref):
        return None
    return f"`{ref}` is a branch or tag, which can move"


def direct_message(label: str, url: str, where: str, reason: str) -> str:
    return (
        f"{label} is installed from {url} in {where}: {reason}; pin a 40-hex commit (@<sha>) "
        "or add #sha256=<digest>, or use a release from the index"
    )


class NoDependencyDeclarations(Rule):
    """
    ## What it does
    Reports a repository whose Python code or notebooks import third-party modules while no dependency is
    declared anywhere: no requirements file, no `pyproject.toml` dependencies, no conda environment (whatever
    its name, when its content is one: see DEP001), no Pipfile, no lock, and no install command in a Dockerfile
    or CI.

    ## Why it matters
    Without a declaration nobody can recreate the environment the code ran in; the only record of what was
    installed is the author's machine.

    ## Example
    `train.py` does `import torch` and the repository has no `requirements*.txt`, `pyproject.toml`
    dependencies or `environment.yml`.

    ## Fix
    Declare the dependencies (`requirements.in` or `[project.dependencies]`) and commit a lock made from them
    (`pip-compile --generate-hashes` or `uv lock`).
    """

    code = "DEP003"
    name = "no-dependency-declarations"
    severity = Severity.ERROR
    summary = "Code imports third-party modules but no dependencies are declared anywhere"

    def check(self, third_party_imports, declared_distributions):
        if declared_distributions:
            return
        found = third_party_imports.found
        if not found:
            return
        modules = sorted({site.top for site in found})
        first = found[0]
        others = f" (and {plural(len(modules) - 1, 'other third-party module')})" if len(modules) > 1 else ""
        message = (
            f"{first.path} imports {first.top}{others} but the repository declares no dependencies; "
            "declare them in requirements.in or [project.dependencies] and commit a lock"
        )
        yield self.finding(message, first.path, first.line, cell=first.cell, json_line=first.json_line)


class UndeclaredImport(Rule):
    """
    ## What it does
    Reports a third-party module imported by Python code or a notebook that no dependency declaration provides, once per
    missing distribution (and project, in a monorepo): at its first import site, with the other files that import it as
    related locations and their count in the message. A project that declares nothing of its own (an extension's
    `setup.py` without requirements) shares the root's findings, and a missing companion of a missing distribution
    (`fvcore` with `detectron2`) is told in that one's finding: one declaration fixes both. Any declaration counts
    (requirements files, `pyproject.toml` dependencies, extras and groups, conda environments, Pipfile, install commands
    in Dockerfiles and CI), and where a lock exists, every distribution it pins (transitive pins included); so do the
    distributions of a known Docker base image (`pytorch/pytorch` provides torch, torchvision, numpy, pillow), packages
    installed from a local folder or a VCS URL (`pip install ./apex`), and requirements commented out in a requirements
    file (`# clearml>=1.2`: listed as optional on purpose), and the companions of a declared distribution that are part
    of its interface (`omegaconf` with `hydra-core`, `starlette` with `fastapi`, `nbformat` and `IPython` with
    `jupyterlab`, and the parts a meta-distribution is installed for: `azureml-core` and `azureml-pipeline` with
    `azureml-sdk`); a notebook that installs a package into its own kernel (`%pip install openai`) provides it for
    itself, since NB003 reports that install, and so does one whose Python runs pip (`subprocess.run(["python",
    "-m", "pip", "install", "datasets"])`, `os.system("pip install x")`) or whose markdown or raw cell tells its
    reader to `pip install` it (the notebook documents its own requirements), a script's PEP 723 inline metadata
    (`# /// script` with `dependencies = [...]`) declares that script's own, and so does a module docstring that
    tells its reader to `pip install` packages (`Requirements: pip install optimum-habana neural-compressor[pt]`),
    a Metaflow flow's decorators
    (`@pypi_base(packages={...})`, `@pypi`, `@conda_base(libraries={...})`, `@conda`, read statically) declare the
    environment of the flow's folder (its code package: the flow file and the Python modules beside and below it), and
    the README of a sub-folder that tells users
    to `pip install` packages declares them for that folder's code (not the root README: the project's declarations
    belong in its files), as a ROS package's `package.xml` (`<depend>`, `<build_depend>`, `<exec_depend>` of
    `cv_bridge`, `rospy`, ...) declares the ROS packages its folder's code imports. A repository that a sub-folder's
    README or script clones provides its folder's name there (`git clone .../gutenberg`, then `from gutenberg.src import
    ...`) and, installed from its folder (`git clone .../apex && cd apex && pip install .`), its name everywhere; when
    that README or script installs the clone's own requirements (`pip install -r e2e/requirements.txt`,
    `./install_dependencies.sh` inside the clone), the folder's imports are not judged: those requirements are not in
    the repository (a clone of the repository itself, linked from its root README or setup files, installs its own);
    nor are a notebook's that does so into its own kernel (`!git clone .../DeOldify`, `%cd DeOldify`, `!pip install
    -r colab_requirements.txt`). In
    a repository of several projects (a course or monorepo, see DEP005) an import counts as provided by the declarations
    of its own project and of the repository's root project, when the root declares its environment (at the root or in a
    `requirements/` folder); otherwise the root's loose code may rely on any declaration in the repository. Import names
    are mapped to distributions (`sklearn` is provided by `scikit-learn`, `cv2` by `opencv-python*`, `PIL` by `pillow`,
    `mmcv` by `mmcv-full`, `pywt` by `pywavelets`, `acme` by `dm-acme`, `from google.cloud import storage` by
    `google-cloud-storage`, `azureml.core` by `azureml-core`, …),
    a dotted import by the distribution named after it (`import flufl.lock` by `flufl-lock`, also written `flufl.lock`
    or `flufl_lock`), and an import by a distribution whose published wheel installs that module (`from fluent import
    sender` by `fluent-logger`, `neptune` by `neptune-client`, `snowflake.connector` by `snowflake-connector-python`:
    the modules of each distribution in the requirements table below, a generic name a wheel ships by mistake, such
    as `tests` or `utils`, left out). One entry of a conda environment that cannot be read is reported (RPC002) and
    the file's other entries still count.

    Skipped: the standard library (Python 2's too), modules of hosted runtimes (`google.colab`, `kaggle_secrets`),
    relative imports, generated modules (`*_pb2`), the repository's own modules (its packages, a module or folder next
    to the importing script or notebook, in a folder it adds to `sys.path`, a compiled extension a `setup.py` builds
    (`CUDAExtension("name", ...)`), or of that name anywhere in the repository unless the name is a well-known
    third-party package; the root itself imported as a package under its name, when the checkout folder, the `origin`
    remote or a root README command (`python3 -m vdm.main` with `main.py` at the root) gives that name and what is
    imported from it is at the root, `import vdm.train_state` with `train_state.py` there; a git submodule that is not
    checked out provides its folder's name, and, in a file that puts it on `sys.path`, every name that is not a
    well-known third-party package, since its modules cannot be read; so does a
    repository a notebook clones, `!git clone URL [folder]`, into a folder the checkout does not hold, and an absolute
    folder outside the repository a file puts on `sys.path`, such as a container's `/facenet/src`), the modules of
    vendored copies of third-party packages and the imports inside them, imports no run reaches (the files of an
    Android or iOS app; a notebook that only renders a site's pages from jinja2 templates), and optional imports: inside
    `try/except ImportError` (or its handler), `with contextlib.suppress(ImportError)`, `if TYPE_CHECKING:`, under an
    availability test (`importlib.util.find_spec("x")`, `_X_AVAILABLE` flags, `is_x_available()`, `RequirementCache`,
    `module_available`, `"x" in sys.modules`), inside a function behind an environment variable (`if
    os.environ.get("USE_X"):`, or a module-level flag read from one), or after `check_requirements("x")`,
    `pytest.importorskip("x")` or a guard that raises or returns when the module is missing, and, in a file where
    one import of a module is so guarded, its other imports inside functions (an optional backend's lazy imports:
    `from torchao import quantize_` in a method of the layer that `dispatch_torchao` makes only after `if not
    is_torchao_available(): return`), every import of a project module that the project imports only where a failed
    import is caught and that is no script (an optional environment: `try: from envs.metaworld import make_env` /
    `except: make_env = missing_dependencies`; absolute imports are looked for under the folders above the importing
    file too), an import inside a function that runs only when a backend is chosen by its name
    (`if get_image_backend() == "accimage":`) where nothing in the repository chooses it (no code uses a string
    holding the name as a value, `set_image_backend("accimage")` or a model type `openvino_small_256`, no config,
    script or notebook names it, and the root README does not tell users to install it), and the lazy imports of a
    published library's optional integrations (see LCK001 for how a library is recognised): in its package, in a
    class, function or module named after what it imports, inside a function (`import mlflow` in the `initialize`
    of `MlflowLogger`) or at the top of a module the package itself imports only inside functions (`import
    tensorflow as tf` atop timm's `tf_preprocessing.py`, imported under `if tf_preprocessing:`): the user who picks
    the integration installs what it needs. An import of a
    distribution that a declared one always brings (`numpy` with `torchvision`, `packaging` with `pytest`, `cv2` with
    `albumentations`, `requests` with `jupyterlab`) works today and is reported at info, naming what brings it (up to
    three, the ones that require it directly first). What each distribution brings is data: for the distributions ML
    projects declare (every one the triage corpora install) and what they require, what the latest release requires
    and what the newest release before 2021 required (a release without metadata, from its sdist's egg-info), read
    from PyPI when the table is refreshed (`scripts/refresh_requires.py`; the checker never uses the network), and
    long-standing requirements kept by hand. A declaration that installs the latest release (no
    version, or a specifier that admits it) brings what that release requires; an old pin brings what that
    release required; a release in between, what both required (the hand table decides what only one of them
    did). An import that a release in between brings in all likelihood (both the latest and the old release bring
    it, each by its own chain, one step of which may be any known release: `requests` with `tensorflow==2.8.0`,
    whose 2.21.0 requires it and whose 2.4.0 brought it through tensorboard) is a note that names the pin, not a
    claim that nothing provides it. Nor is an import that no distribution whose requirements are known brings, when
    the project installs one whose requirements are not (a VCS install, a release published without metadata): the
    finding says so and names it. Only what the project installs brings anything: not a requirement left
    commented out, nor a build backend of `[build-system]`. So is a documented
    optional install, an import inside a function that runs only on an optional path: with an install comment on its
    line or the comment line above (`import lmdb  # pip install lmdb`), of a distribution the root README tells users to
    `pip install`, or only when a backend that the repository chooses is chosen by that name (`if
    get_image_backend() == "accimage"`) or an option is on (`if hparams.fp16_run:`, `elif args.platform ==
    "azure":`, not a parameter whose default is on); the optional imports of one function are one note; a
    module-level import stays a warning. An import only in modules that
    nothing in the repository uses (a module in a sub-folder that only defines things, that no module or notebook
    imports and that no entry point, command, README line, config `_target_` or string names by its dotted name or
    file name) is a note too: no run of the repository reaches it, code outside it may; so is an import inside a
    method of a class that nothing in the repository names but its own definition (no module, notebook, script or
    config mentions it, its own module uses it nowhere, no decorator registers it: `from pytorch_fid import
    inception` in the `__init__` of an `InceptionV3` wrapper no config builds); and no finding at all when
    the distribution only displays or logs or is a development tool (`termcolor` in a copied logger nothing calls,
    `fabric` in a site's `fabfile.py`), or when the module sits in a hidden folder (`.udacity-pa/projects.py`, the
    hook of a submit tool, which runs it with what it brings). The advice never names
    a PyPI project that is not the import's distribution (`apex` on PyPI is not NVIDIA Apex; nor a namesake whose
    wheel installs other modules; where the table knows a wheel that installs the import, it names that one), and
    calls an import of a
    generic own-code name that no longer exists (`utils`) a stale import, as it does an import of a class or CamelCase
    function that the repository defines in another module (`from dynamic_loss_scaler import DynamicLossScaler` with the
    class in `loss_scaler.py`). A retired framework (MXNet, Gluon, Theano, Chainer, CNTK, Caffe; the list is data)
    imported only by weight converters (`convert_from_mxnet.py`, scripts in a `convert/` folder) is not reported: such a
    converter is its author's one-off tool, and no current Python installs the framework. Add your own mappings with
    `import-map`.

    ## Why it matters
    An import that works only because the package happens to be installed on the author's machine breaks on
    every fresh environment, and the version that was used is lost.

    ## Example
    ```python
    import cv2          # no opencv-python in requirements.in
    ```

    ## Fix
    Declare the distribution (`opencv-python-headless` in `requirements.in`, then re-lock). If the module comes
    from a distribution with an unusual name, map it in config:
    `[tool.reprocheck.import-map] mymod = "my-distribution"`.
    """

    code = "DEP004"
    name = "undeclared-import"
    severity = Severity.WARNING
    summary = "A third-party module is imported but no dependency declaration provides it"

    def check(
        self,
        third_party_imports,
        declared_distributions,
        project_declarations,
        implicit_distributions,
        notebooks,
        settings,
        roles,
        external_requirements,
        notebooks_installing_clone_requirements,
        project,
        project_kind,
        facts,
    ):
        if not declared_distributions:
            return  # DEP003 reports a repository that declares nothing
        unused = UnusedModules(facts, project, third_party_imports.python_modules)
        classes = UnusedClasses(project, third_party_imports.python_modules)
        own_names: set[str] | None = None
        library: frozenset[str] | None = None  # the package folders of a published library
        notes: dict[tuple[str, int], object] = {}  # (file, function) -> the optional-install note made there
        readme = root_readme_installs(project)
        flows = flow_environments(third_party_imports.python_modules)
        provided: dict[str, tuple[str, set[str], frozenset[str]]] = {}
        runtime = runtime_declarations(declared_distributions)
        user_map = {k: [canonicalize_name(v) for v in vs] for k, vs in settings.import_map.items()}
        missing: dict[tuple[str, str], list] = {}
        for site in third_party_imports.found:
            if any(site.path.startswith(f"{folder}/") for folder in external_requirements):
                continue  # a cloned repository's own requirements, not in this one, may provide it
            if site.path in notebooks_installing_clone_requirements:
                continue  # so in a notebook that installs them into its own kernel
            if in_mobile_app(site.path):
                continue  # bundled with an Android or iOS app, not run in the project's Python environment
            if site.path not in provided:
                folder, names = project_declarations.visible_from(site.path)
                # A notebook's own `%pip install` provides for it: NB003 reports that install, once.
                own = installed_by(notebooks[site.path]) if site.path in notebooks else set()
                # A script's PEP 723 `# /// script` block declares its own dependencies.
                module = third_party_imports.python_modules.get(site.path)
                if module is not None:
                    own |= set(module.remembered("inline-script-dependencies", script_dependencies))
                    # A script whose docstring tells its reader to `pip install` packages documents its own.
                    own |= set(module.remembered("docstring-installs", docstring_dependencies))
                    # A Metaflow flow's `@pypi_base(packages=...)` / `@conda(libraries=...)` declare the environment
                    # its code package (the flow's folder) runs in.
                    own |= flow_environment(flows, site.path)
                # what may bring an import: what the project installs itself (not what a distribution comes with,
                # nor a requirement left commented out, nor a build backend only)
                installed = frozenset(
                    name for name in names | own if name in runtime or name not in declared_distributions
                )
                provided[site.path] = (folder, with_companions(set(names) | implicit_distributions | own), installed)
            folder, names, _installed = provided[site.path]
            if not any(name in names for name in providers(site.module, user_map)):
                missing.setdefault((folder, missing_key(site, user_map)), []).append(site)
        carried = carried_companions(missing)
        told: set[tuple[str, str]] = set()
        for (folder, distribution), sites in sorted(missing.items(), key=lambda item: site_order(item[1][0])):
            if (folder, distribution) in carried:
                continue  # declaring what it comes with provides it: reported with that one
            ordered = [site for site in sorted(sites, key=site_order) if not unused(site.path)]
            # only modules that nothing imports or runs import it: no run of the repository reaches the import, but
            # code outside it (a user of the package, a config of another repository) may: a note, not a warning
            dead = not ordered
            # an import in methods of classes that nothing in the repository names (no code, notebook, config or
            # script): only code outside the repository reaches it, as a module nothing imports
            idle = (
                [] if dead else [unnamed_class(classes, third_party_imports.python_modules, site) for site in ordered]
            )
            idle = idle if all(idle) else []
            if dead and (not bears_on_results(distribution) or all(in_tool_folder(site.path) for site in sites)):
                continue  # an unused module's log colours, or a tool's hook (`.udacity-pa/`) that its tool runs
            ordered = ordered or sorted(sites, key=site_order)
            if all(switched_off(site, third_party_imports.python_modules, readme, user_map) for site in ordered):
                continue  # only an option a user turns on runs the import, as under `try/except ImportError`
            if all(unused.optional(site.path) for site in ordered):
                continue  # its module is imported only under `try/except ImportError`: an optional part, by design
            if all(unchosen_backend(site, third_party_imports.python_modules, unused, readme) for site in ordered):
                continue  # `if get_image_backend() == "accimage":`, a backend nothing in the repository picks
            if library is None:
                library = library_packages(project, project_kind, third_party_imports.python_modules)
            if (
                library
                and all(lazy_in_library(site, library, third_party_imports.python_modules) for site in ordered)
                and not all(filekinds.is_test_path(site.path) for site in ordered)
            ):
                continue  # a published library's optional integration, imported when a user calls it
            if all(roles.renders_pages(site.path) for site in ordered):
                continue  # site tooling that writes the course's pages, not part of any experiment
            installed = provided[ordered[0].path][2]
            # what declared distributions bring, for any distribution that provides the import (albumentations
            # brings opencv-python-headless, which provides cv2 as opencv-python does)
            alternatives = table_providers(ordered[0].module, user_map) or [distribution]
            if own_names is None:  # the project's own distribution brings nothing to its own code
                own_names = root_project_names(project, third_party_imports.python_modules)
            installed_runtime = [(name, runtime.get(name, ())) for name in installed if name not in own_names]
            bringers = bringers_of(alternatives, installed_runtime)
            wanted = next((a for a in alternatives if bringers and a in brought_by(*bringers[0])), distribution)
            likely = [] if bringers else likely_bringers(alternatives, installed_runtime)
            tests_only = all(filekinds.is_test_path(site.path) for site in ordered)
            if not worth_reporting(wanted, bringers or likely, tests_only):
                continue
            if distribution in RETIRED_FRAMEWORKS and all(is_converter(site.path) for site in ordered):
                continue  # a one-off converter from a retired framework: declaring it would break installs
            finding = self.report(ordered, user_map, folder, wanted, bringers)
            if likely:  # the chain runs through a release whose requirements the table lacks: no claim it is missing
                finding.message = likely_message(finding.message, ordered[0].top, distribution, likely)
                finding.severity = Severity.INFO
            if not bringers and not likely:
                stale = defined_elsewhere(ordered[0], user_map, third_party_imports.python_modules)
                if stale is not None:
                    finding.message = stale_import_message(finding.message, ordered[0], *stale)
                elif unknown := unknown_bringers(ordered[0], installed_runtime, user_map):
                    # what those bring is not known here: no claim that no declaration provides it
                    finding.message = unknown_message(finding.message, unknown)
            for companion in sorted(companions_of(distribution)):
                if (folder, companion) not in carried or (folder, companion) in told:
                    continue
                told.add((folder, companion))
                more = sorted(missing[(folder, companion)], key=site_order)
                finding.message += f"; declaring {distribution} also provides {more[0].top}, imported in {more[0].path}"
                finding.related = (
                    *finding.related,
                    *(Location(s.path, s.line, cell=s.cell, json_line=s.json_line) for s in more),
                )
            if dead:
                finding.severity = Severity.INFO
                finding.message += (
                    f" (info: nothing in the repository imports or runs {ordered[0].path}; only code outside it can"
                    " reach the import)"
                )
            elif idle:
                finding.severity = Severity.INFO
                finding.message += (
                    f" (info: imported inside a method of {idle[0]}, a class that nothing in the repository names;"
                    " only code outside it can reach the import)"
                )
            elif tests_only:
                finding.severity = Severity.INFO
                finding.message += " (only tests import it)"
            elif all(roles.role(site.path) in SHOWCASE_ROLES for site in ordered):
                finding.severity = Severity.INFO  # a demo runs where its reader runs it (Colab ships much)
                finding.message += f" (only examples and docs import it: {roles.why(ordered[0].path)})"
            elif not bringers and not likely:
                why = [optional_install(site, third_party_imports.python_modules, readme, user_map) for site in ordered]
                if all(why):
                    finding.severity = Severity.INFO  # an optional path whose install the project documents
                    finding.message += f" (an optional install: imported inside a function, {why[0]})"
                    key = optional_path(ordered[0], third_party_imports.python_modules)
                    if key in notes:  # one optional function, one note: `import cv2` beside `import lmdb`
                        fold_note(notes[key], finding)
                        continue
                    notes[key] = finding
            yield finding

    def report(self, sites: list, user_map: dict[str, list[str]], folder: str, distribution: str, bringers: list):
        """One finding per missing distribution and project: at its first import site, the other files' first sites
        related. A distribution that a declared one always brings is info, naming what brings it."""
        first = sites[0]
        files = list(dict.fromkeys(site.path for site in sites))
        where = first.path if len(files) == 1 else f"{len(files)} files, first in {first.path},"
        declaration = (
            f"no dependency declaration of the project in {folder}/" if folder else "no dependency declaration"
        )
        related = [Location(s.path, s.line, cell=s.cell, json_line=s.json_line) for s in sites[1:]]
        if bringers:
            message = (
                f"{first.top} is imported in {where} but {declaration} names it: it only arrives as a requirement "
                f"of {named_bringers(bringers, distribution)}; declare {distribution} "
                f"directly, so that a release of {bringers[0][0]} that drops it cannot break the import"
            )
        else:
            message = f"{first.top} is imported in {where} but {declaration} provides it; {advice(first, user_map)}"
        finding = self.finding(
            message, first.path, first.line, cell=first.cell, json_line=first.json_line, related=related
        )
        if bringers:
            finding.severity = Severity.INFO
        return finding


# Folders of a mobile app: what they hold is bundled with the app, not installed in the project's environment.
MOBILE_FOLDERS = frozenset({"android", "ios"})
# Files read for a mention of a module (a command, a config's `_target_`, a registry string, a README line).
MENTION_SUFFIXES = (".py", ".ipynb", ".md", ".rst", ".txt", ".sh", ".yaml", ".yml", ".json", ".toml", ".cfg", ".ini")
MENTION_LIMIT = 1_000_000

# A comment that tells users to install a package (`import lmdb  # pip install lmdb`).
INSTALL_COMMENT = lazy_pattern(r"#.*\b(?:pip3?|conda|mamba|uv\s+pip)\s+install\b")


def root_readme_installs(project) -> frozenset[str]:
    """The distributions the root README tells users to `pip install` (JSON data kept by the README's content)."""
    names: set[str] = set()
    for rel in project.select(lambda path: "/" not in path and README_NAME.match(path) is not None):
        steps = project.remembered("readme-steps", rel, lambda rel=rel: readme_installs(project, rel))
        names.update(steps.get("installs", ()))
    return frozenset(names)


def optional_install(site, python_modules: dict, readme: frozenset[str], user_map: dict) -> str | None:
    """Why an import is a documented optional install, or None: an import inside a function (it runs only when
    that optional path is taken, as `open_lmdb()` for LSUN sources) with an install comment on its line or the
    comment line above (`import lmdb  # pip install lmdb`), whose distribution the root README tells users to
    `pip install` (`pip install openvino` for an optional backend), or that runs only when a backend is chosen by
    its name or an option is on (`if hparams.fp16_run:`, `elif args.platform == "azure":`). A module-level import
    is always reported."""
    module = python_modules.get(site.path)
    if module is None or site.cell is not None:
        return None
    notes = function_notes(module, site)
    if notes is None:
        return None  # not inside a function
    if notes["comment"]:
        return f"with an install comment at {site.path}:{site.line}"
    named = [name for name in providers(site.module, user_map) if name in readme]
    if named:
        return f"and the README tells users to pip install {named[0]}"
    chosen = notes["backends"].get(site.top)
    if chosen is not None:
        return f"only when the {site.top!r} backend is chosen ({site.path}:{chosen})"
    if notes["switch"] is not None:
        return f"only when the option tested at {site.path}:{notes['switch']} is on"
    return None


def function_notes(module, site) -> dict | None:
    """What is known of the import at `site` when it sits inside a function of a Python file, else None."""
    if module is None or site.cell is not None:
        return None
    return module.remembered("function-level-imports-3", function_level_imports).get(str(site.line))


def switched_off(site, python_modules: dict, readme: frozenset[str], user_map: dict) -> bool:
    """An import inside a function that runs only when an environment variable is set (`if
    os.environ.get("USE_X"):`, or a module-level flag read from one), a developer's toggle whose install the
    project does not document: optional, as an import under `try/except ImportError` is."""
    notes = function_notes(python_modules.get(site.path), site)
    if notes is None or notes["environment"] is None:
        return False
    return not notes["comment"] and not any(name in readme for name in providers(site.module, user_map))


def unchosen_backend(site, python_modules: dict, unused, readme: frozenset[str]) -> bool:
    """An import inside a function that runs only when a backend is chosen by its name (`if get_image_backend() ==
    "accimage": return accimage_loader(path)`, a vendored torchvision loader), where nothing in the repository
    chooses it: no code passes or assigns the name as a value (`set_image_backend("accimage")`, `backend =
    "accimage"`), no config, script or notebook names it. Only a user's own setting reaches the import."""
    notes = function_notes(python_modules.get(site.path), site)
    if notes is None or site.top not in notes["backends"] or notes["comment"]:
        return False
    if canonicalize_name(site.top) in readme:
        return False  # a documented optional install: a note
    name = site.top
    for rel, text in unused.texts():
        if name not in text:
            continue  # `"openvino" in model_type` is chosen by `openvino_midas_v21_small_256` too
        if rel.endswith(".py"):
            module = python_modules.get(rel)
            if module is None or module.tree is None or chooses_backend(module.tree, name):
                return False
        elif not rel.lower().endswith(DOCUMENT_SUFFIXES):
            return False  # a config, script or notebook naming it may choose it
    return True


# Files that describe (a README's "install accimage for speed") and choose nothing.
DOCUMENT_SUFFIXES = (".md", ".rst", ".txt")


MAX_CHOICE_LENGTH = 200  # a longer string is prose (a docstring), not a value that picks a backend


def chooses_backend(tree, name: str) -> bool:
    """Does the module use the string `name` as a value (an argument, an assignment, a default), not only in the
    comparisons that test for it?"""
    compared: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            compared.update(id(part) for part in (node.left, *node.comparators))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and name in node.value
            and id(node) not in compared
            and len(node.value) < MAX_CHOICE_LENGTH
        ):
            return True  # `set_image_backend("accimage")`, `choices=["openvino_midas_v21_small_256", ...]`
    return False


def library_packages(project, project_kind, python_modules: dict) -> frozenset[str]:
    """The folders of a published library's own package (`timm/`, `src/skorch/`): a top-level (or `src/`) package
    named after the distribution the root setup file declares. Empty for an application."""
    if not project_kind.is_library:
        return frozenset()
    names = root_project_names(project, python_modules)
    found = set()
    for rel in python_modules:
        parts = rel.split("/")
        base = 1 if parts[0] == "src" else 0
        if len(parts) > base + 1 and parts[base + 1] == "__init__.py" and canonicalize_name(parts[base]) in names:
            found.add("/".join(parts[: base + 1]))
    return frozenset(found)


def lazy_in_library(site, library: frozenset[str], python_modules: dict) -> bool:
    """Is the import one of a published library's lazy optional integrations: in a test, or in the library's
    package, in a class, function or module named after what it imports (`import mlflow` in
    `MlflowLogger.initialize`, `import tensorflow as tf` atop `tf_preprocessing.py`), and inside a function or at
    the top of a package module that the package itself imports only inside functions (`from
    timm.data.tf_preprocessing import ...` under `if tf_preprocessing:`)? The user who picks that integration
    installs what it needs; the library declares it nowhere, as it would not a `try/except ImportError` import. A
    helper a feature needs (`from huggingface_hub import snapshot_download` in `load_siglip`) is no integration."""
    if filekinds.is_test_path(site.path):
        return True
    if site.cell is not None or not any(site.path.startswith(folder + "/") for folder in library):
        return False
    module = python_modules.get(site.path)
    if module is None or module.tree is None or not named_integration(site, module):
        return False
    return function_notes(module, site) is not None or imported_only_lazily(site.path, python_modules)


def name_words(name: str) -> set[str]:
    """The lower-case words of an identifier or file stem (`MlflowLogger` -> mlflow, logger; `tf_preprocessing`)."""
    return {word.lower() for word in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)} | {
        part.lower() for part in re.split(r"[_\W]+", name) if part
    }


def named_integration(site, module) -> bool:
    """Is the import in a class, function or module whose name holds the imported module's name or the alias it is
    imported as (`MlflowLogger` for mlflow, `tf_preprocessing.py` for `tensorflow as tf`, `onnx.py` for
    onnxruntime)?"""
    names = {site.top.lower()}
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and node.lineno == site.line:
            names.update(alias.asname.lower() for alias in node.names if alias.asname)
    owners = [filekinds.name(site.path).rsplit(".", 1)[0]]
    owners += [
        node.name
        for node in ast.walk(module.tree)
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.lineno <= site.line <= (node.end_lineno or 0)
    ]
    words = {word for owner in owners for word in name_words(owner)}
    return any(
        word == name or (len(word) >= MIN_INTEGRATION_WORD and name.startswith(word))
        for word in words
        for name in names
    )


MIN_INTEGRATION_WORD = 4  # `onnx` names onnxruntime; `tf` names only what is imported as tf


def imported_only_lazily(path: str, python_modules: dict) -> bool:
    """Is the module (not a script) imported by the repository's other code, and only inside functions?"""
    module = python_modules[path]
    if any(is_main_guard(node) for node in module.tree.body) or path.endswith("__init__.py"):
        return False
    dotted = path.removeprefix("src/")[: -len(".py")].replace("/", ".")
    package, _, stem = dotted.rpartition(".")
    found = False
    for rel, other in python_modules.items():
        if rel == path or other.tree is None or stem not in (other.text or "") or filekinds.is_test_path(rel):
            continue
        functions = [
            (node.lineno, node.end_lineno or 0)
            for node in ast.walk(other.tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        for node in ast.walk(other.tree):
            if not imports_module(node, rel, dotted, package, stem):
                continue
            if not any(start < node.lineno <= end for start, end in functions):
                return False  # imported when its importer is
            found = True
    return found


def imports_module(node, importer: str, dotted: str, package: str, stem: str) -> bool:
    """Does the import statement `node` of the module at `importer` import the module `dotted`?"""
    if isinstance(node, ast.Import):
        return any(alias.name == dotted or alias.name.startswith(dotted + ".") for alias in node.names)
    if not isinstance(node, ast.ImportFrom):
        return False
    if node.level:
        base = importer.removeprefix("src/").rsplit("/", 1)[0].split("/") if "/" in importer else []
        base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
        absolute = ".".join([*base, *([node.module] if node.module else [])])
    else:
        absolute = node.module or ""
    if absolute == dotted or absolute.startswith(dotted + "."):
        return True
    return absolute == package and any(alias.name == stem for alias in node.names)


def optional_path(site, python_modules: dict) -> tuple[str, int]:
    """The function an optional import sits in (its file and first line)."""
    notes = function_notes(python_modules.get(site.path), site) or {}
    return site.path, notes.get("function", site.line)


def fold_note(first, finding) -> None:
    """Add `finding` (another optional import of the same function) to the note already made there."""
    head = finding.message.split(" is imported in ", 1)[0]
    first.message += f"; {head} is imported in the same function ({finding.path}:{finding.line})"
    first.related = (*first.related, Location(finding.path, finding.line), *finding.related)


def in_tool_folder(path: str) -> bool:
    """A file in a hidden folder (`.udacity-pa/projects.py`, a submit tool's hook): the tool that reads the folder
    runs it, with what that tool brings."""
    return any(part.startswith(".") and part not in (".", "..") for part in filekinds.parts(path)[:-1])


def in_mobile_app(path: str) -> bool:
    """A file of an Android or iOS app (`mobile/android/.../src/main/assets/run_tflite.py`): the app bundles it."""
    return any(part.lower() in MOBILE_FOLDERS for part in filekinds.parts(path)[:-1])


class UnusedModules:
    """Which Python modules nothing uses: no module or notebook of the project imports them, no entry point runs
    them (no `__main__` block, no command, README line, config or registry string names them) and they do nothing
    when run (only definitions). An import there breaks no run. Built on the first question only."""

    def __init__(self, facts, project, python_modules: dict):
        self.facts = facts
        self.project = project
        self.modules = python_modules
        self.answers: dict[str, bool] = {}
        self._imported: frozenset[str] | None = None
        self._entries: frozenset[str] | None = None
        self._texts: list[tuple[str, str]] | None = None
        self._guarded: frozenset[str] | None = None

    def __call__(self, path: str) -> bool:
        if path not in self.answers:
            self.answers[path] = self.unused(path)
        return self.answers[path]

    def unused(self, path: str) -> bool:
        module = self.modules.get(path)
        if module is None or module.cell is not None or module.tree is None or not path.endswith(".py"):
            return False  # notebooks are run; an unparsable file is judged as written
        name = filekinds.name(path)
        if "/" not in path:
            return False  # a root module: what a user imports from the shell or a notebook of their own
        if filekinds.is_test_path(path) or name in ("__init__.py", "__main__.py", "setup.py", "conftest.py"):
            return False
        body = module.tree.body
        if module_statements(module.tree) or any(is_main_guard(node) for node in body):
            return False  # a script: it does something when run
        if not any(isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) for node in body):
            return False  # no definitions for anyone to use: judged as written
        if self._entries is None:
            self._entries = frozenset(entry.path for entry in self.facts.get("entry_points"))
        if path in self._entries:
            return False
        if self._imported is None:
            self._imported = self.facts.get("call_graph").imported_paths()
        return path not in self._imported and not self.mentioned(path)

    def optional(self, path: str) -> bool:
        """Whether the project imports the module only where a failed import is caught (`try: from envs.metaworld
        import make_env` / `except: make_env = missing_dependencies`): its author made it an optional part, so the
        packages it imports are optional too. Not a script or entry point, which runs on its own."""
        if self._guarded is None:
            self._guarded = self.guarded_only()
        if path not in self._guarded:
            return False
        if self._entries is None:
            self._entries = frozenset(entry.path for entry in self.facts.get("entry_points"))
        module = self.modules.get(path)
        tree = module.tree if module is not None else None
        return path not in self._entries and tree is not None and not any(is_main_guard(node) for node in tree.body)

    def guarded_only(self) -> frozenset[str]:
        """The project modules that are imported, and only under an ImportError guard."""
        guarded: dict[str, bool] = {}
        lines: dict[int, frozenset[int]] = {}
        for _, module, item, target in self.facts.get("call_graph").import_targets(ancestors=True):
            if id(module) not in lines:
                lines[id(module)] = guarded_lines(module, set())
            is_guarded = item.optional or item.line in lines[id(module)]
            guarded[target] = guarded.get(target, True) and is_guarded
        return frozenset(target for target, only in guarded.items() if only)

    def mentioned(self, path: str) -> bool:
        """Does another file name the module: a dotted name ending in its last two parts (`util.logger`), its file
        name (`logger.py`), or, for a top-level module, its name as a word?"""
        parts = path[: -len(".py")].split("/")
        stem = re.escape(parts[-1])
        pattern = rf"(?<![\w-]){stem}\.py\b"
        if parts[-1] not in KNOWN_THIRD_PARTY and parts[-1] not in IMPORT_TO_DISTRIBUTIONS:
            pattern += rf"|['\"]{stem}['\"]"  # a config naming it (`cfg.dataset = "ds_study_2"`), not a package
        if len(parts) > 1:
            pattern += rf"|(?<![\w-]){re.escape(parts[-2])}[./:]{stem}(?![\w-])"
        else:
            pattern += rf"|(?<![\w.-]){stem}(?![\w-])"
        found = re.compile(pattern)
        return any(found.search(text) for rel, text in self.texts() if rel != path)

    def texts(self) -> list[tuple[str, str]]:
        if self._texts is None:
            self._texts = []
            for rel in self.project.select(
                lambda rel: rel.endswith(MENTION_SUFFIXES) or "." not in filekinds.name(rel)
            ):
                try:  # a binary or unreadable file names no module; its kind's own parser reports it, not this scan
                    text = self.project.read_text(rel)
                except UnreadableFile:
                    continue
                if text:
                    self._texts.append((rel, text[:MENTION_LIMIT]))
        return self._texts


def unnamed_class(classes: UnusedClasses, python_modules: dict, site) -> str | None:
    """The class that nothing in the repository names whose method holds the import at `site` (see DAT005's unused
    classes), else None."""
    module = python_modules.get(site.path)
    if module is None or site.cell is not None:
        return None
    return classes.enclosing(module, site.line)


def function_level_imports(text: str) -> dict[str, dict]:
    """Line -> what is known of each import inside a function (JSON data, kept between runs by content): whether
    an install comment sits on its line or the comment line above, and, by top-level module name, the line of the
    test that picks that backend by name when the import runs only then."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return {}
    lines = text.splitlines()
    spans = [
        (node.lineno, node.end_lineno or 0)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    found: dict[str, dict] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if not any(start < node.lineno <= end for start, end in spans):
            continue
        line = node.lineno
        here = lines[line - 1] if line <= len(lines) else ""
        above = lines[line - 2].strip() if 2 <= line <= len(lines) + 1 else ""
        comment = bool(INSTALL_COMMENT.search(here) or (above.startswith("#") and INSTALL_COMMENT.search(above)))
        if isinstance(node, ast.Import):
            tops = {alias.name.split(".")[0] for alias in node.names}
        else:
            tops = {node.module.split(".")[0]} if node.module and not node.level else set()
        backends = {top: chosen for top in sorted(tops) if (chosen := backend_choice(tree, line, top)) is not None}
        function = enclosing_functions(tree, line)[-1]
        found[str(line)] = {
            "comment": comment,
            "backends": backends,
            "function": function.lineno,
            "switch": opt_in_switch(function, line),
            "environment": opt_in_switch(function, line, environment_flags(tree)),
        }
    return found


def environment_flags(tree) -> frozenset[str]:
    """Module-level names set from an environment variable (`_USE_SCIPY = int(os.environ.get("X", 0)) > 0`)."""
    return frozenset(
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign) and reads_environment(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    )


def opt_in_switch(function, line: int, environment: frozenset[str] | None = None) -> int | None:
    """The line of an `if` in `function` whose test is an opt-in switch and whose body (not its else) holds
    `line`: an environment variable (`if os.environ.get("USE_X"):`), a flag (`if hparams.fp16_run:`, `if
    _USE_SCIPY and x:`; not a parameter whose default is on, nor `not flag`) or one choice among several (`elif
    args.platform == "azure":`). The import runs only when a user turns that option on."""
    defaults = switched_on_parameters(function.args)
    for node in ast.walk(function):
        if not isinstance(node, ast.If) or not node.body:
            continue
        if not node.body[0].lineno <= line <= (node.body[-1].end_lineno or 0):
            continue
        if is_switch(node.test, defaults) if environment is None else is_environment_switch(node.test, environment):
            return node.lineno
    return None


def switched_on_parameters(args: ast.arguments) -> frozenset[str]:
    """The parameters whose default is a true constant (`use_cuda=True`): a test of one is the usual path."""
    positional = [*args.posonlyargs, *args.args]
    pairs = [*zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True)]
    pairs += [(arg, default) for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True) if default]
    return frozenset(arg.arg for arg, default in pairs if isinstance(default, ast.Constant) and default.value)


def is_switch(test: ast.expr, defaults: frozenset[str]) -> bool:
    """Is `test` an opt-in switch: a flag, an environment variable, or a comparison that picks one string
    choice (`and` of such tests too)?"""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(is_switch(value, defaults) for value in test.values)
    if reads_environment(test):
        return True
    if isinstance(test, ast.Name):
        return test.id not in defaults
    if isinstance(test, ast.Attribute):
        return True
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq | ast.In):
        values = [test.left, *test.comparators]
        return any(isinstance(v, ast.Constant) and isinstance(v.value, str) and v.value for v in values)
    return False


def is_environment_switch(test: ast.expr, flags: frozenset[str]) -> bool:
    """Is `test` an environment variable, read there or through a module-level flag set from one?"""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(is_environment_switch(value, flags) for value in test.values)
    return reads_environment(test) or (isinstance(test, ast.Name) and test.id in flags)


def reads_environment(test: ast.expr) -> bool:
    """Does `test` read an environment variable (`os.environ.get(...)`, `os.getenv(...)`, `"X" in os.environ`)?"""
    for node in ast.walk(test):
        if isinstance(node, ast.Attribute) and node.attr == "environ":
            return True
        if isinstance(node, ast.Call) and last_name(node.func) == "getenv":
            return True
    return False


def enclosing_functions(tree, line: int) -> list:
    """The functions of `tree` whose body holds `line`, outermost first."""
    if tree is None:
        return []
    found = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.lineno < line <= (node.end_lineno or 0)
    ]
    return sorted(found, key=lambda node: node.lineno)


def backend_choice(tree, line: int, name: str) -> int | None:
    """The line of the test that picks the backend `name` by its name, when the import at `line` runs only then:
    the import sits under `if <...> == "name"` in its function, or its function is called in the file and every
    call sits under such a test (`if get_image_backend() == "accimage": return accimage_loader(path)`)."""
    functions = enclosing_functions(tree, line)
    if not functions:
        return None
    innermost = functions[-1]
    test = choosing_test(innermost, line, name)
    if test is not None:
        return test
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and last_name(node.func) == innermost.name and node.lineno != innermost.lineno
    ]
    tests = [choosing_test(tree, call.lineno, name) for call in calls]
    return tests[0] if tests and all(t is not None for t in tests) else None


def choosing_test(scope, line: int, name: str) -> int | None:
    """The line of an `if` in `scope` that compares something with the string `name` and holds `line` in its
    body (not its else)."""
    for node in ast.walk(scope):
        if not isinstance(node, ast.If) or not node.body:
            continue
        if not node.body[0].lineno <= line <= (node.body[-1].end_lineno or 0):
            continue
        for part in ast.walk(node.test):
            if isinstance(part, ast.Compare) and any(isinstance(op, ast.Eq | ast.In) for op in part.ops):
                values = [part.left, *part.comparators]
                if any(isinstance(v, ast.Constant) and str(v.value).lower() == name.lower() for v in values):
                    return node.lineno
    return None


def carried_companions(missing: dict[tuple[str, str], list]) -> set[tuple[str, str]]:
    """The missing (folder, distribution) pairs that come with another missing one of the same folder as part of
    its interface (fvcore with detectron2): one declaration fixes both, so they are one finding."""
    carriers: dict[tuple[str, str], set[str]] = {}
    for folder, distribution in missing:
        for companion in companions_of(distribution):
            if (folder, companion) in missing:
                carriers.setdefault((folder, companion), set()).add(distribution)
    # one that only companions carry (each other, in a cycle) stays a finding of its own
    return {key for key, names in carriers.items() if any((key[0], name) not in carriers for name in names)}


def closure(table: Mapping[str, Collection[str]], name: str) -> frozenset[str]:
    """What `table` gives `name`, and what it gives those in turn (never `name` itself)."""
    found: set[str] = set()
    todo = [name]
    while todo:
        for item in table.get(todo.pop(), ()):
            if item not in found and item != name:
                found.add(item)
                todo.append(item)
    return frozenset(found)


@cache
def companions_of(distribution: str) -> frozenset[str]:
    """The companions of `distribution`, and theirs (jupyter: notebook, and notebook's ipykernel)."""
    return closure(COMPANIONS, distribution)


def is_converter(path: str) -> bool:
    """A weight-conversion script, by its name or its folder's (`convert/convert_from_mxnet.py`)."""
    stem = filekinds.name(path).rsplit(".", 1)[0]
    folders = {part.lower() for part in filekinds.parts(path)[:-1]}
    return bool(CONVERTER_NAME.search(stem)) or bool(folders & CONVERTER_FOLDERS)


def worth_reporting(distribution: str, bringers: list, tests_only: bool) -> bool:
    """Whether a missing declaration is worth a finding. Not when the import works today and cannot change a
    result (a progress bar that a declared package brings), nor when only tests import a test tool or a package
    that a declared one brings: the test environment has it, and no result depends on it."""
    if bringers and not bears_on_results(distribution):
        return False
    return not (tests_only and (bringers or is_dev_tool(distribution)))


def runtime_declarations(declared_distributions) -> dict[str, list]:
    """The declarations that install a distribution where the code runs: not a build backend's (`[build-system]`)."""
    runtime: dict[str, list] = {}
    for name, declarations in declared_distributions.items():
        kept = [d for d in declarations if d.group != "build-system"]
        if kept:
            runtime[name] = kept
    return runtime


def bringers_of(alternatives: list[str], installed: list[tuple[str, list]]) -> list[tuple[str, str, tuple]]:
    """The installed distributions that bring one of `alternatives`, each with the release its declarations
    install (facts/brought.py) and the releases the project pins (which hold down every chain): those that require
    it directly first, then by name."""
    releases = {name: installed_release(name, declarations) for name, declarations in installed}
    pinned = tuple(sorted((name, release) for name, release in releases.items() if release != LATEST))
    found = []
    for name, release in releases.items():
        brought = brought_by(name, release, pinned)
        if any(a in brought for a in alternatives):
            direct = any(a in brought and way(name, a, release, pinned) is None for a in alternatives)
            found.append((not direct, name, release))
    return [(name, release, pinned) for _indirect, name, release in sorted(found)]


def likely_bringers(alternatives: list[str], installed: list[tuple[str, list]]) -> list[str]:
    """The installed distributions, pinned to a release between the two whose requirements the table holds, that
    bring one of `alternatives` at both of those releases, each by whatever chain (facts/brought.py:
    `brought_at_both_ends`): what the pinned release brings is not known, but in all likelihood it does."""
    releases = {name: installed_release(name, declarations) for name, declarations in installed}
    pinned = tuple(sorted((name, release) for name, release in releases.items() if release != LATEST))
    return [
        name
        for name, release in sorted(releases.items())
        if release == BETWEEN and any(a in brought_at_both_ends(name, pinned) for a in alternatives)
    ]


def likely_message(message: str, top: str, distribution: str, likely: list[str]) -> str:
    """The message of an import that a pinned release in all likelihood brings: no claim that nothing provides it."""
    head = message.split(" provides it; ", 1)[0]  # `... but no dependency declaration [of the project in f/]`
    name = likely[0]
    entry = published()[name]
    more = f" (and {plural(len(likely) - 1, 'more declared distribution')})" if len(likely) > 1 else ""
    return (
        f"{head} names it; it probably arrives with the release of {name} the project "
        f"pins{more}: {name} {entry.reference} and {entry.latest} both bring it, and what the release between them "
        f"requires is not known here; declare {distribution} directly, so that the import does not hang on that chain"
    )


def unknown_bringers(site, installed: list[tuple[str, list]], user_map: dict[str, list[str]]) -> list[str]:
    """The installed distributions whose requirements the tables do not know, when the import may be a
    distribution's (not a stale import of the project's own generic module name)."""
    if site.top in GENERIC_LOCAL_NAMES and not known_providers(site.module, user_map):
        return []
    return sorted(
        name
        for name, declarations in installed
        if not requirements_known(name)
        and name not in RENAMES  # a placeholder name: DEP007's finding
        # a conda package (a conda export lists what it brings) or a lock's pin (the lock lists everything)
        and any(d.origin not in UNKNOWN_SILENT_ORIGINS for d in declarations)
    )


UNKNOWN_SILENT_ORIGINS = frozenset({"conda", "lock"})


def unknown_message(message: str, unknown: list[str]) -> str:
    """The message of an import that no declared distribution whose requirements are known brings, when the
    project installs others whose requirements are not known (`git+https://...`, a release without metadata): no
    claim that no declaration provides it."""
    head, advice_text = message.split(" provides it; ", 1)
    more = f" and {len(unknown) - 1} more" if len(unknown) > 1 else ""
    return (
        f"{head} names it, and none of the declared distributions whose requirements are known here brings it "
        f"(what {unknown[0]}{more} require{'s' if len(unknown) == 1 else ''} is not known); {advice_text}"
    )


# A message names this many of the declared distributions that bring a missing one, and counts the others.
NAMED_BRINGERS = 3


def named_bringers(bringers: list[tuple[str, str, tuple]], distribution: str) -> str:
    """The first bringers, the way each brings `distribution`, and how many more: `jupyterlab (through
    jupyterlab-server), spacy and 2 more`."""
    shown = []
    for name, release, pinned in bringers[:NAMED_BRINGERS]:
        middle = way(name, distribution, release, pinned)
        shown.append(f"{name} (through {middle})" if middle else name)
    rest = len(bringers) - len(shown)
    return join_names([*shown, f"{rest} more"] if rest else shown)


def join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def installed_by(notebook) -> set[str]:
    """Distributions a notebook installs into its own kernel (`!pip install x`, `%pip install x`, a pip run by
    `subprocess.run([sys.executable, "-m", "pip", "install", "x"])` or `os.system("pip install x")`), and those its
    markdown and raw cells tell its reader to `pip install`: the notebook documents its own requirements, as a
    script's docstring does."""
    names: set[str] = set()
    for cell in notebook.cells:
        if cell.cell_type in ("markdown", "raw"):
            names |= text_installs(cell.source)
            continue
        commands = list(cell.commands)
        if cell.is_code and cell.python and "install" in cell.source:
            commands += python_pip_commands(cell.source)
        for command in commands:
            install = parse_install(command)
            if install is None:
                continue
            for package in [*install.packages, *install.editables]:
                if looks_like_url(package):
                    names.update(url_install_names(package))
                    continue
                try:
                    names.add(canonicalize_name(Requirement(package).name))
                except InvalidRequirement:
                    continue
    return names


# A list literal (`["python", "-m", "pip", "install", "x"]`) and a string literal in Python source.
LIST_LITERAL = re.compile(r"\[([^\[\]]*)\]")
STRING_LITERAL = re.compile(r"""(?<![\w'"])[rRbBuUfF]{0,2}(['"])((?:\\.|(?!\1).)*)\1""")
PIP_PROGRAM = lazy_pattern(r"(?:^|/)pip3?(?:\.exe)?$")
PIP_IN_STRING = re.compile(r"(?:^|[\s;&|])((?:\S*python3?\s+-m\s+)?pip3?\s+install\s.*)$")


def python_pip_commands(source: str) -> list[Command]:
    """The pip installs that a code cell's Python runs: an argument list of string literals (`subprocess.run(["pip",
    "install", "x"])`, `[sys.executable, "-m", "pip", "install", "x"]`) or a command string (`os.system("pip
    install x")`). Comment lines are left out."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))
    found: list[Command] = []
    for listed in LIST_LITERAL.finditer(code):
        words = [match.group(2) for match in STRING_LITERAL.finditer(listed.group(1))]
        for index, word in enumerate(words[:-1]):
            if PIP_PROGRAM.search(word) and words[index + 1] == "install":
                argv = words[index:]
                found.append(Command(argv=argv, line=1, text=" ".join(argv)))
                break
    for literal in STRING_LITERAL.finditer(code):
        match = PIP_IN_STRING.search(literal.group(2))
        if match is not None:
            found.extend(split_commands(match.group(1)))
    return found


def url_install_names(url: str) -> set[str]:
    """What installing a repository by URL provides: its name (pip reads the real one from the checkout), and the
    name before a release-like suffix of a course or fork repository (`vista-6s191` provides `vista`)."""
    name = name_from_url(url)[0]
    if not name:
        return set()
    found = {canonicalize_name(name)}
    head, dash, tail = name.partition("-")
    if dash and head and any(ch.isdigit() for ch in tail):
        found.add(canonicalize_name(head))
    return found


def with_companions(names: set[str]) -> set[str]:
    """`names` and the distributions that come with them as part of their interface (hydra-core: omegaconf)."""
    return names.union(*(companions_of(name) for name in names))


def site_order(site) -> tuple:
    return (site.path, site.cell or 0, site.line)


def missing_key(site, user_map: dict[str, list[str]]) -> str:
    """What one finding stands for: the distribution to declare (or the import name when none is known)."""
    known = known_providers(site.module, user_map)
    return known[0] if known else canonicalize_name(site.top)


def advice(site, user_map: dict[str, list[str]]) -> str:
    """What to declare, never naming a PyPI project that is not the import's distribution."""
    known = known_providers(site.module, user_map)
    if site.top in MISLEADING_NAMESAKES and not known:
        return f"declare the distribution that provides it ({MISLEADING_NAMESAKES[site.top]})"
    if not known and COMPILED_EXTENSION_NAME.match(site.top):
        return (
            "it looks like a compiled extension module: build it (setup.py `ext_modules`, "
            "`torch.utils.cpp_extension`) or declare the distribution that ships it"
        )
    if not known and site.top in GENERIC_LOCAL_NAMES:
        return (
            f"nor is any module or folder named {site.top} in the repository: likely a stale import of the "
            "project's own code; fix or remove it (or declare the distribution that provides it)"
        )
    if not known:
        namesake = canonicalize_name(site.top)
        shipped = [name for name in installing(site.module) if name != namesake]
        if shipped and namesake not in installing(site.module):
            known = shipped  # what PyPI's wheels say installs it (`neptune` from neptune-client)
        elif (modules := modules_of(namesake)) is not None and namesake not in installing(site.module):
            shown = ", ".join(sorted(modules)[:3])
            return (
                f"declare the distribution that provides it (`{namesake}` on PyPI installs {shown}, "
                f"not {site.top}), or map the import in `import-map`"
            )
    suggestion = " or ".join(known[:2]) if known else canonicalize_name(site.top)
    return f"declare {suggestion} (or map the import in `import-map`)"


def defined_elsewhere(site, user_map: dict[str, list[str]], python_modules: dict) -> tuple[str, str] | None:
    """(name, path) when an import that no known distribution provides takes a name (`from dynamic_loss_scaler
    import DynamicLossScaler`) that a top-level class or function of the repository defines (in `loss_scaler.py`):
    the module was renamed or moved, the import is stale, and no distribution is missing."""
    if known_providers(site.module, user_map) or site.top in KNOWN_THIRD_PARTY or site.top in MISLEADING_NAMESAKES:
        return None
    module = python_modules.get(site.path)
    if module is None or module.tree is None:
        return None  # notebooks' imports are judged as written
    names = [
        name
        for item in module.imports
        if item.line == site.line and item.module == site.module
        for name in item.names
        if name != "*" and not name.islower()  # a class or CamelCase function, not a generic `utils`-like word
    ]
    if not names:
        return None
    # a name imported under another name (`import DatasetLoader as IDatasetLoader`) that this file defines anew
    # (`class DatasetLoader(IDatasetLoader)`) is the base it extends: both exist, nothing is stale
    aliased = {
        alias.name
        for node in module.tree.body
        if isinstance(node, ast.ImportFrom) and node.lineno == site.line
        for alias in node.names
        if alias.asname and alias.asname != alias.name
    }
    ordered = [site.path, *sorted(rel for rel in python_modules if rel != site.path)]
    for rel in ordered:
        other = python_modules[rel]
        if not other.mentions(*names) or other.tree is None:
            continue
        for node in other.tree.body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in names:
                if rel == site.path and node.name in aliased:
                    continue
                return node.name, rel
    return None


def stale_import_message(message: str, site, name: str, path: str) -> str:
    where = "this file" if path == site.path else path
    head = message.split("; ", 1)[0]
    return (
        f"{head}; {name} is defined in {where}, and no module {site.top} is in the repository: likely a stale import "
        "of the project's own code; import it from where it is defined (or declare the distribution that provides it)"
    )


def providers(module: str, user_map: dict[str, list[str]]) -> list[str]:
    """Distributions that may provide dotted `module`, most likely first: the known ones, those named after it, and
    those whose published wheels install it (`fluent` from fluent-logger)."""
    top = canonicalize_name(module.split(".")[0])
    found = known_providers(module, user_map)
    found.extend(canonicalize_name(pattern.format(top)) for pattern in PROVIDER_PATTERNS)
    found.extend(namespace_distributions(module))
    found.extend(installing(module))
    return list(dict.fromkeys(found))


def table_providers(module: str, user_map: dict[str, list[str]]) -> list[str]:
    """The known providers of `module` (the user map and the import table decide), else those whose published
    wheels install it."""
    return known_providers(module, user_map) or list(installing(module))


def namespace_distributions(module: str) -> list[str]:
    """The distributions named after a dotted import (`flufl.lock` -> `flufl-lock`, written `flufl.lock` or
    `flufl_lock` too, all one name after normalisation): a namespace package's parts ship that way, deepest first."""
    parts = module.split(".")
    return [canonicalize_name("-".join(parts[:depth])) for depth in range(len(parts), 1, -1)]


def known_providers(module: str, user_map: dict[str, list[str]]) -> list[str]:
    """Distributions the user map or the import table name for `module` (longest dotted prefix first)."""
    parts = module.split(".")
    found: list[str] = []
    for depth in range(len(parts), 0, -1):
        prefix = ".".join(parts[:depth])
        if prefix in user_map:
            found.extend(user_map[prefix])
        if prefix in IMPORT_TO_DISTRIBUTIONS:
            found.extend(IMPORT_TO_DISTRIBUTIONS[prefix])
        if prefix in NAMESPACE_PATTERNS and depth < len(parts):
            found.append(canonicalize_name(NAMESPACE_PATTERNS[prefix].format(parts[depth])))
        if found:
            break
    return list(dict.fromkeys(found))


class ConflictingPins(Rule):
    """
    ## What it does
    Reports a distribution pinned to different exact versions in two places: requirements files and locks,
    `pyproject.toml`, conda environments, and install commands in Dockerfiles, CI, Makefiles and scripts. Names are
    compared after PEP 503 normalisation (`PyYAML` = `pyyaml`), versions by value (`1.0` = `1.0.0`) and by release:
    a local version label names a build of the release (`torch==1.5.1+cu101` in a CUDA requirements file is the CUDA
    build of `torch==1.5.1`, `1.5.1+cpu` its CPU build), not another version; only pins under the same environment
    marker are compared. Pins are compared within one project: the sub-projects of a course or monorepo (a folder
    with its own declaration and code, or the `projects` setting) are judged apart from each other and from the rest
    of the repository. A lock and its own input are LCK002's business, not this rule's. Each disagreeing place is
    compared with the reference pin (a lock first, then requirements files, environment files, pyproject, then
    install commands), and reported once per pair of files: at the first disagreeing pin, the file's other
    disagreeing packages named in the message and listed as related locations (one stale `env.yml` is one fix).

    ## Why it matters
    The experiment that ran in the Docker image used numpy 2.0.1 while the lock says 1.26.4: the lock no
    longer describes any environment that exists, and results depend on which path installed the code.

    ## Example
    ```text
    requirements.txt:   numpy==1.26.4
    docker/Dockerfile:  RUN pip install numpy==2.0.1
    ```

    ## Fix
    Keep one source of truth: install from the lock in the Dockerfile (`pip install -r requirements.txt`) or
    align the versions.
    """

    code = "DEP005"
    name = "conflicting-pins"
    severity = Severity.WARNING
    summary = "The same distribution is pinned to different versions in two places"

    def check(self, declared_distributions, lock_inputs, locks, projects):
        # (disagreeing file, reference file) -> [(disagreeing pin, reference pin)]: one finding per pair of files
        pairs: dict[tuple[str, str], list[tuple]] = {}
        for declarations in declared_distributions.values():
            groups: dict[tuple[str, str | None], list] = {}
            for item in declarations:
                if item.version:
                    groups.setdefault((projects.owner(item.path), item.marker), []).append(item)
            for items in groups.values():
                if len({d.version for d in items}) < 2:
                    continue
                items = sorted(items, key=pin_rank)
                reference = items[0]
                reported: set[tuple[str, int]] = set()
                for item in items[1:]:
                    if same_release(item.version, reference.version) or item.path == reference.path:
                        continue
                    if lock_and_input(reference, item, lock_inputs) or (item.path, item.line) in reported:
                        continue
                    reported.add((item.path, item.line))
                    pairs.setdefault((item.path, reference.path), []).append((item, reference))
        for conflicts in pairs.values():
            conflicts.sort(key=lambda pair: (pair[0].line, pair[0].column or 0))
            item, reference = conflicts[0]
            message = (
                f"{item.raw_name} is pinned to {reference.version} in {reference.path} but {item.version} "
                f"in {item.path}"
            )
            if len(conflicts) > 1:
                more = ", ".join(f"{i.raw_name} {r.version} vs {i.version}" for i, r in conflicts[1:])
                verb = "differs" if len(conflicts) == 2 else "differ"
                message += f", and {plural(len(conflicts) - 1, 'more package')} {verb} between the two ({more})"
            message += "; use one version everywhere (install from the lock)"
            related = [Location(i.path, i.line) for i, _ in conflicts[1:]]
            yield self.finding(message, item.path, item.line, item.column, related=related)


def pin_rank(item) -> tuple:
    origin = PIN_PRIORITY.index(item.origin) if item.origin in PIN_PRIORITY else len(PIN_PRIORITY)
    return (origin, item.path, item.line)


def lock_and_input(a, b, lock_inputs) -> bool:
    """True when one of the two is a lock pin and the other sits in one of that lock's inputs."""
    return (a.origin == "lock" and a.path in lock_inputs.get(b.path, ())) or (
        b.origin == "lock" and b.path in lock_inputs.get(a.path, ())
    )


class PlaceholderDistribution(Rule):
    """
    ## What it does
    Reports a dependency declared under a placeholder or deprecated distribution name: an import name that is
    not a distribution (`sklearn`, `cv2`, `PIL`, `yaml`, `skimage`), a placeholder package (`pytorch`, `bs4`),
    or a retired name (`tensorflow-gpu`, `msgpack-python`, `pycrypto`). Generated locks are skipped (fix the
    input and re-lock); conda names are not PyPI names and are skipped too. A name whose early releases still
    install is judged at its version: `sklearn==0.0`, the original shim, is reported only when the same file
    does not declare scikit-learn (the shim then installs that declaration), and `tensorflow-gpu` pinned to a
    release before 2.12.0 is not reported (it is that release of tensorflow under its old name).

    ## Why it matters
    Placeholders install nothing useful or refuse to install (`sklearn` fails since 2023, except when pinned to
    its original `0.0`, which installs whatever scikit-learn is newest: the message says which); retired names freeze
    the project on the last release made under that name, or their newest release refuses to install
    (`tensorflow-gpu` 2.12.0). The build breaks or silently uses stale code.

    ## Example
    ```text
    sklearn
    tensorflow-gpu>=2.10
    ```

    ## Fix
    Declare the real distribution: `scikit-learn`, `opencv-python` (or `opencv-python-headless`), `pillow`,
    `PyYAML`, `torch`, `tensorflow`. `--fix` renames it where the declaration is in a requirements file,
    `pyproject.toml` or an environment's `pip:` section; a placeholder's version is dropped, since it is the
    placeholder's own version, and a retired name keeps its version.
    """

    code = "DEP006"
    name = "placeholder-distribution"
    severity = Severity.ERROR
    summary = "A placeholder or deprecated distribution name is declared as a dependency"
    fixable = True

    def check(self, declared_distributions):
        for name, declarations in declared_distributions.items():
            rename = RENAMES.get(name)
            if rename is None:
                continue
            # A shim that installs its replacement installs the replacement this file declares beside it.
            beside = {d.path for wanted in rename.replacements for d in declared_distributions.get(wanted, ())}
            for item in declarations:
                if item.origin in NON_PIP_ORIGINS or item.tool == "conda":
                    continue
                why = reason(rename, item)
                if why is None or (why is rename.why_before and item.path in beside):
                    continue
                wanted = " or ".join(rename.replacements)
                message = f"{item.raw_name} in {item.path} is {why}; declare {wanted} instead"
                yield self.finding(message, item.path, item.line, item.column, fix=rename_fix(item, rename))


def reason(rename, item) -> str | None:
    """What is wrong with the name as this declaration asks for it: a placeholder whose early releases still
    install is deprecated, not broken, under a specifier that admits only those (`sklearn==0.0`), and a retired
    name pinned to a release that installs is that release: nothing (`tensorflow-gpu==2.8.0`)."""
    return admitted_problem(rename, item.spec)


def admitted_problem(rename, spec: str) -> str | None:
    """`rename.why` when the requirement `spec` lets pip take a release from `rename.fails_from` on (or the name
    has no working releases), else `rename.why_before` (None: nothing to say)."""
    if rename.fails_from is None:
        return rename.why
    try:
        specifier = Requirement(spec).specifier
    except InvalidRequirement:
        return rename.why
    first = Version(rename.fails_from)
    for exact in (s for s in specifier if s.operator in ("==", "===") and "*" not in s.version):
        try:  # a pin: at or after the first failing release (or one never made, `sklearn==1.4.0`), it fails
            return rename.why if Version(exact.version) >= first else rename.why_before
        except InvalidVersion:
            return rename.why
    failing = (str(first), f"{first.base_version}.post999", f"{first.major + 1}.0")  # it, a later post, a release
    if not str(specifier) or any(specifier.contains(version, prereleases=True) for version in failing):
        return rename.why  # unpinned, or a range that lets pip take a release that refuses to install
    return rename.why_before


def left_to_dep006(entry) -> bool:
    """DEP001 leaves a wrongly named requirement to DEP006 (fix the name first): a placeholder whatever its version
    (the version is the placeholder's own), a retired name when DEP006 reports it at its specifier; a retired name
    whose range keeps to releases that install (`tensorflow-gpu>=2.4,<2.11`) floats like any other."""
    rename = RENAMES.get(entry.name)
    if rename is None:
        return False
    return rename.placeholder or admitted_problem(rename, f"{entry.name}{entry.specifier}") is not None


def rename_fix(item, rename) -> Fix | None:
    if len(rename.replacements) != 1:
        return None
    new = rename.replacements[0]
    has_specifier = item.head_span is not None and item.name_span is not None and item.head_span != item.name_span
    span = item.head_span if rename.placeholder and has_specifier else item.name_span
    if span is None:
        return None
    line, start, end = span
    dropped = " (dropping the placeholder's version)" if span is item.head_span and has_specifier else ""
    return Fix(f"rename {item.raw_name} to {new}{dropped}", (Edit(line, start, line, end, new),))


class UnlockedCondaEnvironment(Rule):
    """
    ## What it does
    Reports, in a conda `environment*.yml` that has no conda lock (a `conda-lock.yml` made from it, or an
    explicit `@EXPLICIT` export beside it): the conda dependencies without a version (except the bootstrap
    tools pip, setuptools and wheel, whose version has no bearing on results), once per file (one fix): at the
    first, with the count, the names and the others as related locations; and a missing or empty
    `channels:` list (unless every dependency names its channel, `conda-forge::numpy`). A dependency of the
    family a release channel label names (`cuda-nvcc` with the channel `nvidia/label/cuda-12.1.1`) has its
    version fixed by the label. Any file whose content
    is a conda environment counts, whatever its name (`requirements.yaml`, `env.yml`: see DEP001).

    ## Why it matters
    `conda env create` resolves unversioned packages to the newest build on the day, and without explicit
    channels the packages come from whatever channels the installing machine has configured.

    ## Example
    ```yaml
    name: train
    dependencies:
      - python=3.11
      - pytorch
      - numpy
    ```

    ## Fix
    Add `channels:` (e.g. `conda-forge`, `nodefaults`) and versions (`numpy=1.26.4`), then lock it:
    `conda-lock -f environment.yml` and commit `conda-lock.yml`.
    """

    code = "DEP007"
    name = "unlocked-conda-environment"
    severity = Severity.WARNING
    summary = "A conda environment with unversioned packages or no channels, and no conda lock"

    def check(self, conda_environments, lock_inputs, locks, inline_suppressions):
        for rel, env in conda_environments.items():
            if any(locks[p].kind in ("conda-lock", "conda-explicit", "pixi") for p in lock_inputs.get(rel, ())):
                continue
            unversioned = [
                d
                for d in env.dependencies
                if not d.spec.has_version
                and d.spec.name not in BOOTSTRAP_TOOLS
                and bears_on_results(d.spec.name)
                and not pinned_by_label(d.spec.name, [*env.channels, d.spec.channel or ""])
            ]
            # A line a comment silences stays out of the fold, so that the comment keeps its meaning.
            alone = [d for d in unversioned if inline_suppressions.covers(rel, d.line, self.code)]
            unversioned = [d for d in unversioned if d not in alone]
            for dependency in alone if len(unversioned) != 1 else [*alone, *unversioned]:
                name = dependency.spec.name
                message = (
                    f"conda dependency {name} in {rel} has no version; pin it ({name}=X.Y.Z) "
                    f"or lock the environment with conda-lock -f {rel}"
                )
                yield self.finding(message, rel, dependency.line, dependency.column)
            if len(unversioned) >= 2:  # one file, one fix: one finding, the other lines related
                names = ", ".join(d.spec.name for d in unversioned[:MAX_NAMED])
                more = f" and {len(unversioned) - MAX_NAMED} more" if len(unversioned) > MAX_NAMED else ""
                message = (
                    f"{len(unversioned)} conda dependencies in {rel} have no version ({names}{more}); pin them "
                    f"(name=X.Y.Z) or lock the environment with conda-lock -f {rel}"
                )
                related = [Location(rel, d.line) for d in unversioned[1:]]
                yield self.finding(message, rel, unversioned[0].line, unversioned[0].column, related=related)
            channels = [c for c in env.channels if c != "nodefaults"]
            if not channels and not all(d.spec.channel for d in env.dependencies):
                message = (
                    f"{rel} lists no channels, so packages come from the installing machine's conda configuration; "
                    "add `channels:` (e.g. conda-forge and nodefaults)"
                )
                yield self.finding(message, rel, env.channels_line or 1)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def flow_environments(python_modules: dict) -> dict[str, frozenset[str]]:
    """Folder -> the distributions the Metaflow flow files in it declare in their decorators."""
    found: dict[str, set[str]] = {}
    for rel, module in python_modules.items():
        if module.cell is None:  # kept per file: an edit reads the edited file only
            names = module.remembered("metaflow-decorator-dependencies", flow_dependencies)
            if names:
                found.setdefault(posixpath.dirname(rel), set()).update(names)
    return {folder: frozenset(names) for folder, names in found.items()}


def flow_environment(flows: dict[str, frozenset[str]], rel: str) -> set[str]:
    """What the flows of `rel`'s folder, or of a folder above it, declare: Metaflow packages the flow's folder
    (its code package) with the flow and runs it, helper modules included, in that environment."""
    names: set[str] = set()
    for folder, declared in flows.items():
        if not folder or rel.startswith(f"{folder}/"):
            names |= declared
    return names


def flow_dependencies(text: str) -> list[str]:
    """A Metaflow flow file's decorator-declared distributions as JSON data (kept between runs, by content)."""
    return sorted(metaflow_dependencies(text))


def docstring_dependencies(text: str) -> list[str]:
    """The distributions a module's docstring tells users to `pip install`, as JSON data (kept by content)."""
    return sorted(docstring_installs(text))


def script_dependencies(text: str) -> list[str]:
    """A script's PEP 723 dependencies as JSON data (kept between runs, by content)."""
    return sorted(inline_script_dependencies(text))
