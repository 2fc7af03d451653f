// The compiled module's folder (CJS build; the ESM build uses import.meta.url).
export const moduleDir: string = __dirname;
