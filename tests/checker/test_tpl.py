"""TPL001 (Copier answers that let `copier update` work) and TPL002 (leftovers of an update)."""

from __future__ import annotations

import pytest

from tests.conftest import findings, git, run_cli

OPEN, MIDDLE, CLOSE = "<" * 7, "=" * 7, ">" * 7
CONFLICT = f"torch\n{OPEN} before updating\ntorch==2.1.0\n{MIDDLE}\ntorch==2.3.1\n{CLOSE} after updating\n"


def found(make_repo, files, code, **kwargs):
    root = make_repo(files, **kwargs)
    return [(f["path"], f["line"], f["message"]) for f in findings(root, select=code)]


def answers(src: str | None = "gh:org/ml-template", commit: str | None = "v1.2.0") -> str:
    lines = ["# Changes here will be overwritten by Copier"]
    if commit is not None:
        lines.append(f"_commit: {commit}")
    if src is not None:
        lines.append(f"_src_path: {src}")
    lines.append("project_name: demo")
    return "\n".join(lines) + "\n"


# -- TPL001 -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("src", "commit", "expected"),
    [
        ("../ml-template", "v1.2.0", [(3, "has _src_path ../ml-template, a relative local path")]),
        ("template", "v1.2.0", [(3, "has _src_path template, a relative local path")]),
        (None, "v1.2.0", [(1, "has no _src_path")]),
        ("gh:org/t", "3f2a9c1", [(2, "has _commit 3f2a9c1, a bare commit and not a tag")]),
        ("gh:org/t", "HEAD", [(2, "has _commit HEAD, a bare commit and not a tag")]),
        ("gh:org/t", "main", [(2, "has _commit main, a branch name and not a tag")]),
        ("gh:org/t", None, [(1, "has no _commit")]),
        ("./t", "'0123456789abcdef0123456789abcdef01234567'", [(3, "relative"), (2, "a bare commit")]),
    ],
)
def test_tpl001_fires(make_repo, src, commit, expected):
    result = found(make_repo, {".copier-answers.yml": answers(src, commit)}, "TPL001")
    assert len(result) == len(expected)
    for line, fragment in expected:
        assert any(l2 == line and fragment in message for _, l2, message in result), (line, fragment, result)
    assert all(path == ".copier-answers.yml" for path, _, _ in result)


def test_tpl001_message_names_the_fix(make_repo):
    ((_, _, message),) = found(make_repo, {".copier-answers.yml": answers(commit="main")}, "TPL001")
    assert message == (
        ".copier-answers.yml has _commit main, a branch name and not a tag: copier update would diff against the "
        "branch's current state, not the version the project was generated from; generate from a tagged release "
        "(copier copy --vcs-ref v<X.Y.Z> ...)"
    )


@pytest.mark.parametrize("commit", ["abc1234", "HEAD", "0123456789abcdef0123456789abcdef01234567"])
def test_tpl001_a_bare_commit_is_info_and_does_not_fail_the_run(make_repo, commit):
    root = make_repo({".copier-answers.yml": answers(commit=commit)})
    [finding] = findings(root, select="TPL001")
    assert finding["severity"] == "info" and "copier update works, but without version ordering" in finding["message"]
    assert run_cli(str(root), "--select", "TPL001").exit_code == 0


@pytest.mark.parametrize(("commit", "severity"), [(None, "warning"), ("develop", "warning")])
def test_tpl001_what_breaks_an_update_is_a_warning(make_repo, commit, severity):
    [finding] = findings(make_repo({".copier-answers.yml": answers(commit=commit)}), select="TPL001")
    assert finding["severity"] == severity


def test_tpl001_an_untracked_answers_file(make_repo):
    root = make_repo({"README.md": "x\n"})
    (root / ".copier-answers.yml").write_text(answers(), encoding="utf-8")
    [finding] = findings(root, select="TPL001")
    assert finding["severity"] == "warning" and finding["message"].startswith(".copier-answers.yml is not tracked")
    git(root, "add", ".copier-answers.yml")
    assert findings(root, select="TPL001") == []


@pytest.mark.parametrize(
    ("src", "commit"),
    [
        ("gh:org/ml-template", "v1.2.0"),
        ("gl:group/ml-template", "1.2.0"),
        ("https://github.com/org/ml-template.git", "v1.2.0-3-gabcdef0"),
        ("git@github.com:org/ml-template.git", "v2.0.0rc1"),
        ("/opt/templates/ml", "release-2024.05"),
        ("~/templates/ml", "v1.0"),
        ("C:\\templates\\ml", "v1.0"),
    ],
)
def test_tpl001_lookalikes(make_repo, src, commit):
    files = {".copier-answers.yml": answers(src, commit), ".copier-answers.docs.yml": answers(src, commit)}
    assert found(make_repo, files, "TPL001") == []


def test_tpl001_other_answers_files_and_bad_yaml(make_repo):
    root = make_repo(
        {
            ".copier-answers.ci.yml": answers(src="../ci-template"),
            "sub/.copier-answers.yml": "_src_path: [unclosed\n",
            "copier-answers.yml": answers(src="../not-an-answers-file"),
        }
    )
    result = sorted((f["code"], f["path"]) for f in findings(root, select="TPL001,RPC002"))
    assert result == [("RPC002", "sub/.copier-answers.yml"), ("TPL001", ".copier-answers.ci.yml")]


# -- TPL002 -------------------------------------------------------------------------------------------------------
def test_tpl002_rej_files_and_conflict_blocks(make_repo):
    files = {
        "requirements.txt.rej": "@@ -1 +1 @@\n-torch==2.1.0\n+torch==2.3.1\n",
        "requirements.txt": CONFLICT,
        "configs/train.yaml": f"lr: 0.1\n{OPEN} HEAD\nseed: 1\n{MIDDLE}\nseed: 2\n{CLOSE} template\n",
    }
    result = found(make_repo, files, "TPL002")
    assert result == [
        (
            "configs/train.yaml",
            2,
            "unresolved merge conflict in configs/train.yaml (lines 2-6): keep the right side of each and delete the "
            "conflict markers",
        ),
        ("requirements.txt", 2, "unresolved merge conflict in requirements.txt (lines 2-6): keep the right side of "
                                "each and delete the conflict markers"),
        (
            "requirements.txt.rej",
            1,
            "requirements.txt.rej holds rejected hunks of an update to requirements.txt: apply them by hand, then "
            "delete the .rej file",
        ),
    ]  # fmt: skip


def test_tpl002_one_finding_per_file_and_merge_tool_backups(make_repo):
    block = f"{OPEN} HEAD\nx = 1\n{MIDDLE}\nx = 2\n{CLOSE} theirs\n"
    files = {
        "src/lm.py": "x = 0\n",
        "src/lm.py.orig": f"x = 0\n{block}y = 0\n{block}{block}",
        "src/other.py": f"{block}z = 1\n{block}",
    }
    root = make_repo(files)
    found_ = {f["path"]: f for f in findings(root, select="TPL002")}
    assert set(found_) == {"src/lm.py.orig", "src/other.py"}
    backup = found_["src/lm.py.orig"]
    assert backup["message"].startswith("3 unresolved merge conflicts in src/lm.py.orig (lines 2-6, 8-12, 13-17):")
    assert "a merge tool's backup of src/lm.py: delete it" in backup["message"]
    assert [r["line"] for r in backup["related"]] == [8, 13]
    other = found_["src/other.py"]
    assert "keep the right side of each" in other["message"] and [r["line"] for r in other["related"]] == [7]


def test_tpl002_outside_git_reads_with_a_prefilter(make_repo):
    files = {"a.py": f"x = 1\n{OPEN} ours\nx = 2\n{MIDDLE}\nx = 3\n{CLOSE} theirs\n", "b.py": "x = 1\n"}
    result = found(make_repo, files, "TPL002", git_init=False)
    assert [(p, line) for p, line, _ in result] == [("a.py", 2)]


def test_tpl002_lookalikes(make_repo):
    files = {
        "docs/git.md": f"Git writes `{OPEN} HEAD` where a conflict starts.\n",
        "heading.rst": f"Title\n{MIDDLE}\n",
        "only_open.txt": f"{OPEN} a lone marker\n",
        "data.bin": (f"{OPEN} x\n{CLOSE} y\n").encode() + b"\x00\x01",
        "indented.py": f"s = '''\n  {OPEN} not at line start\n  {CLOSE} either\n'''\n",
        "notes.rej.md": "not a reject file\n",
    }
    assert found(make_repo, files, "TPL002") == []


def test_tpl002_untracked_conflicts_are_not_reported_but_untracked_rej_files_are(make_repo):
    root = make_repo({"README.md": "# x\n"})
    (root / "scratch.txt").write_text(CONFLICT)
    (root / "pyproject.toml.rej").write_text("@@\n")
    result = [(f["path"], f["line"]) for f in findings(root, select="TPL002")]
    assert result == [("pyproject.toml.rej", 1)]
    git(root, "add", "scratch.txt")
    assert [f["path"] for f in findings(root, select="TPL002")] == ["pyproject.toml.rej", "scratch.txt"]
