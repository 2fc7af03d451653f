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
  const carried = new Set<string>();
  for (const rel of ["bin", "../bin", "../../bin"]) {
    const dir = join(o.dir ?? moduleDir, rel);
    if (!existsSync(dir)) continue;
    const path = join(dir, name);
    if (existsSync(path)) {
      if (plat !== "win32") chmodSync(path, 0o755);
      return path;
    }
    for (const f of readdirSync(dir)) {
      const m = /^cmdop-core-([a-z0-9]+-[a-z0-9]+)(\.exe)?$/.exec(f);
      if (m) carried.add(m[1]!);
    }
  }
  throw new Error(`cmdop-core: no prebuilt binary for ${plat}-${arch}; this package carries: ${[...carried].sort().join(", ") || "none"} (set CMDOP_CORE_BINARY or binaryPath)`);
}
