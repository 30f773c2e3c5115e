"""Pure parsers on mutated realistic input: they return data or raise only the error their fact turns into RPC002.

Texts are drawn the way the project hands them to parsers (`project_text`: mutated bytes decoded by
`decode_text`), so each property holds for exactly the inputs a run can meet. Faster than the engine tests,
so these run more examples. The alphabet-based properties in tests/checker/test_shell.py and
test_dockerfile_facts.py are not repeated: these start from realistic files instead.
"""

from __future__ import annotations

import ast
import contextlib
import json
import posixpath
import re
import warnings
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reprocheck.config import Settings
from reprocheck.facts import ci, conda, dvc, git_facts, makefile, python_versions, requirements, shell
from reprocheck.facts.dockerfile import (
    DockerfileError,
    dockerignore_pattern,
    dockerignore_rules,
    parse_dockerfile,
    parse_image,
)
from reprocheck.facts.notebooks import NotebookError, parse_notebook
from reprocheck.facts.pycode import PyModule, blank_magics, module_names, scan_imports
from reprocheck.facts.structured import toml_line_of
from reprocheck.facts.yamlfiles import YamlRefused, parse_yaml
from reprocheck.project import Project
from reprocheck.rules import tpl
from tests.robustness import seeds
from tests.robustness.mutations import VALUES, project_text, reshaped, to_json, to_yaml

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
# What each fact's builder catches and turns into an RPC002 problem; anything else would be a rule error.
YAML_ERRORS = (yaml.YAMLError, YamlRefused, RecursionError, ValueError, TypeError)


def scratch_project() -> Project:
    """A project with no files (parsers only record problems on it)."""
    return Project(root=Path("/nonexistent-reprocheck-root"), settings=Settings(), files=[], tracked=None)


# -- requirements and pip-compile locks ------------------------------------------------------------------------
@PROPERTY
@given(text=st.one_of(project_text(seeds.REQUIREMENTS_TXT), project_text(seeds.PIP_COMPILE_LOCK)))
def test_requirements_parser_never_raises(text):
    parsed, problems = requirements.parse_requirements_text("requirements.txt", text)
    assert all(isinstance(line, int) and message for line, message in problems)
    for entry in parsed.requirements:
        assert entry.line >= 1 and entry.describe()
        assert entry.is_pinned in (True, False) and entry.is_direct_reference in (True, False)
        assert entry.pinned_version is None or isinstance(entry.pinned_version, str)
    assert parsed.is_lock in (True, False) and parsed.has_hashes in (True, False)
    assert parsed.header is None or isinstance(parsed.header.command_text, str)
    assert isinstance(requirements.compile_inputs(parsed), list) and isinstance(requirements.compile_cwd(parsed), str)


@PROPERTY
@given(text=st.text(max_size=80) | project_text("pkg[extra]==1.0 ; python_version < '3.12' --hash=sha256:abc"))
def test_single_requirement_helpers_never_raise(text):
    requirements.parse_requirement(text)
    requirements.name_from_url(text)
    requirements.split_url_marker(text)
    requirements.parse_spec_safely(text)
    requirements.looks_like_url(text), requirements.looks_like_path(text)


# -- Dockerfiles and the shell commands inside them ---------------------------------------------------------------
@PROPERTY
@given(text=project_text(seeds.DOCKERFILE, max_ops=8))
def test_dockerfile_parser_raises_only_its_own_error(text):
    try:
        parsed = parse_dockerfile("Dockerfile", text)
    except DockerfileError as error:
        assert error.line is None or error.line >= 1
        return
    assert parsed.final_stage is (parsed.stages[-1] if parsed.stages else None)
    for stage in parsed.stages:
        assert stage.alias is None or parsed.stage_named(stage.alias) is not None
        for run in stage.runs:
            for command in run.commands():
                shell.parse_install(command)


@PROPERTY
@given(ref=st.text(max_size=60) | project_text("registry.example.com:5000/org/img:1.2@" + seeds.SHA))
def test_image_references_never_raise(ref):
    parse_image(ref, ref, 1)


@PROPERTY
@given(text=project_text(seeds.SHELL_SCRIPT, max_ops=8), env=st.dictionaries(st.text(max_size=4), st.text(max_size=8)))
def test_realistic_shell_scripts_split_and_parse(text, env):
    for command in shell.split_commands(text, 1, env):
        assert command.argv and command.line >= 1
        shell.parse_install(command)
        shell.strip_wrappers(command.argv)


@PROPERTY
@given(text=project_text(seeds.DOCKERIGNORE) | st.text(max_size=40))
def test_dockerignore_patterns_always_compile(text):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing reaches the user's terminal (re warns about `[[` in classes)
        for _negate, pattern in dockerignore_rules(text):
            pattern.match("data/raw.csv")


# -- YAML, and what is built from it -----------------------------------------------------------------------------
YAML_SEEDS = [seeds.TRAIN_YAML, seeds.GITHUB_WORKFLOW, seeds.GITLAB_CI, seeds.DVC_YAML, seeds.ENVIRONMENT]


@PROPERTY
@given(text=st.sampled_from(YAML_SEEDS).flatmap(lambda seed: project_text(seed, max_ops=8)), keys=st.lists(VALUES))
def test_yaml_parses_or_raises_what_load_yaml_reports(text, keys):
    try:
        parsed = parse_yaml("x.yaml", text)
    except YAML_ERRORS:
        return
    assert (parsed.root is None) == (not parsed.nodes)
    for document in range(len(parsed.nodes)):
        assert parsed.line_of(*[k for k in keys if not isinstance(k, (dict, list))], document=document) >= 1


def yaml_file(data) -> object | None:
    try:
        return parse_yaml("ci.yml", to_yaml(data))
    except YAML_ERRORS:
        return None


@settings(PROPERTY, max_examples=200)
@given(data=reshaped(yaml.safe_load(seeds.GITHUB_WORKFLOW)) | reshaped(yaml.safe_load(seeds.COMPOSITE_ACTION)))
def test_github_workflow_builders_accept_any_shape(data):
    parsed = yaml_file(data)
    if parsed is not None:
        ci.parse_github(".github/workflows/ci.yml", parsed)
        ci.parse_action("action.yml", parsed)


@settings(PROPERTY, max_examples=200)
@given(data=reshaped(yaml.safe_load(seeds.GITLAB_CI.replace("    - !reference [.setup, script]\n", ""))))
def test_gitlab_builder_accepts_any_shape(data):
    parsed = yaml_file(data)
    if parsed is not None:
        ci.parse_gitlab(".gitlab-ci.yml", parsed)
        ci.gitlab_includes(parsed)


# -- notebooks ---------------------------------------------------------------------------------------------------
@PROPERTY
@given(text=project_text(seeds.NOTEBOOK, max_ops=4) | reshaped(json.loads(seeds.NOTEBOOK)).map(to_json))
def test_notebook_parser_raises_only_what_the_fact_reports(text):
    try:
        notebook = parse_notebook("nb.ipynb", text)
    except (json.JSONDecodeError, NotebookError, RecursionError, ValueError):
        return
    for cell in notebook.code_cells:
        for line in range(1, len(cell.source.splitlines()) + 2):
            assert cell.file_line(line) >= 1
        blank_magics(cell.source)
    assert isinstance(notebook.metadata, dict)
    json.loads(notebook.dumps())


# -- Python ------------------------------------------------------------------------------------------------------
@PROPERTY
@given(text=project_text(seeds.TRAIN_PY, max_ops=4) | project_text(seeds.UTILS_PY, max_ops=4))
def test_python_modules_parse_or_record_a_problem(text):
    project = scratch_project()
    module = PyModule(project, "scripts/train.py", "scripts.train", text=text)
    module.imports, module.bindings, module.imported_modules()
    if module.tree is None:
        assert [p.path for p in project.problems] == ["scripts/train.py"]


@PROPERTY
@given(text=project_text(seeds.TRAIN_PY, max_ops=4) | project_text(seeds.UTILS_PY, max_ops=4))
def test_line_scan_of_imports_agrees_with_the_parser(text):
    """When the cheap line scan answers, it finds the same imports as the AST would."""
    scanned = scan_imports(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes in mutated strings
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    if scanned is None:
        return
    parsed = sorted(
        (
            node.lineno,
            node.module if isinstance(node, ast.ImportFrom) else None,
            node.level if isinstance(node, ast.ImportFrom) else 0,
            tuple(alias.name for alias in node.names),
        )
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
    )
    assert sorted((line, module or None, level, tuple(names)) for line, module, level, names in scanned) == parsed


@PROPERTY
@given(path=st.text(max_size=40), packages=st.frozensets(st.text(max_size=10), max_size=3))
def test_module_names_never_raise(path, packages):
    assert all(isinstance(name, str) and name for name in module_names(path, packages))


# -- DVC, conda, Makefiles, git, Copier, Python versions ------------------------------------------------------------
@PROPERTY
@given(value=VALUES, context=st.dictionaries(st.text(max_size=6), VALUES, max_size=4), template=st.text(max_size=30))
def test_dvc_interpolation_never_raises_but_unresolved(value, context, template):
    missing: list[str] = []
    dvc.interpolate(value, context, missing)
    dvc.interpolate("${" + template + "}", context, missing)
    with contextlib.suppress(dvc.Unresolved):
        dvc.interpolate(template, context)


@PROPERTY
@given(text=st.text(max_size=40) | st.sampled_from(["numpy=1.26.*", "pytorch::pytorch>=2.2", "cudatoolkit 11.8 h_0"]))
def test_conda_match_specs_never_raise(text):
    spec = conda.parse_match_spec(text)
    if spec is not None:
        assert spec.has_version in (True, False) and spec.name
        assert spec.minor is None or len(spec.minor) == 2
        assert spec.pinned_version is None or isinstance(spec.pinned_version, str)


@PROPERTY
@given(text=project_text(seeds.MAKEFILE, max_ops=8), target=st.text(max_size=8))
def test_makefile_parser_never_raises(text, target):
    parsed = makefile.parse_makefile("Makefile", text)
    assert parsed.default_target is None or parsed.default_target in parsed.targets
    for name in [*list(parsed.targets)[:5], target]:
        parsed.recipe_closure(name)


@PROPERTY
@given(text=st.text(max_size=60), variables=st.dictionaries(st.text(max_size=4), st.text(max_size=20), max_size=4))
def test_make_variable_expansion_is_bounded(text, variables):
    variables = {**variables, "A": "$(B)", "B": "$(A)", "C": "$(C)$(C)"}
    assert isinstance(makefile.expand(text + "$(A)$(C)", variables), str)


@PROPERTY
@given(data=st.binary(max_size=200) | project_text(seeds.LFS_POINTER).map(lambda t: t.encode("utf-8", "replace")))
def test_lfs_pointers_never_raise(data):
    git_facts.parse_lfs_pointer(data)


@PROPERTY
@given(text=project_text(seeds.GITATTRIBUTES), base=st.sampled_from(["", "data", "a/b"]))
def test_gitattributes_never_raise(text, base):
    for rule in git_facts.parse_gitattributes(base, text):
        assert rule is not None


def test_a_bracket_range_pathspec_cannot_compile_is_left_out():
    """Found by the property above: `[\u00ed\u00bf\u00bf--...]` is a reversed character range, which pathspec's
    regex refuses (re.error, not its own pattern error); git matches nothing with it, and neither do we."""
    rules = git_facts.parse_gitattributes("", "[\u00ed\u00bf\u00bf--hash]*.pt filter=lfs\ndata/** filter=lfs\n")
    assert [rule.lfs for rule in rules] == [True, True]
    assert not rules[0].pattern.match_file("x.pt") and rules[1].pattern.match_file("data/a.bin")


@PROPERTY
@given(value=VALUES)
def test_copier_answer_checks_accept_any_value(value):
    tpl.source_problem(value)
    tpl.commit_problem(value)


@PROPERTY
@given(text=st.text(max_size=30) | st.sampled_from(["3.11", "3.11.7", ">=3.11,<3.13", "^3.11", "3.*", "~=3.10"]))
def test_python_version_text_never_raises(text):
    python_versions.parse_version_text(text)
    python_versions.parse_specifier(text)


@PROPERTY
@given(text=project_text(seeds.PYPROJECT), key=st.text(max_size=10), table=st.none() | st.text(max_size=10))
def test_toml_line_lookup_never_raises(text, key, table):
    assert toml_line_of(text, key, table) >= 1


def plain_dockerignore_regex(pattern: str) -> str:
    """The straightforward translation (one `[^/]*` per star): exact, but exponential on hostile patterns."""
    pattern = posixpath.normpath(pattern.strip().lstrip("/")) if pattern.strip() not in ("", "/") else ""
    segments = pattern.split("/")
    parts = []
    for index, segment in enumerate(segments):
        if segment == "**":
            parts.append(".*" if index == len(segments) - 1 else "(?:[^/]+/)*")
            continue
        regex, i = "", 0
        while i < len(segment):
            ch = segment[i]
            if ch == "*":
                regex += "[^/]*"
            elif ch == "?":
                regex += "[^/]"
            elif ch == "[" and segment.find("]", i + 1) >= 0:
                end = segment.find("]", i + 1)
                body = segment[i + 1 : end]
                regex += "[" + ("^" + body[1:] if body.startswith("^") else body) + "]"
                i = end
            elif ch == "\\" and i + 1 < len(segment):
                i += 1
                regex += re.escape(segment[i])
            else:
                regex += re.escape(ch)
            i += 1
        parts.append(regex + ("/" if index < len(segments) - 1 else ""))
    return "".join(parts) + "$"


@PROPERTY
@given(pattern=st.text(alphabet="ab*?/[]^\\.", max_size=9), path=st.text(alphabet="ab/.", max_size=10))
def test_dockerignore_matching_agrees_with_the_plain_translation(pattern, path):
    if "[]" in pattern or "[^]" in pattern:
        return  # an empty class: Docker refuses the pattern; the plain translation only compiles by accident
    if re.search(r"\[[^\]]*\\", pattern):
        return  # a backslash inside a class escapes the next character in Go; the plain translation reads it raw
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nested-set warnings of odd classes
        try:
            expected = re.match(plain_dockerignore_regex(pattern), path)
        except re.error:
            return
        assert bool(dockerignore_pattern(pattern).match(path)) == bool(expected)


def test_dockerignore_classes_read_escapes_as_go_does():
    """`\\]` inside a class is a literal bracket (Go's filepath.Match); an unclosed class is a literal `[`; an
    empty one matches nothing. None of them may fail to compile (`*[\\]*` did)."""
    cases = {
        ("*[\\]]*", "a]b"): True,
        ("*[\\]*", "a[]b"): True,
        ("*[\\]*", "a]b"): False,
        ("[\\-]x", "-x"): True,
        ("a[]b", "ab"): False,
        ("[^\\]]", "a"): True,
    }
    for (pattern, path), expected in cases.items():
        assert bool(dockerignore_pattern(pattern).match(path)) == expected, pattern
