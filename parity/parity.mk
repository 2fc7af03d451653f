# parity/parity.mk — the parity gate, included by the top Makefile.
#   make parity        surface parity: extract C (headers), Python (the package's
#                      source tree) and Node (built package + .d.ts) surfaces and
#                      compare them with each other via gen/surface.json
#   make test-parity   mutation tests: copies of the built artifacts with one
#                      drift injected each must make the gate fail, naming it
#   make conformance   behaviour parity: tests/conformance scenarios run by the
#                      C, Python and Node runners against a fresh local relay
# A language joins the gate as soon as its client package is in the tree.
PARITY_PY := $(PYTHON)
# The C tables (options, planes, status -> code) are read from the built
# library by a small dump program linked against it (parity/c_tables.c).
PARITY_C_TABLES := $(BUILD)/parity/c-tables
PARITY_C_ARGS := --c-include runtime/include --c-include gen/c/include \
  --c-tables $(PARITY_C_TABLES)
PARITY_LANG_ARGS = $(PARITY_C_ARGS)
PARITY_DEPS := gen-venv $(PARITY_C_TABLES)
ifneq ($(wildcard clients/python/python.mk),)
  # The Python surface is the package in its source tree (clients/python/src).
  PARITY_LANG_ARGS += --python-path $(PY_SRC)
  PARITY_DEPS += python-venv
endif
ifneq ($(wildcard clients/node/node.mk),)
  # The Node surface is the built package (dist/ .d.ts + ESM runtime).
  PARITY_LANG_ARGS += --node-pkg clients/node
  PARITY_DEPS += node-build
endif

.PHONY: parity test-parity conformance
parity: $(PARITY_DEPS)
	$(PARITY_PY) parity/check.py --surface gen/surface.json $(PARITY_LANG_ARGS) \
	  --exceptions parity/exceptions.toml

$(PARITY_C_TABLES): parity/c_tables.c runtime/src/op_table.h $(BUILD)/libcmdop.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(INC_PUBLIC) $(INC_INTERNAL) $(PKG_CFLAGS) -o $@ parity/c_tables.c \
	  $(BUILD)/libcmdop.a $(PKG_LIBS) $(LDFLAGS_SAN) -lm

# The C conformance runner: a dispatcher generated from the public headers
# (tests/conformance/c/gen_dispatch.py) calls the typed functions.
CONF_BUILD := $(BUILD)/conformance
CONF_C_HEADERS := $(wildcard runtime/include/cmdop/*.h gen/c/include/cmdop/*.h)
$(CONF_BUILD)/dispatch.c: tests/conformance/c/gen_dispatch.py parity/extract_c.py $(CONF_C_HEADERS)
	@mkdir -p $(@D)
	$(PARITY_PY) tests/conformance/c/gen_dispatch.py $@ runtime/include gen/c/include

$(CONF_BUILD)/conformance-c: tests/conformance/c/runner.c $(CONF_BUILD)/dispatch.c \
    tests/conformance/c/dispatch_support.h $(BUILD)/libcmdop.a
	$(CC) $(CFLAGS_ALL) $(INC_PUBLIC) -Itests/conformance/c $(PKG_CFLAGS) -o $@ \
	  tests/conformance/c/runner.c $(CONF_BUILD)/dispatch.c $(BUILD)/libcmdop.a $(PKG_LIBS) $(LDFLAGS_SAN) -lm

# Behaviour parity: every scenario in every language against a fresh relay.
CONF_RUNNERS = --runner c=$(CONF_BUILD)/conformance-c
CONF_DEPS := gen-venv $(BUILD)/cmdop-core $(CONF_BUILD)/conformance-c
ifneq ($(wildcard clients/python/python.mk),)
  CONF_RUNNERS += --runner "python=env PYTHONPATH=$(PY_SRC) \
    CMDOP_CORE_BINARY=$(abspath $(BUILD)/cmdop-core) $(PYTHON) tests/conformance/python/runner.py"
  CONF_DEPS += python-venv
endif
ifneq ($(wildcard clients/node/node.mk),)
  CONF_RUNNERS += --runner "node=env CONF_NODE_PKG=clients/node \
    CMDOP_CORE_BINARY=$(abspath $(BUILD)/cmdop-core) node tests/conformance/node/runner.mjs"
  CONF_DEPS += node-build
endif
conformance: $(CONF_DEPS)
	$(PARITY_PY) tests/conformance/run.py --core $(BUILD)/cmdop-core $(CONF_RUNNERS)

# Mutation tests: the surface gate on mutated copies of the built headers and
# packages, and a wire drift compiled into the C runner and the core.
test-parity: $(PARITY_DEPS) $(CONF_DEPS) $(BUILD)/librelay.a
	PARITY_PY_PKG=$(if $(PY_SRC),$(abspath $(PY_SRC))) PARITY_BUILD=$(abspath $(BUILD)) \
	PARITY_PKG_CFLAGS="$(PKG_CFLAGS)" PARITY_PKG_LIBS="$(PKG_LIBS)" \
	$(PARITY_PY) -m pytest -q -p no:cacheprovider parity/tests
