# Two commands for a newcomer: `make run` (start the bot on the embedded defaults) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

.PHONY: setup run test lint bench
setup: $(BIN)/.installed

run: setup
	$(BIN)/flask --app wsgi init-db
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port $(PORT)

test: setup
	$(BIN)/python -m pytest

# Style and types; the rules live in pyproject.toml.
lint: setup
	$(BIN)/ruff check . && $(BIN)/mypy

# Measured speed (needs PostgreSQL and Redis on 127.0.0.1; see docs/performance.md).
bench: setup
	$(BIN)/python -m bench.webhook
	$(BIN)/python -m bench.overload
