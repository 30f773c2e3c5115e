"""JSON Schema validation (CFG003) never fetches anything and never reads outside the repository, however a
schema spells a reference: remote `$id` bases, `file://` URIs, `..` paths, remote meta-schemas, `$dynamicRef`."""

from __future__ import annotations

import json
import socket

import pytest

from tests.conftest import run_cli, write_files

SCHEMAS = {
    "remote-base-relative-ref": {
        "$id": "https://example.invalid/root.json",
        "properties": {"seed": {"$ref": "other.json"}},
    },
    "remote-base-local-pointer": {
        "$id": "https://example.invalid/root.json",
        "$ref": "#/$defs/a",
        "$defs": {"a": {"type": "object"}},
    },
    "file-uri-outside": {"$ref": "file:///etc/passwd"},
    "parent-path": {"$ref": "../../../../../etc/passwd"},
    "remote-meta-schema": {"$schema": "https://example.invalid/meta.json"},
    "remote-vocabulary": {"$vocabulary": {"https://example.invalid/v": True}},
    "remote-dynamic-ref": {"$dynamicRef": "https://example.invalid/x#meta"},
    "remote-ref": {"properties": {"seed": {"$ref": "https://example.invalid/seed.json"}}},
}


@pytest.fixture
def offline(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a connection was attempted")

    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse)


@pytest.mark.parametrize("schema", SCHEMAS.values(), ids=SCHEMAS.keys())
def test_schema_references_stay_local_and_offline(tmp_path, offline, schema):
    write_files(
        tmp_path,
        {
            "configs/s.json": json.dumps(schema),
            "configs/c.yaml": "# yaml-language-server: $schema=s.json\nseed: 1\n",
        },
    )
    result = run_cli(str(tmp_path), "--select", "CFG003,RPC002", "--no-cache", "--output-format", "json")
    assert result.exit_code in (0, 1), result.stderr
    messages = " ".join(f["message"] for f in result.json["findings"])
    assert "root:" not in messages  # /etc/passwd was never read
    if "$ref" in json.dumps(schema) and "#/" not in json.dumps(schema):
        assert "CFG003" in result.json["summary"]["by_code"], "an unresolvable reference must be reported"
