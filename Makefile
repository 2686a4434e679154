# The two commands on a fresh machine: `make demo` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://root@127.0.0.1:5432/test
export LANTERN_HOME := $(CURDIR)

.PHONY: demo test setup dev assets lint chromium postgres test-sqlite test-postgres bench clean

demo: setup assets
	$(BIN)/lantern demo

test: dev assets chromium postgres lint test-sqlite test-postgres

setup: $(BIN)/lantern
dev: $(VENV)/.dev

$(BIN)/lantern: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(BIN)/lantern
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# GOV.UK Frontend and Sass come from the npm registry, pinned by package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: src/lantern/web/static/build/lantern.css

src/lantern/web/static/build/lantern.css: node_modules/.package-lock.json build-assets.mjs $(wildcard src/lantern/web/scss/*.scss)
	npm run --silent build

chromium:
	@command -v chromium >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; echo "PostgreSQL did not start"; exit 1

lint: dev
	$(BIN)/ruff check .
	$(BIN)/mypy

test-sqlite: dev assets chromium
	env -u DATABASE_URL $(BIN)/pytest

test-postgres: dev assets chromium postgres
	DATABASE_URL=$(PG_URL) $(BIN)/pytest

clean:
	rm -rf $(VENV) node_modules src/lantern/web/static/build var/staticfiles
