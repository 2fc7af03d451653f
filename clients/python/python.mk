# clients/python/python.mk — included by the top Makefile.
#   make test-python  mypy --strict over the source tree (clients/python/src) and
#                     examples/python, then pytest against the real relay through
#                     build/cmdop-core, importing the package where it stands
#   make dist-python  dist/cmdop-<version>-py3-none-any.whl with build/stage/bin/* in cmdop/_bin/
# The package is clients/python/src/cmdop as committed: the hand-written shim
# beside the modules `make gen` writes there (gen/client-files.txt), so its
# imports resolve with no assembly step. Only the wheel is built from a copy,
# which adds the staged binaries (build outputs stay out of the source tree).

PY_SRC := clients/python/src
PY_WHEEL_DIR := $(BUILD)/python/wheel
PY_DEV_REQ := clients/python/requirements-dev.txt
PY_DEV_STAMP := $(VENV)/.python-dev-stamp
PY_STAGE := build/stage/bin
PY_MYPY = $(PYTHON) -m mypy --strict --no-incremental --cache-dir $(BUILD)/mypy-cache \
  --config-file clients/python/mypy.ini

.PHONY: python-venv test-python mypy-python dist-python

python-venv:
	@test -x $(PYTHON) || scripts/deps.sh
	@cmp -s $(PY_DEV_REQ) $(PY_DEV_STAMP) 2>/dev/null || { \
	  $(PYTHON) -m pip install -q --disable-pip-version-check -r $(PY_DEV_REQ) && \
	  cp $(PY_DEV_REQ) $(PY_DEV_STAMP); }

# An import that does not resolve from the source tree fails here
# (mypy's import-not-found), the generated modules' and the shim's alike.
mypy-python: python-venv
	MYPYPATH=$(PY_SRC) $(PY_MYPY) -p cmdop
	MYPYPATH=$(PY_SRC) $(PY_MYPY) examples/python

test-python: all python-venv
	@$(MAKE) --no-print-directory mypy-python
	PYTHONPATH=$(PY_SRC) CMDOP_CORE_BINARY=$(abspath $(BUILD)/cmdop-core) \
	  CMDOP_TEST_ROOT=$(CURDIR) $(PYTHON) -m pytest -q -p no:cacheprovider clients/python/tests

dist-python: python-venv
	@test -d $(PY_STAGE) || { echo "dist-python: $(PY_STAGE) is missing (make stage-bins)" >&2; exit 1; }
	@rm -rf $(PY_WHEEL_DIR) && mkdir -p $(PY_WHEEL_DIR)/src
	@cp clients/python/pyproject.toml clients/python/README.md $(PY_WHEEL_DIR)/
	@cp -r $(PY_SRC)/cmdop $(PY_WHEEL_DIR)/src/cmdop
	@find $(PY_WHEEL_DIR) -name __pycache__ -prune -exec rm -rf {} +
	@mkdir -p $(PY_WHEEL_DIR)/src/cmdop/_bin && cp -a $(PY_STAGE)/. $(PY_WHEEL_DIR)/src/cmdop/_bin/
	@mkdir -p dist
	$(PYTHON) -m pip wheel -q --no-deps --no-build-isolation -w dist $(PY_WHEEL_DIR)
	@ls -l dist/cmdop-*.whl
