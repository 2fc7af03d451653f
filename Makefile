# cmdop SDK — top-level build. See README.md.
#   make           build libcmdop (static + shared) and build/cmdop-core
#   make gen       regenerate gen/ from idl/ (committed; must leave no diff)
#   make check     install deps if missing, drift check, all tests (C, Python,
#                  Node, parity, conformance), valgrind, ASan+UBSan, packaging,
#                  and the compatibility suite against cmdop 1.1.1 (make compat)
#                  and every fuzz harness briefly (make fuzz-check), then a
#                  smoke run of every benchmark and the instruction-count guard
#                  (make bench-smoke bench-guard; make bench itself is never in check)
#   make demo      build, start the local relay, run the quickstart in C, Python, Node
#   make install PREFIX=... [DESTDIR=...]  headers, libcmdop.a/.so, cmdop.pc (docs/abi.md)
.DEFAULT_GOAL := all
include mk/common.mk

.PHONY: all deps gen gen-check check test demo demo-run clean
all: $(BUILD)/cmdop-core $(BUILD)/libcmdop.a $(BUILD)/libcmdop.so

deps:
	@scripts/deps.sh

include generator/gen.mk
include runtime/runtime.mk
include relay/relay.mk
include tests/tests.mk
include examples/examples.mk
# The thin clients and their packaging.
include clients/python/python.mk
include clients/node/node.mk
include packaging/packaging.mk
# The parity gate and conformance scenarios.
include parity/parity.mk
# The compatibility suite against the official cmdop 1.1.1 release.
include tests/compat/compat.mk
# libFuzzer and atheris harnesses: make fuzz, make fuzz-check.
include fuzz/fuzz.mk
# Benchmarks: make bench (never in check), make bench-smoke and bench-guard (in check).
include bench/bench.mk

# The core binary: one executable for `relay` (relay/) and `--stdio` (the clients).
CLI_SRCS := $(wildcard runtime/cli/*.c)
$(BUILD)/cmdop-core: $(CLI_SRCS) $(wildcard runtime/cli/*.h) $(LIBCMDOP_INTERNAL) $(BUILD)/librelay.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(INC_PUBLIC) $(INC_INTERNAL) $(PKG_CFLAGS) -Irelay -o $@ $(CLI_SRCS) \
	  $(BUILD)/librelay.a $(LIBCMDOP_INTERNAL) $(PKG_LIBS) $(LDFLAGS_SAN) -lm

check: deps
	@$(MAKE) --no-print-directory gen-check
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory test-valgrind
	@$(MAKE) --no-print-directory SAN=1 BUILD=build/asan test-c
	@$(MAKE) --no-print-directory test-dist
	@$(MAKE) --no-print-directory compat
	@$(MAKE) --no-print-directory fuzz-check
	@$(MAKE) --no-print-directory bench-smoke
	@$(MAKE) --no-print-directory bench-guard

# Every suite without sanitizers: generator, C (unit, relay, integration),
# the Python and Node clients, the parity gate, conformance in C, Python and
# Node, and the gate's mutation tests; libcmdop's ABI gate and its install
# test (docs/abi.md).
test: all test-gen test-c test-python test-node parity conformance test-parity \
  abi-check test-install

# deps first, then a fresh make: the pkg-config flags of this invocation were
# read before deps could install the libraries (as in `check`).
demo: deps
	@$(MAKE) --no-print-directory demo-run

demo-run: all $(BUILD)/examples/quickstart python-venv node-examples
	@scripts/demo.sh $(BUILD)

clean:
	rm -rf build
