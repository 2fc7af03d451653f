# clients/python/python.mk — included by the top Makefile.
#   make test-python  assemble the package, mypy --strict (package + examples/python),
#                     pytest against the real relay through build/cmdop-core
#   make dist-python  dist/cmdop-<version>-py3-none-any.whl with build/stage/bin/* in cmdop/_bin/
# The package directory $(PY_PKG) is assembled from clients/python (shim,
# pyproject) and gen/python/cmdop (everything generated); nothing is copied
# back into the source tree.

PY_PKG := $(BUILD)/python/pkg
PY_DEV_REQ := clients/python/requirements-dev.txt
PY_DEV_STAMP := $(VENV)/.python-dev-stamp
PY_STAGE := build/stage/bin

.PHONY: python-venv python-pkg test-python mypy-python dist-python

python-venv:
	@test -x $(PYTHON) || scripts/deps.sh
	@cmp -s $(PY_DEV_REQ) $(PY_DEV_STAMP) 2>/dev/null || { \
	  $(PYTHON) -m pip install -q --disable-pip-version-check -r $(PY_DEV_REQ) && \
	  cp $(PY_DEV_REQ) $(PY_DEV_STAMP); }

# $(1): 1 to include the staged binaries.
define py_assemble
	@rm -rf $(PY_PKG) && mkdir -p $(PY_PKG)/src
	@cp clients/python/pyproject.toml clients/python/README.md $(PY_PKG)/
	@cp -r clients/python/src/cmdop $(PY_PKG)/src/cmdop
	@cp -r gen/python/cmdop/. $(PY_PKG)/src/cmdop/
	@find $(PY_PKG) -name __pycache__ -prune -exec rm -rf {} +
	$(if $(1),@mkdir -p $(PY_PKG)/src/cmdop/_bin && cp -a $(PY_STAGE)/. $(PY_PKG)/src/cmdop/_bin/)
endef

python-pkg: python-venv
	$(call py_assemble,)

mypy-python: python-pkg
	cd $(PY_PKG)/src && $(abspath $(PYTHON)) -m mypy --strict --no-incremental \
	  --config-file $(abspath clients/python/mypy.ini) -p cmdop
	MYPYPATH=$(PY_PKG)/src $(PYTHON) -m mypy --strict --no-incremental \
	  --config-file clients/python/mypy.ini examples/python

test-python: all python-pkg
	@$(MAKE) --no-print-directory mypy-python
	PYTHONPATH=$(PY_PKG)/src CMDOP_CORE_BINARY=$(abspath $(BUILD)/cmdop-core) \
	  CMDOP_TEST_ROOT=$(CURDIR) $(PYTHON) -m pytest -q -p no:cacheprovider clients/python/tests

dist-python: python-venv
	@test -d $(PY_STAGE) || { echo "dist-python: $(PY_STAGE) is missing (make stage-bins)" >&2; exit 1; }
	$(call py_assemble,1)
	@mkdir -p dist
	$(PYTHON) -m pip wheel -q --no-deps --no-build-isolation -w dist $(PY_PKG)
	@ls -l dist/cmdop-*.whl
