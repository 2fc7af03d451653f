// The Client: the generated namespaces over one lazily spawned core, close()
// and Symbol.asyncDispose. Its options and their env resolution are generated
// from the IDL (gen/config.ts).
import { Core, type Logger } from "./core.js";
import { resolveConfig, type ClientConfig, type ClientOptions } from "./gen/config.js";
import { Namespaces } from "./gen/resources.js";

// Node 20 may lack the symbol `await using` looks for: define it once.
(Symbol as { asyncDispose?: symbol }).asyncDispose ??= Symbol.for("Symbol.asyncDispose");

export class Client extends Namespaces {
  readonly config: ClientConfig;
  private readonly core: Core;

  /** A missing token is not an error here: each relay op answers AuthError. */
  /** `logger` receives the core's log lines (CMDOP_LOG; docs/stdio.md "Logs"); default: stderr. */
  constructor(opts: (ClientOptions & { logger?: Logger }) | string = {}) {
    const { logger, ...rest } = typeof opts === "string" ? { token: opts, logger: undefined } : opts;
    const config = resolveConfig(rest);
    const core = new Core(config, logger);
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

  /** The relay REST root; "" when none is configured (relay ops then fail naming CMDOP_BASE_URL). */
  get baseUrl(): string {
    return this.config.baseUrl ?? "";
  }

  /** Ends the core (stdin EOF, then kill after 5 s); pending calls fail with ConnectionError. */
  close(): Promise<void> {
    return this.core.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
