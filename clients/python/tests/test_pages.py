"""The core pages for the client (docs/stdio.md "Pages"): `pages()`/`iter()` are
thin loops over PAGES/NEXT answers, so the stop rules are the C pager's — a
repeated cursor ends the iteration as in C — and leaving the loop releases the
core's iterator. collect() is the core's one rule (COLLECT), also for an
empty delta."""
from __future__ import annotations

import asyncio
import gc
import os
from pathlib import Path

import pytest

import cmdop
from conftest import Relay

ALPHA = "20000000-0000-4000-8000-000000000001"


def _list_requests(relay: Relay) -> list[dict[str, object]]:
    reqs = relay.control("/requests")["requests"]
    return [r for r in reqs if r["path"] == "/api/machines"]


async def test_repeated_cursor_stops_pages_as_in_c(client: cmdop.Client, relay: Relay) -> None:
    # the relay answers page 2 with the cursor it was asked with: the C rule
    # (a cursor already sent) stops there; a client-side loop would go on
    relay.control("/pages", {"repeat_cursor": 5})
    pages = [p async for p in client.machines.pages(limit=2)]
    assert [len(p.items) for p in pages] == [2, 2]
    assert pages[1].has_more and pages[1].next_cursor  # the server still says "more"
    assert len(_list_requests(relay)) == 2


async def test_repeated_cursor_stops_iter_as_in_c(client: cmdop.Client, relay: Relay) -> None:
    relay.control("/pages", {"repeat_cursor": 5})
    names = [m.name async for m in client.machines.iter(limit=2)]
    assert names == ["alpha", "bravo", "charlie", "delta"]
    assert len(_list_requests(relay)) == 2


async def test_without_a_repeat_every_page_comes(client: cmdop.Client, relay: Relay) -> None:
    assert [m.name async for m in client.machines.iter(limit=2)] == \
        ["alpha", "bravo", "charlie", "delta", "echo"]
    assert len(_list_requests(relay)) == 3


def _core_log(tmp: Path, client: cmdop.Client) -> str:
    proc = client._conn.proc
    assert proc is not None
    path = tmp / "cmdop-core.log"
    return path.read_text() if path.exists() else ""


async def _released(tmp: Path, client: cmdop.Client) -> str:
    """The core's debug log once it says the iteration was released."""
    for _ in range(100):
        text = _core_log(tmp, client)
        if "machines.list pages released (cancelled)" in text:
            return text
        await asyncio.sleep(0.05)
    raise AssertionError("the core never released the iterator:\n" + _core_log(tmp, client))


@pytest.fixture
def debug_client(relay: Relay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> cmdop.Client:
    monkeypatch.setenv("CMDOP_LOG", "debug")
    monkeypatch.setenv("CMDOP_LOG_FILE", str(tmp_path / "cmdop-core.log"))
    return relay.client()


async def test_break_releases_the_core_iterator(debug_client: cmdop.Client, relay: Relay,
                                                tmp_path: Path) -> None:
    c = debug_client
    try:
        async for page in c.machines.pages(limit=1):
            assert [m.name for m in page.items] == ["alpha"]
            break
        gc.collect()  # the abandoned generator is closed by asyncio's finalizer
        await _released(tmp_path, c)
        assert len(_list_requests(relay)) == 1  # no page fetched after the break
        # the core still serves: a new iteration on the same core
        assert len([m async for m in c.machines.iter(limit=2)]) == 5
    finally:
        await c.aclose()


async def test_aclose_of_iter_releases_the_core_iterator(debug_client: cmdop.Client,
                                                         relay: Relay, tmp_path: Path) -> None:
    c = debug_client
    try:
        it = c.machines.iter(limit=1)
        assert (await it.__anext__()).name == "alpha"
        await it.aclose()  # at once, not only when the generator is collected
        await _released(tmp_path, c)
        assert len(_list_requests(relay)) == 1
    finally:
        await c.aclose()


async def test_an_error_ends_the_iteration(client: cmdop.Client, relay: Relay) -> None:
    it = client.machines.pages(limit=2)
    assert len((await it.__anext__()).items) == 2
    relay.control("/fail", {"count": 10, "status": 404})
    with pytest.raises(cmdop.NotFoundError):
        await it.__anext__()
    with pytest.raises(StopAsyncIteration):
        await it.__anext__()


async def test_collect_with_an_empty_delta_is_the_c_rule(client: cmdop.Client,
                                                         relay: Relay) -> None:
    # an event {"delta": "", "text": "[empty delta]"}: the C rule takes `text`
    # when delta is empty; done.text is "" so collect() joins the deltas
    relay.control("/ask", {"empty_delta_after": 1, "empty_done_text": 1, "delay_ms": 0})
    assert await client.machines.ask(ALPHA, "echo: a b").collect() == "a [empty delta]b"


async def test_collect_after_iterating_is_refused(client: cmdop.Client) -> None:
    s = client.machines.ask(ALPHA, "echo: a")
    assert [f.type async for f in s] == ["event", "done"]
    with pytest.raises(RuntimeError):
        await s.collect()


def test_no_paging_rule_in_the_generated_client() -> None:
    # the stop rules exist once, in the core's pager: the generated helpers
    # only loop over the core's answers
    import cmdop._resources as res
    src = Path(res.__file__).read_text()
    for rule in ("next_cursor", "has_more", "has_next", ".total", "number += 1"):
        assert rule not in src.split("class _Namespaces")[0].split("def _expect")[1], rule
    assert os.path.basename(res.__file__) == "_resources.py"
