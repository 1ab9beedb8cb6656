# Two commands do all the set-up on a fresh machine: `make extract` and `make test`.
# Each creates the virtual environment in .venv when it is missing and installs
# what it needs: `make extract` the runtime dependencies only, `make test` the
# test extras on top. Every install is pinned by constraints.txt (registry
# packages only; `make pins` regenerates it).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
PIP := $(BIN)/python -m pip install --quiet -c constraints.txt
SEEDS ?= seeds
DATA ?= data
# Documents in the benchmark corpus (make bench N=10000).
N ?= 1000
# Mainland documents for `make evaluate-normalize` (relative to the clone).
CORPUS ?= ../shared/corpus

.DEFAULT_GOAL := help
.PHONY: help install install-dev extract check smoke pins report browser test bench-jionlp bench-corpus bench evaluate-normalize clean
# apt-get needs root; use sudo when not already root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(PIP) -e '.[dev]'
	touch $(DEV_STAMP)

install: $(STAMP) ## Create .venv and install the package with its runtime dependencies
install-dev: $(DEV_STAMP) ## Also install the test, notebook and Dask extras

extract: $(STAMP) ## Process the documents in seeds/ and write the tables, datapackage.json and report.html to data/
	$(BIN)/policy extract $(SEEDS) --out $(DATA) --report

check: $(STAMP) ## Exit 1 when data/ is not what seeds/ and the code produce, or a clean install fails (what CI runs)
	$(BIN)/policy extract $(SEEDS) --out $(DATA) --check
	$(MAKE) --no-print-directory smoke

# A clean machine, as far as one can be had on this one: a new venv with the
# interpreter's own pip, a non-editable install of the package from
# pyproject.toml and constraints.txt alone, and a run outside the clone. What
# this machine has installed elsewhere cannot leak in, so a dependency that
# only a developer's venv provides fails here as it would for a new user.
smoke: ## Install the package non-editable into a throwaway venv and extract the seeds from another folder
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet -c constraints.txt . ; \
	cp -r $(SEEDS) "$$tmp/seeds"; \
	cd "$$tmp" && "$$tmp/venv/bin/policy" extract seeds --out out --workers 1 >/dev/null && \
	"$$tmp/venv/bin/python" -c "import pyarrow.parquet as pq; n = pq.read_table('out/clauses.parquet').num_rows; assert n > 0; print(f'smoke: clean non-editable install extracted {n} clauses')"

# Regenerate the pins from a fresh resolution of every extra; only name==version
# lines are kept (tests/test_packaging.py fails on anything else).
pins: ## Re-resolve every dependency in a throwaway venv and rewrite constraints.txt
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet '.[dev]'; \
	{ sed -n '/^#/p' constraints.txt; "$$tmp/venv/bin/python" -m pip freeze --exclude-editable --exclude policy-text-pipeline | grep -E '^[A-Za-z0-9_.-]+==[^ ]+$$'; } > constraints.txt.new; \
	mv constraints.txt.new constraints.txt

report: $(STAMP) ## Write data/report.html, every view on one offline page (run `make extract` first)
	$(BIN)/policy report --data $(DATA) --out $(DATA)/report.html

browser: ## Install headless Chromium and a CJK font for the report tests when missing (Debian/Ubuntu)
	@if [ -n "$$CHROMIUM" ] || { { command -v chromium || command -v chromium-browser || command -v google-chrome; } >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; }; then :; \
	else $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium fonts-noto-cjk; fi

test: $(DEV_STAMP) browser ## Run the test suite
	$(BIN)/python -m pytest

bench-jionlp: $(STAMP) ## Score JioNLP's time and money extractors on our gold, beside ours
	$(PIP) -e '.[bench]'
	$(BIN)/python benchmarks/jionlp_baseline.py

bench-corpus: $(DEV_STAMP) ## Write N benchmark documents (default 1000) made of the seeds' clauses to benchmarks/corpus
	$(BIN)/python benchmarks/make_corpus.py --n $(N) --out benchmarks/corpus

bench: $(DEV_STAMP) ## Time each stage, end to end and bare jieba on N documents (builds the corpus when needed)
	$(BIN)/python benchmarks/bench.py --n $(N)

evaluate-normalize: $(STAMP) ## Score Taiwan-style script conversion on the mainland documents (seeds and CORPUS)
	$(BIN)/policy evaluate $(SEEDS) --normalize --corpus $(CORPUS)

clean: ## Remove the virtual environment and caches (data/ is kept)
	rm -rf $(VENV) .pytest_cache .hypothesis *.egg-info
