"""Mutation tests for the C surface: one drift injected into a copy of the
public headers, run through the real pycparser extractor and the gate."""
import re

import pytest

import pathlib

from conftest import ROOT, run_gate

ROOT_EXC = pathlib.Path(ROOT) / "parity" / "exceptions.toml"


def gate_c(rt, gen):
    return run_gate("--c-include", str(rt), "--c-include", str(gen))


def edit(path, old, new, count=1):
    text = path.read_text()
    assert text.count(old) >= 1, "mutation anchor not found: %r" % old
    path.write_text(text.replace(old, new, count))


def edit_struct(path, struct, old, new):
    """Replace `old` inside `typedef struct <struct> {...}` only."""
    text = path.read_text()
    m = re.search(r"typedef struct %s \{.*?\} %s;" % (struct, struct), text, re.S)
    assert m and old in m.group(0), "anchor %r not in %s" % (old, struct)
    block = m.group(0).replace(old, new, 1)
    path.write_text(text[:m.start()] + block + text[m.end():])


def test_unmutated_headers_pass(c_headers):
    rc, out = gate_c(*c_headers)
    assert rc == 0, out
    assert "parity: OK" in out


def test_op_removed(c_headers):
    rt, gen = c_headers
    edit(gen / "cmdop" / "ops.h",
         "int cmdop_bots_get(cmdop_bot **out, cmdop_client *client, const char *bot_id);", "")
    rc, out = gate_c(rt, gen)
    assert rc == 1
    assert "[c] bots_get: op is missing" in out


def test_extra_op(c_headers):
    rt, gen = c_headers
    edit(gen / "cmdop" / "ops.h", "int cmdop_bots_delete(",
         "int cmdop_bots_restart(cmdop_client *client, const char *bot_id);\n"
         "int cmdop_bots_delete(")
    rc, out = gate_c(rt, gen)
    assert rc == 1
    assert "[c] bots_restart: op is not in the IDL (extra)" in out


def test_param_renamed(c_headers):
    rt, gen = c_headers
    edit_struct(gen / "cmdop" / "ops.h", "cmdop_bots_list_params",
                "const char *search;", "const char *query;")
    rc, out = gate_c(rt, gen)
    assert rc == 1
    assert "[c] bots_list: param 'search' is missing" in out
    assert "[c] bots_list: param 'query' is not in the IDL" in out


def test_positional_renamed(c_headers):
    rt, gen = c_headers
    edit(gen / "cmdop" / "ops.h",
         "int cmdop_bots_get(cmdop_bot **out, cmdop_client *client, const char *bot_id);",
         "int cmdop_bots_get(cmdop_bot **out, cmdop_client *client, const char *id);")
    rc, out = gate_c(rt, gen)
    assert rc == 1
    assert "[c] bots_get: param 'bot_id' is missing" in out


def test_type_changed(c_headers):
    rt, gen = c_headers
    edit_struct(gen / "cmdop" / "ops.h", "cmdop_bots_list_params",
                "int32_t page_size;", "double page_size;")
    rc, out = gate_c(rt, gen)
    assert rc == 1
    assert "[c] bots_list: param 'page_size': type is \"float\", expected \"int\"" in out


def test_result_type_changed(c_headers):
    rt, gen = c_headers
    edit(gen / "cmdop" / "ops.h",
         "int cmdop_bots_get(cmdop_bot **out,", "int cmdop_bots_get(cmdop_bot_list_page **out,")
    rc, out = gate_c(rt, gen)
    assert rc == 1
    assert "[c] bots_get: result is \"bot_list_page\", expected \"bot\"" in out


def test_pagination_helper_missing(c_headers):
    rt, gen = c_headers
    text = (gen / "cmdop" / "ops.h").read_text()
    text = re.sub(r"int cmdop_bots_iter\(cmdop_pager \*\*out,[^;]*;", "", text)
    (gen / "cmdop" / "ops.h").write_text(text)
    rc, out = gate_c(rt, gen)
    assert rc == 1
    assert "[c] bots_list: helpers is [\"pages\"], expected [\"iter\", \"pages\"]" in out


def test_error_code_missing(c_headers):
    rt, gen = c_headers
    edit(rt / "cmdop" / "error.h", "CMDOP_ENOTFOUND = -3,", "")
    rc, out = gate_c(rt, gen)
    assert rc == 1
    assert "error code CMDOP_ENOTFOUND (not_found) is missing" in out


def test_stale_exception_fails(c_headers, tmp_path):
    """An exception that matches no difference fails: it would hide the
    next real drift at the same address."""
    rt, gen = c_headers
    exc = tmp_path / "exceptions.toml"
    exc.write_text((ROOT_EXC).read_text().replace(
        "exceptions = [",
        'exceptions = [\n  { lang = "c", where = "bots_get.result", reason = "test" },', 1))
    rc, out = run_gate("--c-include", str(rt), "--c-include", str(gen), "--exceptions", str(exc))
    assert rc == 1
    assert "[c] bots_get: reviewed exception no longer matches a difference" in out


def test_exception_needs_reason(c_headers, tmp_path):
    rt, gen = c_headers
    exc = tmp_path / "exceptions.toml"
    exc.write_text('exceptions = [ { lang = "c", where = "tunnels_sessions.result", reason = "" } ]\n')
    with pytest.raises(SystemExit, match="has no reason"):
        run_gate("--c-include", str(rt), "--c-include", str(gen), "--exceptions", str(exc))


def test_record_field_renamed(c_headers):
    rt, gen = c_headers
    edit(gen / "cmdop" / "types.h", "struct cmdop_machine_list {\n    cmdop_machine_summary **items;\n"
         "    size_t items_count;\n    char *next_cursor;",
         "struct cmdop_machine_list {\n    cmdop_machine_summary **items;\n"
         "    size_t items_count;\n    char *cursor;")
    rc, out = gate_c(rt, gen)
    assert rc == 1
    assert "record machine_list: field 'next_cursor' is missing" in out
    assert "record machine_list: field 'cursor' is not in the IDL" in out


def test_record_scalar_lost_optionality(c_headers):
    rt, gen = c_headers
    edit(gen / "cmdop" / "types.h", "    int32_t next_page; /* valid when has_next_page */\n"
         "    bool has_next_page;\n", "    int32_t next_page;\n")
    rc, out = gate_c(rt, gen)
    assert rc == 1
    assert "record bot_list_page: field 'next_page' is always present, expected optional" in out
