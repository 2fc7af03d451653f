// @cmdop/sdk: the public surface.
export { Client } from "./client.js";
export type { ClientOptions, ClientConfig } from "./gen/config.js";
export { AskStream } from "./gen/resources.js";
export { resolveBinary, type ResolveOptions } from "./binary.js";
export * from "./gen/errors.js";
export type * from "./gen/frames.js";
export type { CallOptions } from "./gen/resources.js";
export { IDL_HASH } from "./gen/meta.js";
export * as types from "./gen/types.js";
