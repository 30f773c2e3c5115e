"""The role each file plays: an experiment, or a test, docs, an example, a dev container or a vendored copy.

The experiment rules (RNG, DAT005, NB) judge code that produces results. A tutorial notebook keeps its outputs for
readers on purpose, a test may load a model from the hub to compare against it, and a copy of a third-party package
is not the project's code at all: reporting there as in an experiment would be noise. The engine asks this fact for
the role of each finding's file (see `engine.settle`).

The sources of the projects a template generates (a folder named with template markers, cookiecutter's
`{{ cookiecutter.repo_name }}/` or copier's `{{ project_name }}/`, and `*.jinja` files) are not this repository's
experiments either: the sample data a starter ships so that a generated project runs is not an artifact to move
to DVC, and only repository-wide rules report there (a parser never reads a template as the kind its name says).

Roles come from gitignore-style globs (defaults below, replaced per role by the `roles` setting), from a notebook's
name and content (`tutorial`/`demo`/`example`/`quickstart`/`colab` in the name, an "Open in Colab" badge, a
`google.colab` import, Colab's metadata, a README link that opens it in Colab by its path, or a root README that
opens the notebooks in Colab wholesale through copies on Drive), from detected vendored copies: a sub-folder with a
setup of its own whose package is inside it, and which carries its own licence or is a package that ML repositories
are known to vendor, from folders whose README's title marks them deprecated or unmaintained, or whose name says old
code (`legacy/`, `old/`) and which a README says no longer run (archived material), from a first edition kept beside
the current one (`notebooks_v1/` next to `notebooks/`, at least three and half of its notebooks with a namesake there:
archived material too), from the numbered lesson folders
of a course (`01-intro/`, `02-regression/` under a README titled as a course, or holding homework: teaching
material), from a root README whose title or first paragraph presents the repository as a course, tutorials, lessons
or a nanodegree ("This repository contains material related to Udacity's Deep Learning Nanodegree program. It
consists of a bunch of tutorial notebooks", "Code and notebooks for the deep learning course dataflowr": its
notebooks are teaching material; a "Tutorial" section further down, a student's "course project", or a first
paragraph about a paper's code, is none), from course exercise and solution notebooks by name
(`DCGAN_Exercise.ipynb`, `Part 1 (Solution).ipynb`, `X_Solution.ipynb` beside `X_Exercise.ipynb`, and pairs that
differ in their last word: `ddpm_nano_sol.ipynb` beside `ddpm_nano_empty.ipynb`, `sol/02_backprop_sol.ipynb` under
`02_backprop.ipynb`'s folder), and from copies of notebooks: the same code cells as another notebook (cells of shell
escapes and magics aside: a Colab twin `X-colab.ipynb` that adds `!pip install` cells), or written by a copy command
the repository runs (`cp *.ipynb docs/` in a docs workflow, `rsync`, `jupyter nbconvert --output-dir`), or converted
from a script next to it (`py2ipynb '*/*.py'`, `jupytext --to notebook x.py`, `p2j x.py`); a symbolic link to a
listed file (a docs folder linking the notebooks it renders) is a copy of that file too. A script exported from a
notebook is a copy of the notebook: one that a converter command of the repository writes (`jupyter nbconvert --to
script`, `jupytext --to py:percent`, `jupytext --set-formats ipynb,py`), or one beside a notebook of its name whose
code lines are nearly all the notebook's (a book's `ch04/ch04.py` generated from `ch04/ch04.ipynb`); a script the
notebook is converted from, a module the notebook imports, and a paired script whose notebook git ignores are the
project's code. A notebook that renders pages from jinja2 templates and imports no library that trains or runs a
model is site tooling (docs).

A repository whose whole purpose is a collection of examples of a library (`examples_collection`: the root README's
title calls it examples of a named library, at least three top-level folders are self-contained examples with
their own README or requirements, and its CI installs that library from git head or as nightly builds) gives its
folders the example role, and the findings of the pin rules (rule.py `PIN_RULES`) anywhere in it are listed with
the suppressed ones, saying why: such a collection tracks the library's latest release on purpose. A repository
titled examples whose CI installs releases, an application with a nightly canary of another library, and a
library's own repository keep their warnings.
"""

from __future__ import annotations

import ast
import fnmatch
import hashlib
import os
import posixpath
import re
import stat
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import unquote

import pathspec
from packaging.utils import canonicalize_name

from reprocheck import filekinds
from reprocheck.config import DEFAULT_ROLES
from reprocheck.facts import fact
from reprocheck.facts.imports import last_name
from reprocheck.facts.notebooks import load_notebook
from reprocheck.facts.shell import Command, _is_script_candidate, load_script, split_commands, strip_wrappers
from reprocheck.facts.structured import load_setup_cfg, load_toml
from reprocheck.patterns import lazy_pattern
from reprocheck.project import listed_stat

EXPERIMENT = "experiment"
# Roles are tried in the order of DEFAULT_ROLES (vendored first); `experiment` globs win over all of them.
ROLES = (EXPERIMENT, *DEFAULT_ROLES)
# What a finding's message says a matched folder holds.
ROLE_WORDS = {
    "test": "tests",
    "docs": "documentation",
    "example": "examples",
    "devcontainer": "a dev container",
    "vendored": "vendored code",
    "archive": "archived material",
    "template": "the template of a generated project",
}

TEACHING_FOLDER = lazy_pattern(r"(^|/)(lecture[^/]*|video_notebooks|courses?)/$", re.IGNORECASE)
# Folders of notebooks recorded live in lectures (cells run out of order as the lecture goes).
RECORDING_FOLDER = lazy_pattern(r"(^|/)(lecture[^/]*|video_notebooks)/$", re.IGNORECASE)


def role_words(role: str, folder: str) -> str:
    """What a matched folder holds, for messages: lecture and course folders are teaching material."""
    if role == "example" and TEACHING_FOLDER.search(folder):
        return "teaching material"
    return ROLE_WORDS[role]


NOTEBOOK_NAME_WORDS = lazy_pattern(r"tutorial|demo|example|quick[-_ ]?start|colab", re.IGNORECASE)
# Course exercises and their solutions by name (`Part 1 - Tensors (Exercises).ipynb`, `DCGAN_Exercise.ipynb`,
# `exercise-solutions.ipynb`); a solution only in parentheses or next to its exercise (`DCGAN_Solution.ipynb`
# beside `DCGAN_Exercise.ipynb`): `1st_place_solution.ipynb` is a competition entry.
EXERCISE_NAME = lazy_pattern(r"(?i)(?:^|[\W_])exercises?(?:$|[\W_])")
SOLUTION_NAME = lazy_pattern(r"(?i)(?:^|[\W_])(\()?solutions?(?(1)\)|)(?:$|[\W_])")
# A course's exercise and its solution as a pair of names that differ only in their last word (`ddpm_nano_empty` and
# `ddpm_nano_sol`, `hw1_student` and `hw1_sol`, `GPT_hist` and `GPT_hist_sol`), the solution beside the exercise or
# in a solutions folder under the exercise's (`Module1/sol/01_practical_sol.ipynb` for
# `Module1/01_practical_empty.ipynb`). Alone, neither word says a course (`data_empty.ipynb`, `tsp_sol.ipynb`).
PAIRED_NAME = lazy_pattern(
    r"(?i)^(?P<stem>.+?)[-_ ](?:(?P<exercise>empty|student|blank|todo|incomplete)|(?P<solution>sol|solutions?|solved))$"
)
SOLUTIONS_FOLDER = lazy_pattern(r"(?i)^(?:sol|sols|solutions?|solved|corrections?)$")
# Notebooks with the same code are copies only when there is enough of it to rule out chance.
COPY_MIN_CELLS = 2
COPY_MIN_CHARACTERS = 200
# A script beside a notebook of its name is the notebook's script export (nbconvert's `--to script`, jupytext's
# `--to py`, a book's own converter that hoists the imports) when this share of its code lines are lines of the
# notebook's code cells, and it has enough of them to rule out chance. An export edited into a script of its own
# (`score.py` grown from `score.ipynb` with arguments and a main) shares about half and stays judged.
SCRIPT_COPY_SHARE = 0.8
SCRIPT_COPY_MIN_LINES = 8
# An "Open in Colab" badge, a `google.colab` import, and the `provenance` that Colab writes into what it saves.
NOTEBOOK_CONTENT_MARKERS = ("colab.research.google.com", "google.colab", '"provenance":')
SETUP_FILES = ("setup.py", "pyproject.toml", "setup.cfg")
LICENCE_NAMES = lazy_pattern(r"^(LICEN[CS]E|COPYING)([.\-_].*)?$", re.IGNORECASE)
# Packages that ML repositories copy in whole to patch them (a licence file may not come with the copy).
KNOWN_VENDORED = frozenset(
    canonicalize_name(name)
    for name in (
        "transformers",
        "diffusers",
        "peft",
        "accelerate",
        "datasets",
        "fairseq",
        "detectron2",
        "mmcv",
        "mmdet",
        "mmsegmentation",
        "timm",
        "apex",
        "taming-transformers",
        "clip",
        "open-clip-torch",
        "deepspeed",
        "megatron-core",
        "pytorch-lightning",
        "lightning",
        "torchvision",
        "segment-anything",
        "xformers",
        "k-diffusion",
        "nerfstudio",
        "stable-baselines3",
        "gym",
        "pycocotools",
    )
)


@dataclass(frozen=True)
class VendoredCopy:
    """A folder that is a copy of a published package: its setup declares `distribution`, importable as `module`."""

    folder: str
    distribution: str
    module: str


@dataclass(frozen=True)
class CopyCommand:
    """A command the repository runs that copies files into a folder: `cp *.ipynb docs/` in a docs workflow,
    `rsync -a notebooks/ site/`, `jupyter nbconvert --to notebook --output-dir docs/ *.ipynb`. `sources` and
    `destination` are root-relative (sources may be globs); `path`/`line` say where it is written. A command that
    exports notebooks to scripts (`jupyter nbconvert --to script`, `jupytext --to py`) has `script` set: its
    destination is a folder, a script's path, or `NEXT_TO_SOURCE` (beside each notebook)."""

    path: str
    line: int
    sources: tuple[str, ...]
    destination: str
    script: bool = False


@dataclass
class Roles:
    """Answers `role(path)` and `why(path)`; notebooks are read (as text) only when asked about."""

    project: object
    specs: dict[str, pathspec.PathSpec]
    forced: pathspec.PathSpec | None
    vendored_copies: tuple[VendoredCopy, ...]
    copy_commands: tuple[CopyCommand, ...] = ()
    collection: ExamplesCollection | None = None
    _answers: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)

    @cached_property
    def vendored(self) -> tuple[str, ...]:
        """Root-relative folders of the detected vendored copies (configured vendored globs are not listed)."""
        return tuple(copy.folder for copy in self.vendored_copies)

    @cached_property
    def vendored_modules(self) -> frozenset[str]:
        """Top-level import names that vendored copies define: first-party for DEP004."""
        return frozenset(copy.module for copy in self.vendored_copies)

    def role(self, path: str) -> str:
        return self._judge(path)[0]

    def is_vendored(self, path: str) -> bool:
        """`role(path) == "vendored"`, without matching the other roles' globs (DEP004 asks for every file)."""
        if path in self._answers:
            return self._answers[path][0] == "vendored"
        if self.forced is not None and self.forced.match_file(path):
            return False
        return any(path.startswith(copy.folder + "/") for copy in self.vendored_copies) or bool(
            self.specs["vendored"].match_file(path)
        )

    @cached_property
    def retired_folders(self) -> tuple[str, ...]:
        """Folders whose README's title marks them deprecated or unmaintained (`# Not maintained / deprecated`):
        archived material, kept for the record (the root's README speaks for the whole project: not read)."""
        found = []
        for rel in self.project.select(is_sub_readme):
            if self.project.remembered("retired-title", rel, lambda rel=rel: retired_title(self.project, rel)):
                found.append(rel.rsplit("/", 1)[0])
        return tuple(found)

    @cached_property
    def legacy_folders(self) -> tuple[tuple[str, str], ...]:
        """(folder, README:line) of folders named as old code (`legacy/`, `old/`, `obsolete/`, `outdated/`) that a
        README (the folder's own or its parent's) says no longer run: "Previous versions ... used features which
        are no longer available. These are stored in the legacy directory". Archived material, kept for the
        record. A `legacy/` folder that no README retires (a compatibility layer still imported) is code."""
        found = []
        for folder in sorted(self.project.folders):
            parent, _, name = folder.rpartition("/")
            if name.lower() not in LEGACY_NAMES:
                continue
            for readme_folder in (folder, parent):
                where = retiring_paragraph(self.project, readme_folder, name)
                if where is not None:
                    found.append((folder, where))
                    break
        return tuple(found)

    @cached_property
    def superseded_folders(self) -> tuple[tuple[str, str], ...]:
        """(folder, current folder) of first editions kept beside the current one: `notebooks_v1/` (`-v1`,
        `_1st_edition`, `_first_edition`, `_old`) next to `notebooks/`, when at least three notebooks of the older
        folder, and half of them, have a namesake at the same place in the newer one (a book's chapters kept as
        first published). Archived material: the current folder's notebooks are the ones that run. A `v2/` beside
        `v1/`, or a `_v2` folder, says nothing of which is current, and two folders of different notebooks are
        different work."""
        folders = self.project.folders
        notebooks: dict[str, set[str]] = {}
        for rel in self.project.select(filekinds.is_notebook):
            parts = rel.split("/")
            for depth in range(1, len(parts)):
                notebooks.setdefault("/".join(parts[:depth]), set()).add("/".join(parts[depth:]))
        found = []
        for folder in sorted(folders):
            parent, _, name = folder.rpartition("/")
            match = FIRST_EDITION.match(name)
            if match is None:
                continue
            current = f"{parent}/{match.group('base')}" if parent else match.group("base")
            older, newer = notebooks.get(folder, set()), notebooks.get(current, set())
            shared = len(older & newer)
            if current in folders and shared >= MIN_EDITION_NOTEBOOKS and 2 * shared >= len(older):
                found.append((folder, current))
        return tuple(found)

    @cached_property
    def lesson_folders(self) -> tuple[str, ...]:
        """The numbered lesson folders of a course (`01-intro/`, `02-regression/`, ...): at least three numbered
        sibling folders, in a folder whose README's title names a course (`Machine Learning Zoomcamp: a free
        course`, `Lecture notes`) or two of which hold homework (`homework.md`, `homework/`). Teaching material:
        what its notebooks do is shown to learners, not an experiment whose results someone reruns. Numbered
        stage folders of a pipeline (`01_preprocess/`, `02_train/`) under a README that names no course stay
        experiments."""
        numbered: dict[str, list[str]] = {}
        for folder in self.project.folders:
            parent, _, name = folder.rpartition("/")
            if LESSON_NAME.match(name):
                numbered.setdefault(parent, []).append(folder)
        numbered = {parent: folders for parent, folders in numbered.items() if len(folders) >= MIN_LESSONS}
        if not numbered:
            return ()
        with_homework: set[str] = set()
        for rel in self.project.files:
            parts = rel.split("/")
            for depth in range(len(parts) - 1):
                if LESSON_NAME.match(parts[depth]) and HOMEWORK_NAME.match(parts[depth + 1]):
                    with_homework.add("/".join(parts[: depth + 1]))
        found: list[str] = []
        for parent, folders in sorted(numbered.items()):
            homework = sum(folder in with_homework for folder in folders)
            if homework >= 2 or course_title(self.project, parent):
                found.extend(sorted(folders))
        return tuple(found)

    def is_copy(self, path: str) -> bool:
        return (
            (filekinds.is_notebook(path) and path in self.notebook_copies)
            or (filekinds.is_python(path) and path in self.script_copies)
            or self.link_target(path) is not None
        )

    def link_target(self, path: str) -> str | None:
        """The listed file that `path`, a symbolic link inside the repository, points to (a docs folder linking
        the notebooks it renders): the same file, reported where it really is."""
        info = listed_stat(os.path.join(self.project.root, path))
        if info is None or not stat.S_ISLNK(info.st_mode):
            return None
        real = os.path.realpath(os.path.join(self.project.root, path))
        root = os.path.realpath(self.project.root)
        if not real.startswith(root + os.sep):
            return None
        target = os.path.relpath(real, root).replace(os.sep, "/")
        return target if target != path and target in self.project.file_set else None

    @cached_property
    def notebook_copies(self) -> dict[str, str]:
        """Notebook -> the notebook it copies (the same code cells, in order, setup cells aside): a docs build's
        copy, a lab copied into the next lab, a Colab twin (`X-colab.ipynb`: the cells of `X.ipynb` plus a cell of
        `!pip install` lines that sets up Colab's machine). Setup cells, whose every line is a shell escape or a
        magic (`!pip install ...`, `%cd repo`), are left out of the comparison. The original is the one outside the
        docs with the fewest setup cells that install or clone (the twin made for a fresh machine is the copy), nearest
        the root, first by name; problems are reported there, once."""
        by_code: dict[str, list[tuple[str, int]]] = {}
        for rel in self.project.select(filekinds.is_notebook):
            notebook = load_notebook(self.project, rel)
            cells = [c.source for c in notebook.code_cells if c.source.strip()] if notebook else []
            code_cells = [source for source in cells if not setup_cell(source)]
            code = "\0".join(code_cells)
            if len(code_cells) >= COPY_MIN_CELLS and len(code) >= COPY_MIN_CHARACTERS:  # small ones match by chance
                digest = hashlib.sha256(code.encode("utf-8", "replace")).hexdigest()
                installs = sum(1 for source in cells if setup_cell(source) and SETS_UP_MACHINE.search(source))
                by_code.setdefault(digest, []).append((rel, installs))
        copies: dict[str, str] = {}
        for found in by_code.values():
            if len(found) > 1:
                original = min(
                    found, key=lambda p: (bool(self.specs["docs"].match_file(p[0])), p[1], p[0].count("/"), p[0])
                )[0]
                copies.update((p, original) for p, _ in found if p != original)
        for target, original in self.copied_notebooks().items():
            copies[target] = original
            if copies.get(original) == target:  # the same code both ways: the command says which is the source
                del copies[original]
        return copies

    def copied_notebooks(self) -> dict[str, str]:
        """Notebooks that a copy command the repository runs writes (the committed file is a stale copy of its
        source, whatever its cells now hold) -> their source."""
        notebooks = self.project.select(filekinds.is_notebook)
        if not self.copy_commands or not notebooks:
            return {}
        present = set(notebooks)
        copies: dict[str, str] = {}
        scripts: list[str] | None = None
        for command in self.copy_commands:
            if command.script:
                continue  # writes scripts, not notebooks
            if command.destination == NEXT_TO_SOURCE:
                scripts = self.project.select(filekinds.is_python) if scripts is None else scripts
                for source in command.sources:
                    for original in matching(scripts, source):
                        target = original[: -len(".py")] + ".ipynb"
                        if target in present:
                            copies.setdefault(target, original)
                continue
            for source in command.sources:
                for original in matching(notebooks, source):
                    for target in copy_targets(original, source, command.destination):
                        if target in present and target != original and original not in copies:
                            copies.setdefault(target, original)
        return copies

    @cached_property
    def script_copies(self) -> dict[str, str]:
        """Script -> the notebook it is exported from: the script a converter command of the repository writes
        from a notebook (`jupyter nbconvert --to script ch04.ipynb`, `jupytext --to py:percent eda.ipynb`), and a
        script beside a notebook of its name whose code lines are nearly all lines of the notebook's code cells
        (`SCRIPT_COPY_SHARE`: a book's `ch04/ch04.py` generated from `ch04/ch04.ipynb`, imports hoisted, magics
        dropped). Problems are reported once, at the notebook. A script that a notebook is converted from
        (`py2ipynb`, `jupytext --to notebook`: the notebook is its copy) is the source; a script with its own code
        (a module the notebook imports, an export since grown into a script of its own) is no copy; a script
        beside a notebook of another name (`train.py` by `explore.ipynb`) is never compared."""
        notebooks = set(self.project.select(filekinds.is_notebook))
        if not notebooks:
            return {}
        copies = self.exported_scripts(sorted(notebooks))
        for rel in self.project.select(filekinds.is_python):
            notebook = rel[: -len(".py")] + ".ipynb"
            if rel in copies or notebook not in notebooks or self.notebook_copies.get(notebook) == rel:
                continue
            if exported_from(self.project, rel, notebook):
                copies[rel] = notebook
        return copies

    def exported_scripts(self, notebooks: list[str]) -> dict[str, str]:
        """Scripts that an export command of the repository writes (see `script_copies`) -> their notebook."""
        commands = [command for command in self.copy_commands if command.script]
        if not commands:
            return {}
        scripts = set(self.project.select(filekinds.is_python))
        found: dict[str, str] = {}
        for command in commands:
            for source in command.sources:
                for original in matching(notebooks, source):
                    name = posixpath.basename(original)[: -len(".ipynb")] + ".py"
                    if command.destination == NEXT_TO_SOURCE:
                        target = original[: -len(".ipynb")] + ".py"
                    elif command.destination.endswith(".py"):
                        target = command.destination
                    else:
                        target = posixpath.normpath(posixpath.join(command.destination, name))
                    if target in scripts and self.notebook_copies.get(original) != target:
                        found.setdefault(target, original)
        return found

    def recorded_live(self, path: str) -> bool:
        """Whether `path` lies in a folder of notebooks recorded live in lectures (`lectures/`, `video_notebooks/`,
        by the example role's globs): the order its cells ran in is the lecture's, not a run to reproduce."""
        if self.role(path) != "example":
            return False
        spec = self.specs["example"]
        return spec.match_file(path) and RECORDING_FOLDER.search(matched_folder(path, spec)) is not None

    def tracks_latest(self, path: str) -> str | None:
        """Why the pin rules' findings on `path` are set aside (listed with the suppressed ones): the repository is an
        examples collection that tracks its library's latest release on purpose (see `examples_collection`); None
        otherwise, and for files that configured globs make experiments or that are not the collection's own code."""
        if self.collection is None or self.role(path) not in ("example", EXPERIMENT, "docs", "test"):
            return None
        if self.forced is not None and self.forced.match_file(path):
            return None
        return self.collection.reason()

    def why(self, path: str) -> str:
        """A few words saying what makes `path` play its role (for messages)."""
        return self._judge(path)[1]

    def _judge(self, path: str) -> tuple[str, str]:
        if path not in self._answers:
            self._answers[path] = self._decide(path)
        return self._answers[path]

    def _decide(self, path: str) -> tuple[str, str]:
        if self.forced is not None and self.forced.match_file(path):
            return EXPERIMENT, "configured as an experiment"
        for copy in self.vendored_copies:
            if path.startswith(copy.folder + "/"):
                return "vendored", f"a vendored copy of {copy.distribution} in {copy.folder}/"
        if filekinds.is_notebook(path) and path in self.notebook_copies:
            return "copy", f"a copy of {self.notebook_copies[path]}"
        if filekinds.is_python(path) and path in self.script_copies:
            return "copy", f"a script exported from {self.script_copies[path]}"
        target = self.link_target(path)
        if target is not None:
            return "copy", f"a link to {target}"
        for folder in self.retired_folders:
            if path.startswith(folder + "/"):
                return "archive", f"the README of {folder}/ marks it deprecated"
        for folder, where in self.legacy_folders:
            if path.startswith(folder + "/"):
                return "archive", f"{where} says {folder}/ no longer runs"
        for folder, current in self.superseded_folders:
            if path.startswith(folder + "/"):
                return "archive", f"{folder}/ is an older edition of {current}/"
        for role, spec in self.specs.items():
            if spec.match_file(path):
                folder = matched_folder(path, spec)
                if folder == path:
                    return role, f"a {role} file by its name"
                return role, f"{folder} holds {role_words(role, folder)}"
        for folder in self.lesson_folders:
            if path.startswith(folder + "/"):
                return "example", f"{folder}/ is a lesson of a course"
        if self.collection is not None and "/" in path and not path.startswith("."):
            folder = path.split("/", 1)[0]
            return "example", f"{folder}/ is one example of {self.collection.describe()}"
        if filekinds.is_notebook(path):
            stem = filekinds.name(path)[: -len(".ipynb")]
            word = NOTEBOOK_NAME_WORDS.search(stem)
            if word:
                return "example", f"a {word.group(0).lower()} notebook by its name"
            exercise = self._exercise(path, stem)
            if exercise is not None:
                return "example", f"a course {exercise} notebook by its name"
            if self.course_repository is not None:
                return "example", f"the root README presents the repository as {self.course_repository}"
            if self._opens_in_colab(path):
                return "example", "a notebook made to open in Colab"
            if path in self.readme_colab_notebooks[0] or self.readme_colab_notebooks[1]:
                return "example", "a notebook the README opens in Colab"
            if self._renders_pages(path):
                return "docs", "a notebook that renders pages from jinja2 templates and imports no ML library"
        return EXPERIMENT, "an experiment"

    def _exercise(self, path: str, stem: str) -> str | None:
        """ "exercise" or "solution" for a course's exercise notebook or its solution by name (see `EXERCISE_NAME`,
        `PAIRED_NAME`), else None."""
        if EXERCISE_NAME.search(stem):
            return "exercise"
        paired = self.paired_notebooks.get(path)
        if paired is not None:
            return paired
        solution = SOLUTION_NAME.search(stem)
        if solution is None:
            return None
        if solution.group(1):
            return "solution"  # `Part 1 - Tensors in PyTorch (Solution).ipynb`
        folder = posixpath.dirname(path)
        prefix = stem[: solution.start()].lower()
        for other in self.project.select(filekinds.is_notebook):
            name = filekinds.name(other)[: -len(".ipynb")]
            if posixpath.dirname(other) == folder and name.lower().startswith(prefix) and EXERCISE_NAME.search(name):
                return "solution"  # `DCGAN_Solution.ipynb` next to `DCGAN_Exercise.ipynb`
        return None

    @cached_property
    def paired_notebooks(self) -> dict[str, str]:
        """Notebook -> "exercise" or "solution", for the pairs of names that differ only in their last word (see
        `PAIRED_NAME`): `X_empty` (or `_student`, `_blank`, `_todo`, or plain `X`) and `X_sol` (or `_solution`,
        `_solved`), in one folder, or the solution in a solutions folder (`sol/`, `solutions/`) under the
        exercise's folder."""
        kinds: dict[tuple[str, str, str], list[str]] = {}
        bare: dict[tuple[str, str], str] = {}
        for rel in self.project.select(filekinds.is_notebook):
            stem = filekinds.name(rel)[: -len(".ipynb")]
            match = PAIRED_NAME.match(stem)
            if match is None:
                bare[(posixpath.dirname(rel), stem.lower())] = rel  # an exercise if a solution of its name exists
                continue
            folder = posixpath.dirname(rel)
            kind = "exercise" if match.group("exercise") else "solution"
            if kind == "solution" and SOLUTIONS_FOLDER.match(posixpath.basename(folder)):
                folder = posixpath.dirname(folder)  # `Module1/sol/X_sol.ipynb` answers `Module1/X_empty.ipynb`
            kinds.setdefault((folder, match.group("stem").lower(), kind), []).append(rel)
        found: dict[str, str] = {}
        for (folder, stem, kind), paths in kinds.items():
            other = "solution" if kind == "exercise" else "exercise"
            if (folder, stem, other) in kinds:
                found.update((rel, kind) for rel in paths)
            elif kind == "solution" and (folder, stem) in bare:
                found.update((rel, kind) for rel in paths)
                found[bare[(folder, stem)]] = "exercise"
        return found

    @cached_property
    def course_repository(self) -> str | None:
        """What the root README's title or first paragraph presents the repository as, when it is teaching material
        (`"Nanodegree"`: "This repository contains material related to Udacity's Deep Learning Nanodegree program.
        It consists of a bunch of tutorial notebooks"), else None. Its notebooks are lessons, exercises and their
        solutions, shown to learners (the example role). The title must name a course, tutorials, lessons or
        lectures; in the first paragraph, a sentence about the repository itself must (`This repository ...`,
        `It ...`, `Welcome to ...`). A title or first paragraph about a paper's code (`Official implementation of
        the paper ...`, tutorials included) is none, and words further down (a "Tutorial" section of a research
        repository) do not count."""
        title, paragraph = readme_opening(self.project)
        if RESEARCH_WORDS.search(title) or RESEARCH_WORDS.search(paragraph):
            return None  # a paper's code, whatever tutorials come with it
        if TEACHING_TITLE.search(title):
            return f"teaching material (its title: {title.strip()!r})"
        for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
            if not SELF_DESCRIPTION.search(sentence):
                continue
            found = TEACHING_WORDS.search(sentence)
            if found:
                return f"teaching material ({found.group(0)!r} in its first paragraph)"
        return None

    @cached_property
    def readme_colab_notebooks(self) -> tuple[frozenset[str], bool]:
        """(the notebooks a README opens in Colab by their path, `colab.research.google.com/github/<owner>/<repo>/
        blob/<ref>/<path>`; whether the root README opens the repository's notebooks in Colab wholesale, through
        copies on Drive that no path ties to a file: at least three such links, and as many as half of the
        notebooks it does not link by path)."""
        linked: set[str] = set()
        root_links = 0
        notebooks = self.project.select(filekinds.is_notebook)
        for rel in self.project.select(is_readme):
            try:
                text = self.project.read_text(rel)
            except Exception:  # an unreadable README says nothing
                continue
            for match in COLAB_GITHUB_LINK.finditer(text):
                path = unquote(match.group("path"))
                if self.project.exists(path):
                    linked.add(path)
            if "/" not in rel:
                root_links += len(COLAB_DRIVE_LINK.findall(text))
        wholesale = root_links >= 3 and 2 * root_links >= len([rel for rel in notebooks if rel not in linked])
        return frozenset(linked), wholesale

    def renders_pages(self, path: str) -> bool:
        """Is `path` site tooling, a notebook that renders pages (see `_renders_pages`)?"""
        return filekinds.is_notebook(path) and self.role(path) == "docs" and self._renders_pages(path)

    def is_site_tooling(self, path: str) -> bool:
        """A maintainer's notebook that writes the site's pages or texts (jinja2 templates over a table of lessons,
        video descriptions) and imports no ML library: no result of the project is computed there."""
        if not filekinds.is_notebook(path) or (self.forced is not None and self.forced.match_file(path)):
            return False
        return self._renders_pages(path)

    def _renders_pages(self, path: str) -> bool:
        """Site tooling: a notebook that imports jinja2 to write pages (a course's lesson pages from a CSV of
        videos) and no library that trains or runs a model."""
        notebook = load_notebook(self.project, path)
        if notebook is None:
            return False
        imported = {match.group(1) for cell in notebook.code_cells for match in IMPORTED_TOP.finditer(cell.source)}
        return "jinja2" in imported and not imported & ML_LIBRARIES

    def made_for_colab(self, path: str) -> bool:
        """Whether the notebook `path` is made to run on Colab: an "Open in Colab" badge, a `google.colab` import,
        Colab's metadata, or a README link that opens it in Colab (a fresh machine set up by its own cells)."""
        if not filekinds.is_notebook(path):
            return False
        linked, wholesale = self.readme_colab_notebooks
        return path in linked or wholesale or self._opens_in_colab(path)

    def _opens_in_colab(self, path: str) -> bool:
        try:
            text = self.project.read_text(path)
        except Exception:  # unreadable notebooks are RPC002's business; here they stay experiments
            return False
        return any(marker in text for marker in NOTEBOOK_CONTENT_MARKERS)


# The top-level module of an import statement at the start of a line.
IMPORTED_TOP = lazy_pattern(r"(?m)^\s*(?:from|import)\s+([A-Za-z_]\w*)")
# Import names of libraries that train or run models: a notebook importing one is not site tooling.
ML_LIBRARIES = frozenset(
    {
        "torch",
        "torchvision",
        "torchaudio",
        "tensorflow",
        "keras",
        "sklearn",
        "jax",
        "flax",
        "optax",
        "xgboost",
        "lightgbm",
        "catboost",
        "transformers",
        "datasets",
        "diffusers",
        "mxnet",
        "paddle",
        "lightning",
        "pytorch_lightning",
        "statsmodels",
        "scipy",
        "tflite_runtime",
        "onnxruntime",
        "spacy",
        "gensim",
        "fastai",
    }
)
README_NAME = lazy_pattern(r"(?i)^readme(?:\.(?:md|markdown|rst|txt))?$")
# A link that opens a notebook of a GitHub repository in Colab, and any link that opens a notebook in Colab (a copy
# on Drive, or on GitHub); the badge image (`colab.research.google.com/assets/colab-badge.svg`) is not a link.
COLAB_GITHUB_LINK = lazy_pattern(
    r"colab\.research\.google\.com/github/[^/\s]+/[^/\s]+/blob/[^/\s]+/(?P<path>[^\s\"'<>)\]#?]+\.ipynb)"
)
COLAB_DRIVE_LINK = lazy_pattern(r"colab\.research\.google\.com/drive/[\w-]+")


def is_readme(rel: str) -> bool:
    return README_NAME.match(filekinds.name(rel)) is not None


RETIRED_WORDS = lazy_pattern(r"(?i)\b(deprecated|not maintained|no longer maintained|unmaintained|archived)\b")


def is_sub_readme(rel: str) -> bool:
    return "/" in rel and README_NAME.match(rel.rsplit("/", 1)[-1]) is not None


def retired_title(project, rel: str) -> bool:
    """Whether the README's title (its first line: a Markdown heading, or a title underlined in reST) says the
    folder is deprecated, unmaintained or archived."""
    lines = [line.strip() for line in (project.try_read_text(rel) or "").splitlines()[:40]]
    lines = [line for line in lines if line]
    if not lines:
        return False
    title = lines[0]
    heading = title.startswith("#") or (len(lines) > 1 and set(lines[1]) <= set("=-~*#^") and len(lines[1]) >= 3)
    return heading and RETIRED_WORDS.search(title) is not None


# A numbered lesson folder (`01-intro`, `02_regression`, `3-trees`), and what a course's lesson holds for learners.
LESSON_NAME = lazy_pattern(r"^\d{1,2}[-_][A-Za-z]")
MIN_LESSONS = 3
HOMEWORK_NAME = lazy_pattern(r"(?i)^(homeworks?|assignments?)([-_.]|$)")
# A course named in a README's title; "module" and "week" name code and schedules too often to count alone.
COURSE_WORDS = lazy_pattern(r"(?i)\b(course|lessons?|lectures?|syllabus|curriculum|zoomcamp|bootcamp|homework)\b")
README_NAMES = ("README.md", "readme.md", "Readme.md", "README.rst", "README.txt", "README.markdown", "README")
HTML_HEADING = lazy_pattern(r"(?is)<h[12][^>]*>(.*?)</h[12]>")


# A folder named as the first edition of another (`notebooks_v1` beside `notebooks`), and how many same-named
# notebooks show that it is one.
FIRST_EDITION = lazy_pattern(r"(?i)^(?P<base>.+?)[-_. ](?:v1|1st[-_ ]?ed(?:ition)?|first[-_ ]?ed(?:ition)?|old)$")
MIN_EDITION_NOTEBOOKS = 3

# Folders named as old code, and what a README says of code that no longer runs.
LEGACY_NAMES = frozenset({"legacy", "old", "obsolete", "outdated"})
NO_LONGER_RUNS = lazy_pattern(
    r"(?i)\b(no longer (available|supported|maintained|works?|runs?|compatible|updated)|deprecated|unmaintained|"
    r"not maintained|obsolete|outdated|out of date|do(es)? not (work|run) (any ?more|with))\b"
)


# What a repository that is teaching material says of itself at the top of its README: words of its title, and
# words of a sentence of its first paragraph about the repository itself ("of course", "the course of" are no course).
TEACHING_TITLE = lazy_pattern(
    r"(?i)\b(courses?|lessons?|lectures?|syllabus|curriculum|zoomcamp|bootcamp|homework|tutorials?|nanodegree|mooc)\b"
)
TEACHING_WORDS = lazy_pattern(
    r"(?i)\b(nanodegree|mooc|(?<!of )courses?(?! of\b|\s+projects?\b)|coursework|lessons|lectures|lecture notes|"
    r"tutorials|tutorial (?:notebooks|series|materials?)|syllabus|curriculum|bootcamp|homeworks?|teaching materials?)\b"
)
# What a repository holds, as the subject of a sentence that says what it is for ("Code and notebooks for ...").
HELD_CONTENT = (
    r"(?:the\s+)?(?:(?:source\s+)?code|notebooks?|materials?|slides|exercises|practicals|labs|assignments|solutions|"
    r"resources)"
)
SELF_DESCRIPTION = lazy_pattern(
    r"(?i)^\W*(?:this|it|here|welcome)\b|\b(?:this|our)\s+(?:repository|repo|project|collection|materials?|notebooks)\b"
    r"|^\W*an?\s+(?:[\w-]+\s+){0,3}?(?:course|tutorial|series)\b"  # "A course on neural networks that ..."
    # "Code and notebooks for the deep learning course dataflowr.": what the repository holds, and what for
    rf"|^\W*{HELD_CONTENT}(?:\s*(?:,|and|&|\+)\s*{HELD_CONTENT})*\s+(?:for|of|from|accompanying|to accompany)\b"
)
RESEARCH_WORDS = lazy_pattern(r"(?i)\b(paper|implementation of|we propose|we present|arxiv|official)\b")
LEADING_HTML_HEADING = lazy_pattern(r"(?is)\s*<h[12][^>]*>(.*?)</h[12]>")
# Lines at the top of a README that are no prose: badges, images, HTML, tables, rules.
NOT_PROSE = lazy_pattern(r"^\s*(?:\[!\[|!\[|<|\||-{3,}|={3,}|\*{3,}|```)")


def readme_opening(project) -> tuple[str, str]:
    """(the title, the first paragraph of prose) of the root README: the title is its first line when that is a
    heading (Markdown `#`, `<h1>`/`<h2>`, or underlined), badges, images and HTML blocks skipped; the paragraph is
    the first block of prose lines after it."""
    readme = readme_of(project, "")
    text = (project.try_read_text(readme) or "")[:20000] if readme is not None else ""
    lines = text.splitlines(keepends=True)
    title = ""
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        heading = LEADING_HTML_HEADING.match("".join(lines[index : index + 10])) if line.startswith("<") else None
        if heading:
            title = re.sub(r"<[^>]+>", " ", heading.group(1)).strip()
            index += heading.group(0).count("\n") + 1
            break
        if not line or NOT_PROSE.match(line):
            index += 1
            continue
        underline = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if line.startswith("#"):
            title, index = line.lstrip("#").strip(), index + 1
        elif len(underline) >= 3 and set(underline) <= set("=-~^"):
            title, index = line, index + 2
        break
    paragraph: list[str] = []
    for line in lines[index:]:
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or NOT_PROSE.match(stripped):
            if paragraph:
                break
            continue
        paragraph.append(stripped)
    return title, " ".join(paragraph)


def readme_of(project, folder: str) -> str | None:
    prefix = f"{folder}/" if folder else ""
    return next((prefix + name for name in README_NAMES if project.exists(prefix + name)), None)


def retiring_paragraph(project, folder: str, name: str) -> str | None:
    """`README:line` of a paragraph of `folder`'s README that names the folder `name` (as a folder or a link)
    and says that it no longer runs (deprecated, no longer available, outdated), else None."""
    readme = readme_of(project, folder)
    if readme is None:
        return None
    text = project.try_read_text(readme) or ""
    word = re.escape(name)
    # the folder, not the word: `legacy/`, a link to `.../legacy`, `legacy` in code or brackets, the legacy folder
    mention = re.compile(
        rf"(?i)(?<![\w-]){word}/|/{word}(?![\w-])|`{word}/?`|\[{word}/?\]|(?<![\w-]){word}\W{{0,3}}(directory|folder)"
        rf"|(directory|folder)\W{{0,3}}{word}(?![\w-])"
    )
    start = 0
    paragraph: list[str] = []
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        if line.strip():
            if not paragraph:
                start = number
            paragraph.append(line)
            continue
        joined = " ".join(paragraph)
        if paragraph and mention.search(joined) and NO_LONGER_RUNS.search(joined):
            return f"{readme}:{start}"
        paragraph = []
    return None


def course_title(project, folder: str) -> bool:
    """Whether the README of `folder` (the root when "") has a title that names a course: its first Markdown
    heading, first `<h1>`/`<h2>`, or a title underlined in reST."""
    return any(COURSE_WORDS.search(title) for title in readme_titles(project, folder))


def readme_titles(project, folder: str) -> list[str]:
    """The titles of the README of `folder` (the root when ""): its first Markdown heading, first `<h1>`/`<h2>`,
    and a first line underlined in reST or Markdown's setext style."""
    readme = readme_of(project, folder)
    if readme is None:
        return []
    text = project.try_read_text(readme) or ""
    lines = [line.strip() for line in text.splitlines()[:80]]
    titles = [line.lstrip("#").strip() for line in lines if line.startswith("#")][:1]
    titles += [re.sub(r"<[^>]+>", " ", match) for match in HTML_HEADING.findall(text[:20000])][:1]
    filled = [line for line in lines if line]
    if len(filled) > 1 and len(filled[1]) >= 3 and set(filled[1]) <= set("=-~*^"):
        titles.append(filled[0])
    return titles


def exported_from(project, script: str, notebook: str) -> bool:
    """Whether `script` holds `notebook`'s code (see `Roles.script_copies`): at least `SCRIPT_COPY_SHARE` of its
    code lines (comments, blank lines and nbconvert's `get_ipython()` calls left out, compared stripped, in any
    order: a converter may hoist the imports) are lines of the notebook's code cells."""
    loaded = load_notebook(project, notebook)
    text = project.try_read_text(script) if loaded is not None else None
    if not text:
        return False
    cells = {line.strip() for cell in loaded.code_cells for line in cell.source.splitlines()}
    lines = [line.strip() for line in text.splitlines()]
    code = [line for line in lines if line and not line.startswith(("#", "get_ipython()"))]
    if len(code) < SCRIPT_COPY_MIN_LINES:
        return False
    return sum(line in cells for line in code) >= SCRIPT_COPY_SHARE * len(code)


SETUP_LINE = lazy_pattern(r"^\s*(?:$|#|!|%)")
SETS_UP_MACHINE = lazy_pattern(r"(?m)^\s*[!%].*\b(?:install|clone|wget|curl)\b")


def setup_cell(source: str) -> bool:
    """A cell of shell escapes and magics only (`!pip install -q torch-geometric`, `%cd repo`, comments): it sets
    up the machine the notebook runs on, and a Colab twin of a notebook differs from it by such cells."""
    return all(SETUP_LINE.match(line) for line in source.splitlines())


def matching(paths: list[str], pattern: str) -> list[str]:
    """The paths a source operand names: the file itself, the files a glob matches (`*` stays within a folder),
    or the files under a folder."""
    folder = pattern.rstrip("/")
    if not any(ch in pattern for ch in "*?["):
        return [p for p in paths if p == folder or p.startswith(folder + "/") or folder == "."]
    return [p for p in paths if fnmatch.fnmatchcase(p, folder) and p.count("/") == folder.count("/")]


def copy_targets(original: str, source: str, destination: str) -> list[str]:
    """Where copying `source` (which names `original`) into `destination` may put `original`: into the folder
    (`cp a.ipynb docs/`), under the folder's name (`cp -r nb docs/` gives docs/nb/...) or its content
    (`rsync -a nb/ docs/`), or onto the destination itself (`cp a.ipynb docs/b.ipynb`)."""
    folder = source.rstrip("/")
    join = posixpath.join
    if any(ch in source for ch in "*?[") or original == folder:
        targets = (
            [join(destination, posixpath.basename(original))] if destination != "." else [posixpath.basename(original)]
        )
        if original == folder and filekinds.is_notebook(destination):
            targets.append(destination)
        return [posixpath.normpath(t) for t in targets]
    inside = original[len(folder) + 1 :] if folder != "." else original
    return [
        posixpath.normpath(join(destination, inside)),
        posixpath.normpath(join(destination, posixpath.basename(folder), inside)),
    ]


def resolve(base: str, operand: str) -> str | None:
    """A root-relative path for an operand written in folder `base`; None when it leaves the repository or holds
    an expansion."""
    if not operand or "$" in operand or "`" in operand or operand.startswith(("/", "~")) or "://" in operand:
        return None
    if ":" in operand.split("/", 1)[0]:
        return None  # rsync's host:path
    path = posixpath.normpath(posixpath.join(base, operand))
    return None if path.startswith("..") else path


def copy_operands(argv: list[str]) -> tuple[list[str], str] | None:
    """(sources, destination) of `cp`, `rsync` and `jupyter nbconvert --to notebook --output-dir D`, as written."""
    program = posixpath.basename(argv[0]) if argv else ""
    args = argv[1:]
    if program == "cp":
        target = None
        words = []
        i = 0
        while i < len(args):
            arg = args[i]
            if arg in ("-t", "--target-directory") and i + 1 < len(args):
                target, i = args[i + 1], i + 2
                continue
            if arg.startswith("--target-directory="):
                target = arg.split("=", 1)[1]
            elif not arg.startswith("-") or arg == "-":
                words.append(arg)
            i += 1
        if target is not None:
            return (words, target) if words else None
        return (words[:-1], words[-1]) if len(words) >= 2 else None
    if program == "rsync":
        words = [a for a in args if not a.startswith("-")]
        return (words[:-1], words[-1]) if len(words) >= 2 else None
    if program in ("jupyter", "jupyter-nbconvert"):
        if program == "jupyter":
            if args[:1] != ["nbconvert"]:
                return None
            args = args[1:]
        options, words = converter_arguments(args)
        if options.get("--to") not in ("notebook", "ipynb") or not options.get("--output-dir") or not words:
            return None
        return words, options["--output-dir"]
    return None


# Options of nbconvert and jupytext that take a value (`-o` is jupytext's `--output`).
CONVERTER_VALUE_OPTIONS = frozenset(
    {"--to", "--output-dir", "--output", "-o", "--set-formats", "--template", "--from", "--ExecutePreprocessor.timeout"}
)


def converter_arguments(args: list[str]) -> tuple[dict[str, str], list[str]]:
    """(options, operands) of an nbconvert or jupytext command line: `--key=value` and the options that take a
    value (`-o` read as `--output`); every other word not starting with `-` is an operand."""
    options: dict[str, str] = {}
    words: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("--") and "=" in arg:
            key, value = arg.split("=", 1)
            options[key] = value
        elif arg in CONVERTER_VALUE_OPTIONS:
            options["--output" if arg == "-o" else arg] = args[i + 1] if i + 1 < len(args) else ""
            i += 1
        elif not arg.startswith("-"):
            words.append(arg)
        i += 1
    return options, words


# A notebook written next to the script it is converted from (`py2ipynb '*/*.py'`, `jupytext --to notebook x.py`,
# `p2j x.py`): the script is the source, the committed notebook its copy.
NEXT_TO_SOURCE = "<next to its script>"


def generator_sources(argv: list[str]) -> list[str] | None:
    """The scripts a script-to-notebook converter writes notebooks from (next to each), as written; else None."""
    program = posixpath.basename(argv[0]) if argv else ""
    args = argv[1:]
    words = [a for a in args if not a.startswith("-")]
    if program in ("py2ipynb", "p2j"):
        return words or None
    if program == "jupytext":
        to = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "--to"), None)
        to = to or next((a.split("=", 1)[1] for a in args if a.startswith("--to=")), None)
        if to not in ("ipynb", "notebook") or any(a in ("-o", "--output") or a.startswith("--output=") for a in args):
            return None
        return [w for w in words if w != to and w.endswith(".py")] or None
    return None


def script_exports(argv: list[str]) -> tuple[list[str], str] | None:
    """(notebooks, destination) of a command that exports notebooks to scripts, as written: `jupyter nbconvert
    --to script|python X.ipynb` (beside it, in `--output-dir`, or named by `--output`), `jupytext --to py[:format]
    X.ipynb` (beside it, or `-o out.py`), `jupytext --set-formats ipynb,py:percent X.ipynb` (a paired script
    beside it); else None (also for an export to standard output, `--stdout`)."""
    program = posixpath.basename(argv[0]) if argv else ""
    args = argv[1:]
    if program == "jupyter" and args[:1] == ["nbconvert"]:
        program, args = "jupyter-nbconvert", args[1:]
    if program not in ("jupyter-nbconvert", "jupytext"):
        return None
    options, words = converter_arguments(args)
    notebooks = [word for word in words if word.endswith(".ipynb")]
    if not notebooks or "--stdout" in args:
        return None
    output = options.get("--output")
    if program == "jupyter-nbconvert":
        if options.get("--to") not in ("script", "python"):
            return None
        if output:
            name = output if output.endswith(".py") else output + ".py"
            if "/" not in name and len(notebooks) == 1:
                name = posixpath.join(options.get("--output-dir") or posixpath.dirname(notebooks[0]), name)
            return notebooks, name
        return notebooks, options.get("--output-dir") or NEXT_TO_SOURCE
    to = options.get("--to", "")
    formats = options.get("--set-formats", "").split(",")
    if to.split(":")[0] in ("py", "python") or any(fmt.split(":")[0] == "py" for fmt in formats):
        if output == "-" or (output and not output.endswith(".py")):
            return None
        return notebooks, output or NEXT_TO_SOURCE
    return None


def copy_commands_in(path: str, commands: list[Command], base: str) -> list[CopyCommand]:
    """The copy commands of one script, following `cd` into literal folders."""
    out = []
    folder = base
    for command in commands:
        argv = strip_wrappers(command.argv)
        if not argv:
            continue
        if argv[0] == "cd" and len(argv) == 2:
            moved = resolve(folder, argv[1])
            folder = moved if moved is not None else folder
            continue
        exported = script_exports(argv)
        if exported is not None:
            notebooks = [resolve(folder, notebook) for notebook in exported[0]]
            destination = exported[1] if exported[1] == NEXT_TO_SOURCE else resolve(folder, exported[1])
            if destination is not None and None not in notebooks:
                sources = tuple(notebook for notebook in notebooks if notebook is not None)
                out.append(CopyCommand(path, command.line, sources, destination, script=True))
            continue
        generated = generator_sources(argv)
        if generated is not None:
            scripts = [resolve(folder, s) for s in generated]
            if scripts and None not in scripts:
                out.append(CopyCommand(path, command.line, tuple(s for s in scripts if s is not None), NEXT_TO_SOURCE))
            continue
        operands = copy_operands(argv)
        if operands is None:
            continue
        sources = [resolve(folder, s) for s in operands[0]]
        destination = resolve(folder, operands[1])
        if destination is None or not sources or None in sources:
            continue
        out.append(CopyCommand(path, command.line, tuple(s for s in sources if s is not None), destination))
    return out


@fact
def copy_commands(project, ci_configs, makefiles) -> tuple[CopyCommand, ...]:
    """Copy commands run by CI steps (in their working directory), Makefile recipes (in the Makefile's folder)
    and repository shell scripts (from the root): the notebooks they write are copies (role "copy")."""
    found: list[CopyCommand] = []
    for config in ci_configs:
        for step in config.run_steps:
            if step.is_shell:
                commands = split_commands(step.script, step.line, step.env)
                found += copy_commands_in(config.path, commands, step.folder or ".")
    for path, makefile in makefiles.items():
        folder = posixpath.dirname(path) or "."
        seen: set[int] = set()
        for target in makefile.targets.values():
            for recipe in target.recipe:
                if recipe.line not in seen:
                    seen.add(recipe.line)
                    found += copy_commands_in(path, split_commands(recipe.text, recipe.line), folder)
    for rel in project.select(_is_script_candidate):
        found += copy_commands_in(rel, load_script(project, rel) or [], ".")
    return tuple(found)


def matched_folder(path: str, spec: pathspec.PathSpec) -> str:
    """The shortest leading part of `path` that the spec matches, e.g. `docs/` for docs/a/b.ipynb."""
    parts = path.split("/")
    for end in range(1, len(parts)):
        prefix = "/".join(parts[:end]) + "/"
        if spec.match_file(prefix):
            return prefix
    return path


def declared_name(project, python_modules, setup_file: str) -> str | None:
    """The distribution name a setup file declares as a literal, or as a module-level string constant it names,
    also through a module-level dict of keyword arguments (`setup(**setup_kwargs)` with `setup_kwargs = {"name":
    ...}` or `dict(name=...)`; setup.py is parsed, never run)."""
    base = filekinds.name(setup_file)
    if base == "pyproject.toml":
        data = load_toml(project, setup_file) or {}
        tool = data.get("tool")
        for section in (data.get("project"), tool.get("poetry") if isinstance(tool, dict) else None):
            name = section.get("name") if isinstance(section, dict) else None
            if isinstance(name, str):
                return name
        return None
    if base == "setup.cfg":
        setup = load_setup_cfg(project, setup_file)
        return setup.get("metadata", "name") if setup is not None else None
    module = python_modules.get(setup_file)
    if module is None or not module.mentions("setup") or module.tree is None:
        return None
    # a module-level string constant the call may name (`NAME = "pkg"` ... `setup(name=NAME)`)
    constants = {
        target.id: node.value.value
        for node in module.tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call) and last_name(node.func) == "setup":
            for keyword in node.keywords:
                if keyword.arg is None and isinstance(keyword.value, ast.Name):  # `setup(**setup_kwargs)`
                    value = keyword_dict_entry(module.tree, keyword.value.id, "name")
                elif keyword.arg == "name":
                    value = keyword.value
                else:
                    continue
                if isinstance(value, ast.Constant):
                    return value.value if isinstance(value.value, str) else None
                if isinstance(value, ast.Name):
                    return constants.get(value.id)
    return None


def keyword_dict_entry(tree: ast.Module, variable: str, key: str) -> ast.expr | None:
    """The value of `key` in the module-level dict assigned to `variable` (`{"name": ...}` or `dict(name=...)`),
    when it is assigned once."""
    assigned = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == variable for t in node.targets)
    ]
    if len(assigned) != 1:
        return None
    value = assigned[0]
    if isinstance(value, ast.Dict):
        for k, v in zip(value.keys, value.values, strict=True):
            if isinstance(k, ast.Constant) and k.value == key:
                return v
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict":
        return next((k.value for k in value.keywords if k.arg == key), None)
    return None


def package_folder(project, folder: str, module: str) -> bool:
    """Whether `folder/module` or `folder/src/module` is a package of the copy (it has an `__init__.py`)."""
    return any(project.exists(f"{folder}/{where}{module}/__init__.py") for where in ("", "src/"))


def find_vendored_copies(project, python_modules, root_names: set[str]) -> tuple[VendoredCopy, ...]:
    copies: list[VendoredCopy] = []
    licensed = {
        rel.rsplit("/", 1)[0] for rel in project.files if "/" in rel and LICENCE_NAMES.match(filekinds.name(rel))
    }
    setups = sorted(
        (rel for base in SETUP_FILES for rel in project.named(base) if "/" in rel),
        key=lambda rel: (rel.count("/"), rel),
    )
    for setup_file in setups:
        folder = setup_file.rsplit("/", 1)[0]
        if any(folder.startswith(copy.folder + "/") or folder == copy.folder for copy in copies):
            continue  # a setup inside a copy belongs to the copy
        name = declared_name(project, python_modules, setup_file)
        if not name or canonicalize_name(name) in root_names:
            continue
        module = re.sub(r"[-.]", "_", name).lower()
        if not package_folder(project, folder, module):
            continue
        if folder in licensed or canonicalize_name(name) in KNOWN_VENDORED:
            copies.append(VendoredCopy(folder, canonicalize_name(name), module))
    return tuple(copies)


def root_project_names(project, python_modules) -> set[str]:
    names = set()
    for base in SETUP_FILES:
        if project.exists(base):
            name = declared_name(project, python_modules, base)
            if name:
                names.add(canonicalize_name(name))
    return names


# -- examples collections -------------------------------------------------------------------------------------------
# A README title that calls the repository examples ("Optuna Examples", "PyTorch Examples", "Examples for Optuna").
EXAMPLES_WORD = lazy_pattern(r"(?i)\b(examples|samples)\b")
MIN_EXAMPLE_FOLDERS = 3
# What a top-level folder holds when it is one self-contained example: its own README or requirements.
EXAMPLE_FOLDER_FILES = lazy_pattern(
    r"(?i)^(readme(\.\w+)?|requirements[\w.-]*\.(txt|in)|environment\.ya?ml|pyproject\.toml)$"
)
# A CI line that installs a library from its repository's head: a git URL without a ref, or naming a branch.
VCS_HEAD = lazy_pattern(
    r"git\+https?://[^\s'\"]*?/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?"
    r"(?:@(?P<ref>main|master|dev|develop|trunk|HEAD))?(?=$|[\s'\"#;&|)])"
)
# A CI line that installs nightly builds or pre-releases: `--pre`, a nightly index, a `*-nightly` package.
NIGHTLY = lazy_pattern(r"(?i)(?:^|[\s'\"=])--pre(?=$|[\s'\"])|/nightly\b|\b[\w.]+[-_]nightly\b")
# Words of an install line that name no library.
GENERIC_WORDS = frozenset(
    {"https", "http", "download", "html", "github", "gitlab", "nightly", "index", "simple", "pypi", "install",
     "upgrade", "python", "pip3", "wheels", "whl", "links", "find", "extra", "requirements", "cuda", "rocm",
     "main", "master", "develop", "trunk", "head", "examples", "example", "samples"}
)  # fmt: skip


@dataclass(frozen=True)
class ExamplesCollection:
    """A repository whose whole purpose is a collection of examples of `library` (named by its README's title),
    split into per-example folders, whose CI installs `library` from its git head or nightly on purpose
    (`how`: "from git head", "nightly"; `path`/`line`: where)."""

    library: str
    how: str
    path: str
    line: int

    def describe(self) -> str:
        return f"an examples collection of {self.library}"

    def reason(self) -> str:
        return (
            f"an examples collection that tracks {self.library}'s latest on purpose: its CI installs {self.library} "
            f"{self.how} ({self.path}:{self.line})"
        )


def squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def latest_install(line: str, title: str) -> tuple[str, str] | None:
    """(library, how) when a CI line installs the library a title names from git head or as a nightly/pre-release:
    the library is a word of the line (a git URL's repository or owner, a word of a nightly index's address)
    that the title holds (`torch` and `pytorch` in "PyTorch Examples")."""
    for match in VCS_HEAD.finditer(line):
        for word in (match.group("repo"), match.group("owner")):
            if len(squash(word)) >= 3 and squash(word) in title:
                return word.lower(), "from git head"
    if NIGHTLY.search(line):
        words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9]{2,}", line)} - GENERIC_WORDS
        named = sorted((w for w in words if len(w) >= 4 and w in title), key=lambda w: (-len(w), w))
        if named:
            return named[0], "nightly (pre-release builds)"
    return None


@fact
def examples_collection(project, ci_configs, python_modules) -> ExamplesCollection | None:
    """The repository as a collection of examples that tracks its library's latest release on purpose, or None.

    All three must hold: the root README's title calls the repository examples of a named library ("Optuna
    Examples", "PyTorch Examples"); at least three top-level folders are self-contained examples (each with its
    own README or requirements); and a CI configuration installs that library from its git head
    (`pip install git+https://github.com/optuna/optuna.git`, no ref or a branch) or as nightly/pre-release builds
    (`--pre -f https://download.pytorch.org/whl/nightly/...`). A library's own repository (its root setup
    declares the library) is not one: its `examples/` folder is an example by the role globs already.
    """
    titles = [t for t in readme_titles(project, "") if EXAMPLES_WORD.search(t)]
    named = [squash(EXAMPLES_WORD.sub(" ", t)) for t in titles]
    named = [t for t in named if t]
    if not named or not ci_configs:
        return None
    folders: set[str] = set()
    for rel in project.files:
        parts = rel.split("/")
        if len(parts) == 2 and not parts[0].startswith((".", "_")) and EXAMPLE_FOLDER_FILES.match(parts[1]):
            folders.add(parts[0])
    if len(folders) < MIN_EXAMPLE_FOLDERS:
        return None
    own = root_project_names(project, python_modules)
    for config in sorted(ci_configs, key=lambda c: c.path):
        text = project.try_read_text(config.path) or ""
        for number, line in enumerate(text.splitlines(), start=1):
            if line.lstrip().startswith("#"):
                continue
            for title in named:
                found = latest_install(line, title)
                if found is not None and canonicalize_name(found[0]) not in own:
                    return ExamplesCollection(found[0], found[1], config.path, number)
    return None


@fact
def roles(project, settings, python_modules, copy_commands, examples_collection) -> Roles:
    """Who plays which role; see the module docstring."""
    configured = settings.roles
    specs = {
        role: pathspec.GitIgnoreSpec.from_lines(configured.get(role, defaults))
        for role, defaults in DEFAULT_ROLES.items()
    }
    forced = pathspec.GitIgnoreSpec.from_lines(configured[EXPERIMENT]) if configured.get(EXPERIMENT) else None
    copies = find_vendored_copies(project, python_modules, root_project_names(project, python_modules))
    return Roles(project, specs, forced, copies, copy_commands, examples_collection)
