# libcmdop: the hand-written runtime (runtime/src) + the generated C
# (GEN_C_SRCS from generator/gen.mk), as a static and a shared library.
GEN_C_SRCS ?=
RUNTIME_SRCS := $(sort $(wildcard runtime/src/*.c))
LIBCMDOP_SRCS := $(RUNTIME_SRCS) $(GEN_C_SRCS)
LIBCMDOP_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIBCMDOP_SRCS))
LIBCMDOP_HDRS := $(wildcard runtime/src/*.h runtime/include/*.h runtime/include/cmdop/*.h \
  gen/c/include/cmdop/*.h gen/c/src/*.h gen/c/cmdop/core/v1/*.h)

$(BUILD)/obj/%.o: %.c $(LIBCMDOP_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(INC_PUBLIC) $(INC_INTERNAL) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/libcmdop.a: $(LIBCMDOP_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/libcmdop.so: $(LIBCMDOP_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -o $@ $^ $(PKG_LIBS) $(LDFLAGS_SAN) -pthread -lm

.PHONY: libcmdop
libcmdop: $(BUILD)/libcmdop.a $(BUILD)/libcmdop.so
