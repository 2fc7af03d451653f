# generator/gen.mk — included by the top Makefile.
#   make gen        regenerate gen/ and the client surfaces inside the clients'
#                   source trees (listed in gen/client-files.txt) from idl/ (committed)
#   make gen-check  make gen, then fail if any generated file differs from what is committed
#   make test-gen   the generator's own tests (pytest)
# GEN_C_SRCS lists the generated C sources compiled into libcmdop;
# GEN_PB_SRCS the protobuf-c code (the core binary's stdio server only);
# GEN_C_TEST_SRCS the test samples (linked into the C unit tests only).

PROTOC_C ?= protoc-c
# Pinned: its output (gen/c/cmdop/core/v1/*.pb-c.[ch]) is committed.
PROTOC_C_VERSION := 1.4.1
GEN_PROTO_DIR := gen/proto/cmdop/core/v1

GEN_C_SRCS := gen/c/src/types.c gen/c/src/types_json.c \
  gen/c/src/ops.c gen/c/src/op_table.c gen/c/src/wire_map.c gen/c/src/streams.c \
  gen/c/src/error_codes.c
GEN_PB_SRCS := $(sort $(wildcard gen/c/cmdop/core/v1/*.pb-c.c))
GEN_C_TEST_SRCS := gen/c/src/types_samples.c

.PHONY: gen gen-check test-gen gen-venv
gen-venv:
	@test -x $(PYTHON) || scripts/deps.sh

gen: gen-venv
	@$(PROTOC_C) --version 2>/dev/null | grep -qx 'protobuf-c $(PROTOC_C_VERSION)' || { \
	  echo "gen: protoc-c $(PROTOC_C_VERSION) is required because its output is committed;" \
	       "found: $$($(PROTOC_C) --version 2>&1 | head -1)" >&2; exit 1; }
	$(PYTHON) -m generator --idl idl --root .
	@rm -rf gen/c/cmdop
	$(PROTOC_C) --c_out=gen/c -Igen/proto $(GEN_PROTO_DIR)/*.proto

# What make gen writes: gen/, the Node surface's folder (generator + buf) and
# the generated modules of the Python package, which sit beside its
# hand-written shim and are named in gen/client-files.txt (a file added to or
# dropped from that list changes the list itself, so it shows here too).
GEN_PATHS = gen clients/node/src/gen $(shell cat gen/client-files.txt 2>/dev/null)
gen-check: gen
	@if [ -n "$$(git status --porcelain -- $(GEN_PATHS))" ]; then \
	  echo "gen-check: generated files do not match idl/ and the generator." >&2; \
	  echo "gen-check: run 'make gen' and commit the result. Changed:" >&2; \
	  git status --porcelain -- $(GEN_PATHS) >&2; exit 1; fi
	@echo "gen-check: generated files are up to date"

# The mini-IDL tests link the generated C with this build's library, type-check
# the generator and the generated Python (mypy: python-venv) and the generated
# Node code (tsc: node-deps).
test-gen: gen-venv python-venv node-deps $(BUILD)/libcmdop.a
	BUILD=$(BUILD) $(PYTHON) -m pytest -q generator/tests
