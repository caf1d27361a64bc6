# Fieldpost — two commands on a fresh machine:
#   make run    set up and serve the app on SQLite with demo data (logins printed)
#   make test   set up and run the whole suite on SQLite and on PostgreSQL
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi.py
PG_ADMIN ?= postgresql://postgres@127.0.0.1:5432/postgres

help:
	@echo "make run     install, migrate, load demo data, serve on http://127.0.0.1:5000"
	@echo "make test    install and run the whole suite on SQLite and PostgreSQL"
	@echo "make lint    ruff, import-linter contracts, mypy on the pure modules"
	@echo "make bench   benchmarks (PostgreSQL), results in docs/benchmarks.md"

$(STAMP): pyproject.toml constraints.txt
	@echo "==> Creating the virtual environment and installing dependencies"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@echo "==> Migrating the database (instance/fieldpost.db unless DATABASE_URL is set)"
	@$(BIN)/flask db upgrade heads 2>&1 | grep -v "^INFO" || true
	@echo "==> Loading demo data"
	@$(BIN)/flask demo load
	@echo "==> Serving on http://127.0.0.1:5000 (Ctrl+C to stop)"
	@$(BIN)/flask run --host 127.0.0.1 --port 5000

lint: $(STAMP)
	@echo "==> ruff"
	@$(BIN)/ruff check .
	@echo "==> import-linter"
	@$(BIN)/lint-imports
	@echo "==> mypy (pure modules, strict)"
	@$(BIN)/mypy

test: $(STAMP)
	@bash scripts/ensure-postgres.sh "$(PG_ADMIN)"
	@bash scripts/ensure-chromium.sh
	@echo "==> Test suite on SQLite"
	@FIELDPOST_TEST_DB=sqlite $(BIN)/python -m pytest $(PYTEST_ARGS)
	@echo "==> Test suite on PostgreSQL"
	@FIELDPOST_TEST_DB=postgresql FIELDPOST_PG_ADMIN="$(PG_ADMIN)" $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	@bash scripts/ensure-postgres.sh "$(PG_ADMIN)"
	@$(BIN)/python -m benchmarks.run

.PHONY: help install run lint test bench
