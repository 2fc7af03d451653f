// Locating the cmdop-core binary: explicit path, CMDOP_CORE_BINARY, then the
// packaged cmdop-core-<plat>-<arch>[.exe] under the package's bin/
// (docs/packaging.md). The same rules as the Python client's _binary.py.
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

// What a full release carries (make dist), as process.platform-process.arch;
// a host-only build carries fewer.
export const RELEASED_PLATFORMS: readonly string[] = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "win32-x64"];

// cmdop-core-<plat>-<arch>[.exe] for a process.platform and process.arch, or
// undefined when cmdop has no core for that pair.
export function binaryName(platform: string, arch: string): string | undefined {
  if (!RELEASED_PLATFORMS.includes(`${platform}-${arch}`)) return undefined;
  return `cmdop-core-${platform}-${arch}${platform === "win32" ? ".exe" : ""}`;
}

export function resolveBinary(o: ResolveOptions = {}): string {
  const env = o.env ?? process.env;
  for (const [given, what] of [[o.binaryPath, "binaryPath"], [env.CMDOP_CORE_BINARY, "CMDOP_CORE_BINARY"]]) {
    if (!given) continue;
    if (!existsSync(given)) throw new Error(`cmdop-core binary not found: ${what}=${given}`);
    return given;
  }
  const plat = o.platform ?? process.platform, arch = o.arch ?? process.arch;
  const name = binaryName(plat, arch);
  const dirs = ["bin", "../bin", "../../bin"].map((rel) => join(o.dir ?? moduleDir, rel)).filter((d) => existsSync(d));
  const path = name === undefined ? undefined : dirs.map((d) => join(d, name)).find((p) => existsSync(p));
  if (path) {
    if (plat !== "win32") chmodSync(path, 0o755);
    return path;
  }
  const carried = new Set(dirs.flatMap((d) => readdirSync(d))
    .map((f) => /^cmdop-core-([a-z0-9]+-[a-z0-9]+)(\.exe)?$/.exec(f)?.[1]).filter((p) => p !== undefined));
  const why = name === undefined ? ` (cmdop-core is built for ${RELEASED_PLATFORMS.join(", ")} only)` : "";
  throw new Error(`cmdop-core: no prebuilt binary for ${plat}-${arch}${why}; this package carries: ${[...carried].sort().join(", ") || "none"} (set CMDOP_CORE_BINARY or binaryPath)`);
}
