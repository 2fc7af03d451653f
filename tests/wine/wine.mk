# tests/wine/wine.mk — included by tests/tests.mk.
#   make test-wine  the win32-x64 core under Wine (tests/wine/run.sh):
#                   --version, the relay, the Python client's integration
#                   tests through tests/wine/core.sh as CMDOP_CORE_BINARY
# WIN32_CORE names the core to test; by default the static win32-x64 build
# (packaging/static/core.sh, cached), built first when it is missing.
# make test-dist runs the same script on the staged core
# (packaging/tests/test_wine.sh).
WIN32_CORE ?= build/cross/win32-x64/cmdop-core

.PHONY: test-wine
test-wine: python-venv
	@test -f $(WIN32_CORE) || packaging/static/core.sh win32-x64 build/cross/win32-x64 >/dev/null
	@tests/wine/run.sh $(WIN32_CORE)
