// The compiled module's folder (ESM build; the CJS build uses __dirname).
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const moduleDir: string = dirname(fileURLToPath(import.meta.url));
