"""The Node target (generator/node.py): every op an explicit method with the
IDL's Node call shape, helpers, the error map, frames (pytest)."""
import os
import re

import pytest

from generator.model import camel, load_dir
from generator.render import render_all

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def model_and_files():
    model = load_dir(os.path.join(ROOT, "idl"))
    return model, render_all(model)


def _class_body(src, cls):
    m = re.search(r"^export class %s \{\n(.*?)^\}\n" % cls, src, re.S | re.M)
    assert m, cls
    return m.group(1)


def test_every_op_is_an_explicit_method_with_its_node_shape(model_and_files):
    model, files = model_and_files
    src = files["node/src/resources.ts"]
    assert "Proxy" not in src
    for ns in model["namespaces"]:
        cls = "".join(p[:1].upper() + p[1:] for p in ns["name"].replace(".", "_").split("_")) + "Resource"
        body = _class_body(src, cls)
        for op in ns["ops"]:
            sig = re.search(r"^  (?:async )?%s\((.*)\): " % camel(op["name"]), body, re.M)
            assert sig, op["full_name"]
            args = sig.group(1)
            # positional ids in order, then the options object by its name
            names = [s["node_name"] if s["kind"] == "positional" else s["name"] for s in op["call"]["node"]]
            found = [a.split(":")[0].rstrip("?") for a in re.split(r",\s(?![^{]*\})", args)]
            assert found[:len(names)] == names, (op["full_name"], found)
            for h in op["helpers"]:
                assert re.search(r"^  async \*%s\(" % h["node_name"], body, re.M), h["node_name"]
            if op["kind"] == "http":
                assert f'case: "{camel(op["envelope"]["request"]["name"])}"' in body


def test_fleet_scoped_ops_fall_back_to_the_client_fleet(model_and_files):
    _, files = model_and_files
    src = files["node/src/resources.ts"]
    assert 'fleetId: contextIn(opts?.fleetId, this.t.fleetId, "fleet_id", "CMDOP_FLEET_ID")' in src
    # members.list(fleetId?, opts?)
    assert 'fleetId: contextIn(fleetId, this.t.fleetId, "fleet_id", "CMDOP_FLEET_ID")' in src


def test_error_map_covers_every_code(model_and_files):
    model, files = model_and_files
    src = files["node/src/errors.ts"]
    for er in model["errors"]:
        assert re.search(r"\b%s\b" % er["class"], src)
        if er["class"] not in ("CmdopError", "AgentStreamError"):
            assert f"  {er['code']}: {er['class']}," in src
    # retryable: the core's verdict, else the class default (TimeoutError's is true, as in Python)
    assert "static override readonly defaultRetryable: boolean = true;" in \
        _class_body(src, "TimeoutError extends ConnectionError")
    assert "details.retryable ??" in src


def test_frames_follow_the_union(model_and_files):
    model, files = model_and_files
    src = files["node/src/frames.ts"]
    for arm in model["unions"][0]["arms"]:
        if arm["name"] != "error":
            assert f'type: "{arm["name"]}"' in src
    assert "payload: parseJson(v.payloadJson)" in src
    assert files["node/src/meta.ts"].count('"') == 2


def test_passed_lists_and_maps_set_their_presence_companion(model_and_files):
    """docs/stdio.md: every optional list/map param sets <name>Present when
    passed (also when empty); required params and scalars have none."""
    model, files = model_and_files
    src = files["node/src/resources.ts"]
    want = 0
    for ns in model["namespaces"]:
        for op in ns["ops"]:
            for p in op["params"]:
                line = f"{p['node_name']}Present: "
                if p["type"] in ("string_list", "string_map") and not p["required"]:
                    want += 1
                    assert re.search(r"%s\S+\.%s != null \? true : undefined," %
                                     (line, p["node_name"]), src), op["full_name"]
    assert want >= 6 and src.count("Present: ") == want
