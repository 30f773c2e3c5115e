"""Two processes report exactly what one does: findings, unparsable files from either half, crashed rules."""

from __future__ import annotations

import os

from reprocheck import parallel
from reprocheck.rule import load_rules
from tests.conftest import findings, run_cli

REPO = {
    "train.py": '"""Train."""\nimport numpy as np\n\n\nif __name__ == "__main__":\n    print(np.random.rand(3))\n',
    "broken.py": "def broken(:\n    pass\n",
    "configs/train.yaml": "lr: 0.1\nepochs: [1, 2\n",
    "configs/model.yaml": "lr: 0.01\nbatch_size: 32\n",
    "requirements.txt": "numpy\ntorch>=2\n",
    "Dockerfile": "FROM python:3.11\nRUN pip install torch\n",
    ".env": "API_TOKEN=abc123\n",
}


def test_the_python_analysis_goes_to_the_child_the_other_rules_stay():
    rules = load_rules()
    here, child = parallel.split(sorted(rules), rules)
    # CFG005 asks which `__main__` blocks are self-tests only for a file with a user path (through `facts`): it
    # stays with the config rules, which build the same configs
    assert {"RNG001", "RNG003", "DEP003", "DEP004"} <= set(child) and "CFG005" in here
    assert {"CFG001", "SEC001", "DKR001", "LCK001", "DAT005"} <= set(here)
    assert set(here) | set(child) == set(rules) and not set(here) & set(child)


def test_two_processes_report_exactly_what_one_does(make_repo, monkeypatch):
    root = make_repo(REPO)
    monkeypatch.setenv("REPROCHECK_JOBS", "1")
    alone = findings(root)
    monkeypatch.setenv("REPROCHECK_JOBS", "2")
    split = findings(root)
    assert split == alone
    unparsable = {f["path"] for f in split if f["code"] == "RPC002"}
    assert unparsable == {"broken.py", "configs/train.yaml"}  # one found by each half
    assert {"RNG001", "SEC001", "DKR003", "DKR004"} <= {f["code"] for f in split}


def test_the_jobs_option_wins_over_the_environment(make_repo, monkeypatch):
    root = make_repo(REPO)
    forks = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())
    monkeypatch.setenv("REPROCHECK_JOBS", "2")
    alone = findings(root, "--jobs", "1")
    assert forks == []
    monkeypatch.setenv("REPROCHECK_JOBS", "1")
    split = findings(root, "--jobs", "4")  # more than two runs two: the work splits in two halves
    assert forks == [1] and split == alone
    result = run_cli(str(root), "--jobs", "0")
    assert result.exit_code == 2 and "--jobs" in result.stderr


def test_a_rule_crashing_in_the_child_is_reported_with_its_code(make_repo, scratch_rules, monkeypatch):
    def explode(self, python_modules):
        yield self.finding("found before the crash", "train.py", 1)
        raise KeyError("boom")

    scratch_rules("ZZZ008", explode)
    root = make_repo(REPO)
    monkeypatch.setenv("REPROCHECK_JOBS", "2")
    result = run_cli(str(root), "--select", "ZZZ008,DKR004", "--output-format", "concise", "--no-cache")
    assert result.exit_code == 2
    assert "internal error in rule ZZZ008: KeyError: 'boom'" in result.stderr
    assert "found before the crash" in result.stdout and "DKR004" in result.stdout


def test_when_the_child_dies_its_rules_run_in_the_parent(make_repo, scratch_rules, monkeypatch):
    parent = os.getpid()

    def die_in_child(self, python_modules):
        if os.getpid() != parent:
            os._exit(9)
        yield self.finding(f"{len(python_modules)} modules", "train.py", 1)

    scratch_rules("ZZZ009", die_in_child)
    root = make_repo(REPO)
    monkeypatch.setenv("REPROCHECK_JOBS", "2")
    found = findings(root, select="ZZZ009,DKR004")
    assert [f["message"] for f in found if f["code"] == "ZZZ009"] == ["2 modules"]
    assert any(f["code"] == "DKR004" for f in found)


def test_small_repositories_and_forced_settings(make_repo, monkeypatch):
    from reprocheck.project import Project
    from reprocheck.runner import CheckOptions, settings_for

    root = make_repo({"a.py": "x = 1\n", "notes.txt": "n" * 400_000})
    project = Project.discover(root, settings_for(root, CheckOptions()), root=root)
    monkeypatch.delenv("REPROCHECK_JOBS", raising=False)
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)
    assert parallel.jobs(project) == 1  # a fork costs more than a small repository takes
    big = make_repo({f"pkg/m{i}.py": "x = 1\n" * 5000 for i in range(10)})  # 300 KB of Python in 10 files
    assert parallel.jobs(Project.discover(big, settings_for(big, CheckOptions()), root=big)) == 2
    monkeypatch.setattr(parallel, "available_cpus", lambda: 1)
    assert parallel.jobs(Project.discover(big, settings_for(big, CheckOptions()), root=big)) == 1
    monkeypatch.setenv("REPROCHECK_JOBS", "2")
    assert parallel.jobs(project) == 2
    monkeypatch.setenv("REPROCHECK_JOBS", "1")
    assert parallel.jobs(project) == 1


def test_a_child_interrupted_or_crashing_leaves_its_rules_to_the_parent(make_repo, monkeypatch, capfd):
    from reprocheck.engine import RuleError
    from reprocheck.project import Project
    from reprocheck.runner import CheckOptions, settings_for

    root = make_repo(REPO)
    project = Project.discover(root, settings_for(root, CheckOptions()), root=root)
    monkeypatch.setenv("REPROCHECK_JOBS", "2")
    parent = os.getpid()
    for failure, traceback_shown in ((KeyboardInterrupt, False), (MemoryError, True)):
        ran_here = []

        def run(project, codes, failure=failure, ran_here=ran_here):
            if os.getpid() != parent:
                raise failure
            ran_here.extend(codes)
            return [], []

        parallel.run_split(project, ["DKR001", "RNG001"], load_rules(), run, RuleError)
        assert ran_here == ["DKR001", "RNG001"]  # the child's rule ran here after it failed
        assert ("Traceback" in capfd.readouterr().err) is traceback_shown  # Ctrl-C is not a crash


def test_a_run_the_file_cache_answers_stays_in_one_process(make_repo, monkeypatch, tmp_path):
    from reprocheck.filecache import FileCache
    from reprocheck.project import Project
    from reprocheck.runner import CheckOptions, settings_for

    monkeypatch.delenv("REPROCHECK_JOBS", raising=False)
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)
    big = make_repo({f"pkg/m{i}.py": "x = 1\n" * 5000 for i in range(10)})
    project = Project.discover(big, settings_for(big, CheckOptions()), root=big)
    project.file_cache = FileCache(tmp_path / "files.json", root=big)  # nothing recorded yet: a cold run
    assert parallel.jobs(project) == 2
    for rel in project.files[:7]:  # earlier runs knew 7 of the 10 modules: still mostly cold
        project.file_cache.index[rel] = [0, 0, 0, 0, 0, "digest"]
    assert parallel.jobs(project) == 2
    for rel in project.files:  # the run after an edit: the cache knows (nearly) every module
        project.file_cache.index[rel] = [0, 0, 0, 0, 0, "digest"]
    assert parallel.jobs(project) == 1
    monkeypatch.setenv("REPROCHECK_JOBS", "2")  # asked for: two, whatever the cache
    assert parallel.jobs(project) == 2
