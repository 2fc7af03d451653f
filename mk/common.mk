# Shared build settings. BUILD selects the output tree so a sanitizer build
# (make SAN=1 BUILD=build/asan) never mixes objects with the normal one.
BUILD ?= build
CC ?= cc
# A failed recipe leaves no target behind (zig cc leaves an empty object when
# a compile fails, which make would then take as up to date).
.DELETE_ON_ERROR:
SAN ?= 0
VENV ?= .venv
PYTHON := $(VENV)/bin/python

DEP_PKGS := libcurl jansson libmicrohttpd libprotobuf-c openssl
# Overridable so a cross build (packaging/packaging.mk) can point at the
# target architecture's .pc files.
PKG_CONFIG ?= pkg-config
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(DEP_PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(DEP_PKGS) 2>/dev/null)
# wslay (the bots' WebSocket framing, runtime/src/bot_ws.c): Debian ships no .pc for it.
WSLAY_LIBS ?= -lwslay
PKG_LIBS += $(WSLAY_LIBS)
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS := $(shell $(PKG_CONFIG) --libs check 2>/dev/null)

CFLAGS_WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CFLAGS_STD := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L
ifeq ($(SAN),1)
  CFLAGS_OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
  LDFLAGS_SAN := -fsanitize=address,undefined
else
  CFLAGS_OPT := -O2 -g
  LDFLAGS_SAN :=
endif
CFLAGS_ALL := $(CFLAGS_STD) $(CFLAGS_WARN) $(CFLAGS_OPT) -fPIC -pthread $(CFLAGS)

# Include paths: public headers (hand-written and generated), then the
# internal ones (runtime/src, gen/c/src) for the library and its tests.
INC_PUBLIC := -Iruntime/include -Igen/c/include
INC_INTERNAL := -Iruntime/src -Igen/c/src -Igen/c
