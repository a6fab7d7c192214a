# The two commands of the README:
#   make demo   installs into .venv and serves the Điện Biên demo on http://127.0.0.1:5000
#   make test   installs into .venv (with test tools, Chromium and the ZPL renderer) and runs every check
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?= -n 2

.PHONY: install install-test demo test lint format bench i18n-missing

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --upgrade --quiet pip

install: $(PY)
	$(PY) -m pip install --quiet -e .

install-test: $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	bash scripts/install-test-deps.sh

demo: install
	$(VENV)/bin/hoatoc demo

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install-test lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install-test
	$(PY) -m benchmarks

i18n-missing:
	$(PY) scripts/i18n_missing.py
