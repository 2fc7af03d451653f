# bench/bench.mk — the benchmarks (bench/README.md); included by the top Makefile.
#   make bench        every measure, every contender, one run -> bench/RESULTS.md
#                     (raw figures in $(BUILD)/bench/results.json). Never part of check.
#   make bench BENCH_ONLY=unary1,wire   only those measures (keys in bench/run.py)
#   make bench-smoke  every benchmark once at tiny sizes; fails when a contender
#                     does not finish every op and frame (make check runs it)
#   make bench-guard  callgrind instruction counts of the hot paths against
#                     bench/guard/baseline.json (make check runs it)
BENCH_BIN := $(BUILD)/bench/bin
BENCH_NODE := $(BUILD)/bench/node
BENCH_ONLY ?=
BENCH_C := $(BENCH_BIN)/unary_cmdop $(BENCH_BIN)/unary_curl $(BENCH_BIN)/stream_cmdop \
           $(BENCH_BIN)/stream_curl $(BENCH_BIN)/replay $(BENCH_BIN)/streams_load

.PHONY: bench bench-smoke bench-deps bench-guard bench-guard-update

# The C workers link libcmdop statically, as an application would.
$(BENCH_BIN)/%_cmdop: bench/c/%_cmdop.c bench/c/bench_c.h $(BUILD)/libcmdop.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(INC_PUBLIC) -o $@ $< $(BUILD)/libcmdop.a $(PKG_LIBS) $(LDFLAGS_SAN) -lm

$(BENCH_BIN)/%_curl: bench/c/%_curl.c bench/c/bench_c.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(PKG_CFLAGS) -o $@ $< $(PKG_LIBS) $(LDFLAGS_SAN)

$(BENCH_BIN)/replay: bench/c/replay.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(LDFLAGS_SAN)

# A bare load generator for concurrent paced streams (bench/README.md).
$(BENCH_BIN)/streams_load: bench/c/streams_load.c bench/c/bench_c.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(LDFLAGS_SAN)

# bench/node's pinned SSE parser, installed under $(BUILD) (never in the clone).
$(BENCH_NODE)/node_modules/.ci-stamp: bench/node/package.json bench/node/package-lock.json
	@mkdir -p $(BENCH_NODE)
	cp bench/node/package.json bench/node/package-lock.json $(BENCH_NODE)/
	cd $(BENCH_NODE) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

bench-deps: $(BUILD)/cmdop-core $(BUILD)/libcmdop.a $(BENCH_C) python-venv node-build $(BENCH_NODE)/node_modules/.ci-stamp

# A run reads a snapshot taken right after the build: the core, the Python
# package and the Node build copied under $(BENCH_SNAP), so an edit of the
# tree during a run cannot mix versions (a client and a core from two IDLs).
# The Python package is byte-compiled as a pip install of the wheel leaves it
# (the official client's venv has its .pyc files; PYTHONDONTWRITEBYTECODE may
# be set in the environment, so the workers would never write their own).
BENCH_SNAP := $(BUILD)/bench/snap
define bench_snapshot
	@rm -rf $(BENCH_SNAP) && mkdir -p $(BENCH_SNAP)/python $(BENCH_SNAP)/node
	@cp $(BUILD)/cmdop-core $(BENCH_SNAP)/cmdop-core
	@if [ -n "$(BENCH_STATIC_TARGET)" ]; then \
	  cp "$$(packaging/static/core.sh $(BENCH_STATIC_TARGET) $(CROSS_DIR)/$(BENCH_STATIC_TARGET))" $(BENCH_SNAP)/cmdop-core-client; \
	else cp $(BUILD)/cmdop-core $(BENCH_SNAP)/cmdop-core-client; fi
	@cp -r $(PY_SRC)/cmdop $(BENCH_SNAP)/python/cmdop
	@find $(BENCH_SNAP)/python -name __pycache__ -prune -exec rm -rf {} +
	@$(PYTHON) -m compileall -q $(BENCH_SNAP)/python
	@cp -r clients/node/dist clients/node/package.json $(BENCH_SNAP)/node/
	@ln -s $(abspath clients/node/node_modules) $(BENCH_SNAP)/node/node_modules
endef

# What our clients spawn in `make bench`: the static core the wheel ships for
# this host (packaging/static/core.sh; musl + mimalloc), so the figures are the
# ones a user of the wheel gets. The relay stays the dynamic build: it is the
# server, not a contender. Other hosts, and bench-smoke (make check times
# nothing), spawn the dynamic build.
BENCH_STATIC_TARGET := $(shell uname -sm | sed -n -e 's/^Linux x86_64$$/linux-x64/p' -e 's/^Linux aarch64$$/linux-arm64/p')

# $(1): extra run.py arguments.
define bench_run
	$(bench_snapshot)
	@off=$$(tests/compat/fetch.sh) && fast=$$(bench/venv.sh) && \
	  python3 bench/run.py --core $(BENCH_SNAP)/cmdop-core --client-core $(BENCH_SNAP)/cmdop-core-client --bin $(BENCH_BIN) \
	    --py-ours $(abspath $(PYTHON)) --py-path $(abspath $(BENCH_SNAP)/python) \
	    --py-official "$$off" --py-bench "$$fast" \
	    --node-sdk $(abspath $(BENCH_SNAP)/node/dist/esm/index.js) \
	    --node-modules $(abspath $(BENCH_NODE)/node_modules) $(1)
endef

bench: bench-deps
	$(call bench_run,--out bench/RESULTS.md --json $(BUILD)/bench/results.json --only "$(BENCH_ONLY)")

bench-smoke: BENCH_STATIC_TARGET :=
bench-smoke: bench-deps
	$(call bench_run,--smoke --out $(BUILD)/bench/smoke.txt)

$(BENCH_BIN)/sse_guard: bench/guard/sse_guard.c $(LIBCMDOP_INTERNAL)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(INC_PUBLIC) $(INC_INTERNAL) -o $@ $< $(LIBCMDOP_INTERNAL) $(PKG_LIBS) $(LDFLAGS_SAN) -lm

BENCH_GUARD_DEPS := $(BUILD)/cmdop-core $(BENCH_BIN)/unary_cmdop $(BENCH_BIN)/unary_curl $(BENCH_BIN)/sse_guard
bench-guard: $(BENCH_GUARD_DEPS)
	python3 bench/guard/guard.py --core $(BUILD)/cmdop-core --bin $(BENCH_BIN) --sse $(BENCH_BIN)/sse_guard

bench-guard-update: $(BENCH_GUARD_DEPS)
	python3 bench/guard/guard.py --core $(BUILD)/cmdop-core --bin $(BENCH_BIN) --sse $(BENCH_BIN)/sse_guard --update
