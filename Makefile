# Two commands set everything up from a bare python3: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DB ?= trustwatch.db

.PHONY: install run test lint typecheck unit bench train e2e clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24.2"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[web,dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/trustwatch --db $(DB) ingest --quiet corpus/
	$(BIN)/trustwatch --db $(DB) stats

test: install lint typecheck unit

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest -q -m "not e2e"

e2e: install
	command -v chromium || (apt-get update -qq && apt-get install -y -qq chromium)
	$(BIN)/pytest -q -m e2e tests/e2e

bench: install
	$(BIN)/python scripts/bench.py

train: install
	$(BIN)/trustwatch train

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm .pytest_cache .mypy_cache .ruff_cache
