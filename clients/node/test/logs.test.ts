// Safe logs (docs/runtime.md "Logging") and the caFile option: CMDOP_LOG turns the core's log on; its lines reach the
// `logger` option (default: stderr) at their level, redacted.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Client, ValidationError } from "@cmdop/sdk";
import { closeAll, startRelay, stopRelay, type Relay } from "./support.js";

let relay: Relay;
before(async () => {
  relay = await startRelay();
});
after(async () => {
  await closeAll();
  await stopRelay(relay);
});

test("CMDOP_LOG=debug: every request reaches the logger at debug, without secrets", async () => {
  const lines: [string, string][] = [];
  const logger = {
    error: (m: string) => void lines.push(["error", m]),
    warn: (m: string) => void lines.push(["warn", m]),
    info: (m: string) => void lines.push(["info", m]),
    debug: (m: string) => void lines.push(["debug", m]),
  };
  const secret = "pw-s3cret-userinfo";
  process.env.CMDOP_LOG = "debug";
  try {
    const c = new Client({
      token: "T", apiKey: "K", apiBaseUrl: relay.platformUrl,
      baseUrl: relay.relayUrl.replace("http://", `http://user:${secret}@`), logger,
    });
    try {
      await c.machines.list();
    } finally {
      await c.close();
    }
  } finally {
    delete process.env.CMDOP_LOG;
  }
  const text = lines.map(([, m]) => m).join("\n");
  assert.ok(lines.some(([lv, m]) => lv === "debug" && /^request: GET http:\/\/\*\*\*@127\.0\.0\.1:\d+\/.*machines/.test(m)), text);
  assert.ok(lines.some(([lv]) => lv === "info"), text);
  assert.ok(!text.includes(secret), "leaked the URL's password");
  assert.ok(!/Bearer T\b/.test(text), "leaked the token");
});

test("without CMDOP_LOG the logger hears nothing", async () => {
  const lines: string[] = [];
  const push = (m: string) => void lines.push(m);
  const c = new Client({
    token: "T", baseUrl: relay.relayUrl, apiKey: "K", apiBaseUrl: relay.platformUrl,
    logger: { error: push, warn: push, info: push, debug: push },
  });
  try {
    await c.machines.list();
  } finally {
    await c.close();
  }
  assert.deepEqual(lines, []);
});

test("the caFile option reaches the core: an unreadable CA file is a ValidationError naming ca_file", async () => {
  const c = new Client({ token: "T", baseUrl: relay.relayUrl, caFile: "/nonexistent/ca.pem" });
  try {
    await assert.rejects(c.machines.list(), (e: unknown) => e instanceof ValidationError && e.field === "ca_file");
  } finally {
    await c.close();
  }
});
