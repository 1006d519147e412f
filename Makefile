# slipway — every target installs what it needs by itself, starting from a fresh clone.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
SLIPWAY := node packages/cli/dist/slipway.mjs

.PHONY: test test-unit test-integration demo tools deps build lint bench bench-eso clean schemas chart-library base-images

test: deps tools build ## unit tests, then integration and smoke tests against the real local platform
	npm run --silent test:unit
	npm run --silent test:integration

test-unit: deps ## unit tests beside the code: no tools, no build, no platform (seconds)
	npm run --silent test:unit

test-integration: deps tools build ## test/**: each suite starts its own real local platform
	npm run --silent test:integration

demo: deps tools build ## bring the local platform up and show what runs
	bash scripts/demo.sh

base-images: deps tools build ## the DevOps base images (images/base/) into the registry from Debian's packages (skips tags present; rootfs cached)
	command -v mmdebstrap >/dev/null || apt-get install -y -q --no-install-recommends mmdebstrap
	node scripts/build-base-images.mjs $(BASE_IMAGES)

tools: ## install the pinned platform tools into ~/.cache/slipway/tools (idempotent)
	bash scripts/install-tools.sh

deps: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json packages/*/package.json
	npm ci --no-audit --no-fund

build: deps
	npm run build

lint: deps
	npx tsc -b packages/cli packages/secret-sync test
	npx eslint .
	npx prettier --check .

schemas: build ## regenerate schemas/*.json and the charts' values.schema.json from the zod sources
	node scripts/generate-schemas.mjs

chart-library: deps ## copy charts/slipway-common into the charts that depend on it (after editing it)
	node scripts/vendor-chart-library.mjs

bench: deps tools build ## slipway vs. raw helm/kubectl, results in bench/results/
	node bench/cli/run.mjs
	node bench/bake/run.mjs
	node bench/deploy/run.mjs
	node bench/build/run.mjs
	node bench/status/run.mjs
	node bench/pipelines/run.mjs
	node bench/serve/run.mjs
	npx tsc -p bench/secret-sync && node bench/secret-sync/dist/run.js

bench-eso: deps tools build ## secret-sync vs. External Secrets Operator (builds ESO from its Go module first)
	npx tsc -p bench/secret-sync && ESO_BIN=$$(bash bench/secret-sync/build-eso.sh) node bench/secret-sync/dist/eso.js

clean:
	rm -rf packages/*/dist .test-logs
