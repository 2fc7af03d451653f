# The compatibility suite against the official cmdop 1.1.1 release
# (tests/compat/run.py says what checks (a), (b) and (c) prove).
#   make compat                        fetch + verify the official wheels (cached
#                                      in ~/.cache/cmdop-compat), then run the tour
#   make compat COMPAT_ARGS='--only fleets.* -v'
#   make compat COMPAT_ARGS=--keep     keep the relay and write build/compat-out/
# CMDOP_COMPAT_CACHE moves the cache (never inside the clone).
COMPAT_ARGS ?=

.PHONY: compat compat-fetch
compat-fetch:
	@tests/compat/fetch.sh >/dev/null

compat: $(BUILD)/cmdop-core
	@py=$$(tests/compat/fetch.sh) && \
	  "$$py" tests/compat/selftest.py && \
	  "$$py" tests/compat/run.py --core $(BUILD)/cmdop-core --out $(BUILD)/compat-out $(COMPAT_ARGS)
