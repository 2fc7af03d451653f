# C tests (Check). Drop a file in the right folder and it is built and run:
#   tests/c/unit/test_*.c         runtime + generated code, no network
#   tests/c/relay/test_*.c        the relay's own units (librelay.a)
#   tests/c/integration/test_*.c  typed functions against a real relay
#                                 (started by tests/c/support/relay_proc.c)
UNIT_SRCS := $(sort $(wildcard tests/c/unit/test_*.c))
RELAYT_SRCS := $(sort $(wildcard tests/c/relay/test_*.c))
INTEG_SRCS := $(sort $(wildcard tests/c/integration/test_*.c))
SUPPORT_SRCS := $(sort $(wildcard tests/c/support/*.c))

UNIT_BINS := $(patsubst tests/c/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
RELAYT_BINS := $(patsubst tests/c/%.c,$(BUILD)/tests/%,$(RELAYT_SRCS))
INTEG_BINS := $(patsubst tests/c/%.c,$(BUILD)/tests/%,$(INTEG_SRCS))
C_TEST_BINS := $(UNIT_BINS) $(RELAYT_BINS) $(INTEG_BINS)

TEST_CFLAGS := $(CFLAGS_ALL) $(INC_PUBLIC) $(INC_INTERNAL) -Irelay -Itests/c/support $(PKG_CFLAGS) $(CHECK_CFLAGS)
TEST_LIBS := $(CHECK_LIBS) $(PKG_LIBS) $(LDFLAGS_SAN) -lm

# Unit tests may use internal cmdop__ symbols: they link the static archives
# (the .so exports only the public API) and the generated test samples
# (kept: not an intermediate file make would delete).
.SECONDARY: $(GEN_C_TEST_OBJS)
$(BUILD)/tests/unit/%: tests/c/unit/%.c $(GEN_C_TEST_OBJS) $(LIBCMDOP_INTERNAL)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(GEN_C_TEST_OBJS) $(LIBCMDOP_INTERNAL) $(TEST_LIBS)

$(BUILD)/tests/relay/%: tests/c/relay/%.c $(BUILD)/librelay.a
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(BUILD)/librelay.a $(TEST_LIBS)

$(BUILD)/tests/integration/%: tests/c/integration/%.c $(SUPPORT_SRCS) $(LIBCMDOP_INTERNAL) $(BUILD)/cmdop-core
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(SUPPORT_SRCS) $(LIBCMDOP_INTERNAL) $(TEST_LIBS)

# make install into a temporary prefix, then the C quickstart built with
# pkg-config against the installed copy only and run against a local relay.
.PHONY: test-install
test-install: $(BUILD)/libcmdop.a $(BUILD)/libcmdop.so $(BUILD)/cmdop-core
	+@MAKE='$(MAKE)' tests/install/run.sh $(BUILD)

.PHONY: test-c test-c-build
test-c-build: $(C_TEST_BINS) $(BUILD)/cmdop-core
test-c: test-c-build
	@CMDOP_CORE_BIN=$(BUILD)/cmdop-core scripts/run-c-tests.sh $(C_TEST_BINS)

# The unit and integration tests once more under valgrind (memcheck): Check
# runs in-process (CK_FORK=no) so leaks are attributed to the test.
VALGRIND := valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite
.PHONY: test-valgrind
test-valgrind: $(UNIT_BINS) $(INTEG_BINS) $(BUILD)/cmdop-core
	@CK_FORK=no TEST_LABEL=valgrind TEST_RUNNER="$(VALGRIND)" CMDOP_CORE_BIN=$(BUILD)/cmdop-core \
	  scripts/run-c-tests.sh $(UNIT_BINS) $(INTEG_BINS)

# The win32-x64 core under Wine: make test-wine (tests/wine/).
include tests/wine/wine.mk
