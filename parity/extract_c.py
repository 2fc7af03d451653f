"""C surface: parse the public headers with pycparser (a real C parser).

The headers are run through the C preprocessor with the tiny fake libc in
parity/fake_libc (pycparser's documented way to handle system headers: it
needs only the typedef names, not glibc's extensions). The AST then gives:

  - ops: every `int cmdop_<key>([T **out,] cmdop_client *client, ...)`;
    positional `const char *` arguments are required params, the fields of
    the trailing `const cmdop_<key>_params *` are optional ones (`version`,
    `has_<x>` and `<x>_count` are plumbing, not params);
  - pagination helpers: functions whose out-param is `cmdop_pager **` and
    whose params struct names the op they page;
  - streaming: the out-param is `cmdop_ask_stream **`;
  - error codes: the enumerators of `enum cmdop_error_code`.

C cannot state defaults or whether a params-struct field is required in a
declaration, so those keys are left out (the diff skips what a side does
not state); the core applies both for every language.
"""
import os
import subprocess
import sys

from pycparser import c_ast, c_parser

from model import snake

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE_LIBC = os.path.join(HERE, "fake_libc")

SCALARS = {"int32_t": "int", "int64_t": "int", "int": "int", "long": "int",
           "double": "float", "bool": "bool", "_Bool": "bool"}


def preprocess(include_dirs, header="cmdop/ops.h", cc="cc"):
    src = '#include "%s"\n#include "cmdop/error.h"\n' % header
    # CMDOP_EXTERN (cmdop/export.h) is a GCC attribute pycparser cannot read.
    cmd = [cc, "-E", "-P", "-nostdinc", "-DCMDOP_EXTERN=", "-I", FAKE_LIBC]
    for d in include_dirs:
        cmd += ["-I", d]
    cmd += ["-x", "c", "-"]
    out = subprocess.run(cmd, input=src, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("extract_c: preprocessing failed:\n" + out.stderr)
    return out.stdout


def type_text(node):
    """A declarator type -> (base name, pointer depth, const on the base)."""
    depth = 0
    while isinstance(node, c_ast.PtrDecl):
        depth += 1
        node = node.type
    if isinstance(node, c_ast.TypeDecl):
        t = node.type
        const = "const" in node.quals
        if isinstance(t, c_ast.IdentifierType):
            return " ".join(t.names), depth, const
        if isinstance(t, (c_ast.Struct, c_ast.Enum)):
            return t.name, depth, const
    if isinstance(node, c_ast.FuncDecl):
        return "<function>", depth, False
    return "<?>", depth, False


def field_type(decl_type, enums):
    base, depth, _ = type_text(decl_type)
    if base == "char" and depth == 1:
        return "str"
    if base == "char" and depth == 2:
        return "list[str]"
    if base == "cmdop_string_map" and depth == 1:
        return "map[str,str]"
    if depth == 0 and base in SCALARS:
        return SCALARS[base]
    if depth == 0 and base in enums:
        return "str"
    return "<%s%s>" % (base, "*" * depth)


def parse(text):
    ast = c_parser.CParser().parse(text, filename="<cmdop headers>")
    enums, structs, funcs, error_codes = set(), {}, [], []
    for ext in ast.ext:
        if isinstance(ext, c_ast.Typedef):
            t = ext.type.type if isinstance(ext.type, c_ast.TypeDecl) else None
            if isinstance(t, c_ast.Enum):
                enums.add(ext.name)
                if ext.name == "cmdop_error_code" and t.values:
                    error_codes = [e.name for e in t.values.enumerators]
            elif isinstance(t, c_ast.Struct) and t.decls is not None:
                structs[ext.name] = t.decls
        elif isinstance(ext, c_ast.Decl) and isinstance(ext.type, c_ast.Struct):
            if ext.type.decls is not None:
                structs[ext.type.name] = ext.type.decls
        elif isinstance(ext, c_ast.Decl) and isinstance(ext.type, c_ast.FuncDecl):
            funcs.append(ext)
    return enums, structs, funcs, error_codes


def struct_params(decls, enums):
    names = [d.name for d in decls]
    params = {}
    for d in decls:
        n = d.name
        if n == "version" and names.index(n) == 0:
            continue
        if n.startswith("has_") and n[4:] in names:
            continue
        if n.endswith("_count") and n[:-6] in names:
            continue
        params[n] = {"type": field_type(d.type, enums)}
    return params


def common_prefix(a, b):
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[:a.rfind("_", 0, i + 1) + 1] if i else ""


def declarations(include_dirs):
    """(enum typedef names, struct name -> field decls, function decls,
    error code names) of the headers: also used by the conformance C
    runner's dispatcher generator, so it calls what the headers declare."""
    return parse(preprocess(include_dirs))


def extract(include_dirs):
    enums, structs, funcs, error_codes = declarations(include_dirs)
    ops, helpers = {}, []
    for f in funcs:
        name = f.name
        if not name.startswith("cmdop_") or name.startswith("cmdop_client_"):
            continue
        args = f.type.args.params if f.type.args else []
        decl_args = [a for a in args if isinstance(a, c_ast.Decl)]
        shapes = [type_text(a.type) for a in decl_args]
        client_at = [i for i, (b, d, c) in enumerate(shapes)
                     if b == "cmdop_client" and d == 1 and not c]
        if not client_at:
            continue
        ci = client_at[0]
        out_type = shapes[0] if ci == 1 else None
        if ci not in (0, 1) or (out_type and out_type[1] != 2):
            continue
        key = name[len("cmdop_"):]
        rest = decl_args[ci + 1:]
        struct_name = None
        if rest and type_text(rest[-1].type)[0].endswith("_params"):
            struct_name = type_text(rest[-1].type)[0]
            rest = rest[:-1]
        if out_type and out_type[0] == "cmdop_pager":
            helpers.append((key, struct_name))
            continue
        params = {}
        for a in rest:
            params[a.name] = {"type": field_type(a.type, enums), "required": True}
        if struct_name:
            if struct_name not in structs:
                params["<params struct %s undefined>" % struct_name] = {}
            else:
                for n, p in struct_params(structs[struct_name], enums).items():
                    params.setdefault(n, p)
        streaming = bool(out_type and out_type[0] == "cmdop_ask_stream")
        if out_type is None:
            result = None
        elif out_type[0] == "char":
            result = "str"
        elif streaming:
            result = "ask_frame"
        else:
            result = out_type[0][len("cmdop_"):]
        ops[key] = {"params": params, "result": result,
                    "streaming": streaming, "helpers": [],
                    "_struct": struct_name}
    by_struct = {o["_struct"]: k for k, o in ops.items() if o["_struct"]}
    for hkey, struct_name in helpers:
        target = by_struct.get(struct_name)
        if target is None:
            ops.setdefault("<helper %s>" % hkey, {"params": {}, "result": None,
                                                   "streaming": False, "helpers": []})
            continue
        ops[target]["helpers"].append(hkey[len(common_prefix(hkey, target)):])
    for o in ops.values():
        o.pop("_struct", None)
        o["helpers"].sort()
    return {"language": "c", "ops": ops, "errors": {"c_codes": error_codes},
            "records": records(structs, enums)}


def records(structs, enums):
    """Every `struct cmdop_<record>` of the headers (params structs aside):
    pointer + <x>_count = a list (of records: `cmdop_<t> **`), scalar +
    has_<x> = optional; a string or
    nested record pointer may be NULL, which C cannot mark in the type, so
    its optionality is left unstated."""
    out = {}
    for sname, decls in structs.items():
        if not sname.startswith("cmdop_") or sname.endswith("_params"):
            continue
        names = [d.name for d in decls]
        fields = {}
        for d in decls:
            n = d.name
            if (n.startswith("has_") and n[4:] in names) or (n.endswith("_count") and n[:-6] in names):
                continue
            base, depth, _ = type_text(d.type)
            listed = (n + "_count") in names
            if base == "char" and depth == 1:
                entry = {"type": "str"}
            elif base == "char" and depth == 2 and listed:
                entry = {"type": "list[str]"}
            elif base.startswith("cmdop_") and base in structs and depth == 2 and listed:
                # lists of records are arrays of pointers (records may grow)
                entry = {"type": "list[%s]" % base[len("cmdop_"):]}
            elif base.startswith("cmdop_") and base in structs and depth == 1 and not listed:
                entry = {"type": base[len("cmdop_"):]}
            elif base == "cmdop_string_map" and depth == 0:
                entry = {"type": "map[str,str]"}
            elif depth == 0 and (base in SCALARS or base in enums):
                entry = {"type": "str" if base in enums else SCALARS[base],
                         "optional": ("has_" + n) in names}
            else:
                entry = {"type": "<%s%s>" % (base, "*" * depth)}
            fields[n] = entry
        out[sname[len("cmdop_"):]] = fields
    return out


if __name__ == "__main__":
    import json
    dirs = sys.argv[1:] or ["runtime/include", "gen/c/include"]
    json.dump(extract(dirs), sys.stdout, indent=1, sort_keys=True)
