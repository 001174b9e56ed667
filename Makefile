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
NBVAL  := --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
# What to build and which notebooks nbval runs (overridable, e.g. by the tests that
# check a broken notebook fails both targets).
BOOK     ?= .
NB_PATHS ?= chapters exercises

.PHONY: book test lint unit nbval build-strict lab clean distclean venv

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@# strip notebook outputs on `git add` (a git filter; see .gitattributes)
	@if [ -d .git ]; then $(BIN)/nbstripout --install; fi
	@touch $@

venv: $(STAMP)

# The execution cache is keyed on a notebook's code only: when the data or the helper package
# change, clear it, or the book would show figures computed from old data.
define check_inputs
	@mkdir -p $(BOOK)/_build
	@new=$$(find data src/ctmodule -type f \( -name '*.csv' -o -name '*.json' -o -name '*.py' \) \
	         | LC_ALL=C sort | xargs cat | sha256sum | cut -d' ' -f1); \
	 old=$$(cat $(BOOK)/_build/.inputs.sha 2>/dev/null || true); \
	 if [ "$$new" != "$$old" ]; then \
	   if [ -n "$$old" ]; then echo "data or ctmodule changed: clearing the execution cache"; fi; \
	   rm -rf $(BOOK)/_build/.jupyter_cache; echo "$$new" > $(BOOK)/_build/.inputs.sha; fi
endef

book: $(STAMP)
	$(check_inputs)
	$(BIN)/jupyter-book build $(BOOK) $(JB_FLAGS)
	@echo "Built: open $(BOOK)/_build/html/index.html"

lint: $(STAMP)
	$(BIN)/ruff check .

unit: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS) -m "not browser" tests

nbval: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL) -n $(JOBS) --dist loadfile -p no:cacheprovider $(NB_PATHS)

test: lint unit nbval book
	@echo "All tests passed."

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=.

clean:
	rm -rf _build .pytest_cache .ruff_cache
	find . -name '.ipynb_checkpoints' -prune -exec rm -rf {} + -o -name '__pycache__' -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules _vendor
