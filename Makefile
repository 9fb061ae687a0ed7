# Coopilote — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# Tests run in a shuffled order (pytest-randomly) that is the same on every run, so a
# newcomer's first `make test` is the run the project saw pass; `make test SEED=default`
# explores another order (the header prints its --randomly-seed to repeat a failure).
SEED ?= 202462647
PYTEST := $(BIN)/python -m pytest -n 2 --dist loadgroup -p randomly --randomly-seed=$(SEED)
export FLASK_APP := workspace

.PHONY: run test test-sqlite test-postgres install dev chromium system-deps lint format i18n bench clean screenshots

# Debian packages: pango for PDF reports (WeasyPrint), poppler-utils to check them in tests.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
APT := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed system-deps
	$(BIN)/python -m workspace.web.i18n compile

dev: $(VENV)/.installed-dev system-deps
	$(BIN)/python -m workspace.web.i18n compile

system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(APT) update -qq && $(APT) install -y -qq $$missing; fi

## make run — migrate SQLite, load the demo, serve with realtime on http://127.0.0.1:5000
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	@echo "Coopilote: http://127.0.0.1:5000"
	$(BIN)/gunicorn -k gevent -w 1 --bind 127.0.0.1:5000 \
	  --access-logfile - workspace.wsgi:app

## make test — the whole suite on SQLite, then on PostgreSQL
test: dev chromium
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	$(PYTEST) $(PYTEST_ARGS)

test-postgres:
	WORKSPACE_TEST_DATABASE_URL=$(PG_URL) $(PYTEST) $(PYTEST_ARGS)

chromium:
	@missing=$$(for p in chromium poppler-utils; do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(APT) update -qq && $(APT) install -y -qq $$missing; fi

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make i18n — re-extract strings into every package's English catalogue
i18n: dev
	$(BIN)/python -m workspace.web.i18n update

bench: dev
	@dpkg -s wrk >/dev/null 2>&1 || { $(APT) update -qq && $(APT) install -y -qq wrk; }
	$(BIN)/python bench/run.py

screenshots: dev chromium
	COOPILOTE_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser/test_screenshots.py -n 0

clean:
	rm -rf $(VENV) instance/coopilote.sqlite instance/coopilote.sqlite-wal instance/coopilote.sqlite-shm .pytest_cache .ruff_cache
