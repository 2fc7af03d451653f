// One Node contender, one measure, one JSON line on stdout (the Node twin of
// bench/py/worker.py; same measures and fields).
//   node worker.mjs CONTENDER MEASURE '{"n": ..., ...}'
// CONTENDER: "ours" (this repo's @cmdop/sdk, from BENCH_NODE_SDK, on the core
// CMDOP_CORE_BINARY names) or "fetch" (global fetch, plus eventsource-parser
// for streams). Configuration: the CMDOP_* environment.
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { randomBytes } from "node:crypto";

const [, , name, measure, paramsText] = process.argv;
const p = JSON.parse(paramsText);
const TICK = 100; // USER_HZ on Linux

function children() {
  const pids = [];
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      pids.push(...readFileSync(`/proc/self/task/${tid}/children`, "utf8").split(/\s+/).filter(Boolean).map(Number));
    } catch { /* a thread ended */ }
  }
  return pids;
}
function coreCpu(pid) {
  if (!pid) return 0;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(")").pop().trim().split(/\s+/);
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch { return 0; }
}
function coreRss(pid) {
  if (!pid) return 0;
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch { return 0; }
}
function selfCpu() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function ours() {
  const sdk = await import(process.env.BENCH_NODE_SDK);
  const c = new sdk.Client();
  return {
    info: (m) => c.machines.info(m),
    frames: async (m, prompt) => {
      let n = 0;
      for await (const _f of c.machines.ask(m, prompt)) n++;
      return n;
    },
    close: () => c.close(),
  };
}

async function viaFetch() {
  const require = createRequire(import.meta.url);
  const { createParser } = require(process.env.BENCH_NODE_MODULES + "/eventsource-parser");
  const base = process.env.CMDOP_BASE_URL;
  const auth = { authorization: `Bearer ${process.env.CMDOP_TOKEN}` };
  return {
    info: async (m) => {
      const r = await fetch(`${base}/api/admin/machines/${m}/info`, { headers: auth });
      if (!r.ok) throw new Error(`status ${r.status}`);
      return r.json();
    },
    frames: async (m, prompt) => {
      const r = await fetch(`${base}/api/admin/machines/${m}/ask`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify({ prompt, session_id: randomBytes(16).toString("hex") }),
      });
      if (!r.ok) throw new Error(`status ${r.status}`);
      let n = 0;
      let end = false;
      const parser = createParser({
        onEvent: (ev) => {
          JSON.parse(ev.data);
          n++;
          if (ev.event === "done" || ev.event === "error") end = true;
        },
      });
      const dec = new TextDecoder();
      for await (const chunk of r.body) {
        parser.feed(dec.decode(chunk, { stream: true }));
        if (end) break;
      }
      return n;
    },
    close: async () => {},
  };
}

async function bounded(n, conc, one) {
  let next = 0;
  const lane = async () => { while (next < n) { next++; await one(); } };
  await Promise.all(Array.from({ length: Math.min(conc, n) }, lane));
}

const c = name === "ours" ? await ours() : await viaFetch();
await c.info(p.machine);
if (measure === "cold") {
  await c.close();
  console.log(JSON.stringify({ ops: 1 }));
  process.exit(0);
}
const core = children()[0];
const t0 = performance.now(), c0 = selfCpu(), k0 = coreCpu(core);
let ops = 0, frames = 0, failed = 0;
if (measure === "unary") {
  await bounded(p.n, p.conc, () => c.info(p.machine));
  ops = p.n;
} else if (measure === "stream") {
  for (let i = 0; i < p.k; i++) frames += await c.frames(p.machine, p.prompt);
  ops = p.k;
} else if (measure === "streams") {
  const counts = await Promise.all(Array.from({ length: p.n }, () =>
    c.frames(p.machine, p.prompt).catch((e) => {
      if (failed++ === 0) console.error(`stream failed: ${e}`);
      return 0;
    })));
  frames = counts.reduce((a, b) => a + b, 0);
  ops = p.n;
}
const out = {
  ops, frames, failed, wall_s: (performance.now() - t0) / 1000,
  cpu_client_s: selfCpu() - c0, cpu_core_s: coreCpu(core) - k0,
  rss_client_kb: process.resourceUsage().maxRSS, rss_core_kb: coreRss(core),
};
await c.close();
console.log(JSON.stringify(out));
process.exit(0);
