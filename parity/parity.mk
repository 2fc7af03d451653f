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
