// The shim itself: core loss, handshake, binary lookup, disposal.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, CmdopError, ConnectionError, IDL_HASH, resolveBinary } from "@cmdop/sdk";
import { client, control, CORE, M, startRelay, stopRelay, type Relay } from "./support.js";

let relay: Relay;
before(async () => {
  relay = await startRelay();
});
after(() => stopRelay(relay));

function corePids(): number[] {
  try {
    return execFileSync("pgrep", ["-P", String(process.pid), "-f", "--", "--stdio"]).toString().trim().split("\n").map(Number);
  } catch {
    return [];
  }
}

test("killing the core mid-call rejects every pending call; the next call spawns a fresh core", async () => {
  const c = client(relay);
  await c.machines.list(); // the core is up
  const [pid] = corePids();
  assert.ok(pid);
  const stream = c.machines.ask(M(1), "rm -rf /x"); // waits on a confirm: pending until the kill
  const it = stream[Symbol.asyncIterator]();
  assert.equal((await it.next()).value?.type, "confirm_required");
  const pending = [it.next(), ...Array.from({ length: 20 }, () => c.machines.list())];
  process.kill(pid, "SIGKILL");
  const results = await Promise.allSettled(pending);
  assert.equal(results[0]!.status, "rejected");
  for (const r of results) if (r.status === "rejected") assert.ok(r.reason instanceof ConnectionError, String(r.reason));
  assert.equal((await c.machines.list()).items.length, 5);
  const [fresh] = corePids();
  assert.ok(fresh && fresh !== pid);
  await c.close();
  await control(relay, "/reset", { state: true });
});

test("a core built from another IDL is refused, naming both hashes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cmdop-fake-"));
  // Envelope{id: 0, kind: RESPONSE, hello(202): Hello{idl_hash(2): "ff..."}} encoded by hand.
  const hello = Buffer.concat([Buffer.from([0x12, 64]), Buffer.from("f".repeat(64))]);
  const body = Buffer.concat([Buffer.from([0x08, 0, 0x10, 2, 0xd2, 0x0c, hello.length]), hello]);
  writeFileSync(join(dir, "hello.bin"), Buffer.concat([Buffer.from([body.length]), body]));
  writeFileSync(join(dir, "core"), `#!/bin/sh\ncat "${dir}/hello.bin"\nexec sleep 30\n`);
  chmodSync(join(dir, "core"), 0o755);
  const c = new Client({ token: "T", binaryPath: join(dir, "core") });
  const e = await c.machines.list().catch((x: unknown) => x);
  assert.ok(e instanceof CmdopError);
  assert.ok(e.message.includes("f".repeat(64)) && e.message.includes(IDL_HASH), e.message);
  await c.close();
});

test("a core that dies before its hello fails the call with ConnectionError", async () => {
  const c = new Client({ token: "T", binaryPath: "/bin/false" });
  await assert.rejects(c.machines.list(), (e: unknown) => e instanceof ConnectionError && /cmdop-core (exited|stdout closed)/.test(e.message));
  await c.close();
});

test("binary resolver: explicit path, CMDOP_CORE_BINARY, packaged name, and the error", () => {
  assert.equal(resolveBinary({ binaryPath: CORE, env: {} }), CORE);
  assert.throws(() => resolveBinary({ binaryPath: "/nonexistent/core", env: {} }), /not found/);
  assert.equal(resolveBinary({ env: { CMDOP_CORE_BINARY: CORE } }), CORE);
  assert.throws(() => resolveBinary({ env: { CMDOP_CORE_BINARY: "/nonexistent" } }), /CMDOP_CORE_BINARY/);
  const pkg = mkdtempSync(join(tmpdir(), "cmdop-pkg-"));
  const mod = join(pkg, "dist", "esm");
  mkdirSync(mod, { recursive: true });
  mkdirSync(join(pkg, "bin"));
  writeFileSync(join(pkg, "bin", "cmdop-core-linux-x64"), "");
  writeFileSync(join(pkg, "bin", "cmdop-core-win32-x64.exe"), "");
  assert.equal(resolveBinary({ env: {}, dir: mod, platform: "linux", arch: "x64" }), join(mod, "../../bin", "cmdop-core-linux-x64"));
  assert.equal(resolveBinary({ env: {}, dir: mod, platform: "win32", arch: "x64" }), join(mod, "../../bin", "cmdop-core-win32-x64.exe"));
  assert.throws(() => resolveBinary({ env: {}, dir: mod, platform: "darwin", arch: "arm64" }),
    /no prebuilt binary for darwin-arm64; this package carries: linux-x64, win32-x64/);
});

test("a missing binary fails the call, not the construction", async () => {
  const c = new Client({ token: "T", binaryPath: "/nonexistent/core" });
  await assert.rejects(c.machines.list(), /not found/);
  await c.close();
});

test("await using closes the client (compiled down from TypeScript)", async () => {
  let pid = 0;
  {
    await using c = client(relay);
    await c.machines.list();
    pid = corePids()[0] ?? 0;
    assert.ok(pid);
  }
  assert.ok(!corePids().includes(pid), "core still running after dispose");
});

test("close() is idempotent and later calls fail with ConnectionError", async () => {
  const c = client(relay);
  await c.machines.list();
  await c.close();
  await c.close();
  await assert.rejects(c.machines.list(), ConnectionError);
});

test("config resolution: explicit > env > default, trailing slash stripped, string token", () => {
  const c = new Client("tok");
  assert.equal(c.config.token, "tok");
  const d = new Client({ baseUrl: "http://x/", timeoutMs: 5 });
  assert.equal(d.baseUrl, "http://x");
  assert.equal(d.config.timeoutMs, 5);
  assert.equal(typeof Client.fromEnv().config.apiBaseUrl, "string");
});
