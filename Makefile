# Two commands on a fresh machine: `make demo` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint pytest chromium java bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/miner demo

test: lint pytest

lint: $(STAMP)
	$(BIN)/ruff check miner tests bench
	$(BIN)/ruff format --check miner tests bench
	$(BIN)/mypy

pytest: $(STAMP) chromium java
	$(BIN)/pytest

# The HTML report's test opens it in Debian's headless Chromium; install it when it is missing.
chromium:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium for the HTML report test"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium; }

# The export test runs the Spark SQL on a local Spark, which needs Java 17 or newer.
java:
	@command -v java >/dev/null || { \
	  echo "installing Debian's Java runtime for the Spark export test"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	    openjdk-17-jre-headless; }

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) demo test-artifacts .pytest_cache .mypy_cache .ruff_cache
