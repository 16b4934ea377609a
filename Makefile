# Parvis — the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PO_FILES := $(wildcard parvis/locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
# The suite's PostgreSQL and Redis (started by scripts/start-services.sh when they are down).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/parvis
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
TEST_CACHE_URL ?= redis://127.0.0.1:6379/14
PYTEST_ARGS ?=

.PHONY: run test test-sqlite test-postgres lint format install install-dev assets messages services browser peers clean

run: install assets messages
	$(BIN)/parvis migrate --no-input
	exec $(BIN)/parvis run

# --- installation: each step is skipped when its inputs did not change ----------------------
$(VENV)/.base-installed: requirements/base.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/base.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.base-installed requirements/dev.txt
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	touch $@

install: $(VENV)/.base-installed
install-dev: $(VENV)/.dev-installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

%.mo: %.po
	$(BIN)/python -m django compilemessages --settings=parvis.settings --ignore='$(VENV)' --ignore=node_modules >/dev/null

messages: install $(MO_FILES)

services:
	./scripts/start-services.sh

browser:
	./scripts/install-browser.sh

peers:
	./scripts/install-peers.sh

# --- tests ----------------------------------------------------------------------------------
test: install-dev assets messages services browser peers
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite:
	rm -rf var/test-sqlite
	PARVIS_VAR_DIR=var/test-sqlite $(BIN)/pytest $(PYTEST_ARGS)

test-postgres:
	rm -rf var/test-postgres
	PARVIS_VAR_DIR=var/test-postgres DATABASE_URL=$(TEST_DATABASE_URL) \
	  BROKER_URL=$(TEST_BROKER_URL) CACHE_URL=$(TEST_CACHE_URL) $(BIN)/pytest $(PYTEST_ARGS)

# mypy --strict (pyproject.toml) covers every module of the application and the benchmarks.
TYPED := parvis bench
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(TYPED)
	$(BIN)/python -m parvis.cli makemigrations --check --dry-run >/dev/null

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules var/test-* .pytest_cache .mypy_cache .ruff_cache
