# Fuzzing: libFuzzer harnesses for the parsers of the core and an
# atheris harness for the IDL parser. See docs/fuzzing.md.
#   make fuzz         every harness for FUZZ_SECONDS (default 60) each
#   make fuzz-check   every harness briefly (FUZZ_CHECK_SECONDS, default 5):
#                     part of `make check`, so a crash fails CI
#   make fuzz-build   just the binaries ($(BUILD)/fuzz/fuzz_*)
# The C harnesses are built with clang and -fsanitize=fuzzer,address,undefined
# from their own copy of the library ($(BUILD)/fuzz/libcmdop-fuzz.a, every
# runtime and generated source compiled again with clang), so the gcc build
# of libcmdop is untouched. New inputs found by a run go to $(BUILD)/fuzz/
# work/<name> (the committed seeds in fuzz/corpus/<name> are only read).
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CHECK_SECONDS ?= 5
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_NAMES := sse stdio json url
FUZZ_BINS := $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_NAMES))

FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := $(CFLAGS_STD) -Wall -Wextra -Wno-unused-parameter -O1 -g \
  -fno-omit-frame-pointer -pthread $(FUZZ_SAN) $(INC_PUBLIC) $(INC_INTERNAL) $(PKG_CFLAGS)
# Every runtime and generated source (the stdio server, the protobuf-c code
# and the record samples included), whatever archive the normal build puts
# each in; $(sort) drops duplicates.
FUZZ_LIB_SRCS := $(sort $(wildcard runtime/src/*.c) $(GEN_C_SRCS) \
  $(wildcard gen/c/cmdop/core/v1/*.pb-c.c) gen/c/src/types_samples.c)
FUZZ_LIB_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_LIB_SRCS))

$(FUZZ_DIR)/obj/%.o: %.c $(LIBCMDOP_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/libcmdop-fuzz.a: $(FUZZ_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_DIR)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_util.h $(FUZZ_DIR)/libcmdop-fuzz.a
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror -fsanitize=fuzzer -o $@ $< \
	  $(FUZZ_DIR)/libcmdop-fuzz.a $(PKG_LIBS) -lm

.PHONY: fuzz fuzz-build fuzz-check fuzz-idl-deps
fuzz-build: $(FUZZ_BINS)

# The IDL parser's harness runs in the project venv with atheris (pinned in
# fuzz/requirements.txt; scripts/deps.sh installs it).
fuzz-idl-deps:
	@$(PYTHON) -c 'import atheris' 2>/dev/null || \
	  $(PYTHON) -m pip install -q --disable-pip-version-check -r fuzz/requirements.txt

fuzz: fuzz-build fuzz-idl-deps
	@fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-check: fuzz-build fuzz-idl-deps
	@fuzz/run.sh $(FUZZ_DIR) $(FUZZ_CHECK_SECONDS) $(FUZZ_NAMES)
