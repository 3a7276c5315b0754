# backstride: the two commands a fresh machine needs are `make demo` and `make test`.
# Both create .venv and install the project once; the stamp file makes the second run instant
# unless pyproject.toml or constraints.txt changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?= -n auto

.PHONY: demo test lint typecheck unit lock clean screenshot accuracy

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24,<26"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/backstride demo

test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

# Regenerate the pinned constraints after changing dependencies in pyproject.toml.
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/python -m pip install --quiet --upgrade "pip>=24,<26"
	.lockenv/bin/python -m pip install --quiet '.[dev]'
	.lockenv/bin/python -m pip freeze --exclude backstride | grep -v '^-e' > constraints.txt
	rm -rf .lockenv build

# The README's picture of the report: the demo's newest report, full page, by our own script.
screenshot: $(STAMP)
	$(BIN)/backstride demo
	$(BIN)/python scripts/screenshot.py "$$(ls -t out/demo/report/*.html | head -1)" docs/report.png --colours 256

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build src/*.egg-info
