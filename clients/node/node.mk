# clients/node/node.mk — the Node client (@cmdop/sdk); included by the top Makefile.
#   make test-node   npm ci (once), tsc --strict --noEmit over the source tree (src/, with the
#                    generated src/gen), build the core and the package, run `node --test`
#   make dist-node   one npm tarball (bundled deps + whatever build/stage/bin/ holds)
# `make gen` also regenerates src/gen/proto with the pinned buf + protoc-gen-es.
NODE_DIR := clients/node
NODE_STAMP := $(NODE_DIR)/node_modules/.ci-stamp

# npm ci only when the lock changed or node_modules is missing (keeps `make gen` fast).
$(NODE_STAMP): $(NODE_DIR)/package-lock.json
	cd $(NODE_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: gen-node-proto node-deps node-typecheck node-build node-examples test-node dist-node
# The pinned npm packages (tsc, buf, @bufbuild/protobuf), for other makefiles' targets.
node-deps: $(NODE_STAMP)
gen: gen-node-proto
# The .proto files come from the generator, so it runs first; gen's own
# recipe then runs it again (a no-op) before protoc-c.
gen-node-proto: gen-venv $(NODE_STAMP)
	@$(PYTHON) -m generator --idl idl --root . >/dev/null
	@rm -rf $(NODE_DIR)/src/gen/proto
	cd $(NODE_DIR) && node_modules/.bin/buf generate

# Every import of the source tree resolves where it stands: the shim's
# ./gen/... and the generated ../client.js, with no copy step (tsconfig.json
# covers src/ only).
node-typecheck: $(NODE_STAMP)
	cd $(NODE_DIR) && node_modules/.bin/tsc --strict --noEmit -p .

node-build: $(NODE_STAMP)
	$(NODE_DIR)/build.sh

# The examples compiled inside the package folder, so "@cmdop/sdk" resolves
# to this build (the demo runs .build/examples/quickstart.js).
node-examples: node-build
	cd $(NODE_DIR) && node_modules/.bin/tsc --strict -p ../../examples/node/tsconfig.json \
	  --noEmit false --outDir .build/examples

test-node: all node-typecheck node-build
	$(NODE_DIR)/test/run.sh $(abspath $(BUILD))/cmdop-core

dist-node: node-build
	$(NODE_DIR)/pack.sh $(abspath dist)
