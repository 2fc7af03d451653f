// Node surface: the BUILT package's declarations (TypeScript compiler API on
// its .d.ts) plus its runtime objects.
//
//   node parity/extract_node.mjs PKG_DIR     # prints the surface JSON
//
// PKG_DIR is the package root (package.json "types" -> the .d.ts entry,
// "module" -> the ESM entry). The TypeScript compiler comes from the
// package's own node_modules (pinned in its package-lock), or PARITY_TS.
//
// Declarations: from the exported `Client`, every readonly property whose
// type is a class with methods is a namespace (recursively: fleets.members).
// In it, a method returning AsyncGenerator is a pagination helper, one
// returning AskStream is a streaming op, the others are ops returning
// Promise<T>. Leading parameters are positional; the members of an `opts`
// object are keyword params (`signal` and a CallOptions parameter are
// plumbing). `?` = optional.
//
// Runtime: the same namespaces on a real `new Client()` with the transport
// swapped for a recorder (no core is started). Each op is called twice:
// with only its required params (a value the runtime then sends for an
// absent param is its default; none means the core's default applies), and
// with every param set to a sentinel, which must reach the request under
// the param's name (a declared param the runtime drops or renames fails).
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const pkgDir = path.resolve(process.argv[2]);
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
const require = createRequire(path.join(pkgDir, "package.json"));
const ts = process.env.PARITY_TS ? createRequire(import.meta.url)(process.env.PARITY_TS)
  : require("typescript");

// camelCase -> snake_case; a digit run starts a word (reconnectCount24h ->
// reconnect_count_24h: no IDL name has a letter directly before a digit).
const snake = (s) => s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
  .replace(/([a-zA-Z])([0-9])/g, "$1_$2").toLowerCase();

const entry = path.join(pkgDir, pkg.types);
const program = ts.createProgram([entry], { strict: true, noEmit: true, skipLibCheck: true });
const checker = program.getTypeChecker();
const srcFile = program.getSourceFile(entry);
const moduleSym = checker.getSymbolAtLocation(srcFile);
const exportsList = checker.getExportsOfModule(moduleSym);
const exp = (name) => exportsList.find((s) => s.name === name);

function resolved(sym) {
  return sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
}

function classify(type) {
  // An IDL enum: a TS enum here (numbers at runtime), a string in the IDL's
  // type classes on every surface.
  if (type.flags & (ts.TypeFlags.Enum | ts.TypeFlags.EnumLiteral)) return "str";
  // a named alias (protobuf-es records: type Bot = Message<...> & {...})
  if (type.aliasSymbol && type.aliasSymbol.name !== "Record") return snake(type.aliasSymbol.name);
  // string literal unions (+ string & {}) are enums: "str" on every surface.
  if (type.isUnion()) {
    const parts = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
    const kinds = new Set(parts.map(classify));
    if (kinds.size === 2 && kinds.has("bool")) kinds.delete("bool"); // true|false
    return kinds.size === 1 ? [...kinds][0] : [...kinds].sort().join("|");
  }
  if (type.isIntersection()) {
    const ks = new Set(type.types.map(classify).filter((k) => k !== "{}"));
    return ks.size === 1 ? [...ks][0] : [...ks].sort().join("&");
  }
  const f = type.flags;
  if (f & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral)) return "str";
  if (f & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) return "number";
  if (f & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return "bool";
  if (f & (ts.TypeFlags.Void | ts.TypeFlags.Undefined)) return null;
  if (f & ts.TypeFlags.BigInt) return "bigint";
  if (checker.isArrayType(type)) {
    return `list[${classify(checker.getTypeArguments(type)[0])}]`;
  }
  const sym = type.aliasSymbol || type.getSymbol();
  if (type.aliasSymbol && type.aliasSymbol.name === "Record") {
    const [k, v] = type.aliasTypeArguments;
    return `map[${classify(k)},${classify(v)}]`;
  }
  const idx = checker.getIndexInfosOfType(type);
  if (idx.length === 1 && checker.getPropertiesOfType(type).length === 0) {
    return `map[${classify(idx[0].keyType)},${classify(idx[0].type)}]`;
  }
  if (sym && sym.name === "__type" && checker.getPropertiesOfType(type).length === 0) return "{}";
  return sym ? snake(sym.name) : checker.typeToString(type);
}

function typeArg(type) {
  const args = checker.getTypeArguments ? checker.getTypeArguments(type) : [];
  return args && args.length ? args[0] : (type.aliasTypeArguments || [])[0];
}

const ops = {};
const helpers = {};
const specs = {}; // key -> how to call it at runtime

function isNamespace(type) {
  return checker.getPropertiesOfType(type).some((p) => {
    const d = p.valueDeclaration;
    return d && ts.isMethodDeclaration(d);
  });
}

function walk(type, prefix) {
  for (const prop of checker.getPropertiesOfType(type)) {
    const decl = prop.valueDeclaration;
    if (!decl) continue;
    const mods = ts.getCombinedModifierFlags(decl);
    if (mods & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
    const ptype = checker.getTypeOfSymbolAtLocation(prop, decl);
    if (ts.isPropertyDeclaration(decl) || ts.isGetAccessorDeclaration(decl)) {
      if (ptype.isClass() || (ptype.getSymbol() && isNamespace(ptype))) {
        if (isNamespace(ptype)) walk(ptype, [...prefix, snake(prop.name)]);
      }
      continue;
    }
    if (!ts.isMethodDeclaration(decl) || prefix.length === 0) continue;
    const sig = checker.getSignaturesOfType(ptype, ts.SignatureKind.Call)[0];
    const ret = checker.getReturnTypeOfSignature(sig);
    const retName = (ret.aliasSymbol || ret.getSymbol() || {}).name;
    const name = snake(prop.name);
    if (retName === "AsyncGenerator") {
      const base = name.includes("_") ? name.split("_").slice(1).join("_") : "list";
      (helpers[[...prefix, base].join("_")] ||= []).push(name);
      continue;
    }
    const key = [...prefix, name].join("_");
    const params = {};
    const call = [];
    let position = 0;
    for (const psym of sig.getParameters()) {
      const pdecl = psym.valueDeclaration;
      const pt = checker.getTypeOfSymbolAtLocation(psym, pdecl);
      const optional = !!pdecl.questionToken;
      const nonNull = checker.getNonNullableType(pt);
      const tsym = nonNull.getSymbol();
      if (tsym && tsym.name === "CallOptions") continue;
      if (tsym && tsym.name === "__type" && checker.getPropertiesOfType(nonNull).length) {
        const members = [];
        for (const m of checker.getPropertiesOfType(nonNull)) {
          if (m.name === "signal") continue;
          const md = m.valueDeclaration;
          const mt = checker.getTypeOfSymbolAtLocation(m, md);
          params[snake(m.name)] = { type: classify(mt), required: !md.questionToken && !optional,
                                    call: "keyword" };
          members.push({ name: m.name, type: classify(mt), literal: firstLiteral(mt),
                         required: !md.questionToken && !optional });
        }
        call.push({ object: members });
        continue;
      }
      params[snake(psym.name)] = { type: classify(pt), required: !optional,
                                   call: `positional:${position++}` };
      call.push({ positional: psym.name, type: classify(pt), literal: firstLiteral(pt),
                  required: !optional });
    }
    let result;
    let streaming = false;
    if (retName === "AskStream") {
      streaming = true;
      result = "ask_frame";
    } else if (retName === "Promise") {
      result = classify(typeArg(ret));
    } else {
      result = classify(ret);
    }
    ops[key] = { params, result, streaming, helpers: [] };
    specs[key] = { path: prefix.map(camel), method: prop.name, call };
  }
}

function camel(s) {
  return s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
}

function firstLiteral(t) {
  const parts = t.isUnion() ? t.types : [t];
  const lit = parts.find((x) => x.flags & ts.TypeFlags.StringLiteral);
  return lit ? lit.value : undefined;
}

const clientSym = resolved(exp("Client"));
const clientType = checker.getDeclaredTypeOfSymbol(clientSym);
walk(clientType, []);
for (const [base, names] of Object.entries(helpers)) {
  if (ops[base]) ops[base].helpers = names.sort();
  else for (const n of names) ops[`<helper ${n}>`] = { params: {}, result: null, streaming: false, helpers: [] };
}

// ---- runtime -------------------------------------------------------------
const mod = await import(pathToFileURL(path.join(pkgDir, pkg.module)).href);
const problems = [];
let client;
try {
  client = new mod.Client({ token: "t", apiKey: "k", fleetId: "ctx-fleet",
                            baseUrl: "http://127.0.0.1:9", apiBaseUrl: "http://127.0.0.1:9" });
} catch (e) {
  problems.push(`new Client() threw: ${e.message}`);
}

function sentinel(kind, name, literal) {
  if (literal !== undefined) return literal;
  if (kind === "str") return `s_${name}`;
  if (kind === "number") return 7;
  if (kind === "bool") return true;
  if (kind && kind.startsWith("list[")) return [`l_${name}`];
  if (kind && kind.startsWith("map[")) return { k: `v_${name}` };
  return `s_${name}`;
}

async function record(resource, method, args) {
  let sent;
  const t = {
    fleetId: "ctx-fleet",
    unary: async (payload) => { sent = payload; return { case: undefined }; },
    stream: (payload) => { sent = payload; return { [Symbol.asyncIterator]() { return this; },
                                                    next: async () => ({ done: true }) }; },
  };
  const saved = resource.t;
  resource.t = t;
  try {
    await Promise.resolve(resource[method](...args)).catch(() => {});
  } catch (_) { /* validation before sending: no payload */ }
  resource.t = saved;
  return sent;
}

if (client) {
  for (const [key, spec] of Object.entries(specs)) {
    let res = client;
    for (const p of spec.path) res = res?.[p];
    if (!res || typeof res[spec.method] !== "function") {
      problems.push(`${key}: declared in the .d.ts, no such method at runtime`);
      ops[key].runtime_missing = true;
      continue;
    }
    const build = (all) => spec.call.map((c) => {
      if (c.object) {
        const o = {};
        for (const m of c.object) if (all || m.required) o[m.name] = sentinel(m.type, m.name, m.literal);
        return o;
      }
      return all || c.required ? sentinel(c.type, c.positional, c.literal) : undefined;
    });
    const minimal = await record(res, spec.method, build(false));
    const full = await record(res, spec.method, build(true));
    if (!full || !full.value) continue;
    // an `envelope_page` op sends page + per_page inside one OffsetPage object
    // ({offset, perPage}) under the page's name (docs/stdio.md "Offset pages")
    const inPage = (v, n) => Object.values(v).some((x) => x && typeof x === "object" &&
      !Array.isArray(x) && "offset" in x && "perPage" in x && n === "perPage" && x[n] !== undefined);
    for (const name of Object.keys(ops[key].params)) {
      const wireName = camel(name);
      const p = ops[key].params[name];
      if (p.call === "keyword" && (!(wireName in full.value) || full.value[wireName] === undefined)
          && !inPage(full.value, wireName)) {
        problems.push(`${key}: param '${name}' is declared but the runtime does not send it`);
        p.runtime_dropped = true;
      }
      if (!p.required && minimal && minimal.value && minimal.value[wireName] !== undefined
          && !(name === "fleet_id" && minimal.value[wireName] === "ctx-fleet")) {
        const v = minimal.value[wireName];
        p.default = typeof v === "bigint" ? Number(v) : v;
      }
    }
  }
}

// ---- errors ----------------------------------------------------------------
const classes = {};
for (const sym of exportsList) {
  const s = resolved(sym);
  if (!(s.flags & ts.SymbolFlags.Class)) continue;
  const t = checker.getDeclaredTypeOfSymbol(s);
  const bases = t.getBaseTypes ? t.getBaseTypes() || [] : [];
  const chain = (x) => { const b = (x.getBaseTypes && x.getBaseTypes()) || []; return b.length ? [b[0], ...chain(b[0])] : []; };
  if (!chain(t).some((b) => (b.getSymbol() || {}).name === "Error")) continue;
  const entryC = { parent: bases.length ? bases[0].getSymbol().name : null };
  const Rt = mod[sym.name];
  if (typeof Rt !== "function") {
    problems.push(`error class ${sym.name} is declared but not exported at runtime`);
    continue;
  }
  // A class's code is what the runtime's code -> class map says.
  for (const [code, cls] of Object.entries(mod.ERROR_CLASSES || {})) {
    if (cls === Rt) entryC.code = code;
  }
  if (Object.getPrototypeOf(Rt).name !== entryC.parent && entryC.parent !== "Error") {
    problems.push(`error class ${sym.name}: runtime base ${Object.getPrototypeOf(Rt).name}, declared ${entryC.parent}`);
  }
  classes[sym.name] = entryC;
}

// ---- records: the exported `types` namespace (protobuf-es message types) ----
const records = {};
const typesSym = exp("types");
if (typesSym) {
  for (const sym of checker.getExportsOfModule(resolved(typesSym))) {
    const s = resolved(sym);
    if (s.name !== sym.name) continue; // an alias export (Fleet = FleetSummary)
    const t = checker.getDeclaredTypeOfSymbol(s);
    const fields = {};
    for (const p of checker.getPropertiesOfType(t)) {
      if (p.name.startsWith("$")) continue; // $typeName, $unknown: protobuf-es plumbing
      const pt = checker.getTypeOfSymbol(p);
      const kind = classify(checker.getNonNullableType(pt));
      const entry = { type: kind };
      if (!(typeof kind === "string" && kind.startsWith("list["))) {
        entry.optional = !!(p.flags & ts.SymbolFlags.Optional);
      }
      fields[snake(p.name)] = entry;
    }
    records[snake(sym.name)] = fields;
  }
}

// ---- tables: the generated options, planes and status -> code map ----------
const cfg = await import(pathToFileURL(path.join(path.dirname(path.join(pkgDir, pkg.module)),
  "gen", "config.js")).href);
const tables = { options: {}, planes: {}, status: (cfg.STATUS_CODES || []).map((r) => [...r]) };
for (const [n, o] of Object.entries(cfg.OPTIONS || {})) {
  tables.options[n] = { env: [...o.env], default: o.default === undefined ? null : o.default };
}
for (const [n, p] of Object.entries(cfg.PLANES || {})) {
  tables.planes[n] = { url_option: p.urlOption || null, cred_option: p.credOption || null,
    auth_header: p.authHeader, auth_prefix: p.authPrefix };
}

process.stdout.write(JSON.stringify({ language: "node", ops, errors: { classes }, problems, records, tables }));
