// Locating the cmdop-core binary: explicit path, CMDOP_CORE_BINARY, then the
// packaged cmdop-core-<plat>-<arch> under the package's bin/.
import { chmodSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { moduleDir } from "./moduledir.js";

export interface ResolveOptions {
  binaryPath?: string | undefined;
  env?: NodeJS.ProcessEnv;
  dir?: string; // where the module lives (bin/ is looked up from here)
  platform?: string;
  arch?: string;
}

export function resolveBinary(o: ResolveOptions = {}): string {
  const env = o.env ?? process.env;
  for (const [given, what] of [[o.binaryPath, "binaryPath"], [env.CMDOP_CORE_BINARY, "CMDOP_CORE_BINARY"]]) {
    if (!given) continue;
    if (!existsSync(given)) throw new Error(`cmdop-core binary not found: ${what}=${given}`);
    return given;
  }
  const plat = o.platform ?? process.platform, arch = o.arch ?? process.arch;
  const name = `cmdop-core-${plat}-${arch}${plat === "win32" ? ".exe" : ""}`;
  const dirs = ["bin", "../bin", "../../bin"].map((rel) => join(o.dir ?? moduleDir, rel)).filter((d) => existsSync(d));
  const path = dirs.map((d) => join(d, name)).find((p) => existsSync(p));
  if (path) {
    if (plat !== "win32") chmodSync(path, 0o755);
    return path;
  }
  const carried = new Set(dirs.flatMap((d) => readdirSync(d))
    .map((f) => /^cmdop-core-([a-z0-9]+-[a-z0-9]+)(\.exe)?$/.exec(f)?.[1]).filter((p) => p !== undefined));
  throw new Error(`cmdop-core: no prebuilt binary for ${plat}-${arch}; this package carries: ${[...carried].sort().join(", ") || "none"} (set CMDOP_CORE_BINARY or binaryPath)`);
}
