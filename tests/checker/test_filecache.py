"""The per-file cache: answers kept by content, stats trusted only outside the racy window, damage is a miss."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from reprocheck import filecache
from reprocheck.filecache import MISSING, FileCache
from reprocheck.project import Project
from tests.checker.test_cache import FILES, age, report
from tests.conftest import git


def backdate(path: Path, seconds: float = 60) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


@pytest.fixture
def trusted_now(monkeypatch):
    """Stats count as old once the run starts after them (the racy window shrunk to nothing for tests)."""
    monkeypatch.setattr(filecache, "RACY_NS", 0)


def store_answer(tmp_path: Path, content: bytes, query: str = "q", value=True) -> tuple[Path, Path]:
    file = tmp_path / "a.py"
    file.write_bytes(content)
    cache_file = tmp_path / "cache" / "files.json"
    time.sleep(0.01)  # the run starts after the file's last change
    cache = FileCache(cache_file, "fp", root=tmp_path)
    assert cache.get("a.py", query) is MISSING
    cache.put("a.py", query, value, lambda: content)
    cache.save({"a.py"})
    return file, cache_file


def test_an_unchanged_file_is_answered_without_reading_it(tmp_path, trusted_now):
    _file, cache_file = store_answer(tmp_path, b"import torch\n", value=[[1, "torch", 0, []]])
    cache = FileCache(cache_file, "fp", root=tmp_path)
    assert cache.get("a.py", "q") == [[1, "torch", 0, []]]
    assert cache.get("a.py", "other question") is MISSING


def test_an_edited_file_misses_even_with_the_same_size_and_mtime(tmp_path, trusted_now):
    file, cache_file = store_answer(tmp_path, b"import torch\n")
    info = file.stat()
    file.write_bytes(b"import numpy\n")  # same size
    os.utime(file, ns=(info.st_atime_ns, info.st_mtime_ns))  # same mtime: the ctime still tells
    assert FileCache(cache_file, "fp", root=tmp_path).get("a.py", "q") is MISSING


def test_same_content_elsewhere_shares_the_answer(tmp_path, trusted_now):
    _file, cache_file = store_answer(tmp_path, b"x = 1\n")
    cache = FileCache(cache_file, "fp", root=tmp_path)
    copy = tmp_path / "b.py"
    copy.write_bytes(b"x = 1\n")
    assert cache.get("b.py", "q") is MISSING  # never seen: its digest needs its bytes
    assert cache.digest("b.py", lambda: b"x = 1\n") == cache.digest("a.py")
    assert cache.get("b.py", "q") is True


def test_files_in_the_racy_window_are_not_trusted(tmp_path):
    _file, cache_file = store_answer(tmp_path, b"import torch\n")  # modified just now: inside the window
    assert not cache_file.exists()  # nothing worth writing: the answer could not be trusted next time
    assert FileCache(cache_file, "fp", root=tmp_path).get("a.py", "q") is MISSING


def test_a_checker_change_drops_everything(tmp_path, trusted_now):
    _file, cache_file = store_answer(tmp_path, b"import torch\n")
    assert FileCache(cache_file, "another checker", root=tmp_path).get("a.py", "q") is MISSING


@pytest.mark.parametrize(
    "damage",
    [
        "{not json",
        "[]",
        '{"format": 1, "fingerprint": "fp"}',
        '{"format": 1, "fingerprint": "fp", "payload": {"files": {"a.py": [1, 2]}, "queries": [], "results": {}}}',
        '{"format": 1, "fingerprint": "fp", "payload": {"files": {}, "queries": ["q"], "results": {"d": [7, true]}}}',
        '{"format": 1, "fingerprint": "fp", "payload": {"files": {}, "queries": ["q"], "results": {"d": ["x"]}}}',
        '{"format": 1, "fingerprint": "fp", "payload": {"files": "no", "queries": 3, "results": []}}',
        '{"format": 1, "fingerprint": "fp", "payload": []}',
    ],
)
def test_a_damaged_cache_is_a_miss(tmp_path, trusted_now, damage):
    _file, cache_file = store_answer(tmp_path, b"import torch\n")
    cache_file.write_text(damage)
    cache = FileCache(cache_file, "fp", root=tmp_path)
    assert cache.get("a.py", "q") is MISSING
    cache.put("a.py", "q", False, lambda: b"import torch\n")
    cache.save({"a.py"})  # and the next run repairs it
    assert FileCache(cache_file, "fp", root=tmp_path).get("a.py", "q") is False


def test_writes_are_atomic_and_leave_no_temporary_files(tmp_path, trusted_now):
    _file, cache_file = store_answer(tmp_path, b"import torch\n")
    assert [p.name for p in cache_file.parent.iterdir()] == ["files.json"]
    assert json.loads(cache_file.read_text())["format"] == filecache.FORMAT


def test_entries_of_files_no_longer_listed_are_dropped(tmp_path, trusted_now):
    _file, cache_file = store_answer(tmp_path, b"import torch\n")
    cache = FileCache(cache_file, "fp", root=tmp_path)
    cache.put("b.py", "q", True, lambda: b"other\n")  # forces a write
    cache.save({"b.py"})
    assert "a.py" not in json.loads(cache_file.read_text())["payload"]["files"]


def test_without_a_path_nothing_is_read_or_written(tmp_path):
    cache = FileCache(None, root=tmp_path)
    cache.put("a.py", "q", True, lambda: b"x")
    cache.save({"a.py"})
    assert list(tmp_path.iterdir()) == []


# -- in a run --------------------------------------------------------------------------------------
@pytest.fixture
def reads(monkeypatch):
    """The files the checker reads from disk, in order."""
    seen: list[str] = []
    original = Project._read_bytes

    def counting(self, rel, limit):
        seen.append(rel)
        return original(self, rel, limit)

    monkeypatch.setattr(Project, "_read_bytes", counting)
    return seen


def many_modules(count: int) -> dict[str, str]:
    files = dict(FILES)
    for number in range(count):
        files[f"src/demo/helper_{number}.py"] = f'"""Helper {number}."""\nimport numpy as np\n\n\nVALUE = {number}\n'
    return files


def test_after_a_one_file_edit_only_that_file_is_read_again(make_repo, trusted_now, reads):
    root = make_repo(many_modules(30))
    age(root)
    cold = report(root, "--no-cache")
    first = report(root)
    assert first["findings"] == cold["findings"]
    edited = root / "src" / "demo" / "helper_7.py"
    edited.write_text(edited.read_text() + "import pandas\n")
    backdate(edited)  # only the edited file: backdating changes a file's ctime, which tells the cache it changed
    reads.clear()
    after = report(root)
    helpers_read = sorted(p for p in reads if "helper_" in p)
    assert helpers_read == ["src/demo/helper_7.py"]
    assert after["findings"] == report(root, "--no-cache")["findings"]


def test_the_file_cache_is_not_read_on_a_run_cache_hit(make_repo, trusted_now, monkeypatch):
    root = make_repo(FILES)
    age(root)
    report(root)
    loaded = []
    monkeypatch.setattr(FileCache, "_load", lambda self: loaded.append(self.path))
    report(root)
    assert loaded == []


def test_a_forked_child_shares_what_it_learnt(make_repo, trusted_now, monkeypatch):
    """The import scan of every file runs in the child (DEP004's facts): its answers reach the parent's cache."""
    monkeypatch.setenv("REPROCHECK_JOBS", "2")
    root = make_repo(many_modules(10))
    age(root)
    report(root)
    kept = json.loads((root / ".reprocheck_cache" / "files.json").read_text())["payload"]
    imports = kept["queries"].index("imports")
    helper = kept["files"]["src/demo/helper_3.py"][5]
    answers = kept["results"][helper]
    assert answers[answers.index(imports) + 1] == [[2, None, 0, ["numpy"]]]
    entries = json.loads((root / ".reprocheck_cache" / "entries.json").read_text())["payload"]
    assert any(name.startswith("entry ") for name in entries)  # the child's entry point summaries too


# -- entry point summaries ---------------------------------------------------------------------------
REACHED = {
    "README.md": "# demo\n",
    "pyproject.toml": '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["numpy>=1"]\n',
    "src/demo/__init__.py": "",
    "src/demo/noise.py": "import numpy as np\n\n\ndef noise():\n    return np.random.rand()\n",
    "src/demo/train.py": "from demo.noise import noise\n\nif __name__ == '__main__':\n    print(noise())\n",
    "src/demo/evaluate.py": "import random\n\nif __name__ == '__main__':\n    print(random.random())\n",
}


def rng001(root: Path) -> list[tuple[str, str]]:
    return [(f["path"], f["message"]) for f in report(root)["findings"] if f["code"] in ("RNG001", "RPC002")]


def test_entry_summaries_are_followed_again_only_when_their_files_change(make_repo, trusted_now, monkeypatch):
    from reprocheck.facts import randomness

    root = make_repo(REACHED)
    age(root)
    first = rng001(root)
    assert {path for path, _ in first} == {"src/demo/train.py", "src/demo/evaluate.py"}
    followed: list[str] = []
    original = randomness.summarize

    def counting(entry, *args, **kwargs):
        followed.append(entry.path)
        return original(entry, *args, **kwargs)

    monkeypatch.setattr(randomness, "summarize", counting)
    noise = root / "src/demo/noise.py"
    noise.write_text(noise.read_text() + "\n\ndef more():\n    return np.random.randn()\n")
    backdate(noise)
    assert rng001(root) == first
    assert followed == ["src/demo/train.py"]  # evaluate.py does not reach noise.py: its summary is kept
    noise.write_text("import numpy as np\n\n\ndef noise(:\n")  # now it does not parse
    backdate(noise)
    broken = rng001(root)
    assert ("src/demo/noise.py", "cannot parse src/demo/noise.py: invalid Python: invalid syntax") in broken
    followed.clear()
    (root / "README.md").write_text("# demo\n\nA demo.\n")  # the run cache misses; the summaries' inputs hold
    backdate(root / "README.md")
    assert rng001(root) == broken  # the parse problem met on the way is reported again from the cache
    assert followed == []


def test_git_blob_sizes_are_asked_once_per_object(make_repo, trusted_now, monkeypatch):
    """Object ids are content hashes: a size learnt once holds for good; only new blobs are asked of git."""
    from reprocheck.facts import git_facts

    root = make_repo({**FILES, "data/big.bin": b"\0" * 5000})
    age(root)
    asked: list[list[str]] = []
    original = git_facts.run_git

    def recording(repo, args, stdin=None):
        if args[0] == "cat-file" and args[1].startswith("--batch-check"):
            asked.append(stdin.split())
        return original(repo, args, stdin)

    monkeypatch.setattr(git_facts, "run_git", recording)
    first = report(root, "--select", "DAT001,DAT002")
    assert len(asked) == 1 and len(asked[0]) == len(FILES) + 1
    (root / "data" / "small.csv").write_text("a,b\n1,2\n")
    git(root, "add", "data/small.csv")
    age(root)
    asked.clear()
    second = report(root, "--select", "DAT001,DAT002")
    assert len(asked) == 1 and len(asked[0]) == 1  # the new blob only
    assert second["findings"] == report(root, "--no-cache", "--select", "DAT001,DAT002")["findings"]
    assert first["findings"] == [f for f in second["findings"] if f["path"] != "data/small.csv"]


def test_conflict_markers_come_from_kept_answers_and_the_edited_file(make_repo, trusted_now, monkeypatch):
    """A run after an edit reads the edited file for merge-conflict markers instead of grepping the repository."""
    from reprocheck.facts import leftovers

    root = make_repo(many_modules(5))
    age(root)
    report(root)
    report(root, "--select", "TPL002")  # the first cached run kept the answers of the files it read
    grepped: list[str] = []
    monkeypatch.setattr(leftovers, "_grep", lambda project: grepped.append(project.root) or {})
    edited = root / "src" / "demo" / "helper_2.py"
    edited.write_text("<<<<<<< HEAD\nVALUE = 1\n=======\nVALUE = 2\n>>>>>>> other\n")
    backdate(edited)
    cached = [f for f in report(root)["findings"] if f["code"] == "TPL002"]
    assert grepped == []
    monkeypatch.undo()
    expected = [f for f in report(root, "--no-cache")["findings"] if f["code"] == "TPL002"]
    assert cached == expected and [f["path"] for f in cached] == ["src/demo/helper_2.py"]


CONFIG_READER = {
    **FILES,
    "src/demo/train.py": (
        "import argparse\n\nimport yaml\n\n"
        "parser = argparse.ArgumentParser()\n"
        'parser.add_argument("--seed", type=int, default=7)\n'
        'config = yaml.safe_load(open("configs/train.yaml"))\n'
    ),
}


def test_config_programs_kept_per_file_follow_an_edit(make_repo, trusted_now):
    """What a program says about configs is kept per file: removing its seed option brings CFG001 back."""
    root = make_repo(CONFIG_READER)
    age(root)
    assert [f for f in report(root)["findings"] if f["code"] == "CFG001"] == []
    program = root / "src" / "demo" / "train.py"
    program.write_text(program.read_text().replace('parser.add_argument("--seed", type=int, default=7)\n', ""))
    backdate(program)
    cached = [f for f in report(root)["findings"] if f["code"] == "CFG001"]
    assert [f["path"] for f in cached] == ["configs/train.yaml"]
    assert cached == [f for f in report(root, "--no-cache")["findings"] if f["code"] == "CFG001"]


def test_import_sites_are_kept_per_file_under_their_context(make_repo, trusted_now, monkeypatch):
    """DEP004's scan is kept per file: an edit scans that file only; a new module anywhere (which may make an
    import first-party) scans them all again."""
    from reprocheck.facts import imports

    files = many_modules(6)
    files["src/demo/helper_1.py"] += "import localhelpers\n"
    root = make_repo(files)
    age(root)
    first = [f["message"] for f in report(root)["findings"] if f["code"] == "DEP004"]
    assert any("localhelpers" in m for m in first)
    scanned: list[str] = []
    original = imports.ThirdPartyImports.sites

    def counting(self, rel, sources):
        scanned.append(rel)
        return original(self, rel, sources)

    monkeypatch.setattr(imports.ThirdPartyImports, "sites", counting)
    edited = root / "src" / "demo" / "helper_4.py"
    edited.write_text(edited.read_text() + "import scipy\n")
    backdate(edited)
    after_edit = [f["message"] for f in report(root)["findings"] if f["code"] == "DEP004"]
    assert [p for p in scanned if "helper_" in p] == ["src/demo/helper_4.py"]
    assert any("scipy" in m for m in after_edit)
    (root / "src" / "demo" / "localhelpers.py").write_text("VALUE = 1\n")
    backdate(root / "src" / "demo" / "localhelpers.py")
    scanned.clear()
    cached = [f for f in report(root)["findings"] if f["code"] == "DEP004"]
    assert len([p for p in scanned if "helper_" in p]) == 6  # the context changed: every file again
    assert not any("localhelpers" in f["message"] for f in cached)
    assert cached == [f for f in report(root, "--no-cache")["findings"] if f["code"] == "DEP004"]


@pytest.mark.parametrize("kept", [None, "x", [["torch", 1, None]], [["torch", "1", None, None]], [[1, 1, None, None]]])
def test_kept_import_sites_of_the_wrong_shape_are_a_miss(kept):
    from reprocheck.facts.imports import revive_sites

    assert revive_sites("a.py", kept) is None
    assert revive_sites("a.py", [["torch", 3, None, None]])[0].line == 3


def test_module_names_are_kept_per_listing(make_repo, trusted_now, monkeypatch):
    """The import names of every Python file depend on the listing only: an edit of a file's content takes them
    from the cache, a new package folder computes them again."""
    from reprocheck.facts import pycode

    root = make_repo(many_modules(4))
    age(root)
    report(root)
    computed: list[str] = []
    original = pycode.module_names

    def counting(path, packages):
        computed.append(path)
        return original(path, packages)

    monkeypatch.setattr(pycode, "module_names", counting)
    edited = root / "src" / "demo" / "helper_2.py"
    edited.write_text(edited.read_text() + "import scipy\n")
    backdate(edited)
    assert report(root)["findings"] == report(root, "--no-cache")["findings"]
    computed.clear()
    edited.write_text(edited.read_text() + "import pandas\n")
    backdate(edited)
    report(root)
    assert computed == []
    (root / "src" / "demo" / "sub").mkdir()
    (root / "src" / "demo" / "sub" / "__init__.py").write_text("")
    (root / "src" / "demo" / "sub" / "net.py").write_text("import torch\n")
    backdate(root / "src" / "demo" / "sub" / "net.py")
    backdate(root / "src" / "demo" / "sub" / "__init__.py")
    assert report(root)["findings"] == report(root, "--no-cache")["findings"]
    assert "src/demo/sub/net.py" in computed


@pytest.mark.parametrize(
    "names", [["a", "b.c", "x.y.z"], ["scripts.run", "run", "elsewhere.run"], [], ["demo.models.__init__"]]
)
def test_module_names_are_packed_and_unpacked_alike(names):
    from reprocheck.facts.pycode import pack_names, unpack_names

    for rel in ("a.py", "scripts/run.py", "src/demo/models/__init__.py", "x/y/z.py"):
        assert unpack_names(rel, pack_names(rel, names)) == names


@pytest.mark.parametrize("item", [None, "x", [1], [[0], []], [[None], []], [["a"], [99]], [[1.5], []]])
def test_kept_module_names_of_the_wrong_shape_are_a_miss(make_repo, trusted_now, monkeypatch, item):
    from reprocheck.facts import pycode

    root = make_repo(many_modules(2))
    age(root)
    report(root)
    original = FileCache.derived

    def damaged(self, name, key, digest):
        kept = original(self, name, key, digest)
        return [item] * len(kept) if name == pycode.MODULE_NAMES and isinstance(kept, list) else kept

    monkeypatch.setattr(FileCache, "derived", damaged)
    edited = root / "src" / "demo" / "helper_1.py"
    edited.write_text(edited.read_text() + "import scipy\n")
    backdate(edited)
    assert report(root)["findings"] == report(root, "--no-cache")["findings"]


@pytest.mark.parametrize("kept", [None, "x", [-1], [10**6], ["configs/train.yaml"], [0.5], {"a": 1}])
def test_kept_config_paths_of_the_wrong_shape_are_a_miss(make_repo, trusted_now, monkeypatch, kept):
    """The experiment configs of a listing are kept (as indexes of the candidate files); damage is a miss."""
    from reprocheck.facts import configs

    files = {**many_modules(2), "configs/train.yaml": "lr: 1e-3\n", "configs/eval.yaml": "seed: [\n"}
    root = make_repo(files)
    age(root)
    report(root)
    original = FileCache.derived

    def damaged(self, name, key, digest):
        value = original(self, name, key, digest)
        return kept if name == configs.CONFIG_PATHS and value is not MISSING else value

    monkeypatch.setattr(FileCache, "derived", damaged)
    edited = root / "src" / "demo" / "helper_1.py"
    edited.write_text(edited.read_text() + "import scipy\n")
    backdate(edited)
    cached = report(root)["findings"]
    assert cached == report(root, "--no-cache")["findings"]
    assert {f["path"] for f in cached} >= {"configs/train.yaml", "configs/eval.yaml"}


CONFIGS = {
    **many_modules(2),
    "configs/train.yaml": "lr: 1e-3\nepochs: 3\naugment: off\nepochs: 4\nbatch:\tsize\n",  # CFG004 traps
    "configs/dated.yaml": "run: 2024-01-01\nlr: 0.1\n",  # a date: JSON cannot hold it, parsed on every run
    "configs/paths.yaml": "data: /home/alice/datasets/train\nlr: 0.1\nseed: 1\n",  # CFG003
    "configs/model/small.yaml": "# @package _global_\nlr: 0.1\n",  # partial: no CFG001
    "configs/schema.yaml": "# yaml-language-server: $schema=../schemas/missing.json\nlr: 0.1\n",
    "configs/broken.yaml": "lr: [\n",  # RPC002 on every run
    "configs/keys.yaml": "1: one\ntrue: yes\nlr: 0.1\n",  # keys JSON would turn into strings
    # Composition: the lines of `defaults:` entries and `_base_:` are kept too.
    "configs/main.yaml": "lr: 0.1\ndefaults:\n  - model: small\n  - missing: nothing\n  - _self_\n",
    "configs/over.yaml": "# an overlay\n_base_: ./paths.yaml\nlr: 0.2\n",
}


def test_yaml_configs_are_answered_from_the_cache_without_parsing(make_repo, trusted_now, monkeypatch):
    """After an edit elsewhere, an experiment config whose data JSON holds exactly is neither read nor parsed:
    its data, header, schema comment, YAML traps and user-path test are kept per file; the others parse."""
    from reprocheck.facts import yamlfiles

    root = make_repo(CONFIGS)
    age(root)
    expected = report(root, "--no-cache")["findings"]
    assert {"CFG003", "CFG004", "RPC002"} <= {f["code"] for f in expected}
    assert report(root)["findings"] == expected
    parsed: list[str] = []
    original = yamlfiles.parse_yaml

    def counting(path, text):
        parsed.append(path)
        return original(path, text)

    monkeypatch.setattr(yamlfiles, "parse_yaml", counting)
    edited = root / "src" / "demo" / "helper_1.py"
    edited.write_text(edited.read_text() + "import scipy\n")
    backdate(edited)
    assert report(root)["findings"] == report(root, "--no-cache")["findings"]
    parsed.clear()
    edited.write_text(edited.read_text() + "import pandas\n")
    backdate(edited)
    cached = report(root)["findings"]
    configs_parsed = sorted(p for p in parsed if p.startswith("configs/"))
    # paths.yaml may hold a user path: CFG003 looks at its nodes.
    assert configs_parsed == ["configs/broken.yaml", "configs/dated.yaml", "configs/keys.yaml", "configs/paths.yaml"]
    assert [f for f in cached if f["path"].startswith("configs/")] == [
        f for f in report(root, "--no-cache")["findings"] if f["path"].startswith("configs/")
    ]


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("configs/train.yaml", "lr: 0.001\nepochs: 3\nseed: 1\n"),  # the traps fixed
        ("configs/paths.yaml", "data: data/train\nlr: 0.1\nseed: 1\n"),  # the user path gone
        ("configs/model/small.yaml", "lr: 0.1\n"),  # no header any more
        ("configs/schema.yaml", "lr: 0.1\n"),  # no schema comment
        ("configs/broken.yaml", "lr: 0.1\n"),  # repaired
        ("configs/dated.yaml", "lr: [\n"),  # broken
        ("configs/main.yaml", "defaults:\n  - model: small\n  - _self_\nlr: 0.1\n"),  # entries moved
        ("configs/over.yaml", "lr: 0.2\n"),  # no include any more
    ],
)
def test_an_edited_yaml_config_is_read_again(make_repo, trusted_now, path, content):
    root = make_repo(CONFIGS)
    age(root)
    report(root)
    (root / path).write_text(content)
    backdate(root / path)
    assert report(root)["findings"] == report(root, "--no-cache")["findings"]


@pytest.mark.parametrize(
    "kept",
    [
        None,
        "x",
        [{}, 1, None, {}],
        [{}, True, None],
        [{}, True, ["a"], {}],
        [{}, True, [1, 2], {}],
        [{}, "yes", None, {}],
        [{}, True, None, {"defaults": ["3"]}],
        [{}, True, None, {"other": 3}],
        [{}, True, None, []],
    ],
)
def test_kept_yaml_configs_of_the_wrong_shape_are_a_miss(make_repo, trusted_now, monkeypatch, kept):
    from reprocheck.facts import configs

    root = make_repo(CONFIGS)
    age(root)
    report(root)
    original = FileCache.get

    def damaged(self, rel, query):
        value = original(self, rel, query)
        return kept if query == configs.YAML_SUMMARY and value is not MISSING else value

    monkeypatch.setattr(FileCache, "get", damaged)
    edited = root / "src" / "demo" / "helper_1.py"
    edited.write_text(edited.read_text() + "import scipy\n")
    backdate(edited)
    assert report(root)["findings"] == report(root, "--no-cache")["findings"]


@pytest.mark.parametrize(
    ("data", "same"),
    [({"a": 1}, True), ({"a": 1.0}, True), ({"a": [True, None, "x"]}, True), ({1: "a"}, False), ([1], True)],
)
def test_json_keeps_yaml_data_only_exactly(data, same):
    from reprocheck.facts.configs import same_types

    copy = json.loads(json.dumps(data))
    assert (copy == data and same_types(copy, data)) is same
    assert not same_types(json.loads("[1]"), [1.0]) and not same_types(json.loads("[1]"), [True])


def test_kept_lines_of_composition_are_the_parsed_ones():
    from reprocheck.facts.configs import ConfigFile, KeptYamlConfig, known_lines
    from reprocheck.facts.yamlfiles import parse_yaml

    text = (
        "# top\nlr: 0.1\n\ndefaults:\n  - model: small\n\n  - /db: pg\n  - _self_\n"
        "_base_:\n  - a.yaml\n_BASE_: b.yaml\n"
    )
    parsed = parse_yaml("c.yaml", text)
    fresh = ConfigFile("c.yaml", "yaml", parsed.data, text, parsed)
    kept = KeptYamlConfig(None, "c.yaml", parsed.data, False, None, known_lines(fresh))
    kept.yaml = None  # nothing to parse: every line asked must come from what was kept
    for keys in [("defaults", 0), ("defaults", 1), ("defaults", 2), ("_base_",), ("_BASE_",)]:
        assert kept.line_of(*keys) == fresh.line_of(*keys) > 1
