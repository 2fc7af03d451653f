"""Streams and local ops come from the IDL alone (docs/idl.md "Streams",
"handle"): a mini IDL (tests/mini/streams_and_handles.cmdop) adds, beside the
real IDL, a second stream op over another union (jobs.watch over JobUpdate,
with a side channel, `ends`, `fails`, `collect`, a generated id and a
`fallback`) and a local op returning a handle (jobs.start -> Worker, with
events, a state and a method). Everything below is generated: the C compiles
against the runtime headers, the Python type-checks (mypy --strict) with the
hand-written shim, and the Node surface has the same shapes."""
import glob
import os
import shutil
import subprocess
import sys

import pytest

from generator.errors import IdlError
from generator.model import build
from generator.render import render_all
from generator.tests.test_model import CC_FLAGS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MINI = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mini",
                    "streams_and_handles.cmdop")


def sources(extra=None):
    src = [(p, open(p, encoding="utf-8").read())
           for p in sorted(glob.glob(os.path.join(ROOT, "idl", "*.cmdop")))]
    text = open(MINI, encoding="utf-8").read() if extra is None else extra
    return src + [("zz_mini.cmdop", text)]


@pytest.fixture(scope="module")
def files():
    return render_all(build(sources()))


def test_model_has_the_stream_facts_and_the_handle():
    model = build(sources())
    ops = {o["full_name"]: o for ns in model["namespaces"] for o in ns["ops"]}
    watch = ops["jobs.watch"]
    assert watch["kind"] == "stream" and watch["result"] == "JobUpdate"
    assert watch["stream"]["ends"] == "finished"
    assert watch["stream"]["fails"]["arm"] == "failed"
    assert watch["stream"]["fails"]["map"] == [{"code": "not_found",
                                                "c_code": "CMDOP_ENOTFOUND"}]
    assert watch["stream"]["collect"]["piece_keys"] == ["text"]
    start = ops["jobs.start"]
    assert start["kind"] == "local" and start["handle"] == "Worker"
    (worker,) = [h for h in model["handles"] if h["name"] == "Worker"]
    assert worker["op"] == "jobs.start" and worker["state_message"] == "WorkerState"
    assert [m["name"] for m in worker["methods"]] == ["halt"]
    arms = {a["name"]: a for a in model["arms"]}
    assert arms["worker_event"]["message"] == "WorkerNews"
    assert arms["worker_state"]["message"] == "WorkerState"
    assert arms["worker_halt_req"]["message"] == "WorkerHaltRequest"


def test_c_api_of_the_second_stream_and_the_handle(files):
    h = files["c/include/cmdop/streams.h"]
    assert "CMDOP_EXTERN int cmdop_watch_stream_next(cmdop_watch_stream *s, " \
        "cmdop_job_update **frame);" in h
    assert "cmdop_watch_stream_nudge(cmdop_watch_stream *s, const char *job_id," in h
    assert "CMDOP_EXTERN int cmdop_watch_stream_collect(cmdop_watch_stream *s, char **text);" in h
    assert "cmdop_watch_stream_follow_id(const cmdop_watch_stream *s);" in h
    # machines.ask keeps its public API
    flat = " ".join(h.split())
    for fn in ("cmdop_ask_stream_next(cmdop_ask_stream *s, cmdop_ask_frame **frame)",
               "cmdop_ask_stream_confirm(cmdop_ask_stream *s, const char *token, bool accept)",
               "cmdop_ask_stream_session_id(const cmdop_ask_stream *s)"):
        assert fn in flat, fn
    assert "int cmdop_worker_next_event(cmdop_worker *h, cmdop_worker_news **event);" in h
    assert "cmdop_worker_stage cmdop_worker_phase(const cmdop_worker *h);" in h
    assert "CMDOP_EXTERN int cmdop_worker_halt(cmdop_worker *h);" in h
    ops_h = files["c/include/cmdop/ops.h"]
    assert "int cmdop_jobs_start(cmdop_worker **out, cmdop_client *client," in ops_h
    seam = files["c/src/handles.h"]
    assert "typedef struct cmdop__worker_impl {" in seam
    assert "cmdop_worker_stage (*phase)(void *engine);" in seam
    assert "int (*halt)(void *engine, const json_t *args);" in seam
    assert "extern const cmdop__worker_impl cmdop__worker_engine;" in seam
    table = files["c/src/op_table.c"]
    assert ".ends_kind = CMDOP_JOB_UPDATE_FINISHED," in table
    assert ".fails_kind = CMDOP_JOB_UPDATE_FAILED," in table
    assert '{ "not_found", CMDOP_ENOTFOUND },' in table
    assert ".kind = CMDOP__OP_LOCAL" in table
    streams_c = files["c/src/streams.c"]
    # the frame rules: a fallback, json given as text, the IDL name as an alternative key
    assert 'frame_str(&f->progress->note, false, "working")' in streams_c
    assert 'frame_json(obj, "detail", "detail_json",' in streams_c
    assert "&cmdop__handle_worker," in streams_c


# An engine for the mini IDL's handle, to prove the seam compiles and links
# as the bots engine does; the surface code around it is generated.
ENGINE = r"""
#include "handles.h"
static int w_open(cmdop_client *c, const json_t *a, void **e) { (void)c; (void)a; *e = NULL; return 0; }
static int w_next(void *e, cmdop_worker_news **ev) { (void)e; *ev = NULL; return CMDOP_ITEROVER; }
static cmdop_worker_stage w_phase(void *e) { (void)e; return CMDOP_WORKER_STAGE_IDLE; }
static int w_halt(void *e, const json_t *a) { (void)e; (void)a; return 0; }
static void w_cancel(void *e) { (void)e; }
static void w_free(void *e) { (void)e; }
const cmdop__worker_impl cmdop__worker_engine = {
    .open = w_open, .next = w_next, .phase = w_phase, .halt = w_halt,
    .cancel = w_cancel, .free = w_free,
};
"""


def test_generated_c_compiles(files, tmp_path):
    if not shutil.which("cc") or not shutil.which("pkg-config"):
        pytest.skip("no C compiler")
    for rel, text in files.items():
        if rel.startswith("c/"):
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    (tmp_path / "c/src/engine.c").write_text(ENGINE)
    cflags = subprocess.run(["pkg-config", "--cflags", "jansson", "libcurl"],
                            capture_output=True, text=True).stdout.split()
    for src in ("types.c", "types_json.c", "ops.c", "op_table.c", "streams.c", "engine.c"):
        proc = subprocess.run(
            ["cc", *CC_FLAGS, "-I", os.path.join(ROOT, "runtime/include"),
             "-I", str(tmp_path / "c/include"), "-I", os.path.join(ROOT, "runtime/src"),
             "-I", str(tmp_path / "c/src"), *cflags, "-c", str(tmp_path / "c/src" / src),
             "-o", str(tmp_path / (src + ".o"))], capture_output=True, text=True)
        assert proc.returncode == 0, src + ":\n" + proc.stderr


def test_python_surface_type_checks(files, tmp_path):
    """The generated package plus the hand-written shim pass mypy --strict."""
    pytest.importorskip("mypy")
    pkg = tmp_path / "cmdop"
    for rel, text in files.items():
        if rel.startswith("python/cmdop/"):
            path = tmp_path / rel[len("python/"):]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    listed = open(os.path.join(ROOT, "gen/client-files.txt"), encoding="utf-8").read().split()
    src = os.path.join(ROOT, "clients/python/src/cmdop")
    for name in os.listdir(src):
        full = os.path.join(src, name)
        rel = os.path.relpath(full, ROOT).replace(os.sep, "/")
        if os.path.isfile(full) and rel not in listed:  # the hand-written shim
            shutil.copy(full, pkg / name)
    res = files["python/cmdop/_resources.py"]
    assert "class WatchStream(_Stream[JobUpdate]):" in res
    assert "def nudge(self, job_id: str, force: bool) -> Awaitable[None]:" in res
    assert "class Worker(_Handle[WorkerNews]):" in res
    assert "def phase(self) -> str:" in res and "async def halt(self) -> None:" in res
    assert "-> _Opening[Worker]:" in res
    frames = files["python/cmdop/frames.py"]
    assert "class ProgressUpdate:" in frames and "class UnknownUpdate:" in frames
    assert "note: str = 'working'" in frames and "class TickNews:" in frames
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         "--cache-dir", str(tmp_path / ".mypy"),
         "--config-file", os.path.join(ROOT, "clients/python/mypy.ini"), "-p", "cmdop"],
        capture_output=True, text=True, cwd=tmp_path,
        env=dict(os.environ, MYPYPATH=str(tmp_path)))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_node_surface_shapes(files):
    """Node: the same shapes (its type check needs buf's protobuf output,
    which `make test-node` runs for the real IDL)."""
    res = files["node/src/resources.ts"]
    assert "export class WatchStream implements AsyncIterableIterator<JobUpdate> {" in res
    assert "async nudge(jobId: string, force: boolean): Promise<void> {" in res
    assert "export class Worker {" in res
    assert "phase(): string {" in res and "async halt(): Promise<void> {" in res
    assert "async start(opts: { name: string; ticks?: number; signal?: AbortSignal }): " \
        "Promise<Worker> {" in res
    frames = files["node/src/frames.ts"]
    assert "export const frameFrom = askFrameFrom;" in frames
    assert "export function jobUpdateFrom(env: Envelope): JobUpdate {" in frames
    assert "export function workerNewsFrom(env: Envelope): WorkerNews {" in frames
    assert 'note: p.value.note || "working",' in frames


def test_the_stdio_envelope_carries_the_handle(files):
    proto = files["proto/cmdop/core/v1/zz_mini.proto"]
    assert "message WorkerState {" in proto and "optional uint32 handle = 1;" in proto
    env = files["proto/cmdop/core/v1/envelope.proto"]
    for arm in ("WorkerNews worker_event = 170;", "WorkerState worker_state = 171;",
                "WorkerHaltRequest worker_halt_req = 172;",
                "StartWorkerRequest start_worker_req = 173;"):
        assert arm in env, arm


@pytest.mark.parametrize("edit, message", [
    (("    ends finished\n", ""), "needs `ends <arm>`"),
    (("fails failed map", "fails progress map"), "needs a string field 'code'"),
    (("local name: string @1", "body name: string @1"), "a local op's params are `local`"),
    (("-> worker_state @171\n  }\n}", "-> empty @201\n  }\n}"), "answers with its handle's state"),
    (("state phase: WorkerStage", "state phase: Nope"), "unknown enum 'Nope'"),
    (("events WorkerNews", "events Tick"), "unknown union 'Tick'"),
    (('union JobUpdate tag "event"', 'union JobUpdate tag "kind"'), "clashes with a member"),
    (("arm 160 finished: JobFinished\n", ""), "needs a top-level `arm N finished"),
])
def test_checks(edit, message):
    text = open(MINI, encoding="utf-8").read()
    assert edit[0] in text
    with pytest.raises(IdlError, match=message):
        build(sources(text.replace(edit[0], edit[1])))
