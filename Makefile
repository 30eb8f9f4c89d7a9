# rightsdesk — run `make help` for the list of targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

# Django 6.1 needs Python 3.12 or newer; take the first one found.
PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export RIGHTSDESK_DATA_DIR ?= $(CURDIR)/var
HOST ?= 127.0.0.1
LOCALES := -l en -l zh_Hans -l ar -l fa -l es -l fr -l ru
PORT ?= 8000

.PHONY: help install run demo audit test lint types migrations-check content-check unit test-sqlite test-postgres test-browser messages compile-messages bench clean

help: ## Show this help.
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[1m%-18s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "rightsdesk needs Python 3.12 or newer (set PYTHON=/path/to/python3.12)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) compile-messages ## Create .venv with rightsdesk and its development tools (idempotent).

I18N_IGNORE := --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=docs

compile-messages: $(STAMP) ## Compile the translations (.po → .mo).
	$(BIN)/python -m rightsdesk compilemessages $(I18N_IGNORE) -v0

run: install ## Set up (migrate, public pages, demo data) and serve on http://$(HOST):$(PORT)/ with SQLite.
	$(BIN)/python -m rightsdesk migrate --no-input -v0
	$(BIN)/python -m rightsdesk content sync
	$(BIN)/python -m rightsdesk demo
	$(BIN)/python -m rightsdesk serve --host $(HOST) --port $(PORT)

demo: install ## Load the public pages and the demo data set, and print how to sign in.
	$(BIN)/python -m rightsdesk content sync
	$(BIN)/python -m rightsdesk demo

messages: install ## Extract translatable strings into every locale's .po file.
	$(BIN)/python -m rightsdesk makemessages $(LOCALES) $(I18N_IGNORE) --no-obsolete --add-location=file

test: install lint types migrations-check content-check test-sqlite test-postgres test-browser ## Everything: lint, types, SQLite, PostgreSQL and browser tests.
	@echo "make test: all suites passed"

lint: $(STAMP) ## ruff.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP) ## mypy (strict on crypto and services).
	$(BIN)/mypy

migrations-check: $(STAMP) ## Fail when a model change has no migration.
	RIGHTSDESK_DATA_DIR=$$(mktemp -d) $(BIN)/python -m rightsdesk makemigrations --check --dry-run

content-check: $(STAMP) ## Fail when a file under content/ is broken or a block has no <!--T:n--> marker.
	@dir=$$(mktemp -d) && RIGHTSDESK_DATA_DIR=$$dir $(BIN)/python -m rightsdesk migrate --no-input -v0 \
		&& RIGHTSDESK_DATA_DIR=$$dir $(BIN)/python -m rightsdesk content -v0 sync --check; status=$$?; rm -rf $$dir; exit $$status

test-sqlite: $(STAMP) ## The unit and integration tests on SQLite.
	env -u DATABASE_URL $(BIN)/pytest -m "not browser" --cov

test-postgres: $(STAMP) ## The same tests on PostgreSQL at DATABASE_URL (required when CI is set).
	@if [ -n "$$DATABASE_URL" ]; then \
		$(BIN)/pytest -m "not browser" -p no:cacheprovider; \
	elif [ -n "$$CI" ]; then \
		echo "CI is set but DATABASE_URL is not: the PostgreSQL suite must run in CI"; exit 1; \
	else \
		echo "DATABASE_URL is not set: skipping the PostgreSQL run (CI always runs it)"; \
	fi

test-browser: $(STAMP) ## Browser tests in Chromium (required when CI is set).
	@if [ -x "$${RIGHTSDESK_CHROMIUM:-/usr/bin/chromium}" ]; then \
		env -u DATABASE_URL $(BIN)/pytest -m browser -p no:cacheprovider; \
	elif [ -n "$$CI" ]; then \
		echo "CI is set but Chromium is missing: the browser tests must run in CI"; exit 1; \
	else \
		echo "Chromium is not installed (apt-get install chromium): skipping the browser tests"; \
	fi

audit: $(STAMP) ## Check the pinned dependencies for known vulnerabilities (asks PyPI).
	$(BIN)/pip-audit --vulnerability-service pypi --skip-editable

bench: $(STAMP) ## Benchmarks (print figures; not part of make test). All but pages use DATABASE_URL if set.
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/upload.py
	$(BIN)/python bench/cases.py
	$(BIN)/python bench/content.py
	$(BIN)/python bench/footprint.py

clean: ## Remove the virtual environment and caches (keeps ./var).
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
