# Two commands do all the set-up on a fresh machine: `make extract` and `make test`.
# Each creates the virtual environment in .venv when it is missing and installs the package.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEEDS ?= seeds
DATA ?= data

.DEFAULT_GOAL := help
.PHONY: help install extract test bench-jionlp clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the package with its test tools

extract: $(STAMP) ## Process the documents in seeds/ and write the tables to data/
	$(BIN)/policy extract $(SEEDS) --out $(DATA)

test: $(STAMP) ## Run the test suite
	$(BIN)/python -m pytest

bench-jionlp: $(STAMP) ## Score JioNLP's time and money extractors on our gold, beside ours
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/jionlp_baseline.py

clean: ## Remove the virtual environment and caches (data/ is kept)
	rm -rf $(VENV) .pytest_cache .hypothesis *.egg-info
