"""Mutation tests for the Node surface: one drift injected into a copy of
the BUILT package (its .d.ts and/or its ESM runtime), run through the real
extractor (TypeScript compiler API + runtime objects) and the gate."""
from conftest import run_gate


def gate(pkg):
    return run_gate("--node-pkg", str(pkg))


def edit(path, old, new):
    text = path.read_text()
    assert old in text, "mutation anchor not found: %r" % old
    path.write_text(text.replace(old, new, 1))


def dts(pkg):
    return pkg / "dist" / "esm" / "gen" / "resources.d.ts"


def js(pkg):
    return pkg / "dist" / "esm" / "gen" / "resources.js"


GET_DTS = "    get(botId: string, callOpts?: CallOptions): Promise<Bot>;\n"


def test_unmutated_package_passes(node_pkg):
    rc, out = gate(node_pkg)
    assert rc == 0, out


def test_op_removed(node_pkg):
    edit(dts(node_pkg), GET_DTS, "")
    rc, out = gate(node_pkg)
    assert rc == 1
    assert "[node] bots_get: op is missing" in out


def test_extra_op_declared_not_implemented(node_pkg):
    edit(dts(node_pkg), GET_DTS, GET_DTS + "    restart(botId: string): Promise<Bot>;\n")
    rc, out = gate(node_pkg)
    assert rc == 1
    assert "[node] bots_restart: op is not in the IDL (extra)" in out
    assert "bots_restart: declared in the .d.ts, no such method at runtime" in out


def test_param_renamed_in_declarations(node_pkg):
    text = dts(node_pkg).read_text()
    i = text.index("export declare class BotsResource")
    j = text.index("search?: string;", i)
    dts(node_pkg).write_text(text[:j] + "query?: string;" + text[j + len("search?: string;"):])
    rc, out = gate(node_pkg)
    assert rc == 1
    assert "[node] bots_list: param 'search' is missing" in out
    assert "[node] bots_list: param 'query' is not in the IDL" in out
    assert "param 'query' is declared but the runtime does not send it" in out


def test_default_changed_at_runtime(node_pkg):
    edit(js(node_pkg), "pageSize: int32In(opts?.pageSize, \"page_size\"),\n",
         "pageSize: int32In(opts?.pageSize ?? 25, \"page_size\"),\n")
    rc, out = gate(node_pkg)
    assert rc == 1
    assert "[node] bots_list: param 'page_size': default is 25, expected 20" in out


def test_type_changed(node_pkg):
    text = dts(node_pkg).read_text()
    i = text.index("export declare class BotsResource")
    j = text.index("pageSize?: number;", i)
    dts(node_pkg).write_text(text[:j] + "pageSize?: boolean;" + text[j + len("pageSize?: number;"):])
    rc, out = gate(node_pkg)
    assert rc == 1
    assert "[node] bots_list: param 'page_size': type is \"bool\", expected \"int\"" in out


def test_error_class_missing(node_pkg):
    edit(node_pkg / "dist" / "esm" / "gen" / "errors.d.ts",
         "export declare class NotFoundError extends CmdopError {\n}\n", "")
    rc, out = gate(node_pkg)
    assert rc == 1
    assert "error class NotFoundError (code not_found) is missing" in out


def test_error_code_map_changed(node_pkg):
    edit(node_pkg / "dist" / "esm" / "gen" / "errors.js",
         "    not_found: NotFoundError,\n", "    missing: NotFoundError,\n")
    rc, out = gate(node_pkg)
    assert rc == 1
    assert "error class NotFoundError has code \"missing\", expected \"not_found\"" in out
