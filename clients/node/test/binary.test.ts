// The core binary resolver (src/binary.ts) for every platform/arch pair
// cmdop ships, pairs it does not, and the overrides. No core is run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveBinary } from "@cmdop/sdk";

const SHIPPED: Record<string, string> = {
  "linux-x64": "cmdop-core-linux-x64",
  "linux-arm64": "cmdop-core-linux-arm64",
  "darwin-x64": "cmdop-core-darwin-x64",
  "darwin-arm64": "cmdop-core-darwin-arm64",
  "win32-x64": "cmdop-core-win32-x64.exe",
};
// process.platform-process.arch values Node reports for hosts cmdop has no core for.
const UNSUPPORTED = ["linux-arm", "linux-ia32", "linux-riscv64", "linux-s390x", "linux-ppc64", "linux-loong64",
  "win32-arm64", "win32-ia32", "darwin-ia32", "freebsd-x64", "openbsd-x64", "sunos-x64", "aix-ppc64", "android-arm64"];

// A package layout (dist/esm/ beside bin/) holding the given names.
function pkgWith(names: string[]): string {
  const pkg = mkdtempSync(join(tmpdir(), "cmdop-bin-"));
  const mod = join(pkg, "dist", "esm");
  mkdirSync(mod, { recursive: true });
  mkdirSync(join(pkg, "bin"));
  for (const n of names) writeFileSync(join(pkg, "bin", n), "#!/bin/sh\n", { mode: 0o644 });
  return mod;
}

for (const [pair, name] of Object.entries(SHIPPED)) {
  test(`resolver: ${pair} -> ${name}`, () => {
    const mod = pkgWith(Object.values(SHIPPED));
    const [platform, arch] = pair.split("-") as [string, string];
    const got = resolveBinary({ env: {}, dir: mod, platform, arch });
    assert.equal(got, join(mod, "../../bin", name));
    if (platform !== "win32") assert.ok(statSync(got).mode & 0o100, "made executable");
  });
}

for (const pair of UNSUPPORTED) {
  test(`resolver: ${pair} is unsupported, and the error names it`, () => {
    const mod = pkgWith(Object.values(SHIPPED));
    const [platform, arch] = pair.split("-") as [string, string];
    assert.throws(() => resolveBinary({ env: {}, dir: mod, platform, arch }), (e: unknown) => {
      const m = (e as Error).message;
      assert.ok(m.includes(`no prebuilt binary for ${pair} (cmdop-core is built for linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64 only)`), m);
      assert.ok(m.includes("this package carries: darwin-arm64, darwin-x64, linux-arm64, linux-x64, win32-x64"), m);
      assert.ok(m.includes("CMDOP_CORE_BINARY"), m);
      return true;
    });
  });
}

test("resolver: a shipped pair missing from a host-only package", () => {
  const mod = pkgWith(["cmdop-core-linux-x64"]);
  assert.throws(() => resolveBinary({ env: {}, dir: mod, platform: "darwin", arch: "arm64" }),
    /^Error: cmdop-core: no prebuilt binary for darwin-arm64; this package carries: linux-x64 \(set CMDOP_CORE_BINARY or binaryPath\)$/);
  assert.throws(() => resolveBinary({ env: {}, dir: join(tmpdir(), "cmdop-nowhere", "esm"), platform: "linux", arch: "x64" }),
    /carries: none/);
});

test("resolver: binaryPath, then CMDOP_CORE_BINARY, win over the package", () => {
  const mod = pkgWith(Object.values(SHIPPED));
  const other = join(mod, "../../bin", "cmdop-core-linux-arm64");
  assert.equal(resolveBinary({ env: { CMDOP_CORE_BINARY: other }, dir: mod, platform: "linux", arch: "x64" }), other);
  assert.equal(resolveBinary({ binaryPath: "/bin/sh", env: { CMDOP_CORE_BINARY: other }, dir: mod, platform: "linux", arch: "x64" }), "/bin/sh");
  assert.throws(() => resolveBinary({ binaryPath: "/nonexistent/core", env: {} }), /binaryPath=\/nonexistent\/core/);
  assert.throws(() => resolveBinary({ env: { CMDOP_CORE_BINARY: "/nonexistent" } }), /CMDOP_CORE_BINARY=\/nonexistent/);
});
