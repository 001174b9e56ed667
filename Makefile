# Two commands set everything up on a fresh machine (see README.md):
#   make book   build the site into _build/html (creates .venv and installs on first use)
#   make test   every test: lint, unit tests, nbval on every notebook, the strict book build,
#               the browser tests
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := book

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# -W: warnings are errors (a failing notebook is a warning); -n: nitpicky (dangling references);
# --keep-going: report every problem, then fail.
JB_FLAGS ?= -W -n --keep-going
JOBS   ?= 2
BROWSER_JOBS ?= 2
NBVAL  := --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
# What to build and which notebooks nbval runs (overridable, e.g. by the tests that
# check a broken notebook fails both targets).
BOOK     ?= .
NB_PATHS ?= chapters exercises

.PHONY: book test lint unit nbval build-strict lab clean distclean venv vendor browser pdf catalogs i18n-check

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@# strip notebook outputs on `git add` (a git filter; see .gitattributes)
	@if [ -d .git ]; then $(BIN)/nbstripout --install; fi
	@touch $@

venv: $(STAMP)

# The execution cache is keyed on a notebook's code only: when the data or the helper package
# change, clear it, or the book would show figures computed from old data. Sphinx's own record
# (.doctrees) goes too: it would otherwise consider the unchanged notebooks up to date and never
# re-read, so never re-execute, them; the other editions' records (_build/i18n) go with it. The
# quizzes count as inputs: a quiz (or its translation) is drawn by a notebook's output; so do the
# catalogs of the code's own messages (locales/<lang>/LC_MESSAGES/_code.po: a figure's or an
# explorer's labels in each language are drawn when the notebook runs).
define check_inputs
	@mkdir -p $(BOOK)/_build
	@new=$$( { find data src/ctmodule quizzes -type f \( -name '*.csv' -o -name '*.json' -o -name '*.py' \); \
	           find locales -type f -name '_code.po' 2>/dev/null; } \
	         | LC_ALL=C sort | xargs cat | sha256sum | cut -d' ' -f1); \
	 old=$$(cat $(BOOK)/_build/.inputs.sha 2>/dev/null || true); \
	 if [ "$$new" != "$$old" ]; then \
	   if [ -n "$$old" ]; then echo "data or ctmodule changed: clearing the execution cache"; fi; \
	   rm -rf $(BOOK)/_build/.jupyter_cache $(BOOK)/_build/.doctrees $(BOOK)/_build/i18n; \
	   echo "$$new" > $(BOOK)/_build/.inputs.sha; fi
endef

# Browser assets the site serves itself (offline): MathJax and the widget manager, plus axe-core
# for the browser tests, from the npm registry at the versions package-lock.json pins. npm ci
# runs when node_modules is missing or the lock changed; tools/vendor.py then copies the files
# the pages load into _vendor/ (git-ignored; html_static_path), and checks the pinned versions.
NODE_STAMP := node_modules/.ctmodule-installed
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

vendor: $(STAMP) $(NODE_STAMP)
	$(BIN)/python tools/vendor.py --dest $(BOOK)/_vendor

# The site; its internal links and assets checked (a broken one fails the build); then a zip of
# it that opens from the file system (_build/ctmodule-book.zip).
# The English edition is _build/html/; each language with catalogs in locales/ (Russian) is built
# after it into _build/html/<lang>/ (ctmodule i18n build: the same sources and strict flags, the
# English build's execution cache, so no notebook runs twice); links are checked and zipped for all.
book: $(STAMP) vendor
	$(check_inputs)
	$(BIN)/jupyter-book build $(BOOK) $(JB_FLAGS)
	@# the print edition (when TeX is installed), from the execution cache just filled; when it was
	@# rebuilt, the site's "Print edition" page is re-read to link the new PDFs
	@before=$$(stat -c %Y $(BOOK)/_build/pdf/inputs.sha256 2>/dev/null || echo none); \
	 $(BIN)/ctmodule pdf --root $(BOOK) --if-available; \
	 after=$$(stat -c %Y $(BOOK)/_build/pdf/inputs.sha256 2>/dev/null || echo none); \
	 if [ "$$before" != "$$after" ]; then $(BIN)/jupyter-book build $(BOOK) $(JB_FLAGS); fi
	$(BIN)/ctmodule i18n build --root $(BOOK) $(if $(findstring -W,$(JB_FLAGS)),,--no-strict)
	$(BIN)/python tools/check_links.py $(BOOK)/_build/html
	$(BIN)/python tools/zip_site.py $(BOOK)/_build/html $(BOOK)/_build/ctmodule-book.zip
	@echo "Built: open $(BOOK)/_build/html/index.html (offline copy: $(BOOK)/_build/ctmodule-book.zip)"

# The print edition: the book and the instructor's guide as PDF (XeLaTeX), checked (titles in the
# text, fonts embedded, no "??", no missing glyphs, no blank page) into _build/pdf/, in English
# (with the handouts) and in each language with catalogs (ctmodule-book.ru.pdf: the Russian site's
# configuration and catalogs, polyglossia's Russian hyphenation, the same execution cache). Rebuilt
# only when an input changed. `make book` runs it too when TeX is installed, and links the PDFs.
pdf: $(STAMP)
	$(check_inputs)
	$(BIN)/ctmodule pdf --root $(BOOK)

# The message catalogs (locales/<lang>/LC_MESSAGES/*.po) after a change to the English: the
# messages extracted again (Sphinx's gettext builder, into _build/gettext), then sphinx-intl
# updates each language's catalogs (new messages empty, changed ones fuzzy). NEW_LANG=kk starts a
# new language. See CONTRIBUTING.md ("Translations").
catalogs: $(STAMP)
	$(check_inputs)
	$(BIN)/ctmodule i18n update --root $(BOOK) $(if $(NEW_LANG),--lang $(NEW_LANG),)

# Every untranslated, fuzzy or stale message, and the counts per catalog (fails on any).
i18n-check: $(STAMP)
	$(BIN)/ctmodule i18n check --root $(BOOK) --report

# Chromium (Debian's, /usr/bin/chromium) against the built site on 127.0.0.1, network blocked:
# every page, navigation, search, math, quizzes, explorers, links, axe-core, the offline zip.
# Screenshots of each page's first screen: _build/screenshots/. Run after `make book`.
# Two processes (the tests mostly wait on the browser, not on the CPU), the tests that share the
# page visits in one of them (tests/browser/conftest.py); BROWSER_JOBS=0 runs them in this one.
browser: $(STAMP) $(NODE_STAMP)
	CTMODULE_SITE=$(BOOK)/_build/html $(BIN)/python -m pytest -m browser -p no:cacheprovider \
	  -n $(BROWSER_JOBS) --dist loadgroup tests/browser

# ruff, then the dependency rule between the package's parts (import-linter contracts in
# pyproject.toml; see ARCHITECTURE.md). IMPORTS_SRC points the contracts at another copy of the
# source tree (tests/test_architecture.py shows that a forbidden import fails this target).
IMPORTS_SRC ?= src
lint: $(STAMP)
	$(BIN)/ruff check .
	PYTHONPATH=$(IMPORTS_SRC) $(BIN)/lint-imports --no-cache --config pyproject.toml

unit: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest -n $(JOBS) -m "not browser" tests

nbval: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL) -n $(JOBS) --dist loadfile -p no:cacheprovider $(NB_PATHS)

test: lint unit nbval book browser
	@echo "All tests passed."

# Build, test and grading times against floors measured in the same run (benchmarks/README.md).
bench: $(STAMP) vendor
	$(BIN)/python benchmarks/run.py $(BENCH_FLAGS)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=.

clean:
	rm -rf _build .pytest_cache .ruff_cache
	find . -name '.ipynb_checkpoints' -prune -exec rm -rf {} + -o -name '__pycache__' -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules _vendor
