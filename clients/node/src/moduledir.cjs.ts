// The compiled module's folder (CJS build: build.sh puts this file in place
// of moduledir.ts, which uses import.meta.url).
export const moduleDir: string = __dirname;
