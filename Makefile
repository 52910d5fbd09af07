# Two commands for a newcomer: `make run` (set up, validate the shipped annotations) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The Label Studio server of the round-trip test lives in its own environment: its pins conflict with ours.
LS_VENV ?= .venv-labelstudio
LS_REQUIREMENTS := tests/support/labelstudio-requirements.txt
LS_STAMP := $(LS_VENV)/.installed
DOCS := README.md docs/*.md

.PHONY: run test setup lint docs codebook bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(LS_STAMP): $(LS_REQUIREMENTS)
	$(PYTHON) -m venv $(LS_VENV)
	$(LS_VENV)/bin/pip install --quiet --upgrade pip
	$(LS_VENV)/bin/pip install --quiet -r $(LS_REQUIREMENTS)
	touch $(LS_STAMP)

setup: $(STAMP) $(LS_STAMP)

run: $(STAMP)
	$(BIN)/nklabor validate annotations/

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint $(LS_STAMP)
	$(BIN)/pytest

# Regenerate every console example in the README and docs from the real commands (tests/test_docs.py checks them).
docs: $(STAMP)
	$(BIN)/cog -I . -r $(DOCS)

codebook: $(STAMP)
	$(BIN)/nklabor codebook

bench: $(STAMP)
	$(BIN)/python benchmarks/validate.py

clean:
	rm -rf $(VENV) $(LS_VENV) .pytest_cache .mypy_cache .ruff_cache
