// The compiled module's folder. ESM, the source tree's format (package.json
// "type": "module"); build.sh swaps in moduledir.cjs.ts for the CJS build.
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const moduleDir: string = dirname(fileURLToPath(import.meta.url));
