# parity/parity.mk — the parity gate (issue 5), included by the top Makefile.
#   make parity        surface parity: extract C (headers), Python (installed
#                      package) and Node (built package + .d.ts) surfaces and
#                      compare them with each other via gen/surface.json
#   make test-parity   mutation tests: copies of the built artifacts with one
#                      drift injected each must make the gate fail, naming it
#   make conformance   behaviour parity: tests/conformance scenarios run by the
#                      C, Python and Node runners against a fresh local relay
# A language joins the gate as soon as its client package is in the tree.
PARITY_PY := $(PYTHON)
PARITY_C_ARGS := --c-include runtime/include --c-include gen/c/include
PARITY_LANG_ARGS = $(PARITY_C_ARGS)

.PHONY: parity test-parity conformance
parity: gen-venv
	$(PARITY_PY) parity/check.py --surface gen/surface.json $(PARITY_LANG_ARGS) \
	  --exceptions parity/exceptions.toml

test-parity: gen-venv
	$(PARITY_PY) -m pytest -q parity/tests

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
conformance: gen-venv $(BUILD)/cmdop-core $(CONF_BUILD)/conformance-c
	$(PARITY_PY) tests/conformance/run.py --core $(BUILD)/cmdop-core $(CONF_RUNNERS)
