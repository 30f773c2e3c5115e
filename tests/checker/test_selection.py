"""Selection semantics: select / extend-select / ignore, prefixes, ALL, specificity, opt-in, per-file, severity."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from reprocheck.config import ConfigError, Settings, apply_cli
from reprocheck.findings import Finding, Severity
from reprocheck.selection import matches, select_rules
from tests.conftest import findings, marker_rule, run_cli


def fake(severity=Severity.WARNING, default_enabled=True, preview=""):
    return SimpleNamespace(severity=severity, default_enabled=default_enabled, preview=preview)


REGISTRY = {
    "DEP001": fake(),
    "DEP002": fake(Severity.ERROR),
    "DKR001": fake(Severity.ERROR),
    "DKR005": fake(None),  # reserved
    "DKR006": fake(Severity.INFO, default_enabled=False),
    "DKR010": fake(),
    "RNG001": fake(),
    "RNG005": fake(preview="judged right in 0 of 9"),
}


def selected(**keys) -> set[str]:
    settings = Settings(**keys)
    return select_rules(settings, REGISTRY).enabled


def test_default_set_is_every_default_enabled_rule():
    assert selected() == {"DEP001", "DEP002", "DKR001", "DKR010", "RNG001"}


def test_all_turns_on_opt_in_rules_but_never_reserved_codes():
    assert selected(select=["ALL"]) == {"DEP001", "DEP002", "DKR001", "DKR006", "DKR010", "RNG001"}


@pytest.mark.parametrize(
    ("select", "expected"),
    [
        (["DKR"], {"DKR001", "DKR006", "DKR010"}),
        (["DKR00"], {"DKR001", "DKR006"}),
        (["DKR001"], {"DKR001"}),
        (["DEP001", "RNG"], {"DEP001", "RNG001"}),
        ([], set()),
    ],
)
def test_select_by_family_prefix_and_code(select, expected):
    assert selected(select=select) == expected


def test_preview_rule_runs_when_its_code_is_named_or_preview_is_on():
    for quiet in ({}, {"select": ["ALL"]}, {"select": ["RNG"]}, {"select": ["RNG00"]}, {"extend_select": ["ALL"]}):
        assert "RNG005" not in selected(**quiet), quiet
    assert "RNG005" in selected(select=["RNG005"])
    assert "RNG005" in selected(extend_select=["RNG005"])
    for loud in ({}, {"select": ["ALL"]}, {"select": ["RNG"]}, {"select": ["RNG00"]}):
        assert "RNG005" in selected(preview=True, **loud), loud
    assert "RNG005" not in selected(preview=True, select=["DEP"])
    assert selected(preview=True, select=["ALL"], ignore={"RNG005": None}) >= {"RNG001"}
    assert "RNG005" not in selected(preview=True, select=["ALL"], ignore={"RNG005": None})


def test_preview_from_the_command_line_overrides_the_setting():
    settings = Settings(preview=True)
    apply_cli(settings, preview=False)
    assert settings.preview is False and settings.sources["preview"] == "command line"
    assert "RNG005" not in select_rules(settings, REGISTRY).enabled


def test_opt_in_rule_needs_naming_when_the_default_set_is_used():
    assert "DKR006" not in selected()
    assert "DKR006" in selected(extend_select=["DKR006"])
    assert selected(select=["DEP001"], extend_select=["RNG"]) == {"DEP001", "RNG001"}


def test_ignore_beats_select_when_more_specific_or_tied():
    assert selected(select=["DKR"], ignore={"DKR001": None}) == {"DKR006", "DKR010"}
    assert selected(select=["DKR001"], ignore={"DKR001": None}) == set()  # tie goes to ignore
    assert selected(select=["ALL"], ignore={"DKR": None}) == {"DEP001", "DEP002", "RNG001"}


def test_select_beats_ignore_when_more_specific():
    assert selected(select=["DKR001"], ignore={"DKR": None}) == {"DKR001"}
    assert selected(extend_select=["DEP002"], ignore={"DEP": None}) == {"DEP002", "DKR001", "DKR010", "RNG001"}


def test_ignored_rules_still_run_so_reasons_show_and_unused_ignores_are_found():
    selection = select_rules(Settings(ignore={"DEP": "vendored deps"}), REGISTRY)
    assert selection.ignored == {"DEP001": "vendored deps", "DEP002": "vendored deps"}
    assert selection.to_run == selection.enabled | {"DEP001", "DEP002"}


def test_severity_overrides_pick_the_most_specific_selector():
    settings = Settings(severity={"DKR": "info", "DKR001": "warning"})
    assert select_rules(settings, REGISTRY).severity == {
        "DKR001": Severity.WARNING,
        "DKR005": Severity.INFO,
        "DKR006": Severity.INFO,
        "DKR010": Severity.INFO,
    }


def test_per_file_ignores_match_gitignore_globs_and_prefixes():
    settings = Settings(per_file_ignores={"tests/**": ["DEP"], "*.ipynb": ["RNG001"]})
    selection = select_rules(settings, REGISTRY)

    def reason(code, path):
        return selection.suppress_reason(Finding(code, Severity.WARNING, "m", path, 1))

    assert reason("DEP001", "tests/unit/x.py") == "per-file-ignores tests/**"
    assert reason("DEP001", "src/x.py") is None
    assert reason("RNG001", "notebooks/deep/a.ipynb") == "per-file-ignores *.ipynb"
    assert reason("DKR001", "tests/Dockerfile") is None
    assert selection.used_per_file == {("tests/**", "DEP"), ("*.ipynb", "RNG001")}


@pytest.mark.parametrize("key", ["select", "extend_select"])
def test_unknown_selector_is_a_config_error(key):
    with pytest.raises(ConfigError, match="unknown rule selector 'XYZ'"):
        select_rules(Settings(**{key: ["XYZ"]}), REGISTRY)


def test_command_line_selectors_are_split_upper_cased_and_validated():
    settings = Settings()
    apply_cli(settings, ["dep001, rng", "DKR006"], ["DKR010"], ["dep002"], known=list(REGISTRY))
    assert settings.select == ["DEP001", "RNG", "DKR006"]
    assert settings.extend_select == ["DKR010"]
    assert settings.ignore == {"DEP002": None}
    assert settings.ignore_origins == {"DEP002": "command line"}
    with pytest.raises(ConfigError, match=r"^--ignore: unknown rule selector 'NOPE'"):
        apply_cli(Settings(), ignore=["NOPE"], known=list(REGISTRY))


def test_matches():
    assert matches("ALL", "DEP001") and matches("DEP", "DEP001") and matches("DEP001", "DEP001")
    assert not matches("DEP0011", "DEP001") and not matches("DKR", "DEP001")


# -- the same semantics end to end, through the command line -------------------------------------------------
@pytest.fixture
def three_rules(scratch_rules):
    marker_rule(scratch_rules, "ZZZ001", "ONE")
    marker_rule(scratch_rules, "ZZZ002", "TWO")
    marker_rule(scratch_rules, "ZZY001", "OPT", default_enabled=False)


def test_cli_selection_end_to_end(make_repo, three_rules):
    root = make_repo({"a.txt": "ONE TWO OPT\n"})

    def run(*args):
        return sorted({f["code"] for f in findings(root, *args, select="ZZZ")})

    assert run() == ["ZZZ001", "ZZZ002"]
    assert sorted({f["code"] for f in findings(root, select="ZZ")}) == ["ZZY001", "ZZZ001", "ZZZ002"]  # named
    assert run("--ignore", "ZZZ002") == ["ZZZ001"]
    assert run("--ignore", "ZZZ", "--extend-select", "ZZZ002") == ["ZZZ002"]
    assert sorted({f["code"] for f in findings(root, select="ZZZ001,ZZZ002")}) == ["ZZZ001", "ZZZ002"]
    repeated = findings(root, "--select", "ZZZ002", select="ZZZ001")  # a repeated option adds up
    assert sorted({f["code"] for f in repeated}) == ["ZZZ001", "ZZZ002"]


def test_cli_default_selection_leaves_opt_in_rules_off(make_repo, three_rules):
    root = make_repo({"a.txt": "ONE OPT\n"})

    def synthetic(result):  # the real rules run too with the default selection
        return {f["code"] for f in result.json["findings"] if f["code"].startswith("ZZ")}

    assert synthetic(run_cli(str(root), "--output-format", "json")) == {"ZZZ001"}
    assert synthetic(run_cli(str(root), "--extend-select", "ZZY001", "--output-format", "json")) == {"ZZZ001", "ZZY001"}


def test_config_select_and_per_file_ignores_end_to_end(make_repo, three_rules):
    root = make_repo(
        {
            "pyproject.toml": """
                [tool.reprocheck]
                select = ["zzz"]
                per-file-ignores = { "legacy/**" = ["ZZZ002"] }
            """,
            "a.txt": "ONE TWO OPT\n",
            "legacy/b.txt": "ONE TWO\n",
        }
    )
    result = run_cli(str(root), "--output-format", "json")
    assert sorted((f["path"], f["code"]) for f in result.json["findings"]) == [
        ("a.txt", "ZZZ001"),
        ("a.txt", "ZZZ002"),
        ("legacy/b.txt", "ZZZ001"),
    ]
    assert [(f["path"], f["suppressed"]) for f in result.json["suppressed"]] == [
        ("legacy/b.txt", "per-file-ignores legacy/**")
    ]


def test_preview_rule_end_to_end_by_setting_option_and_exact_code(make_repo, scratch_rules):
    marker_rule(scratch_rules, "ZZZ001", "ONE")
    marker_rule(scratch_rules, "ZZZ002", "NEW", preview="judged right in 1 of 12")
    plain = make_repo({"a.txt": "ONE NEW\n"})

    def reported(root, *args):
        result = run_cli(str(root), "--no-cache", "--output-format", "json", *args)
        assert result.exit_code == 1, result.stderr
        return sorted(f["code"] for f in result.json["findings"] if f["code"].startswith("ZZ"))

    assert reported(plain, "--select", "ZZZ") == ["ZZZ001"]
    assert reported(plain, "--select", "ALL") == ["ZZZ001"]
    assert reported(plain, "--select", "ZZZ", "--preview") == ["ZZZ001", "ZZZ002"]
    assert reported(plain, "--select", "ZZZ002") == ["ZZZ002"]  # named by its code
    assert reported(plain, "--select", "ZZZ001", "--extend-select", "ZZZ002") == ["ZZZ001", "ZZZ002"]
    configured = make_repo(
        {"pyproject.toml": '[tool.reprocheck]\nselect = ["ZZZ"]\npreview = true\n', "a.txt": "ONE NEW\n"}
    )
    assert reported(configured) == ["ZZZ001", "ZZZ002"]
    assert reported(configured, "--no-preview") == ["ZZZ001"]
    assert "preview = true" in run_cli("config", str(configured), "--show").stdout
    assert "preview = false  # command line" in run_cli("config", str(configured), "--show", "--no-preview").stdout


def test_rules_listing_rule_page_and_sarif_mark_preview_rules():
    import json

    table = run_cli("rules").stdout.splitlines()
    row = next(line for line in table if line.startswith("RNG005"))
    assert row.split()[3] == "preview"
    entry = next(r for r in json.loads(run_cli("rules", "--output-format", "json").stdout) if r["code"] == "RNG005")
    assert entry["preview"] is True
    page = run_cli("rule", "RNG005").stdout
    assert "preview (runs with --preview or when --select names RNG005)" in page
    assert "Preview: sampled findings judged worth acting on: 3 of 19" in page
    from reprocheck.report.sarif import rule_descriptor
    from reprocheck.rule import load_rules

    descriptor = rule_descriptor(load_rules()["RNG005"])
    assert descriptor["defaultConfiguration"]["enabled"] is False
    assert "preview" in descriptor["properties"]["tags"]
    assert rule_descriptor(load_rules()["RNG001"])["defaultConfiguration"]["enabled"] is True
