// Test support: the real local relay (started once per test file on port 0)
// and clients pointed at it through the real core binary.
import { spawn, type ChildProcess } from "node:child_process";
import { after, before, beforeEach } from "node:test";
import { createInterface } from "node:readline";
import { Client, type ClientOptions } from "@cmdop/sdk";

export const CORE = process.env.CMDOP_CORE_BINARY ?? "";
export const FLEET = "10000000-0000-4000-8000-000000000001";
export const M = (n: number): string => `20000000-0000-4000-8000-00000000000${n}`;

export interface Relay {
  proc: ChildProcess;
  relayUrl: string;
  platformUrl: string;
  controlUrl: string;
}

export async function startRelay(): Promise<Relay> {
  const proc = spawn(CORE, ["relay", "--port", "0", "--token", "T", "--api-key", "K"], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once("line", resolve);
    proc.once("exit", (c) => reject(new Error(`relay exited ${c}`)));
  });
  const j = JSON.parse(line) as { relay_url: string; platform_url: string; control_url: string };
  return { proc, relayUrl: j.relay_url, platformUrl: j.platform_url, controlUrl: j.control_url };
}

export async function stopRelay(r: Relay): Promise<void> {
  const exited = new Promise((res) => r.proc.once("exit", res));
  r.proc.kill("SIGTERM");
  await exited;
}

const made: Client[] = [];

/** Closes every client made by client() (their cores keep the process alive). */
export async function closeAll(): Promise<void> {
  await Promise.all(made.splice(0).map((c) => c.close()));
}

export function client(r: Relay, extra: ClientOptions = {}): Client {
  return remember(new Client({ token: "T", apiKey: "K", baseUrl: r.relayUrl, apiBaseUrl: r.platformUrl, fleetId: FLEET, ...extra }));
}

function remember(c: Client): Client {
  made.push(c);
  return c;
}

/** One relay and one client for the whole test file, reset to the seed
 *  before each test; `set` receives both once the relay is up. */
export function relayPerFile(set: (r: Relay, c: Client) => void): void {
  let r: Relay;
  let c: Client;
  before(async () => {
    r = await startRelay();
    c = client(r);
    set(r, c);
  });
  after(async () => {
    await c.close();
    await stopRelay(r);
  });
  beforeEach(async () => {
    await control(r, "/reset", { state: true });
  });
}

export async function control(r: Relay, path: string, body?: unknown): Promise<any> {
  const res = await fetch(r.controlUrl + path, body === undefined ? {} : {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  });
  return res.json();
}

/** Polls cond until true (generous bound): the relay counts cancels asynchronously. */
export async function until(cond: () => Promise<boolean>, ms = 10000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}
