# Two commands for a newcomer: `make run` and `make test`. Only Python 3.11+ and make are needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench chat train clean

$(BIN)/motcua: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.dev: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(BIN)/motcua $@

run: $(BIN)/motcua
	$(BIN)/motcua run

chat: $(BIN)/motcua
	$(BIN)/motcua chat

test: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/motcua kb check
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .

bench: $(VENV)/.dev
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

train: $(VENV)/.dev
	$(BIN)/motcua kb train tests/data/eval-questions*.jsonl

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
