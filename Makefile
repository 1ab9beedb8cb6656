# Two commands do all the set-up on a fresh machine: `make extract` and `make test`.
# Each creates the virtual environment in .venv when it is missing and installs the package.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEEDS ?= seeds
DATA ?= data
# Documents in the benchmark corpus (make bench N=10000).
N ?= 1000

.DEFAULT_GOAL := help
.PHONY: help install extract check report browser test bench-jionlp bench-corpus bench clean
# apt-get needs root; use sudo when not already root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the package with its test tools

extract: $(STAMP) ## Process the documents in seeds/ and write the tables to data/
	$(BIN)/policy extract $(SEEDS) --out $(DATA)

check: $(STAMP) ## Exit 1 when data/ is not what seeds/ and the code produce (what CI runs)
	$(BIN)/policy extract $(SEEDS) --out $(DATA) --check

report: $(STAMP) ## Write data/report.html, every view on one offline page (run `make extract` first)
	$(BIN)/policy report --data $(DATA) --out $(DATA)/report.html

browser: ## Install headless Chromium and a CJK font for the report tests when missing (Debian/Ubuntu)
	@if [ -n "$$CHROMIUM" ] || { { command -v chromium || command -v chromium-browser || command -v google-chrome; } >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; }; then :; \
	else $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium fonts-noto-cjk; fi

test: $(STAMP) browser ## Run the test suite
	$(BIN)/python -m pytest

bench-jionlp: $(STAMP) ## Score JioNLP's time and money extractors on our gold, beside ours
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/jionlp_baseline.py

bench-corpus: $(STAMP) ## Write N benchmark documents (default 1000) made of the seeds' clauses to benchmarks/corpus
	$(BIN)/python benchmarks/make_corpus.py --n $(N) --out benchmarks/corpus

bench: $(STAMP) ## Time each stage, end to end and bare jieba on N documents (builds the corpus when needed)
	$(BIN)/python benchmarks/bench.py --n $(N)

clean: ## Remove the virtual environment and caches (data/ is kept)
	rm -rf $(VENV) .pytest_cache .hypothesis *.egg-info
