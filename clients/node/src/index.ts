// @cmdop/sdk: the public surface.
export { Client, type ClientOptions, type ClientConfig } from "./client.js";
export { AskStream } from "./stream.js";
export { resolveBinary, type ResolveOptions } from "./binary.js";
export * from "./gen/errors.js";
export type * from "./gen/frames.js";
export type { CallOptions } from "./gen/resources.js";
export { IDL_HASH } from "./gen/meta.js";
export * as types from "./gen/types.js";
