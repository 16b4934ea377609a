# Parvis — the two commands of the README are `make run` and `make test`.
# `make run` needs Python 3.11 and make only: htmx comes inside the django-htmx wheel and the
# translations are compiled by scripts/compile_messages.py (no Node.js, no GNU gettext).
# Node.js and npm are needed by the test peers alone (scripts/install-peers.sh).
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

.PHONY: run test test-sqlite test-postgres lint format install install-dev messages services browser peers clean

run: install messages
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

%.mo: %.po scripts/compile_messages.py | $(VENV)/.base-installed
	$(BIN)/python scripts/compile_messages.py $< $@

messages: install $(MO_FILES)

services:
	./scripts/start-services.sh

browser:
	./scripts/install-browser.sh

peers:
	./scripts/install-peers.sh

# --- tests ----------------------------------------------------------------------------------
test: install-dev messages services browser peers
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite:
	rm -rf var/test-sqlite
	PARVIS_VAR_DIR=var/test-sqlite $(BIN)/pytest $(PYTEST_ARGS)

test-postgres:
	rm -rf var/test-postgres
	PARVIS_VAR_DIR=var/test-postgres DATABASE_URL=$(TEST_DATABASE_URL) \
	  BROKER_URL=$(TEST_BROKER_URL) CACHE_URL=$(TEST_CACHE_URL) $(BIN)/pytest $(PYTEST_ARGS)

# mypy --strict (pyproject.toml) covers every module of the application, the benchmarks and
# the training of the insight models.
TYPED := parvis bench training
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(TYPED)
	$(BIN)/python -m parvis.cli makemigrations --check --dry-run >/dev/null

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var/test-* .pytest_cache .mypy_cache .ruff_cache
