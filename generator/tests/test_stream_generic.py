"""Streams and local ops come from the IDL alone (docs/idl.md "Streams",
"handle"): a mini IDL (tests/mini/streams_and_handles.cmdop) adds, beside the
real IDL, a second stream op over another union (jobs.watch over JobUpdate,
with a side channel, `ends`, `fails`, `collect`, a generated id and a
`fallback`) and a local op returning a handle (jobs.start -> Worker, with
events, a state, a void method and one with params and a record result).
Everything below is generated: the C compiles against the runtime headers
and, linked with the built runtime, runs the method (validation first); the
Python type-checks (mypy --strict) with the hand-written shim, and the Node
surface type-checks (tsc --strict) over protoc-gen-es's output."""
import glob
import os
import re
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
    ops = {o.full_name: o for o in model.ops()}
    watch = ops["jobs.watch"]
    assert watch.kind == "stream" and watch.result == "JobUpdate"
    assert watch.stream and watch.stream.ends == "finished"
    assert watch.stream.fails and watch.stream.fails.arm == "failed"
    assert [f.to_json() for f in watch.stream.fails.map] == [{"code": "not_found",
                                                              "c_code": "CMDOP_ENOTFOUND"}]
    assert watch.stream.collect and watch.stream.collect.piece_keys == ("text",)
    start = ops["jobs.start"]
    assert start.kind == "local" and start.handle == "Worker"
    (worker,) = [h for h in model.handles if h.name == "Worker"]
    assert worker.op == "jobs.start" and worker.state_message == "WorkerState"
    assert [m.name for m in worker.methods] == ["halt", "probe", "tune"]
    probe = worker.methods[1]
    assert probe.result == "WorkerReport"
    assert [(p.name, p.in_, p.type, p.default) for p in probe.params] == [
        ("depth", "local", "int32", 1), ("label", "local", "string", None),
        ("stage", "local", "enum", None)]
    arms = {a.name: a for a in model.arms}
    assert arms["worker_event"].message == "WorkerNews"
    assert arms["worker_state"].message == "WorkerState"
    assert arms["worker_halt_req"].message == "WorkerHaltRequest"
    assert arms["worker_probe_req"].message == "WorkerProbeRequest"
    assert arms["worker_report"].message == "WorkerReport"


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
    flat_h = " ".join(h.split())
    assert ("CMDOP_EXTERN int cmdop_worker_probe(cmdop_worker *h, "
            "const cmdop_worker_probe_params *params, cmdop_worker_report **out);") in flat_h
    assert "int32_t depth; /* local, 1..5, never sent: applied by the core" in h
    assert "CMDOP_EXTERN int cmdop_worker_probe_params_init(" in h
    ops_h = files["c/include/cmdop/ops.h"]
    assert "int cmdop_jobs_start(cmdop_worker **out, cmdop_client *client," in ops_h
    seam = files["c/src/handles.h"]
    assert "typedef struct cmdop__worker_impl {" in seam
    assert "cmdop_worker_stage (*phase)(void *engine);" in seam
    assert "int (*halt)(void *engine, const json_t *args);" in seam
    assert ("int (*probe)(void *engine, const json_t *args, cmdop_worker_report **out);"
            in seam)
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
    # a method's params are validated by its own descriptor before the engine runs
    assert "const cmdop__op_desc cmdop__method_worker_probe = {" in table
    assert "cmdop__validate_args(&cmdop__method_worker_probe, args, NULL, out);" in streams_c


# An engine for the mini IDL's handle, to prove the seam compiles and links
# as the bots engine does; the surface code around it is generated.
ENGINE = r"""
#include <stdlib.h>
#include <string.h>
#include "handles.h"
static int w_open(cmdop_client *c, const json_t *a, void **e) { (void)c; (void)a; *e = NULL; return 0; }
static int w_next(void *e, cmdop_worker_news **ev) { (void)e; *ev = NULL; return CMDOP_ITEROVER; }
static cmdop_worker_stage w_phase(void *e) { (void)e; return CMDOP_WORKER_STAGE_IDLE; }
static int w_halt(void *e, const json_t *a) { (void)e; (void)a; return 0; }
/* the args arrive validated, defaults applied: depth is always there */
static int w_probe(void *e, const json_t *a, cmdop_worker_report **out)
{
    (void)e;
    cmdop_worker_report *r = calloc(1, sizeof *r);
    const char *label = json_string_value(json_object_get(a, "label"));
    if (!r || !(r->label = strdup(label ? label : "")))
        return free(r), CMDOP_ENOMEM;
    r->ticks_done = (int32_t)json_integer_value(json_object_get(a, "depth"));
    *out = r;
    return 0;
}
/* a required param: validation rejects a call without it before this runs */
static int w_tune(void *e, const json_t *a)
{
    (void)e;
    return json_integer_value(json_object_get(a, "speed")) > 0 ? 0 : CMDOP_EINTERNAL;
}
static void w_cancel(void *e) { (void)e; }
static void w_free(void *e) { (void)e; }
const cmdop__worker_impl cmdop__worker_engine = {
    .open = w_open, .next = w_next, .phase = w_phase, .halt = w_halt, .probe = w_probe,
    .tune = w_tune, .cancel = w_cancel, .free = w_free,
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
    for src in ("types.c", "types_json.c", "ops.c", "op_table.c", "streams.c", "error_codes.c",
                "engine.c"):
        proc = subprocess.run(
            ["cc", *CC_FLAGS, "-I", os.path.join(ROOT, "runtime/include"),
             "-I", str(tmp_path / "c/include"), "-I", os.path.join(ROOT, "runtime/src"),
             "-I", str(tmp_path / "c/src"), *cflags, "-c", str(tmp_path / "c/src" / src),
             "-o", str(tmp_path / (src + ".o"))], capture_output=True, text=True)
        assert proc.returncode == 0, src + ":\n" + proc.stderr


# Runs the method of the mini handle through the public C API and through the
# stdio descriptor's JSON adapter: params validated (defaults applied) before
# the engine, the record result handed back.
MAIN = r"""
#include <stdio.h>
#include <string.h>
#include "cmdop/error.h"
#include "cmdop/ops.h"
#include "handle_desc.h"
#define CHECK(c) do { if (!(c)) { printf("FAILED line %d: %s\n", __LINE__, #c); return 1; } } while (0)
int main(void)
{
    cmdop_client_options o = CMDOP_CLIENT_OPTIONS_INIT;
    o.use_env = false;
    o.base_url = "http://127.0.0.1:9";
    o.token = "t";
    cmdop_client *c = NULL;
    CHECK(cmdop_client_new(&c, &o) == 0);
    cmdop_jobs_start_params sp = CMDOP_JOBS_START_PARAMS_INIT;
    sp.name = "w1";
    cmdop_worker *w = NULL;
    CHECK(cmdop_jobs_start(&w, c, &sp) == 0);
    cmdop_worker_report *r = NULL;
    CHECK(cmdop_worker_probe(w, NULL, &r) == 0 && r->ticks_done == 1 && !strcmp(r->label, ""));
    cmdop_worker_report_free(r);
    cmdop_worker_probe_params p = CMDOP_WORKER_PROBE_PARAMS_INIT;
    p.depth = 4;
    p.has_depth = true;
    p.label = "abc";
    CHECK(cmdop_worker_probe(w, &p, &r) == 0 && r->ticks_done == 4 && !strcmp(r->label, "abc"));
    cmdop_worker_report_free(r);
    r = NULL;
    p.depth = 9;
    CHECK(cmdop_worker_probe(w, &p, &r) == CMDOP_EVALIDATION && !r);
    CHECK(!strcmp(cmdop_error_last()->field, "depth"));
    p.depth = 2;
    p.label = "far-too-long";
    CHECK(cmdop_worker_probe(w, &p, &r) == CMDOP_EVALIDATION);
    CHECK(!strcmp(cmdop_error_last()->field, "label"));
    p.version = 7;
    CHECK(cmdop_worker_probe(w, &p, &r) == CMDOP_EINVALID);
    CHECK(cmdop_worker_probe(w, NULL, NULL) == CMDOP_EINVALID);
    cmdop_worker_tune_params tp = CMDOP_WORKER_TUNE_PARAMS_INIT;
    CHECK(cmdop_worker_tune(w, &tp) == CMDOP_EVALIDATION);
    CHECK(!strcmp(cmdop_error_last()->field, "speed"));
    tp.speed = 3;
    tp.has_speed = true;
    CHECK(cmdop_worker_tune(w, &tp) == 0);
    CHECK(cmdop_worker_halt(w) == 0);
    cmdop_worker_free(w);

    /* the stdio server's path: JSON args in, the record as JSON out */
    const cmdop__handle_desc *d = NULL;
    for (size_t i = 0; i < cmdop__handle_descs_count; i++)
        if (!strcmp(cmdop__handle_descs[i]->name, "Worker"))
            d = cmdop__handle_descs[i];
    CHECK(d && d->n_methods == 3 && d->methods[1].resp_arm == 175);
    json_t *open_args = json_pack("{s:s}", "name", "w2");
    void *h = NULL;
    CHECK(d->open(c, open_args, &h) == 0);
    json_decref(open_args);
    json_t *args = json_pack("{s:i}", "depth", 3), *res = NULL;
    CHECK(d->call(h, 1, args, &res) == 0 && res);
    CHECK(json_integer_value(json_object_get(res, "ticks_done")) == 3);
    json_decref(res);
    json_decref(args);
    args = json_pack("{s:s}", "stage", "nope");
    CHECK(d->call(h, 1, args, &res) == CMDOP_EVALIDATION && !res);
    json_decref(args);
    args = json_object();
    CHECK(d->call(h, 0, args, &res) == 0 && !res);
    CHECK(d->call(h, 2, args, &res) == CMDOP_EVALIDATION && !res);
    json_decref(args);
    args = json_pack("{s:i}", "speed", 2);
    CHECK(d->call(h, 2, args, &res) == 0 && !res);
    json_decref(args);
    d->free(h);
    cmdop_client_free(c);
    printf("ok\n");
    return 0;
}
"""


def test_handle_method_runs_in_c(files, tmp_path):
    """Links the mini IDL's generated C with the runtime of the tree's build
    ($BUILD/libcmdop.a, as `make BUILD=... test-gen` passes it) and runs it."""
    lib = os.path.join(ROOT, os.environ.get("BUILD", "build"), "libcmdop.a")
    if not shutil.which("cc") or not os.path.exists(lib):
        pytest.skip("no C compiler or no built " + lib)
    for rel, text in files.items():
        if rel.startswith("c/"):
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    (tmp_path / "c/src/engine.c").write_text(ENGINE)
    (tmp_path / "main.c").write_text(MAIN)
    cflags = subprocess.run(["pkg-config", "--cflags", "jansson", "libcurl"],
                            capture_output=True, text=True).stdout.split()
    libs = subprocess.run(["pkg-config", "--libs", "jansson", "libcurl", "libprotobuf-c",
                           "openssl"], capture_output=True, text=True).stdout.split()
    san = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-g"]
    objs = []
    for src in ("types.c", "types_json.c", "ops.c", "op_table.c", "streams.c", "error_codes.c",
                "engine.c", "../../main.c"):
        obj = str(tmp_path / (os.path.basename(src) + ".o"))
        proc = subprocess.run(
            ["cc", *CC_FLAGS, *san, "-I", os.path.join(ROOT, "runtime/include"),
             "-I", str(tmp_path / "c/include"), "-I", os.path.join(ROOT, "runtime/src"),
             "-I", str(tmp_path / "c/src"), *cflags, "-c", str(tmp_path / "c/src" / src),
             "-o", obj], capture_output=True, text=True)
        assert proc.returncode == 0, src + ":\n" + proc.stderr
        objs.append(obj)
    exe = str(tmp_path / "probe")
    proc = subprocess.run(["cc", *san, "-o", exe, *objs, lib, *libs, "-lwslay", "-lm",
                           "-pthread"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    run = subprocess.run([exe], capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, ASAN_OPTIONS="detect_leaks=1"))
    assert run.returncode == 0 and run.stdout.strip().endswith("ok"), run.stdout + run.stderr


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
    assert ("async def probe(self, *, depth: int = 1, label: str | None = None, "
            "stage: str | WorkerStage | None = None) -> WorkerReport:") in res
    assert "return WorkerReport._from_pb(out.worker_report)" in res
    assert "async def tune(self, *, speed: int) -> None:" in res
    # `close halt`: the context exit calls halt()
    worker = res[res.index("class Worker(_Handle[WorkerNews]):"):]
    assert "        await self.halt()\n" in worker[:worker.index("\nclass ")]
    frames = files["python/cmdop/frames.py"]
    assert re.search(r"^class ProgressUpdate\b", frames, re.M)
    assert re.search(r"^class UnknownUpdate\b", frames, re.M)
    assert "note: str = 'working'" in frames and re.search(r"^class TickNews\b", frames, re.M)
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
    # `close halt`: close() calls halt() (and await using calls close())
    worker = res[res.index("export class Worker {"):]
    close = worker[worker.index("  async close(): Promise<void> {"):]
    assert close.index("await this.halt();") < close.index("\n  }\n")
    assert "async start(opts: { name: string; ticks?: number; signal?: AbortSignal }): " \
        "Promise<Worker> {" in res
    assert ("async probe(params?: { depth?: number; label?: string; stage?: "
            '"idle" | "busy" | "done" | (string & {}) }, callOpts?: CallOptions): '
            "Promise<WorkerReport> {") in res
    # checked before the envelope, as an op's params
    assert 'label: strIn(params?.label, "label"),' in res
    assert 'case: "workerProbeReq", value: { ...value, handle: this.post.id }' in res
    assert 'return expect<WorkerReport>(p, "workerReport");' in res
    assert "async tune(params: { speed: number }, callOpts?: CallOptions): Promise<void> {" in res
    frames = files["node/src/frames.ts"]
    assert "export const frameFrom = askFrameFrom;" in frames
    assert "export function jobUpdateFrom(env: Envelope): JobUpdate {" in frames
    assert "export function workerNewsFrom(env: Envelope): WorkerNews {" in frames
    assert 'note: v.note || "working",' in frames


def test_node_surface_type_checks(files, tmp_path):
    """The generated Node surface of the real IDL plus the mini one, over
    protoc-gen-es's output of its .proto files, passes tsc --strict."""
    node = os.path.join(ROOT, "clients/node")
    bins = os.path.join(node, "node_modules/.bin")
    if not all(os.path.exists(os.path.join(bins, b)) for b in ("tsc", "buf")):
        pytest.skip("no clients/node/node_modules (npm ci)")
    copy = tmp_path / "clients/node"
    shutil.copytree(node, copy, ignore=shutil.ignore_patterns("node_modules", "dist", "proto"))
    os.symlink(os.path.join(node, "node_modules"), copy / "node_modules")
    for rel, text in files.items():
        if rel.startswith("proto/"):
            path = tmp_path / "gen" / rel
        elif rel.startswith("node/src/"):
            path = copy / "src/gen" / rel[len("node/src/"):]
        else:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for cmd in (["buf", "generate"], ["tsc", "-p", "tsconfig.json"]):
        proc = subprocess.run([os.path.join(bins, cmd[0]), *cmd[1:]], cwd=copy,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, " ".join(cmd) + ":\n" + proc.stdout + proc.stderr
    assert "async probe(" in (copy / "src/gen/resources.ts").read_text()


def test_the_stdio_envelope_carries_the_handle(files):
    proto = files["proto/cmdop/core/v1/zz_mini.proto"]
    assert "message WorkerState {" in proto and "optional uint32 handle = 1;" in proto
    env = files["proto/cmdop/core/v1/envelope.proto"]
    for arm in ("WorkerNews worker_event = 170;", "WorkerState worker_state = 171;",
                "WorkerHaltRequest worker_halt_req = 172;",
                "StartWorkerRequest start_worker_req = 173;",
                "WorkerProbeRequest worker_probe_req = 174;",
                "WorkerReport worker_report = 175;"):
        assert arm in env, arm
    probe = proto[proto.index("message WorkerProbeRequest {"):]
    probe = probe[:probe.index("}")]
    assert "optional uint32 handle = 1;" in probe and "optional string label = 3;" in probe
    assert "optional WorkerStage stage = 4;" in probe


@pytest.mark.parametrize("edit, message", [
    (("    ends finished\n", ""), "needs `ends <arm>`"),
    (("fails failed map", "fails progress map"), "needs a string field 'code'"),
    (("local name: string @1", "body name: string @1"), "a local op's params are `local`"),
    (("-> worker_state @171\n  }\n}", "-> empty @201\n  }\n}"), "answers with its handle's state"),
    (("state phase: WorkerStage", "state phase: Nope"), "unknown enum 'Nope'"),
    (("events WorkerNews", "events Tick"), "unknown union 'Tick'"),
    (('union JobUpdate tag "event"', 'union JobUpdate tag "kind"'), "clashes with a member"),
    (("arm 160 finished: JobFinished\n", ""), "needs a top-level `arm N finished"),
    (("  close halt\n", "  close stop\n"), "`close stop` names no method of it"),
    (("  close halt\n", "  close halt\n  close halt\n"), "a second `close`"),
    (("  close halt\n", "  close probe\n"), "`close probe` needs a method with no params"),
    (("local depth: int32 @2", "body depth: int32 @2"), "a method's params are `local`"),
    (("local depth: int32 @2", "local depth: int32 @1"), "param field 1 is the handle"),
    (("-> worker_report @175", "-> empty @201"), "answers with its own arm"),
    (("method probe: -> WorkerReport", "method probe: -> Nope"), "unknown record 'Nope'"),
    (("method probe: -> WorkerReport", "method probe: -> stream JobUpdate"),
     "a method returns `void` or a record"),
    (("local label?: string @3 len(1..10)", "local label?: WorkerReport @3"),
     "params can not be of type record"),
])
def test_checks(edit, message):
    text = open(MINI, encoding="utf-8").read()
    assert edit[0] in text
    with pytest.raises(IdlError, match=message):
        build(sources(text.replace(edit[0], edit[1])))
