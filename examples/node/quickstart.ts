// The cmdop quickstart for Node, written only against the documented
// @cmdop/sdk 1.1.0 surface. Configuration comes from the environment:
// CMDOP_TOKEN, CMDOP_BASE_URL, CMDOP_API_KEY, CMDOP_API_BASE_URL
// (`make demo` points them at the local relay); CMDOP_PIN answers a PIN gate.
import { AuthError, Client, CmdopError, NotFoundError, type AskStream } from "@cmdop/sdk";

async function machines(c: Client): Promise<string> {
  const page = await c.machines.list({ limit: 2 });
  console.log(`machines.list({limit: 2}): ${page.items.length} machines, hasMore=${page.hasMore}`);
  let first = "";
  for await (const m of c.machines.iter({ presence: "any" })) {
    console.log(`  ${m.name.padEnd(8)} ${m.presence.padEnd(8)} ${m.os} ${m.id}`);
    first ||= m.id;
  }
  try {
    await c.machines.get("no-such-machine");
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    console.log(`machines.get(no-such-machine): NotFoundError ${e.code} "${e.message}"`);
  }
  return first;
}

/** Prints the frames of one ask, answering PIN and confirm requests. */
async function answer(label: string, stream: AskStream): Promise<void> {
  console.log(`machines.ask(${label}):`);
  let events = 0;
  for await (const f of stream) {
    if (f.type === "event") events++;
    else if (f.type === "pin_required") {
      console.log(`  pin_required: ${f.label} -> answering`);
      await stream.pin(f.challengeId, process.env.CMDOP_PIN ?? "1234");
    } else if (f.type === "confirm_required") {
      console.log(`  confirm_required: ${f.plan} (danger ${f.dangerLevel}) -> accepting`);
      await stream.confirm(f.token, true);
    } else if (f.type === "done") {
      console.log(`  ${events} event frames, then done: success=${f.success} "${f.text}" (${f.durationMs} ms)`);
    } else console.log(`  ${f.type} frame`);
  }
}

async function ask(c: Client, machineId: string): Promise<void> {
  console.log(`machines.ask(...).collect(): "${await c.machines.ask(machineId, "hello from node").collect()}"`);
  await answer("confirm", c.machines.ask(machineId, "rm -rf /tmp/cache"));
  for await (const m of c.machines.iter()) {
    if (m.name === "charlie") await answer("pin", c.machines.ask(m.id, "uptime"));
  }
}

async function fleetAndKey(c: Client): Promise<void> {
  const fleet = await c.fleets.create({ name: "Node quickstart", slug: `node-qs-${Date.now()}`, mfaRequired: "none" });
  console.log(`fleets.create: ${fleet.name} (${fleet.id}), role ${fleet.role}`);
  const key = await c.keys.issue({ name: "quickstart", expiresInDays: 1, fleetId: fleet.id });
  console.log(`keys.issue: ${key.name}, raw token shown once: ${key.rawToken.slice(0, 12)}...`);
  await c.keys.revoke(key.id, { fleetId: fleet.id });
  console.log(`keys.revoke(${key.id}): done`);
  await c.fleets.disable(fleet.id);
}

async function skills(c: Client): Promise<void> {
  const page = await c.skills.list({ pageSize: 3 });
  console.log(`skills.list: ${page.count} skills, page ${page.page} of ${page.pages}`);
  for (const s of page.results) console.log(`  ${s.slug.padEnd(10)} ${s.name}`);
}

async function main(): Promise<void> {
  const c = Client.fromEnv();
  try {
    console.log(`cmdop for Node, relay ${c.baseUrl}\n`);
    const id = await machines(c);
    await ask(c, id);
    await fleetAndKey(c);
    await skills(c);
  } finally {
    await c.close();
  }
  // A wrong token is an AuthError on the first call.
  const bad = new Client({ token: "wrong-token" });
  try {
    await bad.machines.list();
  } catch (e) {
    if (!(e instanceof AuthError)) throw e;
    console.log(`wrong token: AuthError (${e.code})`);
  } finally {
    await bad.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof CmdopError ? `${e.name} ${e.code}: ${e.message}` : e);
  process.exit(1);
});
