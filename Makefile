# Two commands set everything up on a fresh machine: `make site` and `make test`.
# The virtual environment is (re)created whenever pyproject.toml is newer than it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site serve test check bench screenshots clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

site: $(STAMP)
	$(BIN)/accompany build

serve: $(STAMP)
	$(BIN)/accompany serve

check: $(STAMP)
	$(BIN)/accompany check

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) site .accompany
