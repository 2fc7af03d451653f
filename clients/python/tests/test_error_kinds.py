"""Error kinds (docs/reliability.md "Errors by kind"): one ErrorInfo from the
core becomes the same error in Python and Node — the table is shared with
clients/node/test/errorkinds.test.ts (tests/conformance/error_kinds.json)."""
from __future__ import annotations

import json
import os
from typing import Any

import pytest

import cmdop
from cmdop.core.v1 import common_pb2
from cmdop.errors import error_from_info

from conftest import ROOT

with open(os.path.join(ROOT, "tests", "conformance", "error_kinds.json"), encoding="utf-8") as f:
    CASES: list[dict[str, Any]] = json.load(f)["cases"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['code']}-{'stream' if c['stream'] else 'unary'}-{c['retryable']}")
def test_an_error_info_maps_to_the_same_kind_as_in_node(case: dict[str, Any]) -> None:
    info = common_pb2.ErrorInfo(code=case["code"], message="m")
    if case["retryable"] is not None:
        info.retryable = case["retryable"]
    e = error_from_info(info, stream=case["stream"])
    for name in case["is"]:
        assert isinstance(e, getattr(cmdop, name)), name
    for name in case["is_not"]:
        assert not isinstance(e, getattr(cmdop, name)), name
    assert e.code == case["code"] and e.retryable is case["out_retryable"]


def test_the_kinds_are_the_builtins_too() -> None:
    import builtins
    assert issubclass(cmdop.TLSError, builtins.ConnectionError)
    assert issubclass(cmdop.TimeoutError, builtins.TimeoutError)
    assert not issubclass(cmdop.DecodeError, builtins.ConnectionError)
