"""The engine: facts built once, RPC002 for unparsable inputs, rule crashes, severities, roots and paths."""

from __future__ import annotations

import pytest

from reprocheck.facts.structured import load_json, load_toml
from reprocheck.facts.yamlfiles import load_yaml
from reprocheck.findings import Severity
from tests.conftest import findings, marker_rule, run_cli


def loader_rule(define, code: str = "ZZZ002"):
    """Parses every YAML, TOML and JSON file the way real rules do, reporting nothing itself."""

    def check(self, project):
        for rel in project.files:
            if rel.endswith((".yaml", ".yml")):
                load_yaml(project, rel)
            elif rel.endswith(".toml"):
                load_toml(project, rel)
            elif rel.endswith(".json"):
                load_json(project, rel)
        return ()

    return define(code, check)


def test_rpc002_reports_broken_yaml_toml_and_json_with_positions(make_repo, scratch_rules):
    loader_rule(scratch_rules)
    root = make_repo(
        {
            "configs/train.yaml": "model:\n  lr: 0.1\n layers: 3\n",
            "pyproject.toml": '[project]\nname = "x"\nversion = \n',
            "data/schema.json": '{"a": 1,,}\n',
            "configs/good.yaml": "seed: 1\n",
        }
    )
    found = findings(root, select="RPC002,ZZZ002")
    by_path = {f["path"]: f for f in found}
    assert set(by_path) == {"configs/train.yaml", "pyproject.toml", "data/schema.json"}
    assert all(f["code"] == "RPC002" and f["severity"] == "error" for f in found)
    assert by_path["configs/train.yaml"]["line"] == 3
    assert "invalid YAML" in by_path["configs/train.yaml"]["message"]
    assert by_path["pyproject.toml"]["line"] == 3
    assert "invalid TOML" in by_path["pyproject.toml"]["message"]
    assert by_path["data/schema.json"]["line"] == 1 and by_path["data/schema.json"]["column"] == 9
    assert "invalid JSON" in by_path["data/schema.json"]["message"]


def test_rpc002_binary_and_bad_encodings_never_crash(make_repo, scratch_rules):
    loader_rule(scratch_rules)
    root = make_repo(
        {
            "configs/blob.yaml": b"\x00\x01\x02binary",
            "configs/latin.yaml": "name: caf\xe9\n".encode("latin-1"),
            "configs/bom.yaml": b"\xef\xbb\xbfseed: 1\n",
            "configs/utf16.json": '{"seed": 1}'.encode("utf-16"),
        }
    )
    found = findings(root, select="RPC002,ZZZ002")
    assert [(f["path"], "binary" in f["message"]) for f in found] == [("configs/blob.yaml", True)]


def test_rpc002_alone_reports_only_what_rules_read(make_repo):
    """RPC002 reports files a selected rule had to parse; it does not parse everything by itself."""
    root = make_repo({"notes/random.json": "{not json"})
    assert findings(root, select="RPC002") == []


def test_each_file_is_parsed_once_whoever_asks(make_repo, scratch_rules, monkeypatch):
    import reprocheck.facts.yamlfiles as yamlfiles

    calls = []
    real = yamlfiles.parse_yaml

    def counting(path, text):
        calls.append(path)
        return real(path, text)

    monkeypatch.setattr(yamlfiles, "parse_yaml", counting)
    loader_rule(scratch_rules, "ZZZ002")
    loader_rule(scratch_rules, "ZZZ003")
    root = make_repo({"a.yaml": "x: 1\n", "b.yml": "y: 2\n"})
    findings(root, select="ZZZ")
    assert sorted(calls) == ["a.yaml", "b.yml"]


def test_facts_are_built_lazily_once_and_shared(make_repo, scratch_rules):
    from reprocheck.facts import fact

    built = []

    @fact
    def synthetic_fact(project):
        built.append(1)
        return len(project.files)

    seen = []

    def check(self, synthetic_fact):
        seen.append(synthetic_fact)
        return ()

    scratch_rules("ZZZ004", check)
    scratch_rules("ZZZ005", check)
    root = make_repo({"a.txt": "x"})
    findings(root, select="ZZZ004,ZZZ005")
    assert built == [1] and seen == [1, 1]
    built.clear()
    findings(root, select="RPC")  # no rule asks for it: never built
    assert built == []


def test_exception_in_one_rule_is_reported_and_other_findings_still_print(make_repo, scratch_rules):
    def explode(self, project):
        yield self.finding("partial finding before the crash", "a.txt", 1)
        raise KeyError("boom")

    scratch_rules("ZZZ006", explode)
    marker_rule(scratch_rules)
    root = make_repo({"a.txt": "BAD\n"})
    result = run_cli(str(root), "--select", "ZZZ", "--output-format", "concise", "--no-color")
    assert result.exit_code == 2
    assert "reprocheck: internal error in rule ZZZ006: KeyError: 'boom'" in result.stderr
    assert "Traceback" not in result.stderr
    assert "a.txt:1:1: ZZZ001 [W] BAD found in a.txt" in result.stdout
    assert "partial finding before the crash" in result.stdout

    debug = run_cli(str(root), "--select", "ZZZ", "--debug", "--output-format", "json")
    assert debug.exit_code == 2
    assert "Traceback" in debug.stderr and "KeyError" in debug.stderr
    assert debug.json["summary"]["rule_errors"] == ["ZZZ006"]


def test_rule_error_exit_code_wins_over_exit_zero(make_repo, scratch_rules):
    def explode(self):
        raise RuntimeError("x")

    scratch_rules("ZZZ006", explode)
    root = make_repo({"a.txt": ""})
    assert run_cli(str(root), "--select", "ZZZ006", "--exit-zero").exit_code == 2


def test_a_finding_keeps_the_severity_its_rule_gave_unless_configured(make_repo, scratch_rules):
    def mixed(self):
        yield self.finding("default severity", "a.txt", 1)
        info = self.finding("an info-level case of the same rule", "a.txt", 2)
        info.severity = Severity.INFO
        yield info

    scratch_rules("ZZZ007", mixed)
    root = make_repo({"a.txt": "1\n2\n"})
    assert [f["severity"] for f in findings(root, select="ZZZ007")] == ["warning", "info"]
    root2 = make_repo({"a.txt": "1\n2\n", "reprocheck.toml": '[severity]\nZZZ007 = "error"\n'})
    assert [f["severity"] for f in findings(root2, select="ZZZ007")] == ["error", "error"]


def test_outside_git_the_walk_honours_gitignore_and_skips_tool_folders(make_repo, scratch_rules):
    marker_rule(scratch_rules)
    root = make_repo(
        {
            ".gitignore": "build/\n*.log\n",
            "sub/.gitignore": "local.txt\n",
            "a.txt": "BAD",
            "build/x.txt": "BAD",
            "run.log": "BAD",
            "sub/local.txt": "BAD",
            "sub/kept.txt": "BAD",
            ".venv/lib/x.txt": "BAD",
            "node_modules/x/y.txt": "BAD",
        },
        git_init=False,
    )
    assert sorted(f["path"] for f in findings(root, select="ZZZ001")) == ["a.txt", "sub/kept.txt"]


def test_in_git_untracked_files_count_and_ignored_ones_do_not(make_repo, scratch_rules):
    marker_rule(scratch_rules)
    root = make_repo({".gitignore": "out/\n", "a.txt": "BAD"})
    (root / "new.txt").write_text("BAD")
    (root / "out").mkdir()
    (root / "out" / "x.txt").write_text("BAD")
    (root / "a.txt").unlink()  # deleted in the work tree but still in the index
    assert [f["path"] for f in findings(root, select="ZZZ001")] == ["new.txt"]


def test_exclude_removes_files_from_every_rule(make_repo, scratch_rules):
    marker_rule(scratch_rules)
    root = make_repo({"reprocheck.toml": 'exclude = ["vendor/", "*.gen.txt"]\n', "vendor/a.txt": "BAD"})
    (root / "x.gen.txt").write_text("BAD")
    (root / "keep.txt").write_text("BAD")
    assert [f["path"] for f in findings(root, select="ZZZ001")] == ["keep.txt"]


def test_a_subfolder_or_file_path_limits_the_report_but_not_the_root(make_repo, scratch_rules):
    marker_rule(scratch_rules)
    root = make_repo(
        {
            "reprocheck.toml": '[severity]\nZZZ001 = "error"\n',
            "top.txt": "BAD",
            "pkg/a.txt": "BAD",
            "pkg/deep/b.txt": "BAD",
            "pkgother/c.txt": "BAD",
        }
    )
    found = findings(root / "pkg", select="ZZZ001")
    assert sorted(f["path"] for f in found) == ["pkg/a.txt", "pkg/deep/b.txt"]
    assert {f["severity"] for f in found} == {"error"}  # the root's configuration applies
    assert [f["path"] for f in findings(root / "pkg" / "a.txt", select="ZZZ001")] == ["pkg/a.txt"]


def test_several_roots_are_checked_each_with_its_own_settings(make_repo, scratch_rules, tmp_path):
    marker_rule(scratch_rules)
    one = make_repo({"a.txt": "BAD", "reprocheck.toml": 'ignore = ["ZZZ001"]\n'})
    two = make_repo({"b.txt": "BAD"})
    result = run_cli(str(one), str(two), "--select", "ZZZ001", "--output-format", "json", cwd=tmp_path)
    assert result.exit_code == 1
    assert [f["path"] for f in result.json["findings"]] == ["repo2/b.txt"]
    assert [f["path"] for f in result.json["suppressed"]] == ["repo1/a.txt"]


def test_symlinks_leaving_the_root_are_not_read(make_repo, scratch_rules, tmp_path):
    loader_rule(scratch_rules)
    outside = tmp_path / "secret.yaml"
    outside.write_text("a: [\n")
    root = make_repo({"ok.yaml": "a: 1\n"})
    (root / "link.yaml").symlink_to(outside)
    found = findings(root, select="RPC002,ZZZ002")
    assert [(f["path"], "outside the repository" in f["message"]) for f in found] == [("link.yaml", True)]


def test_huge_files_are_refused_not_read(make_repo, scratch_rules, monkeypatch):
    import reprocheck.project as project_module

    monkeypatch.setattr(project_module, "MAX_READ_BYTES", 100)
    loader_rule(scratch_rules)
    root = make_repo({"big.yaml": "a: 1\n" * 100, "small.yaml": "a: 1\n"})
    found = findings(root, select="RPC002,ZZZ002")
    assert [f["path"] for f in found] == ["big.yaml"]
    assert "read limit" in found[0]["message"]


def test_contents_are_kept_for_the_run_within_a_memory_budget(make_repo, monkeypatch):
    from reprocheck import project as project_module
    from reprocheck.config import Settings
    from reprocheck.project import Project

    root = make_repo({"a.txt": "\u00e4aaaaa\n", "b.txt": "bbbbbbb\n", "c.txt": "ccc\n"})
    project = Project(root=root, settings=Settings(), files=["a.txt", "b.txt", "c.txt"], tracked=None)
    monkeypatch.setattr(project_module, "MAX_KEPT_BYTES", 20)
    assert project.read_bytes("a.txt") == "\u00e4aaaaa\n".encode() and project.is_kept("a.txt")
    assert project.read_text("a.txt") == "\u00e4aaaaa\n"  # 8 bytes + 7 characters: within the budget
    assert project.read_bytes("b.txt") == b"bbbbbbb\n" and not project.is_kept("b.txt")  # over it: read, not kept
    (root / "a.txt").write_text("changed\n")
    assert project.read_text("a.txt") == "\u00e4aaaaa\n"  # one run sees one version of a file
    assert project.read_bytes("b.txt") == b"bbbbbbb\n"
    # An ASCII file's text is its bytes: one copy is kept (4 bytes fit the 5 left), and both read back alike.
    assert project.read_text("c.txt") == "ccc\n" and project.is_kept("c.txt")
    (root / "c.txt").write_text("new\n")
    assert project.read_bytes("c.txt") == b"ccc\n" and project.read_text("c.txt") == "ccc\n"
    with pytest.raises(project_module.UnreadableFile):
        project.read_bytes("c.txt", limit=3)


def test_files_under_template_paths_are_not_parsed_as_their_kind(make_repo):
    """`{{cookiecutter.name}}/x.py` is the source of a generated file: its Jinja is not a syntax error of ours."""
    root = make_repo(
        {
            "templates/{{cookiecutter.name}}/model_{{cookiecutter.lower}}.py": "class {{cookiecutter.camel}}Model:\n",
            "templates/{{cookiecutter.name}}/configs/train.yaml": "{% if x %}\nseed: {{ seed }}\n{% endif %}\n",
            "templates/{% if gpu %}Dockerfile{% endif %}": "FROM {{ image }}\n",
            "configs/broken.yaml": "seed: [1\n",
        }
    )
    found = findings(root, select="RPC002,DKR,CFG")
    assert [(f["code"], f["path"]) for f in found] == [("RPC002", "configs/broken.yaml")]
