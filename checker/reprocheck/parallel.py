"""Rules split over two processes on large repositories: the Python analysis (the call graph and the import scan
of every file) in a forked child, the other rules in this process.

A large run has two heavy, independent halves of about equal cost: the Python side (imports of every file,
random state followed through the call graph from every entry point) and everything else (YAML configs, the
secrets scan of every file, remote loaders, Docker, CI, locks, notebooks). Each half builds the facts it needs in
its own process; the child sends back its findings, crashed rules and unparsable files as JSON through a pipe.
Facts are pure functions of the files, so the merged result is exactly a sequential run's (a test checks). Where
fork is missing (Windows), the repository is small (under 2,000 files and 256 KB of Python), or the child dies,
everything runs here.

A run whose per-file cache already knows most of the Python files (the everyday run after an edit) stays in one
process: the cache answers most of the Python half, and two processes would hold their memory at once for no
time gained. `--jobs 1` (or `REPROCHECK_JOBS=1`) forces a sequential run; `--jobs 2` splits whatever the size.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import signal
import sys
import traceback
from collections.abc import Callable

from reprocheck import filekinds
from reprocheck.facts import FACTS, load_facts
from reprocheck.findings import Finding
from reprocheck.project import LISTED_STATS, ParseProblem, Project

# A fork (about 10 ms) pays once the Python analysis has some code to chew on: measured on 2 cores, a repository
# with 1.5 MB of Python in 200 files ran in 0.59 s instead of 0.71 s; a 30 KB project gained nothing.
MIN_PYTHON_BYTES = 256 * 1024
MIN_FILES = 2000
CHILD_FACTS = frozenset({"call_graph", "third_party_imports"})
# The share of Python files the per-file cache must know for a run to stay in one process (see
# answered_by_file_cache).
WARM_SHARE = 0.8


def jobs(project: Project, requested: int | None = None) -> int:
    """How many processes to use: `requested` (`--jobs`), else REPROCHECK_JOBS, else 2 on a multi-core POSIX
    machine for a large repository, else 1. The work splits in two halves, so more than 2 runs 2."""
    configured = str(requested) if requested is not None else os.environ.get("REPROCHECK_JOBS", "")
    if configured.isdigit() and int(configured) > 0:
        wanted = min(int(configured), 2)
    else:
        large = len(project.files) >= MIN_FILES or python_bytes(project) >= MIN_PYTHON_BYTES
        wanted = 2 if large and available_cpus() > 1 and not answered_by_file_cache(project) else 1
    return wanted if hasattr(os, "fork") else 1


def answered_by_file_cache(project: Project) -> bool:
    """Whether earlier runs recorded most of the Python files (the run after an edit): the per-file cache then
    answers most of the Python half, a second process gained nothing measurable (1.5-1.7 s either way on 10,000
    files) and, both processes holding their memory at once, cost 190 MB against 136 MB for one."""
    cache = project.file_cache
    if cache is None or not cache.index:
        return False
    python = [rel for rel in project.files if filekinds.is_python(rel)]
    recorded = sum(1 for rel in python if rel in cache.index)
    return bool(python) and recorded >= WARM_SHARE * len(python)


def python_bytes(project: Project, enough: int = MIN_PYTHON_BYTES) -> int:
    """Size of the Python files and notebooks (from the listing's stat), counted until `enough` is reached."""
    total = 0
    for rel in project.files:
        if filekinds.is_python(rel) or filekinds.is_notebook(rel):
            info = LISTED_STATS.get(os.path.join(project.root, rel))
            total += info.st_size if info is not None else (project.size(rel) or 0)
            if total >= enough:
                break
    return total


def available_cpus() -> int:
    with contextlib.suppress(AttributeError, OSError):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def needed_facts(func: Callable, skip: tuple[str, ...] = ("self",)) -> set[str]:
    """Every fact `func` asks for, directly or through the facts it names."""
    load_facts()
    seen: set[str] = set()
    stack = [p for p in inspect.signature(func).parameters if p not in skip]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        builder = FACTS.get(name)
        if builder is not None:
            stack.extend(inspect.signature(builder).parameters)
    return seen


def split(codes: list[str], rules: dict) -> tuple[list[str], list[str]]:
    """(codes run here, codes run in the child): the child takes the rules needing the Python analysis."""
    here, child = [], []
    for code in codes:
        (child if needed_facts(rules[code].check) & CHILD_FACTS else here).append(code)
    return here, child


def encode(findings: list[Finding], errors: list, problems: list[ParseProblem], learnt: dict | None = None) -> bytes:
    return json.dumps(
        {
            "findings": [f.to_dict() for f in findings],
            "errors": [[e.code, e.summary, e.traceback] for e in errors],
            "problems": [[p.path, p.message, p.line, p.column] for p in problems],
            "learnt": learnt,  # the child's per-file answers, kept by the parent's file cache
        }
    ).encode("ascii")  # json escapes every non-ASCII character, lone surrogates of odd file names included


def run_split(
    project: Project, codes: list[str], rules: dict, run: Callable, error_type: type, requested: int | None = None
):
    """Run `codes` with `run(project, codes) -> (findings, errors)`, in two processes when worthwhile
    (`requested`: the `--jobs` option)."""
    here, child = split(codes, rules) if jobs(project, requested) > 1 else (codes, [])
    if not here or not child:
        return run(project, codes)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    read_end, write_end = os.pipe()
    known_problems = len(project.problems)
    pid = os.fork()
    if pid == 0:  # the child: run its half, send the outcome, leave without running any exit handler
        status = 1
        try:
            os.close(read_end)
            findings, errors = run(project, child)
            learnt = project.file_cache.export() if project.file_cache is not None else None
            payload = encode(findings, errors, project.problems[known_problems:], learnt)
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
            status = 0
        except KeyboardInterrupt:  # Ctrl-C reaches both processes: the parent says it once
            status = 130
        except BaseException:  # nothing may escape a forked child
            with contextlib.suppress(Exception):
                traceback.print_exc()
        finally:
            os._exit(status)
    os.close(write_end)
    finished = False
    try:
        findings, errors = run(project, here)
        with os.fdopen(read_end, "rb") as source:
            data = source.read()
        finished = True
    finally:
        if not finished:  # interrupted here: the child's work is wasted, stop it
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.close(read_end)
        _pid, status = os.waitpid(pid, 0)
    outcome = decode(data, error_type) if os.waitstatus_to_exitcode(status) == 0 else None
    if outcome is None:  # the child died: its half runs here
        more_findings, more_errors = run(project, child)
        return findings + more_findings, errors + more_errors
    child_findings, child_errors, problems, learnt = outcome
    if learnt and project.file_cache is not None:
        project.file_cache.merge(learnt)
    for problem in problems:
        if problem not in project.problems:
            project.problems.append(problem)
    return findings + child_findings, errors + child_errors


def decode(data: bytes, error_type: type):
    try:
        payload = json.loads(data)
        findings = [Finding.from_dict(item) for item in payload["findings"]]
        errors = [error_type(*item) for item in payload["errors"]]
        problems = [ParseProblem(*item) for item in payload["problems"]]
        learnt = payload.get("learnt")
    except (ValueError, KeyError, TypeError):
        return None
    return findings, errors, problems, learnt if isinstance(learnt, dict) else None
