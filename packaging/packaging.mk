# packaging/packaging.mk — included by the top Makefile.
#   make static-deps TARGET=t  the static dependencies of target t, built once
#                              into the cache (packaging/static/deps.sh)
#   make static-core TARGET=t  build/cross/t/cmdop-core[.exe]: the static core
#                              for t (packaging/static/core.sh)
#   make stage-bins            build/stage/bin/: cmdop-core-<t>[.exe] for each
#                              of PLATFORMS, with the license notices, the
#                              SBOM and SHA256SUMS (packaging/notices.sh)
#   make dist                  stage-bins, then dist/*.whl and dist/*.tgz
#   make dist PLATFORMS=linux-x64   the same for the host only (fast)
#   make test-dist             make dist, then packaging/tests (docs/packaging.md)
# t is one of linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64. The
# cache is ~/.cache/cmdop-static unless CMDOP_STATIC_CACHE says otherwise.

PLATFORMS ?= linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64
STAGE_DIR := build/stage/bin
CROSS_DIR := build/cross
WHEELHOUSE := build/wheelhouse
PY_DEV_REQ ?= clients/python/requirements-dev.txt

.PHONY: deps-cross static-deps static-core stage-bins dist test-dist dist-clean wheelhouse

deps-cross:
	@scripts/deps-cross.sh

static-deps: deps-cross
	@test -n "$(TARGET)" || { echo "static-deps: set TARGET (one of $(PLATFORMS))" >&2; exit 1; }
	@mkdir -p $${CMDOP_STATIC_CACHE:-$$HOME/.cache/cmdop-static}
	@flock $${CMDOP_STATIC_CACHE:-$$HOME/.cache/cmdop-static}/.deps-$(TARGET).lock packaging/static/deps.sh $(TARGET)

static-core: deps-cross
	@test -n "$(TARGET)" || { echo "static-core: set TARGET (one of $(PLATFORMS))" >&2; exit 1; }
	@packaging/static/core.sh $(TARGET) $(CROSS_DIR)/$(TARGET)

# One target after the other (each build is parallel inside); the stage is
# rebuilt from scratch so it never carries a binary of an earlier PLATFORMS.
stage-bins: deps-cross
	@rm -rf $(STAGE_DIR) && mkdir -p $(STAGE_DIR)
	@set -e; for t in $(PLATFORMS); do \
	  bin=$$(packaging/static/core.sh $$t $(CROSS_DIR)/$$t); \
	  packaging/stage.sh "$$bin" $$t $(STAGE_DIR); \
	done
	@packaging/notices.sh $(STAGE_DIR) $(PLATFORMS)

# dist-python and dist-node (clients/*/ *.mk) copy from $(STAGE_DIR) and
# leave their artifacts in dist/.
dist: stage-bins
	@$(MAKE) --no-print-directory dist-python dist-node
	@ls -l dist/*.whl dist/*.tgz

# The wheel's runtime dependencies as wheels, for the offline install test
# (pip --no-index): downloaded once (stamped by the pinned requirement).
wheelhouse: $(WHEELHOUSE)/.stamp
$(WHEELHOUSE)/.stamp: $(PY_DEV_REQ)
	@test -x $(PYTHON) || scripts/deps.sh
	@rm -rf $(WHEELHOUSE) && mkdir -p $(WHEELHOUSE)
	$(PYTHON) -m pip download -q --disable-pip-version-check --only-binary=:all: \
	  -d $(WHEELHOUSE) $$(grep -E '^protobuf==' $(PY_DEV_REQ))
	@touch $@

# A fresh dist/ every run, so the install tests never pick up a stale
# artifact; if make dist fails they run anyway and say what is missing.
# The tests read PLATFORMS to know which cores to expect.
test-dist: wheelhouse
	@rm -rf dist
	@$(MAKE) --no-print-directory dist || echo "test-dist: make dist failed; the tests below name what is missing" >&2
	@PLATFORMS="$(PLATFORMS)" packaging/tests/run.sh

dist-clean:
	rm -rf $(STAGE_DIR) $(CROSS_DIR) dist
