// The package is a dual ESM/CJS package: require() gets dist/cjs, import()
// gets dist/esm, and both expose the same surface.
const { test } = require("node:test");
const assert = require("node:assert/strict");

test("CJS require and ESM import both work", async () => {
  const cjs = require("@cmdop/sdk");
  const esm = await import("@cmdop/sdk");
  assert.match(require.resolve("@cmdop/sdk"), /dist[\\/]cjs[\\/]index\.js$/);
  for (const m of [cjs, esm]) {
    assert.equal(typeof m.Client, "function");
    assert.equal(typeof m.NotFoundError, "function");
    const c = new m.Client({ token: "t" });
    assert.equal(typeof c.machines.list, "function");
    assert.equal(typeof c.fleets.members.add, "function");
    assert.equal(typeof c[Symbol.asyncDispose], "function");
  }
  assert.notEqual(cjs.Client, esm.Client);
  assert.ok(new cjs.NotFoundError("x") instanceof cjs.CmdopError);
});
