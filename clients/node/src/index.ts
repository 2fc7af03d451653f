// @cmdop/sdk's entry: the public surface is generated (gen/index.ts, from
// generator/templates/node/index.ts.j2), beside the shim it exports.
export * from "./gen/index.js";
