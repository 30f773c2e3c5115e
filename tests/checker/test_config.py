"""Settings: where they are found, how they are validated, and what `config --show` prints."""

from __future__ import annotations

import json

import pytest

from reprocheck.config import ConfigError, Settings, load_schema, load_settings, parse_size
from tests.conftest import findings, marker_rule, run_cli


def error_of(root, *args) -> str:
    """Run a check expected to fail on its settings; return the one stderr line."""
    result = run_cli(str(root), *args, cwd=root)
    assert result.exit_code == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reprocheck: error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            'selectt = ["ALL"]',
            "pyproject.toml [tool.reprocheck]: unknown key 'selectt'; expected one of: baseline, cache-dir,",
        ),
        ('select = "ALL"', "pyproject.toml [tool.reprocheck]: select: 'ALL' is not of type 'array'; expected a list"),
        (
            'select = ["XYZ9"]',
            "pyproject.toml [tool.reprocheck]: select: unknown rule selector 'XYZ9'; expected a rule code",
        ),
        ('extend-select = ["RPC999"]', "extend-select: unknown rule selector 'RPC999'"),
        ('ignore = ["NOPE"]', "ignore: unknown rule selector 'NOPE'"),
        ("ignore = {RPC001 = 3}", "ignore.RPC001: 3 is not of type 'string'; expected a list of strings or a table"),
        ('per-file-ignores = {"tests/**" = ["NOPE"]}', "per-file-ignores.\"tests/**\": unknown rule selector 'NOPE'"),
        ('per-file-ignores = {"tests/**" = "RPC"}', "per-file-ignores.\"tests/**\": 'RPC' is not of type 'array'"),
        ('severity = {XX = "error"}', "severity: unknown rule selector 'XX'"),
        ('severity = {RPC001 = "fatal"}', "severity.RPC001: 'fatal' is not one of"),
        (
            'fail-on = "warn"',
            "fail-on: 'warn' is not one of ['error', 'warning', 'info', 'never']; expected one of \"error\"",
        ),
        ('project-type = "app"', "project-type: 'app' is not one of"),
        ('max-file-size = "1 potato"', "max-file-size: '1 potato' does not match"),
        ("max-file-size = 0", "max-file-size: 0 is less than the minimum of 1"),
        ("seed-keys = []", "seed-keys: [] should be non-empty"),
        ("import-map = {cv2 = 3}", "import-map.cv2: 3 is not valid under any"),
        ("exclude = [1]", "exclude[0]: 1 is not of type 'string'"),
        (r"exclude = ['data/', 'x\']", r"exclude[1]: 'x\\' is not a valid glob"),
        (r"per-file-ignores = {'a\' = ['RPC']}", r"""per-file-ignores."a\\": 'a\\' is not a valid glob"""),
    ],
)
def test_invalid_settings_exit_2_naming_file_key_and_expectation(make_repo, table, expected):
    root = make_repo({"pyproject.toml": f"[tool.reprocheck]\n{table}\n"})
    line = error_of(root)
    assert expected in line
    assert "expected" in line


def test_reprocheck_toml_errors_name_that_file(make_repo):
    root = make_repo({"reprocheck.toml": 'fail-on = "sometimes"\n'})
    assert error_of(root).startswith("reprocheck: error: reprocheck.toml: fail-on: 'sometimes' is not one of")
    root = make_repo({"reprocheck.toml": 'select = ["RPC"\n'})
    assert error_of(root).startswith("reprocheck: error: reprocheck.toml: invalid TOML: ")
    root = make_repo({"reprocheck.toml": "[tool.reprocheck]\nselect = []\n"})
    assert "reprocheck.toml: unknown key 'tool'" in error_of(root)


def test_broken_pyproject_holding_our_table_is_an_error_otherwise_rpc002(make_repo):
    root = make_repo({"pyproject.toml": '[tool.reprocheck]\nselect = ["RPC"\n'})
    assert "pyproject.toml: invalid TOML" in error_of(root)
    root = make_repo({"pyproject.toml": '[project]\nname = "x\n'})
    assert run_cli(str(root), "--isolated").exit_code in (0, 1)  # not a usage error: the rules judge it


def test_command_line_errors_name_the_option(make_repo):
    root = make_repo({"a.txt": ""})
    assert error_of(root, "--select", "RPC,NOPE").endswith(
        "--select: unknown rule selector 'NOPE'; expected a rule code (DEP001), a family or code prefix "
        "(DEP, DEP00) or ALL; see `reprocheck rules`"
    )
    assert "--extend-select: unknown rule selector 'X1'" in error_of(root, "--extend-select", "X1")
    assert "--ignore: unknown rule selector 'Y'" in error_of(root, "--ignore", "Y")
    assert "--fail-on: 'sometimes' is not one of error, warning, info, never" in error_of(
        root, "--fail-on", "sometimes"
    )
    assert "nope.toml: no such configuration file" in error_of(root, "--config", "nope.toml")


def test_reprocheck_toml_wins_over_pyproject(make_repo, scratch_rules):
    marker_rule(scratch_rules)
    root = make_repo(
        {
            "pyproject.toml": '[tool.reprocheck]\nselect = ["RPC"]\n',
            "reprocheck.toml": 'select = ["ZZZ001"]\n',
            "a.txt": "BAD",
        }
    )
    result = run_cli(str(root), "--output-format", "json")
    assert [f["code"] for f in result.json["findings"]] == ["ZZZ001"]


def test_pyproject_without_our_table_is_not_a_config(make_repo):
    root = make_repo({"pyproject.toml": '[project]\nname = "x"\n'})
    settings = load_settings(root)
    assert settings.config_file is None and settings.select is None


def test_config_option_and_isolated(make_repo, scratch_rules, tmp_path):
    marker_rule(scratch_rules)
    root = make_repo({"reprocheck.toml": 'ignore = ["ZZZ001"]\n', "a.txt": "BAD"})
    other = tmp_path / "strict.toml"
    other.write_text('select = ["ZZZ001"]\nfail-on = "error"\n')

    assert findings(root, select="ZZZ001") == []  # ignored by the root's file
    assert [f["code"] for f in findings(root, "--isolated", select="ZZZ001")] == ["ZZZ001"]
    result = run_cli(str(root), "--config", str(other), "--output-format", "json")
    assert [f["code"] for f in result.json["findings"]] == ["ZZZ001"]
    assert result.exit_code == 0  # fail-on error from the given file; the finding is a warning


def test_fail_on_from_config_and_command_line(make_repo, scratch_rules):
    marker_rule(scratch_rules)
    root = make_repo({"reprocheck.toml": 'select = ["ZZZ001"]\nfail-on = "never"\n', "a.txt": "BAD"})
    assert run_cli(str(root)).exit_code == 0
    assert run_cli(str(root), "--fail-on", "warning").exit_code == 1


def test_ignore_table_reasons_show_in_reports(make_repo, scratch_rules):
    marker_rule(scratch_rules)
    root = make_repo(
        {
            "pyproject.toml": '[tool.reprocheck]\nselect = ["ZZZ001"]\nignore = {ZZZ001 = "legacy data, see #12"}\n',
            "a.txt": "BAD",
        }
    )
    result = run_cli(str(root), "--output-format", "json")
    assert result.exit_code == 0
    assert result.json["findings"] == []
    assert result.json["suppressed"][0]["suppressed"] == "ignored in configuration: legacy data, see #12"
    text = run_cli(str(root), "--output-format", "concise", "--no-color").stdout
    assert "ZZZ001: 1 finding suppressed (ignored in configuration: legacy data, see #12)" in text
    assert "1 suppressed." in text


def test_lower_case_selectors_in_files_are_accepted(make_repo, scratch_rules):
    marker_rule(scratch_rules)
    root = make_repo({"reprocheck.toml": 'select = ["zzz001"]\nseverity = {zzz = "error"}\n', "a.txt": "BAD"})
    result = run_cli(str(root), "--output-format", "json")
    assert [(f["code"], f["severity"]) for f in result.json["findings"]] == [("ZZZ001", "error")]


def test_rule_options_are_parsed(make_repo):
    root = make_repo(
        {
            "reprocheck.toml": """
                max-file-size = "2MiB"
                import-map = {cv2 = "opencv-python-headless", PIL = ["pillow", "pillow-simd"]}
                seed-keys = ["seed", "rng_seed"]
                project-type = "library"
            """
        }
    )
    settings = load_settings(root)
    assert settings.max_file_size == 2 * 1024 * 1024
    assert settings.import_map == {"cv2": ["opencv-python-headless"], "PIL": ["pillow", "pillow-simd"]}
    assert settings.seed_keys == ["seed", "rng_seed"]
    assert settings.project_type == "library"
    assert settings.sources["max-file-size"].endswith("reprocheck.toml")
    assert settings.sources["exclude"] == "default"


@pytest.mark.parametrize(
    ("text", "size"), [(1000, 1000), ("500KB", 500_000), ("1.5 MiB", 1_572_864), ("3GB", 3 * 10**9), ("12", 12)]
)
def test_parse_size(text, size):
    assert parse_size(text) == size


def test_parse_size_rejects_unknown_units():
    with pytest.raises(ConfigError, match="max-file-size"):
        parse_size("3 parsecs")


def test_schema_and_settings_agree_on_keys():
    """Every key of the schema is a setting and the other way round (the docs list them from the schema)."""
    assert sorted(load_schema()["properties"]) == sorted(Settings.key_names())
    assert all(prop.get("description") for prop in load_schema()["properties"].values())


def test_config_show_prints_resolved_values_and_their_sources(make_repo):
    root = make_repo({"pyproject.toml": '[tool.reprocheck]\nselect = ["RPC001"]\nfail-on = "error"\n'})
    result = run_cli("config", "--show", str(root), "--ignore", "RPC002")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"root: {root.resolve()}"
    assert lines[1] == f"configuration file: {root.resolve() / 'pyproject.toml'}"
    assert f'select = ["RPC001"]  # {root.resolve() / "pyproject.toml"}' in lines
    assert 'fail-on = "error"  # ' + str(root.resolve() / "pyproject.toml") in lines
    assert 'ignore = {"RPC002": null}  # command line' in lines
    assert "max-file-size = 1048576  # default" in lines
    assert "# selected rules (1): RPC001" in lines
    assert lines[-1] == "# project type: application; the default (no PyPI publishing found)"
    for key in Settings.key_names():
        assert any(line.startswith(f"{key} = ") for line in lines), key
    values = {line.split(" = ")[0]: line.split(" = ", 1)[1].rsplit("  # ", 1)[0] for line in lines if " = " in line}
    assert json.loads(values["seed-keys"])[0] == "seed"


def test_config_show_names_the_detected_project_type_and_vendored_copies(make_repo):
    root = make_repo(
        {
            "README.md": "Install it:\n\n    pip install mylib\n",
            "pyproject.toml": '[project]\nname = "mylib"\n',
            "mylib/__init__.py": "",
            "ext/lib/setup.py": "from setuptools import setup\nsetup(name='transformers')\n",
            "ext/lib/src/transformers/__init__.py": "",
        }
    )
    lines = run_cli("config", "--show", str(root)).stdout.splitlines()
    assert lines[-2:] == [
        "# project type: library; README.md tells users to `pip install mylib`",
        "# vendored copy: ext/lib/ (transformers; only repository-wide rules report there)",
    ]


def test_config_without_show_and_with_bad_settings(make_repo):
    root = make_repo({"reprocheck.toml": "nope = 1\n"})
    result = run_cli("config", str(root))
    assert result.exit_code == 2 and "use `reprocheck config --show`" in result.stderr
    result = run_cli("config", "--show", str(root))
    assert result.exit_code == 2 and "unknown key 'nope'" in result.stderr
    assert run_cli("config", "--show", "--isolated", str(root)).exit_code == 0
