# Two commands set everything up on a fresh machine: `make site` and `make test`.
# The virtual environment is (re)created whenever pyproject.toml is newer than it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Debian's Chromium and axe-core, for the browser tests (scripts/install-browser-deps.sh).
BROWSER_STAMP := node_modules/.browser-deps

.PHONY: site serve test check bench bench-sheets screenshots clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

$(BROWSER_STAMP): scripts/install-browser-deps.sh package.json package-lock.json
	sh scripts/install-browser-deps.sh
	@touch $@

site: $(STAMP)
	$(BIN)/accompany build

serve: $(STAMP)
	$(BIN)/accompany serve

check: $(STAMP)
	$(BIN)/accompany check

test: $(STAMP) $(BROWSER_STAMP)
	$(BIN)/python -m pytest

# Every page of the browser tests at phone (360 px) and desktop (1280 px) widths, into screenshots/.
screenshots: $(STAMP) $(BROWSER_STAMP)
	$(BIN)/python scripts/screenshots.py

bench: $(STAMP)
	$(BIN)/python bench/run.py

# WeasyPrint (the sheets as they were) against Typst, side by side; WeasyPrint comes from the bench extra.
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@touch $@

bench-sheets: $(BENCH_STAMP)
	$(BIN)/python bench/sheets.py

clean:
	rm -rf $(VENV) site .accompany node_modules screenshots
