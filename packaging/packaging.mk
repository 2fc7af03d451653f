# packaging/packaging.mk — included by the top Makefile.
#   make cross-arm64  build/arm64/cmdop-core with Debian's aarch64 cross toolchain
#   make stage-bins   build/stage/bin/cmdop-core-linux-{x64,arm64} + lib-linux-*/
#   make dist         dist/*.whl and dist/*.tgz (needs dist-python, dist-node)
#   make test-dist    bundle/glibc checks, x64 smoke test in a chroot holding
#                     only glibc, arm64 smoke test under qemu, install tests
# docs/packaging.md explains the layout and choices.

STAGE_DIR := build/stage/bin
REL_X64 := build/release
REL_ARM64 := build/arm64
ARM64_CC := aarch64-linux-gnu-gcc
ARM64_PKG_CONFIG := env PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig pkg-config

# Link line of a shipped binary, for the pkg-config given as $(1): jansson,
# protobuf-c and libmicrohttpd from Debian's static archives; libmicrohttpd.a
# calls into gnutls (its only dependency besides libc), which stays shared
# (its own static closure is not shipped either). libcurl and OpenSSL shared
# too (Debian's static libcurl needs krb5/ldap/... archives it does not
# ship). Every shared one is bundled by packaging/bundle.sh.
DIST_STATIC := -lmicrohttpd -ljansson -lprotobuf-c
dist_libs = -Wl,--as-needed -Wl,-Bstatic $(DIST_STATIC) -Wl,-Bdynamic \
  $(shell $(1) --libs gnutls libcurl openssl)

WHEELHOUSE := build/wheelhouse
PY_DEV_REQ ?= clients/python/requirements-dev.txt

.PHONY: deps-cross release-x64 cross-arm64 stage-bins dist test-dist dist-clean wheelhouse

deps-cross:
	@scripts/deps-cross.sh

# The same makefiles as the normal build, in their own output trees.
release-x64:
	@$(MAKE) --no-print-directory BUILD=$(REL_X64) \
	  PKG_LIBS='$(call dist_libs,pkg-config)' $(REL_X64)/cmdop-core

cross-arm64: deps-cross
	@$(MAKE) --no-print-directory BUILD=$(REL_ARM64) CC=$(ARM64_CC) AR=aarch64-linux-gnu-ar \
	  PKG_CONFIG='$(ARM64_PKG_CONFIG)' \
	  PKG_LIBS='$(call dist_libs,$(ARM64_PKG_CONFIG))' $(REL_ARM64)/cmdop-core

stage-bins: release-x64 cross-arm64
	@packaging/stage.sh $(REL_X64)/cmdop-core linux-x64 $(STAGE_DIR)
	@packaging/stage.sh $(REL_ARM64)/cmdop-core linux-arm64 $(STAGE_DIR)

# dist-python and dist-node (clients/*/ *.mk) copy from $(STAGE_DIR) and
# leave their artifacts in dist/.
dist: stage-bins
	@$(MAKE) --no-print-directory dist-python dist-node
	@ls -l dist/*.whl dist/*.tgz

# The wheel's runtime dependencies as wheels, for the offline install test
# (pip --no-index): the only step of test-dist that needs the network, and
# only once (stamped by the pinned requirement).
wheelhouse: $(WHEELHOUSE)/.stamp
$(WHEELHOUSE)/.stamp: $(PY_DEV_REQ)
	@test -x $(PYTHON) || scripts/deps.sh
	@rm -rf $(WHEELHOUSE) && mkdir -p $(WHEELHOUSE)
	$(PYTHON) -m pip download -q --disable-pip-version-check --only-binary=:all: \
	  -d $(WHEELHOUSE) $$(grep -E '^protobuf==' $(PY_DEV_REQ))
	@touch $@

# A fresh dist/ every run, so the install tests never pick up a stale
# artifact; if make dist fails they run anyway and say what is missing.
test-dist: stage-bins wheelhouse
	@rm -rf dist
	@$(MAKE) --no-print-directory dist || echo "test-dist: make dist failed; the install tests below name what is missing" >&2
	@packaging/tests/run.sh

dist-clean:
	rm -rf $(STAGE_DIR) dist
