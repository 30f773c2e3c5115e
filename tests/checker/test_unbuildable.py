"""A Dockerfile that cannot build as committed (a COPY/ADD source no build context holds): the findings located in
it are set aside with the reason, not reported; look-alikes whose sources exist or may be made first stay judged."""

from __future__ import annotations

from tests.conftest import run_cli

BROKEN = """
FROM python:3.11-slim
RUN pip install torch
ADD requirements.txt requirements.txt
RUN pip install -r requirements.txt
"""


def report(root):
    result = run_cli(str(root), "--select", "DKR,SEC", "--no-cache", "--output-format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return result.json


def located(findings, path="Dockerfile"):
    return sorted(f["code"] for f in findings if f["path"] == path)


def test_findings_in_a_dockerfile_whose_source_is_gone_are_set_aside_with_the_reason(make_repo):
    data = report(make_repo({"Dockerfile": BROKEN, "train.py": "print(1)\n"}))
    assert located(data["findings"]) == []
    assert set(located(data["suppressed"])) >= {"DKR003", "DKR004"}
    reasons = {f["suppressed"] for f in data["suppressed"] if f["path"] == "Dockerfile"}
    assert reasons == {
        "the image cannot build as committed: ADD requirements.txt (line 3) names a file that the repository "
        "does not hold"
    }


def test_a_missing_copy_source_in_a_sub_folder_says_which_context(make_repo):
    dockerfile = "FROM python:3.11-slim\nCOPY src/ /app/src\nRUN pip install flask\n"
    data = report(make_repo({"service/Dockerfile": dockerfile, "service/app.py": "print(1)\n"}))
    assert located(data["findings"], "service/Dockerfile") == []
    assert "COPY src/ (line 2)" in next(f["suppressed"] for f in data["suppressed"])


def test_repository_wide_rules_still_report_in_an_unbuildable_dockerfile(make_repo):
    secret = BROKEN + "ENV HF_TOKEN=hf_" + "aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gH3j" + "\n"
    data = report(make_repo({"Dockerfile": secret}))
    assert located(data["findings"]) == ["SEC001"]


def test_a_present_source_keeps_the_findings(make_repo):
    data = report(make_repo({"Dockerfile": BROKEN, "requirements.txt": "numpy==2.1.0\n"}))
    assert {"DKR003", "DKR004"} <= set(located(data["findings"]))
    assert not [f for f in data["suppressed"] if f["path"] == "Dockerfile"]


def test_a_source_in_a_parent_folder_is_the_usual_build_from_the_root(make_repo):
    files = {"docker/Dockerfile": BROKEN, "requirements.txt": "numpy==2.1.0\n"}
    assert "DKR004" in located(report(make_repo(files))["findings"], "docker/Dockerfile")


def test_a_source_some_command_makes_before_the_build_keeps_the_findings(make_repo):
    makefile = "image:\n\tpip-compile -o requirements.txt requirements.in\n\tdocker build -t app .\n"
    files = {"Dockerfile": BROKEN, "requirements.in": "numpy\n", "Makefile": makefile}
    assert "DKR004" in located(report(make_repo(files))["findings"])


def test_a_git_ignored_build_artifact_keeps_the_findings(make_repo):
    dockerfile = "FROM python:3.11-slim\nCOPY dist/app-1.0-py3-none-any.whl /tmp/\nRUN pip install flask\n"
    files = {"Dockerfile": dockerfile, ".gitignore": "dist/\n"}
    assert "DKR004" in located(report(make_repo(files))["findings"])


def test_globs_variables_and_the_whole_context_are_not_judged(make_repo):
    for copy in ("COPY *.txt /app/", "ARG REQ\nCOPY ${REQ} /app/", "COPY . /app"):
        dockerfile = f"FROM python:3.11-slim\n{copy}\nRUN pip install flask\n"
        assert "DKR004" in located(report(make_repo({"Dockerfile": dockerfile}))["findings"]), copy


def test_a_file_the_readme_above_says_to_download_keeps_the_findings_each_dockerfile_on_its_own(make_repo):
    served = "FROM python:3.11-slim\nCOPY model.onnx .\nRUN pip install onnxruntime\n"
    typo = "FROM python:3.11-slim\nCOPY servce.py .\nRUN pip install flask\n"
    files = {
        "workshop/README.md": "Get the model first:\n\n    wget https://example.org/dl/model.onnx\n",
        "workshop/serve/Dockerfile": served,
        "kserve/Dockerfile": typo,
        "kserve/service.py": "print(1)\n",
    }
    data = report(make_repo(files))
    assert "DKR004" in located(data["findings"], "workshop/serve/Dockerfile")
    assert located(data["findings"], "kserve/Dockerfile") == []
    assert "COPY servce.py (line 2)" in next(f["suppressed"] for f in data["suppressed"])


def test_another_folders_readme_does_not_vouch_for_the_root_dockerfile(make_repo):
    files = {"Dockerfile": BROKEN, "examples/demo/README.md": "pip install -r requirements.txt\n"}
    assert located(report(make_repo(files))["findings"]) == []
