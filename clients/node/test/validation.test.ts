// Argument validation before the network: an enum value that is not the IDL's
// and a missing fleet id are ValidationErrors naming the field (and, for an
// enum, listing the allowed values); no request reaches the relay.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { ValidationError, type Client } from "@cmdop/sdk";
import { client, closeAll, control, M, startRelay, stopRelay, type Relay } from "./support.js";

let relay: Relay;
let c: Client;
before(async () => {
  relay = await startRelay();
  c = client(relay);
});
after(async () => {
  await closeAll();
  await stopRelay(relay);
});
beforeEach(async () => {
  await control(relay, "/reset", { state: true });
});

async function requests(): Promise<unknown[]> {
  return ((await control(relay, "/requests")) as { requests: unknown[] }).requests;
}

async function rejects(p: Promise<unknown>, field: string, allowed: string[]): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ValidationError, `not a ValidationError: ${String(e)}`);
    assert.equal(e.code, "validation");
    assert.equal(e.field, field);
    for (const a of allowed) assert.ok(e.message.includes(a), `${e.message} lacks ${a}`);
    return true;
  });
}

test("an enum value that is not the IDL's is a ValidationError, before the network", async () => {
  const perms = ["none", "read", "execute", "files", "admin"];
  await rejects(c.schedules.create({ name: "x", cronExpr: "0 * * * *", command: "true",
    targetKind: "specific", machineIds: [M(1)] }), "target_kind", ["all_fleet_machines", "specific_machines"]);
  await rejects(c.bots.create({ name: "x", platform: "slack", machineId: M(1), permission: "Read" }),
    "permission", perms);
  await rejects(c.bots.create({ name: "x", platform: "irc", machineId: M(1) }),
    "platform", ["telegram", "discord", "slack"]);
  await rejects(c.fleets.create({ name: "Staging", slug: "staging", mfaRequired: "Required" }),
    "mfa_required", ["none", "optional", "required"]);
  // a wrong type from untyped JavaScript, and an inherited property name
  await rejects(c.bots.create({ name: "x", platform: "slack", machineId: M(1), permission: 3 as unknown as string }),
    "permission", perms);
  await rejects(c.bots.create({ name: "x", platform: "slack", machineId: M(1), permission: "toString" }),
    "permission", perms);
  assert.deepEqual(await requests(), []);
});

test("the IDL's enum strings still pass", async () => {
  const b = await c.bots.create({ name: "x", platform: "slack", machineId: M(1), permission: "read" });
  assert.equal(b.permission, 2); // BotPermission.READ, the proto number records carry
});

test("a missing fleet id is a ValidationError naming fleet_id, before the network", async () => {
  const saved = process.env.CMDOP_FLEET_ID;
  delete process.env.CMDOP_FLEET_ID;
  try {
    const nf = client(relay, { fleetId: undefined });
    await rejects(nf.keys.list(), "fleet_id", ["CMDOP_FLEET_ID"]);
    await rejects(nf.schedules.list(), "fleet_id", ["CMDOP_FLEET_ID"]);
    await rejects(nf.schedules.create({ name: "x", cronExpr: "0 * * * *", command: "true" }),
      "fleet_id", ["CMDOP_FLEET_ID"]);
    assert.deepEqual(await requests(), []);
  } finally {
    if (saved !== undefined) process.env.CMDOP_FLEET_ID = saved;
  }
});

test("a NUL inside a string is a ValidationError naming the field, before the network", async () => {
  await rejects(c.machines.disable(M(2) + "\0-x"), "machine_id", ["NUL"]);
  await rejects(c.bots.create({ name: "safe\0; evil", platform: "slack", machineId: M(1) }), "name", ["NUL"]);
  await rejects(c.bots.create({ name: "x", platform: "slack", machineId: M(1), allowedUsers: ["u", "v\0w"] }),
    "allowed_users", ["NUL"]);
  await rejects(c.keys.list({ fleetId: "f\0x" }), "fleet_id", ["NUL"]);
  assert.deepEqual(await requests(), []);
});

test("a string is never a list, and a param of the wrong type names its field", async () => {
  await rejects(c.schedules.create({ name: "x", cronExpr: "0 * * * *", command: "true",
    targetKind: "specific_machines", machineIds: "abc" as unknown as string[] }), "machine_ids", []);
  await rejects(c.machines.disable(5 as unknown as string), "machine_id", []);
  await rejects(c.bots.create({ name: "x", platform: "slack", machineId: M(1), allowedUsers: ["u", 5 as unknown as string] }),
    "allowed_users", []);
  await rejects(c.bots.list({ pageSize: "5" as unknown as number }), "page_size", []);
  await rejects(c.bots.list({ pageSize: 2.5 }), "page_size", []);
  await rejects(c.bots.create({ name: "x", platform: "slack", machineId: M(1), enabled: "yes" as unknown as boolean }),
    "enabled", []);
  assert.deepEqual(await requests(), []);
});
