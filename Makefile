# diglot — `make demo` builds the sample issue, `make test` runs the tests.
# Both install what is missing first: Debian packages (when root), then a
# virtualenv in .venv with diglot installed in editable mode.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.diglot-installed

.PHONY: demo test deps system-deps venv clean

demo: deps
	$(BIN)/diglot build

test: deps
	$(BIN)/python -m pytest

deps: system-deps venv

system-deps:
	@sh scripts/system-deps.sh

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "diglot needs Python 3.11 or newer (set PYTHON=...)"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf build .pytest_cache
