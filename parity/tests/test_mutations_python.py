"""Mutation tests for the Python surface: one drift injected into a copy of
the BUILT package, run through the real extractor (a child interpreter
importing it) and the gate."""
import re

from conftest import run_gate


def gate(pkg):
    return run_gate("--python-path", str(pkg))


def edit(path, old, new):
    text = path.read_text()
    assert old in text, "mutation anchor not found: %r" % old
    path.write_text(text.replace(old, new, 1))


def resources(pkg):
    return pkg / "cmdop" / "_resources.py"


LIST_SIG = ("async def list(self, *, platform: str | BotPlatform | None = None, "
            "search: str | None = None, page: int = 1, page_size: int = 20) -> BotListPage:")


def test_unmutated_package_passes(py_pkg):
    rc, out = gate(py_pkg)
    assert rc == 0, out


def test_op_removed(py_pkg):
    text = resources(py_pkg).read_text()
    # delete Bots.get: from its def to the next method
    new = re.sub(r"\n    async def get\(self, bot_id: str\) -> Bot:.*?(?=\n    (async )?def )",
                 "", text, count=1, flags=re.S)
    assert new != text
    resources(py_pkg).write_text(new)
    rc, out = gate(py_pkg)
    assert rc == 1
    assert "[python] bots_get: op is missing" in out


def test_extra_op(py_pkg):
    edit(resources(py_pkg), "    async def get(self, bot_id: str) -> Bot:",
         "    async def restart(self, bot_id: str) -> Bot:\n        raise NotImplementedError\n\n"
         "    async def get(self, bot_id: str) -> Bot:")
    rc, out = gate(py_pkg)
    assert rc == 1
    assert "[python] bots_restart: op is not in the IDL (extra)" in out


def test_param_renamed(py_pkg):
    edit(resources(py_pkg), LIST_SIG, LIST_SIG.replace("search:", "query:"))
    rc, out = gate(py_pkg)
    assert rc == 1
    assert "[python] bots_list: param 'search' is missing" in out
    assert "[python] bots_list: param 'query' is not in the IDL" in out


def test_default_changed(py_pkg):
    edit(resources(py_pkg), LIST_SIG, LIST_SIG.replace("page_size: int = 20", "page_size: int = 25"))
    rc, out = gate(py_pkg)
    assert rc == 1
    assert "[python] bots_list: param 'page_size': default is 25, expected 20" in out


def test_type_changed(py_pkg):
    edit(resources(py_pkg), LIST_SIG, LIST_SIG.replace("page: int = 1", "page: float = 1"))
    rc, out = gate(py_pkg)
    assert rc == 1
    assert "[python] bots_list: param 'page': type is \"float\", expected \"int\"" in out


def test_positional_made_keyword(py_pkg):
    edit(resources(py_pkg), "async def get(self, bot_id: str) -> Bot:",
         "async def get(self, *, bot_id: str) -> Bot:")
    rc, out = gate(py_pkg)
    assert rc == 1
    assert "[python] bots_get: param 'bot_id' is passed keyword, expected positional:0" in out


def test_result_type_changed(py_pkg):
    edit(resources(py_pkg), "async def get(self, bot_id: str) -> Bot:",
         "async def get(self, bot_id: str) -> BotListPage:")
    rc, out = gate(py_pkg)
    assert rc == 1
    assert "[python] bots_get: result is \"bot_list_page\", expected \"bot\"" in out


def test_error_class_missing(py_pkg):
    for f in (py_pkg / "cmdop").rglob("*.py"):
        f.write_text(f.read_text().replace("NotFoundError", "MissingThingError"))
    rc, out = gate(py_pkg)
    assert rc == 1
    assert "error class NotFoundError (code not_found) is missing" in out
    assert "error class MissingThingError is not in the IDL" in out


def test_error_code_changed(py_pkg):
    edit(py_pkg / "cmdop" / "errors.py", 'code = "not_found"', 'code = "missing"')
    rc, out = gate(py_pkg)
    assert rc == 1
    assert "error class NotFoundError has code \"missing\", expected \"not_found\"" in out


def test_record_field_type_changed(py_pkg):
    text = (py_pkg / "cmdop" / "types.py").read_text()
    i = text.index("class MachineList(")
    j = text.index("next_cursor: str | None", i)
    (py_pkg / "cmdop" / "types.py").write_text(
        text[:j] + "next_cursor: int | None" + text[j + len("next_cursor: str | None"):])
    rc, out = gate(py_pkg)
    assert rc == 1
    assert "record machine_list: field 'next_cursor' has type \"int\", expected \"str\"" in out
