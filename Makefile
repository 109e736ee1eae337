# The two set-up commands of the README: `make demo` and `make test`. `make check` = lint + types + tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_EXTRAS ?= demo
TEST_EXTRAS ?= all,dev,bench,hub
DEMO_OUT ?= runs/demo
DEMO_COUNTRY ?= KE
DEMO_MODELS ?= gemma3-270m
# the demo's samples (benchmarks/demo_time.md): every number keeps its bootstrap interval in the report
DEMO_ARGS ?= --bias-limit 20 --politics-templates 2 --competence-sentences 12
PYTEST_ARGS ?=

.PHONY: install install-test demo test test-fast check lint types format browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-demo: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[$(DEMO_EXTRAS)]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[$(TEST_EXTRAS)]'
	touch $@ $(VENV)/.installed-demo

install: $(VENV)/.installed-demo
install-test: $(VENV)/.installed-test

# Headless Chromium for the report's browser tests (Debian package; needs root or sudo).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

demo: install
	$(BIN)/sovaudit assets install
	$(BIN)/sovaudit audit --country $(DEMO_COUNTRY) $(foreach m,$(DEMO_MODELS),--model $(m)) $(DEMO_ARGS) --out $(DEMO_OUT)

test: install-test browser
# The whole suite once with the lower kernels (torch's AVX2 code and MKL's AVX2 matrix products), as on a
# CPU without AVX-512, whatever this CPU has; after `make browser` the browser tests must run: a missing
# Chromium or Playwright fails them, never skips. (pytest's exit code 5, no tests collected, fails make.)
	SOVAUDIT_REQUIRE_BROWSER=1 ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 $(BIN)/python -m pytest $(PYTEST_ARGS)
# then the numeric tests with this CPU's own kernels, and with torch's plainest (no SIMD dispatch)
	$(BIN)/python -m pytest -q -m numeric tests/models $(PYTEST_ARGS)
	ATEN_CPU_CAPABILITY=default $(BIN)/python -m pytest -q -m numeric tests/models $(PYTEST_ARGS)

test-fast: install-test
	$(BIN)/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

types: install-test
	$(BIN)/mypy

check: lint types test

format: install-test
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
