"""Every op of the generated surface against the real relay through the real
core: a success path with assertions on the decoded records, and an error path
asserting the typed error class (table-driven; the table must cover the IDL)."""
from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

import cmdop
from cmdop import _resources
from cmdop.types import MfaRequirement, ScheduleTargetKind

M1, M4 = "20000000-0000-4000-8000-000000000001", "20000000-0000-4000-8000-000000000004"
F1 = "10000000-0000-4000-8000-000000000001"
U1, U3 = "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000003"
K1, T1 = "50000000-0000-4000-8000-000000000001", "40000000-0000-4000-8000-000000000001"
S1, B1 = "60000000-0000-4000-8000-000000000001", "80000000-0000-4000-8000-000000000001"
MISSING = "99999999-0000-4000-8000-000000000099"

Op = Callable[[cmdop.Client], Awaitable[Any]]
OK: dict[str, Op] = {}
ERR: dict[str, tuple[type[cmdop.CmdopError], Op]] = {}


def ok(name: str) -> Callable[[Op], Op]:
    def deco(fn: Op) -> Op:
        OK[name] = fn
        return fn
    return deco


def err(name: str, cls: type[cmdop.CmdopError], fn: Op) -> None:
    ERR[name] = (cls, fn)


# ---- machines ----
@ok("machines.list")
async def _(c: cmdop.Client) -> None:
    page = await c.machines.list()
    assert [m.name for m in page.items] == ["alpha", "bravo", "charlie", "delta", "echo"]
    assert page.has_more is False and page.next_cursor is None
    online = await c.machines.list(presence="offline")
    assert [m.name for m in online.items] == ["delta"]
    assert page.items[0].specs.cpu_count > 0 and page.items[0].fleets[0].fleet_id == F1
err("machines.list", cmdop.ValidationError, lambda c: c.machines.list(limit=0))


@ok("machines.get")
async def _(c: cmdop.Client) -> None:
    d = await c.machines.get(M1)
    assert d.summary.id == M1 and d.summary.name == "alpha" and isinstance(d.is_root, bool)
err("machines.get", cmdop.NotFoundError, lambda c: c.machines.get(MISSING))


@ok("machines.update")
async def _(c: cmdop.Client) -> None:
    s = await c.machines.update(M1, "renamed")
    assert s.name == "renamed" and (await c.machines.get(M1)).summary.name == "renamed"
err("machines.update", cmdop.ValidationError, lambda c: c.machines.update(M1, "x" * 101))


@ok("machines.disable")
async def _(c: cmdop.Client) -> None:
    assert await c.machines.disable(M1) is None
    assert (await c.machines.get(M1)).summary.disabled_at is not None
err("machines.disable", cmdop.NotFoundError, lambda c: c.machines.disable(MISSING))


@ok("machines.info")
async def _(c: cmdop.Client) -> None:
    i = await c.machines.info(M1)
    assert i.identity.hostname == "alpha" and i.presence.status
err("machines.info", cmdop.NotFoundError, lambda c: c.machines.info(MISSING))


@ok("machines.spend")
async def _(c: cmdop.Client) -> None:
    s = await c.machines.spend(M1, "30d")
    assert s.window == "30d" and isinstance(s.total_usd, float)
    assert (await c.machines.spend(M1)).window == "7d"
err("machines.spend", cmdop.ValidationError, lambda c: c.machines.spend(M1, "5y"))


@ok("machines.ask")
async def _(c: cmdop.Client) -> None:
    assert await c.machines.ask(M1, "echo: two words").collect() == "two words"
err("machines.ask", cmdop.AgentStreamError, lambda c: c.machines.ask(MISSING, "hi").collect())


@ok("machines.messages")
async def _(c: cmdop.Client) -> None:
    r = await c.machines.messages(M1)
    assert len(r.messages) == 4 and r.messages[0].role
    assert len((await c.machines.messages(M1, 2)).messages) == 2
err("machines.messages", cmdop.ValidationError, lambda c: c.machines.messages(M1, 0))


@ok("machines.clear_messages")
async def _(c: cmdop.Client) -> None:
    assert (await c.machines.clear_messages(M1)).deleted == 4
    assert (await c.machines.messages(M1)).messages == []
err("machines.clear_messages", cmdop.NotFoundError, lambda c: c.machines.clear_messages(MISSING))


@ok("machines.active_session")
async def _(c: cmdop.Client) -> None:
    assert await c.machines.active_session(M1) == "as-alpha-0001"
    assert await c.machines.active_session(M4) == ""
err("machines.active_session", cmdop.NotFoundError,
    lambda c: c.machines.active_session(MISSING))


# ---- fleets ----
@ok("fleets.list")
async def _(c: cmdop.Client) -> None:
    page = await c.fleets.list()
    assert page.total == 1 and page.items[0].slug == "default"
    assert page.items[0].mfa_required == MfaRequirement.MFA_REQUIREMENT_NONE
err("fleets.list", cmdop.ValidationError, lambda c: c.fleets.list(per_page=0))


@ok("fleets.get")
async def _(c: cmdop.Client) -> None:
    assert (await c.fleets.get(F1)).slug == "default"
err("fleets.get", cmdop.NotFoundError, lambda c: c.fleets.get(MISSING))


@ok("fleets.create")
async def _(c: cmdop.Client) -> None:
    f = await c.fleets.create("Second", "second", "required")
    assert f.slug == "second" and f.role == "owner"
    assert f.mfa_required == MfaRequirement.MFA_REQUIREMENT_REQUIRED
    assert (await c.fleets.get(f.id)).name == "Second"
err("fleets.create", cmdop.ConflictError, lambda c: c.fleets.create("Dup", "default"))


@ok("fleets.update")
async def _(c: cmdop.Client) -> None:
    f = await c.fleets.update(F1, name="Renamed", mfa_required="optional")
    # optional is sent as the wire's "any", which reads back as required (idl/fleets.cmdop)
    assert f.name == "Renamed" and f.mfa_required == MfaRequirement.MFA_REQUIREMENT_REQUIRED
err("fleets.update", cmdop.NotFoundError, lambda c: c.fleets.update(MISSING, name="x"))


@ok("fleets.disable")
async def _(c: cmdop.Client) -> None:
    assert await c.fleets.disable(F1) is None
    assert (await c.fleets.get(F1)).disabled_at is not None
err("fleets.disable", cmdop.NotFoundError, lambda c: c.fleets.disable(MISSING))


@ok("fleets.members.list")
async def _(c: cmdop.Client) -> None:
    page = await c.fleets.members.list(F1)
    assert page.total == 3 and {m.role for m in page.items} == {"owner", "admin", "member"}
    assert [m.email async for m in c.fleets.members.iter(F1, per_page=1)] == \
        [m.email for m in page.items]
err("fleets.members.list", cmdop.NotFoundError, lambda c: c.fleets.members.list(MISSING))


@ok("fleets.members.add")
async def _(c: cmdop.Client) -> None:
    m = await c.fleets.members.add("new.user@example.com", fleet_id=F1)
    assert m.role == "member" and m.display_name == "new.user" and m.invited_by_id == U1
err("fleets.members.add", cmdop.ValidationError,
    lambda c: c.fleets.members.add("not-an-email", fleet_id=F1))


@ok("fleets.members.set_role")
async def _(c: cmdop.Client) -> None:
    assert (await c.fleets.members.set_role(U3, "admin", fleet_id=F1)).role == "admin"
err("fleets.members.set_role", cmdop.ConflictError,
    lambda c: c.fleets.members.set_role(U1, "viewer", fleet_id=F1))


@ok("fleets.members.remove")
async def _(c: cmdop.Client) -> None:
    assert await c.fleets.members.remove(U3, fleet_id=F1) is None
    assert (await c.fleets.members.list(F1)).total == 2
err("fleets.members.remove", cmdop.NotFoundError,
    lambda c: c.fleets.members.remove(MISSING, fleet_id=F1))


@ok("fleets.machines.list")
async def _(c: cmdop.Client) -> None:
    page = await c.fleets.machines.list(F1, limit=2)
    assert len(page.items) == 2 and page.has_more and page.next_cursor
    assert [m.name async for m in c.fleets.machines.iter(F1, limit=2)] == \
        ["alpha", "bravo", "charlie", "delta", "echo"]
err("fleets.machines.list", cmdop.NotFoundError, lambda c: c.fleets.machines.list(MISSING))


@ok("fleets.machines.attach")
async def _(c: cmdop.Client) -> None:
    f = await c.fleets.create("Other", "other")
    link = await c.fleets.machines.attach(M1, fleet_id=f.id)
    assert link.machine_id == M1 and link.fleet_id == f.id and link.added_by_id == U1
err("fleets.machines.attach", cmdop.ConflictError,
    lambda c: c.fleets.machines.attach(M1, fleet_id=F1))


@ok("fleets.machines.detach")
async def _(c: cmdop.Client) -> None:
    assert await c.fleets.machines.detach(M1, fleet_id=F1) is None
    assert M1 not in [m.id for m in (await c.fleets.machines.list(F1)).items]
err("fleets.machines.detach", cmdop.NotFoundError,
    lambda c: c.fleets.machines.detach(MISSING, fleet_id=F1))


# ---- tunnels ----
@ok("tunnels.open")
async def _(c: cmdop.Client) -> None:
    t = await c.tunnels.open("s-alpha", 3000, subdomain="web3000")
    assert t.local_port == 3000 and t.protocol == "http" and t.local_host == "127.0.0.1"
    assert t.subdomain == "web3000" and t.public_url
err("tunnels.open", cmdop.ValidationError, lambda c: c.tunnels.open("s-alpha", 0))


@ok("tunnels.close")
async def _(c: cmdop.Client) -> None:
    assert await c.tunnels.close(T1) is None
    assert (await c.tunnels.list()).total == 0
err("tunnels.close", cmdop.NotFoundError, lambda c: c.tunnels.close(MISSING))


@ok("tunnels.list")
async def _(c: cmdop.Client) -> None:
    page = await c.tunnels.list()
    assert page.total == 1 and page.items[0].tunnel_id == T1
    assert [t.tunnel_id async for t in c.tunnels.iter()] == [T1]
err("tunnels.list", cmdop.ValidationError, lambda c: c.tunnels.list(per_page=0))


@ok("tunnels.get")
async def _(c: cmdop.Client) -> None:
    assert (await c.tunnels.get(T1)).subdomain == "alpha-web"
err("tunnels.get", cmdop.NotFoundError, lambda c: c.tunnels.get(MISSING))


@ok("tunnels.sessions")
async def _(c: cmdop.Client) -> None:
    s = await c.tunnels.sessions()
    assert [x.session_id for x in s] == ["s-alpha", "s-bravo", "s-echo"]
err("tunnels.sessions", cmdop.AuthError,
    lambda c: cmdop.Client(token="wrong", base_url=c.base_url).tunnels.sessions())


# ---- schedules ----
@ok("schedules.list")
async def _(c: cmdop.Client) -> None:
    page = await c.schedules.list(F1)
    assert page.total == 1 and page.items[0].name == "Nightly backup"
    assert page.items[0].target_kind == ScheduleTargetKind.SCHEDULE_TARGET_KIND_ALL_FLEET_MACHINES
err("schedules.list", cmdop.NotFoundError, lambda c: c.schedules.list(MISSING))


@ok("schedules.get")
async def _(c: cmdop.Client) -> None:
    assert (await c.schedules.get(S1, fleet_id=F1)).cron_expr == "0 3 * * *"
err("schedules.get", cmdop.NotFoundError, lambda c: c.schedules.get(MISSING, fleet_id=F1))


@ok("schedules.create")
async def _(c: cmdop.Client) -> None:
    s = await c.schedules.create("Hourly", "0 * * * *", "uptime", fleet_id=F1,
                                 target_kind="specific_machines", machine_ids=[M1])
    assert s.name == "Hourly" and s.timezone == "UTC" and s.is_enabled and s.machine_ids == [M1]
    assert s.target_kind == ScheduleTargetKind.SCHEDULE_TARGET_KIND_SPECIFIC_MACHINES
err("schedules.create", cmdop.ValidationError,
    lambda c: c.schedules.create("", "0 * * * *", "uptime", fleet_id=F1))


@ok("schedules.update")
async def _(c: cmdop.Client) -> None:
    s = await c.schedules.update(S1, fleet_id=F1, name="Weekly", is_enabled=False)
    assert s.name == "Weekly" and s.is_enabled is False and s.command.startswith("tar")
err("schedules.update", cmdop.NotFoundError,
    lambda c: c.schedules.update(MISSING, fleet_id=F1, name="x"))


@ok("schedules.delete")
async def _(c: cmdop.Client) -> None:
    assert await c.schedules.delete(S1, fleet_id=F1) is None
    assert (await c.schedules.list(F1)).total == 0
err("schedules.delete", cmdop.NotFoundError, lambda c: c.schedules.delete(MISSING, fleet_id=F1))


@ok("schedules.trigger")
async def _(c: cmdop.Client) -> None:
    t = await c.schedules.trigger(S1, fleet_id=F1)
    assert t.queued is True and t.job_id
err("schedules.trigger", cmdop.NotFoundError,
    lambda c: c.schedules.trigger(MISSING, fleet_id=F1))


@ok("schedules.runs")
async def _(c: cmdop.Client) -> None:
    runs = await c.schedules.runs(S1, fleet_id=F1)
    assert len(runs.items) == 3 and all(r.schedule_id == S1 for r in runs.items)
    assert [r.id async for r in c.schedules.iter_runs(S1, 1, fleet_id=F1)] == \
        [r.id for r in runs.items]
    assert len([p async for p in c.schedules.pages_runs(S1, 1, fleet_id=F1)]) == 3
err("schedules.runs", cmdop.ValidationError, lambda c: c.schedules.runs(S1, 0, fleet_id=F1))


# ---- keys ----
@ok("keys.list")
async def _(c: cmdop.Client) -> None:
    page = await c.keys.list(F1)
    assert page.total == 1 and page.items[0].key_prefix == "cmdop_5eed01"
err("keys.list", cmdop.NotFoundError, lambda c: c.keys.list(MISSING))


@ok("keys.issue")
async def _(c: cmdop.Client) -> None:
    k = await c.keys.issue("deploy", 30, fleet_id=F1)
    assert k.raw_token.startswith("cmdop_") and len(k.raw_token) == 46 and k.expires_at
    assert k.name == "deploy" and (await c.keys.list(F1)).total == 2
err("keys.issue", cmdop.ValidationError, lambda c: c.keys.issue("x", 0, fleet_id=F1))


@ok("keys.revoke")
async def _(c: cmdop.Client) -> None:
    assert await c.keys.revoke(K1, fleet_id=F1) is None
    assert (await c.keys.list(F1)).items[0].revoked_at is not None
err("keys.revoke", cmdop.NotFoundError, lambda c: c.keys.revoke(MISSING, fleet_id=F1))


# ---- skills ----
@ok("skills.list")
async def _(c: cmdop.Client) -> None:
    page = await c.skills.list(page_size=5)
    assert page.count == 12 and len(page.results) == 5 and page.has_next
    assert len([s async for s in c.skills.iter(page_size=5)]) == 12
err("skills.list", cmdop.ValidationError, lambda c: c.skills.list(page_size=0))


@ok("skills.get")
async def _(c: cmdop.Client) -> None:
    d = await c.skills.get("skill-01")
    assert d.name == "Log Summarizer" and d.latest_version is not None and len(d.reviews) == 3
err("skills.get", cmdop.NotFoundError, lambda c: c.skills.get("no-such-skill"))


@ok("skills.my")
async def _(c: cmdop.Client) -> None:
    assert "my-draft-skill" in [s.slug for s in (await c.skills.my()).results]
err("skills.my", cmdop.AuthError,
    lambda c: cmdop.Client(api_key="wrong", api_base_url=c.config.api_base_url).skills.my())


@ok("skills.install")
async def _(c: cmdop.Client) -> None:
    i = await c.skills.install("skill-01")
    assert i.slug == "skill-01" and i.version and i.install_command
err("skills.install", cmdop.NotFoundError, lambda c: c.skills.install("no-such-skill"))


@ok("skills.star")
async def _(c: cmdop.Client) -> None:
    a = await c.skills.star("skill-02")
    b = await c.skills.star("skill-02")
    assert a.starred != b.starred and abs(a.star_count - b.star_count) == 1
err("skills.star", cmdop.NotFoundError, lambda c: c.skills.star("no-such-skill"))


@ok("skills.versions")
async def _(c: cmdop.Client) -> None:
    assert sorted(v.version for v in (await c.skills.versions("skill-01")).items) == \
        ["1.0.0", "1.1.0"]
err("skills.versions", cmdop.NotFoundError, lambda c: c.skills.versions("no-such-skill"))


@ok("skills.reviews")
async def _(c: cmdop.Client) -> None:
    r = await c.skills.reviews("skill-01")
    assert r.count == 3 and r.results[0].body
    assert len([x async for x in c.skills.iter_reviews("skill-01", page_size=1)]) == 3
err("skills.reviews", cmdop.NotFoundError, lambda c: c.skills.reviews("no-such-skill"))


@ok("skills.create")
async def _(c: cmdop.Client) -> None:
    assert (await c.skills.create("Brand New Skill")).name == "Brand New Skill"
err("skills.create", cmdop.ValidationError, lambda c: c.skills.create(""))


@ok("skills.update")
async def _(c: cmdop.Client) -> None:
    u = await c.skills.update("my-draft-skill", name="Renamed Draft")
    assert u.name == "Renamed Draft"
err("skills.update", cmdop.NotFoundError, lambda c: c.skills.update("no-such-skill", name="x"))


@ok("skills.delete")
async def _(c: cmdop.Client) -> None:
    assert await c.skills.delete("my-draft-skill") is None
    assert "my-draft-skill" not in [s.slug for s in (await c.skills.my()).results]
err("skills.delete", cmdop.NotFoundError, lambda c: c.skills.delete("no-such-skill"))


@ok("skills.publish")
async def _(c: cmdop.Client) -> None:
    r = await c.skills.publish("my-draft-skill", '[project]\nversion = "0.3.0"\n')
    assert r.status == "accepted"
    assert "0.3.0" in [v.version for v in (await c.skills.versions("my-draft-skill")).items]
err("skills.publish", cmdop.NotFoundError, lambda c: c.skills.publish("no-such-skill", "x"))


@ok("skills.publish_status")
async def _(c: cmdop.Client) -> None:
    assert (await c.skills.publish_status("my-draft-skill")).status == "ok"
err("skills.publish_status", cmdop.NotFoundError,
    lambda c: c.skills.publish_status("no-such-skill"))


@ok("skills.categories")
async def _(c: cmdop.Client) -> None:
    cats = (await c.skills.categories(ordering="name")).items
    assert [x.name for x in cats] == sorted(x.name for x in cats) and len(cats) == 3
err("skills.categories", cmdop.ValidationError, lambda c: c.skills.categories(ordering="bogus"))


@ok("skills.tags")
async def _(c: cmdop.Client) -> None:
    assert len((await c.skills.tags()).items) == 4
    assert [t.slug for t in (await c.skills.tags(search="pyth")).items] == ["python"]
err("skills.tags", cmdop.ValidationError, lambda c: c.skills.tags(ordering="bogus"))


# ---- bots ----
@ok("bots.list")
async def _(c: cmdop.Client) -> None:
    page = await c.bots.list()
    assert page.count == 1 and page.results[0].name == "ops-telegram"
    assert (await c.bots.list(platform="slack")).count == 0
err("bots.list", cmdop.ValidationError, lambda c: c.bots.list(page_size=0))


@ok("bots.get")
async def _(c: cmdop.Client) -> None:
    b = await c.bots.get(B1)
    assert b.machine_id == M1 and b.allowed_users == ["@owner"]
err("bots.get", cmdop.NotFoundError, lambda c: c.bots.get(MISSING))


@ok("bots.create")
async def _(c: cmdop.Client) -> None:
    b = await c.bots.create("ops-discord", "discord", M1, allowed_users=["u1"])
    assert b.name == "ops-discord" and b.enabled and b.allowed_users == ["u1"]
    assert (await c.bots.get(b.id)).id == b.id
err("bots.create", cmdop.ValidationError, lambda c: c.bots.create("x", "discord", MISSING))


@ok("bots.update")
async def _(c: cmdop.Client) -> None:
    b = await c.bots.update(B1, name="renamed-bot", enabled=False)
    assert b.name == "renamed-bot" and b.enabled is False
err("bots.update", cmdop.NotFoundError, lambda c: c.bots.update(MISSING, name="x"))


@ok("bots.delete")
async def _(c: cmdop.Client) -> None:
    assert await c.bots.delete(B1) is None
    assert (await c.bots.list()).count == 0
err("bots.delete", cmdop.NotFoundError, lambda c: c.bots.delete(MISSING))


# bots.run is a local op: a handle the core runs (docs/stdio.md "Handles").
# Here its chat API is a closed port, so it keeps reconnecting until stopped.
@ok("bots.run")
async def _(c: cmdop.Client) -> None:
    async with c.bots.run(platform="telegram", token="1:x", machine_id=M1,
                          allowed_users=["42"], api_base_url="http://127.0.0.1:9") as bot:
        assert bot.status() in ("pending", "running", "reconnecting")
    assert bot.closed and bot.status() == "stopped"
    kinds = {ev.type async for ev in bot.events()}
    assert kinds <= {"error", "unknown"}
err("bots.run", cmdop.ValidationError, lambda c: c.bots.run(platform="telegram", machine_id=M1))


def _all_ops(surface: dict[str, Any]) -> set[str]:
    return {op["full_name"] for ns in surface["namespaces"] for op in ns["ops"]}


def test_table_covers_every_op(surface: dict[str, Any]) -> None:
    assert set(OK) == _all_ops(surface) and set(ERR) == _all_ops(surface)


def test_every_op_is_an_explicit_method(surface: dict[str, Any]) -> None:
    """vars(cls) (as 1.1.0's parity check): the ops plus the helpers, nothing else."""
    for ns in surface["namespaces"]:
        cls = getattr(_resources, "".join(p.title().replace("_", "")
                                          for p in ns["name"].split(".")))
        public = {n for n, v in vars(cls).items()
                  if inspect.isfunction(v) and not n.startswith("_")}
        helpers = {h["name"] for op in ns["ops"] for h in op["helpers"]}
        assert public == {op["name"] for op in ns["ops"]} | helpers, ns["name"]
        assert not hasattr(cls, "__getattr__")


async def test_bots_update_empty_list_clears_allowed_users(client: cmdop.Client) -> None:
    """An explicitly passed empty list is passed (`[]`, the presence companion
    of docs/stdio.md): it clears the list; not passing it (None) keeps it."""
    kept = await client.bots.update(B1, name="still-there")
    assert kept.allowed_users == ["@owner"]
    cleared = await client.bots.update(B1, allowed_users=[])
    assert cleared.allowed_users == []
    assert (await client.bots.get(B1)).allowed_users == []
    again = await client.bots.update(B1, allowed_users=("u1", "u2"))
    assert again.allowed_users == ["u1", "u2"]


async def test_schedules_update_empty_list_clears_machine_ids(client: cmdop.Client) -> None:
    s = await client.schedules.update(S1, fleet_id=F1, machine_ids=[M1])
    assert s.machine_ids == [M1]
    assert (await client.schedules.update(S1, fleet_id=F1, name="n")).machine_ids == [M1]
    assert (await client.schedules.update(S1, fleet_id=F1, machine_ids=[])).machine_ids == []


@pytest.mark.parametrize("name", sorted(OK))
async def test_op_success(client: cmdop.Client, name: str) -> None:
    await OK[name](client)


@pytest.mark.parametrize("name", sorted(ERR))
async def test_op_error(client: cmdop.Client, name: str) -> None:
    cls, fn = ERR[name]
    with pytest.raises(cls) as info:
        await fn(client)
    e = info.value
    assert type(e) is cls and isinstance(e, cmdop.CmdopError) and e.code and e.message
    if e.status is not None:  # answered by the server: its request id is kept
        assert e.request_id and e.request_id.startswith("req_")


@pytest.mark.parametrize("status,cls,retry_after", [
    (401, cmdop.AuthError, None), (403, cmdop.PermissionError, None),
    (409, cmdop.ConflictError, None), (429, cmdop.RateLimitError, 1.0),
    (500, cmdop.ServerError, None)])
async def test_http_status_maps_to_class(client: cmdop.Client, relay: Any, status: int,
                                         cls: type[cmdop.CmdopError],
                                         retry_after: float | None) -> None:
    """Injected HTTP failures reach the caller as the typed class with status, request id
    and (429) Retry-After, which 1.1.0 never filled."""
    body: dict[str, Any] = {"count": 1000, "status": status}
    if retry_after:
        body["retry_after"] = "1"
    relay.control("/fail", body)
    with pytest.raises(cls) as info:
        await client.fleets.list()
    e = info.value
    assert type(e) is cls and e.status == status and e.request_id
    assert e.retry_after == retry_after and e.retryable is False
