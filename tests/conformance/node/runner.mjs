// The Node conformance runner: one scenario through the BUILT package.
//
//   CONF_NODE_PKG=clients/node CMDOP_CORE_BINARY=build/cmdop-core \
//     node tests/conformance/node/runner.mjs SCENARIO.json
//
// Same contract as c/runner.c: the client comes from the CMDOP_* environment
// (Client.fromEnv()); a step calls the op by its camelCase name with the
// IDL's Node call shape (gen/surface.json `call.node`: positionals, then an
// options object with camelCase members), its iter/pages helper for
// "mode": "iter"/"pages", or streams machines.ask answering pin/confirm
// mid-stream. Records (protobuf-es messages) are printed in their wire JSON
// form, mapped through the IDL's record and enum declarations: snake_case
// keys, enums as their wire strings, absent optionals left out, like the C
// cmdop_<type>_to_json().
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..", "..");
const pkgDir = path.resolve(ROOT, process.env.CONF_NODE_PKG || "clients/node");
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
const sdk = await import(pathToFileURL(path.join(pkgDir, pkg.module)).href);
const surface = JSON.parse(fs.readFileSync(path.join(ROOT, "gen", "surface.json"), "utf8"));

const records = new Map(surface.records.map((r) => [r.name, r]));
const enums = new Map(surface.enums.map((e) => [e.name, new Map(e.values.map((v) => [v.number, v.wire]))]));
const ops = new Map(surface.namespaces.flatMap((ns) => ns.ops.map((o) => [o.full_name, o])));
const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const snake = (s) => s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();

function plain(v) {
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") {
    if (v.$typeName) return wire(v);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [snake(k), plain(x)]));
  }
  return v;
}

// A protobuf-es message -> the record's wire JSON via its IDL declaration.
function wire(msg) {
  const name = msg.$typeName.split(".").pop();
  const rec = records.get(name);
  if (!rec) return plain(Object.fromEntries(Object.entries(msg).filter(([k]) => k !== "$typeName")));
  const out = {};
  for (const f of rec.fields) {
    let v = msg[camel(f.name)];
    if (v === undefined) continue; // an absent optional field
    if (f.type === "enum") {
      const m = enums.get(f.ref);
      v = f.repeated ? v.map((x) => m.get(x)) : m.get(v);
      if (v === undefined || v === null) continue;
    } else if (f.type === "json" || (f.type === "string" && f.name.endsWith("_json"))) {
      v = plain(v);
    } else {
      v = plain(v);
    }
    out[f.wire || f.name] = v;
  }
  return out;
}

function frameJson(f) {
  return Object.fromEntries(Object.entries(f).map(([k, v]) => [snake(k), plain(v)]));
}

function callArgs(op, args) {
  const out = [];
  for (const c of op.call.node) {
    if (c.kind === "positional") out.push(args[c.param]);
    else {
      const o = {};
      for (const m of c.members) if (m in args) o[camel(m)] = args[m];
      out.push(o);
    }
  }
  while (out.length && out[out.length - 1] === undefined) out.pop();
  return out;
}

function errorJson(e) {
  return { code: e.code ?? "unknown", status: e.status ?? 0, field: e.field ?? null };
}

async function runStep(client, step) {
  const parts = step.op.split(".");
  const op = ops.get(step.op);
  let target = client;
  for (const p of parts.slice(0, -1)) target = target[camel(p)];
  const name = camel(parts[parts.length - 1]);
  const args = step.args || {};
  let frames = null;
  try {
    let result;
    if (step.mode === "iter" || step.mode === "pages") {
      const h = op.helpers.find((x) => x.kind === step.mode);
      const hargs = callArgs(op, Object.fromEntries(Object.entries(args)));
      result = [];
      for await (const x of target[h.node_name](...hargs)) result.push(plain(x));
    } else if (step.mode === "collect") {
      // a stream's collect(): {"text": ...}
      result = { text: await target[name](...callArgs(op, args)).collect() };
    } else if (step.op === "machines.ask") {
      frames = [];
      const answers = step.answers || {};
      const stream = target[name](...callArgs(op, args));
      for await (const f of stream) {
        frames.push(frameJson(f));
        if (f.type === "pin_required" && "pin" in answers) await stream.pin(f.challengeId, answers.pin);
        else if (f.type === "confirm_required" && "confirm" in answers) await stream.confirm(f.token, !!answers.confirm);
      }
      result = null;
    } else {
      const r = await target[name](...callArgs(op, args));
      result = r === undefined ? null : plain(r);
    }
    const out = { ok: true, result };
    if (frames) out.frames = frames;
    return out;
  } catch (e) {
    if (!(e instanceof sdk.CmdopError)) throw e;
    const out = { ok: false, error: errorJson(e) };
    if (frames) out.frames = frames;
    return out;
  }
}

const scenario = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const client = sdk.Client.fromEnv();
const steps = [];
try {
  for (const st of scenario.steps) steps.push(await runStep(client, st));
} finally {
  await client.close();
}
process.stdout.write(JSON.stringify({ steps }) + "\n");
