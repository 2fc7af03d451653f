"""Self-test of the comparison helpers: each check must catch what it is
meant to catch (run by `make compat` before the tour, in the official venv)."""

from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
from compare import Volatile, decoded_vs_wire, diff_data  # noqa: E402

from cmdop._proto.cmdop.core.v1 import fleets_pb2 as f_pb  # noqa: E402
from cmdop._proto.cmdop.core.v1 import common_pb2 as c_pb  # noqa: E402
from cmdop._proto.cmdop.core.v1 import machines_pb2 as m_pb  # noqa: E402
from cmdop._proto.cmdop.core.v1 import tunnels_pb2 as t_pb  # noqa: E402

FID = "10000000-0000-4000-8000-000000000001"
fleet = f_pb.FleetSummary(id=FID, name="Default Fleet", slug="default", mfa_required=c_pb.MFA_REQUIREMENT_NONE)
wire = {"id": FID, "name": "Default Fleet", "slug": "default", "mfa_required": "none", "disabled_at": None,
        "extra_hosted_field": 1}
assert decoded_vs_wire(fleet, wire) == [], decoded_vs_wire(fleet, wire)
assert decoded_vs_wire(fleet, {**wire, "name": "Other"}), "a differing name must fail"
assert decoded_vs_wire(fleet, {**wire, "mfa_required": "required"}), "a differing enum must fail"
assert decoded_vs_wire(fleet, {**wire, "disabled_at": "2026-01-01T00:00:00Z"}), "a value the record lacks must fail"
opt = f_pb.FleetSummary(id=FID, name="Default Fleet", slug="default", mfa_required=c_pb.MFA_REQUIREMENT_OPTIONAL)
assert decoded_vs_wire(opt, {**wire, "mfa_required": "any"}) == [], "any = optional (lossy wire enum)"
assert decoded_vs_wire(fleet, {**wire, "mfa_required": "any"}), "any != none"
# offset derived from page/per_page; list length and items checked
page = f_pb.FleetList(items=[fleet], offset=2, per_page=2, total=3)
w = {"items": [wire], "page": 2, "per_page": 2, "total": 3, "has_next": False, "has_prev": True}
assert decoded_vs_wire(page, w) == [], decoded_vs_wire(page, w)
assert decoded_vs_wire(page, {**w, "page": 1}), "offset must follow page"
assert decoded_vs_wire(page, {**w, "items": []}), "a missing item must fail"
# flat MachineDetail vs nested summary
md = m_pb.MachineDetail(summary=m_pb.MachineSummary(id="m1", name="alpha"), username="ops")
assert decoded_vs_wire(md, {"id": "m1", "name": "alpha", "username": "ops"}) == []
assert decoded_vs_wire(md, {"id": "m1", "name": "bravo", "username": "ops"}), "flat fields are checked"
# bare array answer
sl = t_pb.SessionList(items=[t_pb.ConnectedSessionOption(session_id="s-alpha", hostname="alpha")])
assert decoded_vs_wire(sl, [{"session_id": "s-alpha", "hostname": "alpha"}]) == []
assert decoded_vs_wire(sl, [{"session_id": "s-bravo", "hostname": "alpha"}])
# timestamps: the same instant in another rendering is equal, another instant is not
ts = f_pb.FleetSummary(id=FID, name="Default Fleet", slug="default", mfa_required=1, disabled_at="2026-01-01T00:00:00Z")
assert decoded_vs_wire(ts, {**wire, "disabled_at": "2026-01-01T00:00:00+00:00"}) == []
assert decoded_vs_wire(ts, {**wire, "disabled_at": "2026-01-01T00:00:01Z"})

# Volatile: generated values get per-op placeholders, seed values never
now = time.time()
keep = {FID, "default"}
va, vb = Volatile(keep, now, now + 5), Volatile(keep, now, now + 5)
ga, gb = "0f0e0d0c-1111-4222-8333-444455556666", "aaaabbbb-1111-4222-8333-444455556666"
va.collect({"id": ga, "tok": "cmdop_" + "ab" * 20}, "keys.issue")
vb.collect({"id": gb, "tok": "cmdop_" + "cd" * 20}, "keys.issue")
A = va.apply({"id": ga, "fleet": FID, "tok": "cmdop_" + "ab" * 20, "prefix": "cmdop_ababab"})
B = vb.apply({"id": gb, "fleet": FID, "tok": "cmdop_" + "cd" * 20, "prefix": "cmdop_cdcdcd"})
assert diff_data(A, B) == [], diff_data(A, B)
B2 = vb.apply({"id": gb, "fleet": "10000000-0000-4000-8000-000000000002", "tok": "cmdop_" + "cd" * 20,
               "prefix": "cmdop_cdcdcd"})
assert diff_data(A, B2), "a seed id must never be masked"
assert diff_data(va.apply({"p": f"/api/x/{ga}"}), vb.apply({"p": f"/api/y/{gb}"})), "paths keep their text"
import datetime as dt
n1 = dt.datetime.fromtimestamp(now + 1, dt.timezone.utc)
assert va.apply(n1.strftime("%Y-%m-%dT%H:%M:%SZ")) == vb.apply(n1.strftime("%Y-%m-%dT%H:%M:%SZ"))
assert va.apply(n1.strftime("%Y-%m-%dT%H:%M:%SZ")) != vb.apply(n1.strftime("%Y-%m-%dT%H:%M:%S+00:00")), \
    "a changed timestamp rendering must show"
assert diff_data({"a": 1, "b": [1, 2]}, {"a": 1, "b": [1, 3]})
# a generated hex run that happens to hold only decimal digits is still generated
va.collect({"subdomain": "t83315161"}, "tunnels.open")
vb.collect({"subdomain": "t0badcafe"}, "tunnels.open")
assert diff_data(va.apply({"subdomain": "t83315161"}), vb.apply({"subdomain": "t0badcafe"})) == []
assert va.apply("12345678") == "12345678", "a string of digits alone is kept"
# [[decoded]] fields: the official default is accepted, nothing else is
ms = m_pb.MachineSummary(id="m1", name="alpha")
assert decoded_vs_wire(ms, {"id": "m1", "name": "alpha", "is_jarvis": True}), "is_jarvis is checked by default"
compare.DROPPED_BY_OFFICIAL = frozenset({"is_jarvis"})
assert decoded_vs_wire(ms, {"id": "m1", "name": "alpha", "is_jarvis": True}) == []
assert decoded_vs_wire(m_pb.MachineSummary(id="m1", name="alpha", is_jarvis=True),
                       {"id": "m1", "name": "alpha", "is_jarvis": False}), "a non-default decoded value still differs"
compare.DROPPED_BY_OFFICIAL = frozenset()
assert diff_data({"is_jarvis": False}, {"is_jarvis": True}, dropped=frozenset({"is_jarvis"})) == []
assert diff_data({"is_jarvis": True}, {"is_jarvis": False}, dropped=frozenset({"is_jarvis"})), "ours may not drop it"
assert diff_data({"name": ""}, {"name": "x"}, dropped=frozenset({"is_jarvis"})), "only listed fields"
print("compat selftest: ok")
