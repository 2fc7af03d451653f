# libcmdop: the hand-written runtime (runtime/src) + the generated C
# (GEN_C_SRCS from generator/gen.mk), as a static and a shared library
# (docs/abi.md). Objects are built with -fvisibility=hidden: only what a
# public header declares with CMDOP_EXTERN is exported from the .so, under
# the version script runtime/libcmdop.map.
# The stdio server (runtime/src/stdio_*) and the protobuf-c code serve only
# the core binary: they go in the internal archive libcmdop-core.a, never
# installed. The test samples (GEN_C_TEST_SRCS) are linked by the tests.
GEN_C_SRCS ?=
GEN_PB_SRCS ?=
GEN_C_TEST_SRCS ?=
RUNTIME_SRCS := $(sort $(wildcard runtime/src/*.c))
CORE_ONLY_SRCS := $(filter runtime/src/stdio_%,$(RUNTIME_SRCS)) $(GEN_PB_SRCS)
LIBCMDOP_SRCS := $(filter-out $(CORE_ONLY_SRCS),$(RUNTIME_SRCS)) $(GEN_C_SRCS)
LIBCMDOP_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIBCMDOP_SRCS))
CORE_ONLY_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(CORE_ONLY_SRCS))
GEN_C_TEST_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(GEN_C_TEST_SRCS))
# What a program that uses internal cmdop__ symbols links (the core binary,
# the C tests): the internal archive first, then the library.
LIBCMDOP_INTERNAL := $(BUILD)/libcmdop-core.a $(BUILD)/libcmdop.a
# The shared library's own dependencies (the stdio server's protobuf-c and
# the relay's libmicrohttpd are not among them); cmdop.pc's Requires.private.
LIBCMDOP_PKGS := libcurl jansson libssl libcrypto
LIBCMDOP_PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(LIBCMDOP_PKGS) 2>/dev/null) $(WSLAY_LIBS)
# libcmdop.so.<major> (the SONAME) -> libcmdop.so.<version>, from cmdop/version.h.
LIBCMDOP_VERSION := $(shell sed -n 's/^\#define CMDOP_VERSION "\(.*\)"/\1/p' runtime/include/cmdop/version.h)
LIBCMDOP_SOMAJOR := $(shell sed -n 's/^\#define CMDOP_VERSION_MAJOR //p' runtime/include/cmdop/version.h)
LIBCMDOP_SONAME := libcmdop.so.$(LIBCMDOP_SOMAJOR)
LIBCMDOP_SOFILE := libcmdop.so.$(LIBCMDOP_VERSION)
LIBCMDOP_HDRS := $(wildcard runtime/src/*.h runtime/include/*.h runtime/include/cmdop/*.h \
  gen/c/include/cmdop/*.h gen/c/src/*.h gen/c/cmdop/core/v1/*.h)

$(BUILD)/obj/%.o: %.c $(LIBCMDOP_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -fvisibility=hidden $(INC_PUBLIC) $(INC_INTERNAL) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/libcmdop.a: $(LIBCMDOP_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/libcmdop-core.a: $(CORE_ONLY_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/$(LIBCMDOP_SOFILE): $(LIBCMDOP_OBJS) runtime/libcmdop.map
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,$(LIBCMDOP_SONAME) -Wl,--version-script=runtime/libcmdop.map \
	  -Wl,--no-undefined -o $@ $(LIBCMDOP_OBJS) $(LIBCMDOP_PKG_LIBS) $(LDFLAGS_SAN) -pthread -lm

# The runtime symlink (as ldconfig makes it) and the development one.
$(BUILD)/$(LIBCMDOP_SONAME): $(BUILD)/$(LIBCMDOP_SOFILE)
	ln -sfn $(LIBCMDOP_SOFILE) $@
$(BUILD)/libcmdop.so: $(BUILD)/$(LIBCMDOP_SONAME)
	ln -sfn $(LIBCMDOP_SONAME) $@

.PHONY: libcmdop
libcmdop: $(BUILD)/libcmdop.a $(BUILD)/libcmdop.so

# The ABI gate (runtime/abi/check.sh, docs/abi.md): only public cmdop_*
# symbols exported, and abidiff against the committed baseline. Refresh the
# baseline deliberately with make abi-baseline (then review its diff).
.PHONY: abi-check abi-baseline
abi-check: $(BUILD)/$(LIBCMDOP_SOFILE)
	@runtime/abi/check.sh $(BUILD)/$(LIBCMDOP_SOFILE)
abi-baseline: $(BUILD)/$(LIBCMDOP_SOFILE)
	@runtime/abi/check.sh $(BUILD)/$(LIBCMDOP_SOFILE) --update

# make install PREFIX=... [DESTDIR=...]: the public headers, libcmdop.a, the
# versioned .so with its SONAME and dev symlinks, and cmdop.pc (whose
# prefix is PREFIX; DESTDIR only stages). Internal archives are not
# installed. Tested by tests/install/run.sh (make test-install).
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
.PHONY: install
install: $(BUILD)/libcmdop.a $(BUILD)/libcmdop.so
	install -d $(DESTDIR)$(INCLUDEDIR)/cmdop $(DESTDIR)$(LIBDIR)/pkgconfig
	install -m 644 runtime/include/cmdop.h $(DESTDIR)$(INCLUDEDIR)/cmdop.h
	install -m 644 runtime/include/cmdop/*.h gen/c/include/cmdop/*.h $(DESTDIR)$(INCLUDEDIR)/cmdop/
	install -m 644 $(BUILD)/libcmdop.a $(DESTDIR)$(LIBDIR)/libcmdop.a
	install -m 755 $(BUILD)/$(LIBCMDOP_SOFILE) $(DESTDIR)$(LIBDIR)/$(LIBCMDOP_SOFILE)
	ln -sfn $(LIBCMDOP_SOFILE) $(DESTDIR)$(LIBDIR)/$(LIBCMDOP_SONAME)
	ln -sfn $(LIBCMDOP_SONAME) $(DESTDIR)$(LIBDIR)/libcmdop.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	  -e 's|@VERSION@|$(LIBCMDOP_VERSION)|' -e 's|@REQUIRES_PRIVATE@|$(LIBCMDOP_PKGS)|' \
	  runtime/cmdop.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/cmdop.pc
	chmod 644 $(DESTDIR)$(LIBDIR)/pkgconfig/cmdop.pc
