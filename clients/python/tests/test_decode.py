"""Strict response decoding (docs/reliability.md): a 2xx answer whose fields
have the wrong JSON type, or that lacks a field the IDL requires, is a
DecodeError naming the field, never a record with empty fields. Optional
fields may be absent or null; unknown keys are ignored. The hostile server is
tests/net/netfront.py's Recorder serving a real relay answer, edited."""
from __future__ import annotations

import copy
import json
import os
import sys
import urllib.request
from typing import Any

import pytest

import cmdop
from conftest import ROOT, Relay

sys.path.insert(0, os.path.join(ROOT, "tests", "net"))
import netfront  # noqa: E402

ALPHA = "20000000-0000-4000-8000-000000000001"


def relay_json(relay: Relay, path: str) -> Any:
    req = urllib.request.Request(relay.url + path,
                                 headers={"Authorization": f"Bearer {relay.token}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


async def get_from(body: Any, op: str) -> Any:
    srv = netfront.Recorder(json.dumps(body))
    try:
        url = f"http://127.0.0.1:{srv.port}"
        async with cmdop.Client(token="t", api_key="k", base_url=url, api_base_url=url) as c:
            if op == "get":
                return await c.machines.get(ALPHA)
            return await c.machines.list()
    finally:
        assert len(srv.requests) == 1  # a decode error is never retried
        srv.close()


@pytest.mark.parametrize("key,value,field,what", [
    ("id", 5, "summary.id", "expected a string"),
    ("name", ["a"], "summary.name", "expected a string"),
    ("is_root", "yes", "is_root", "expected a boolean"),
    ("public_key_version", 1.5, "public_key_version", "expected an integer"),
    ("specs", [], "summary.specs", "expected an object"),
    ("name", None, "summary.name", "required field is null"),
    ("username", "<del>", "username", "required field missing"),
])
async def test_a_wrong_or_missing_field_is_a_decode_error_naming_it(
        relay: Relay, key: str, value: Any, field: str, what: str) -> None:
    body = relay_json(relay, f"/api/machines/{ALPHA}")
    if value == "<del>":
        del body[key]
    else:
        body[key] = value
    with pytest.raises(cmdop.DecodeError) as info:
        await get_from(body, "get")
    e = info.value
    assert e.code == "decode" and e.field == field and not e.retryable
    assert "MachineDetail" in e.message and field in e.message and what in e.message


async def test_a_field_deep_in_a_list_is_named_by_its_path(relay: Relay) -> None:
    page = relay_json(relay, "/api/machines")
    page["items"][1]["specs"]["cpu_count"] = "many"
    with pytest.raises(cmdop.DecodeError) as info:
        await get_from(page, "list")
    assert info.value.field == "items[1].specs.cpu_count"


async def test_optional_fields_may_be_absent_or_null_and_unknown_keys_are_ignored(
        relay: Relay) -> None:
    body = relay_json(relay, f"/api/machines/{ALPHA}")
    good = copy.deepcopy(body)
    good.pop("public_key", None)
    good["device_id"] = None
    good["live_metrics"] = None
    good["from_the_future"] = {"x": [1]}
    m = await get_from(good, "get")
    assert m.summary.id == body["id"] and m.public_key is None and m.live_metrics is None
