# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench clean web webtest e2e

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The web workspace (web/): built when node is present; the service says so when it is not.
NODE := $(shell command -v node 2>/dev/null)
WEB_SRC := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json -type f \
	-not -name schema.d.ts 2>/dev/null)
WEB_DEPS := web/node_modules/.installed
WEB_SCHEMA := web/src/api/schema.d.ts

run: $(STAMP) $(if $(NODE),web)
	$(BIN)/yuantus start --demo

test: $(STAMP) lint typecheck pytest webtest

$(WEB_DEPS): web/package.json web/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "need Node.js 20+ and npm for the web app"; exit 1; }
	cd web && npm ci --no-audit --no-fund
	touch $@

# the client is generated from the service's OpenAPI: a schema change breaks the web build
web/openapi.json: $(STAMP) $(shell find src -name '*.py')
	$(BIN)/yuantus openapi $@

$(WEB_SCHEMA): web/openapi.json $(WEB_DEPS)
	cd web && npx openapi-typescript openapi.json -o src/api/schema.d.ts

web/dist/index.html: $(WEB_SCHEMA) $(WEB_SRC) $(WEB_DEPS)
	cd web && npx tsc -p tsconfig.json && npx vite build

web: web/dist/index.html

webtest: $(WEB_SCHEMA)
	cd web && npx eslint . && npm run typecheck && npx vitest run

e2e: web
	bash web/e2e/run.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# one worker per core, a test file per worker at a time (each worker has its own databases)
pytest: $(STAMP)
	$(BIN)/pytest -n auto --dist loadfile

bench: $(STAMP)
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf $(VENV) var web/node_modules web/dist web/openapi.json $(WEB_SCHEMA) web/test-results .mypy_cache .ruff_cache .pytest_cache .import_linter_cache
