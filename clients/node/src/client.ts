// The Client: 1.1.0's options and env resolution, the generated namespaces
// over one lazily spawned core, close() and Symbol.asyncDispose.
import { Core } from "./core.js";
import { resolveBinary } from "./binary.js";
import { Namespaces } from "./gen/resources.js";

// Node 20 may lack the symbol `await using` looks for: define it once.
(Symbol as { asyncDispose?: symbol }).asyncDispose ??= Symbol.for("Symbol.asyncDispose");

export interface ClientOptions {
  token?: string;
  baseUrl?: string;
  fleetId?: string;
  timeoutMs?: number;
  apiKey?: string;
  apiBaseUrl?: string;
  binaryPath?: string;
}

/** The resolved options (explicit > CMDOP_* env > default), frozen. */
export type ClientConfig = Readonly<ClientOptions & Required<Pick<ClientOptions, "baseUrl" | "apiBaseUrl" | "timeoutMs">>>;

const strip = (u: string): string => u.replace(/\/+$/, "");

export class Client extends Namespaces {
  readonly config: ClientConfig;
  private readonly core: Core;

  /** A missing token is not an error here: each relay op answers AuthError. */
  constructor(opts: ClientOptions | string = {}) {
    const o = typeof opts === "string" ? { token: opts } : opts;
    const e = process.env;
    const timeout = o.timeoutMs ?? Number(e.CMDOP_TIMEOUT_MS ?? 30000);
    const config: ClientConfig = Object.freeze({
      token: o.token ?? e.CMDOP_TOKEN ?? e.CMDOP_API_KEY,
      baseUrl: strip(o.baseUrl ?? e.CMDOP_BASE_URL ?? "https://cloud.cmdop.com"),
      apiBaseUrl: strip(o.apiBaseUrl ?? e.CMDOP_API_BASE_URL ?? "https://api.cmdop.com"),
      apiKey: o.apiKey ?? e.CMDOP_API_KEY,
      fleetId: o.fleetId ?? e.CMDOP_FLEET_ID,
      timeoutMs: Number.isFinite(timeout) ? timeout : 30000,
      binaryPath: o.binaryPath,
    });
    // Credentials reach the core only through its environment.
    const env: NodeJS.ProcessEnv = { ...e, CMDOP_BASE_URL: config.baseUrl, CMDOP_API_BASE_URL: config.apiBaseUrl,
      CMDOP_TIMEOUT_MS: String(config.timeoutMs) };
    for (const [k, v] of [["CMDOP_TOKEN", config.token], ["CMDOP_API_KEY", config.apiKey], ["CMDOP_FLEET_ID", config.fleetId]]) {
      if (v === undefined) delete env[k!];
      else env[k!] = v;
    }
    const core = new Core({ binary: () => resolveBinary({ binaryPath: config.binaryPath }), env, fleetId: config.fleetId });
    super(core);
    this.core = core;
    this.config = config;
  }

  /** Everything from CMDOP_* environment variables. */
  static fromEnv(): Client {
    return new Client();
  }

  get fleetId(): string | undefined {
    return this.config.fleetId;
  }

  get baseUrl(): string {
    return this.config.baseUrl;
  }

  /** Ends the core (stdin EOF, then kill after 5 s); pending calls fail with ConnectionError. */
  close(): Promise<void> {
    return this.core.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
