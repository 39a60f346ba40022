# The two commands: `make book` and `make test`. Both bootstrap .venv/ by themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book test test-fast test-newest-weasyprint zine check clean checkers bench serve fuzz stress lint

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

book: $(STAMP)
	@$(BIN)/python -c "import ctypes.util, sys; sys.exit(ctypes.util.find_library('harfbuzz-subset') is None)" \
	  || echo "note: Debian's libharfbuzz-subset0 is not installed: the PDF's fonts are subset with fontTools," \
	          "about a second slower per PDF (apt-get install libharfbuzz-subset0)"
	$(BIN)/anthology build book.yaml --out build

zine: $(STAMP)
	$(BIN)/anthology build book.yaml --out build --format zine

check: $(STAMP)
	$(BIN)/anthology check book.yaml

# The live preview on http://127.0.0.1:8000/ (PORT=… for another port); Ctrl-C stops it.
PORT ?= 8000
serve: $(STAMP)
	$(BIN)/anthology serve book.yaml --out build --port $(PORT)

# Debian's chromium and the npm checkers (Ace, axe-core) for the browser and accessibility tests.
checkers:
	scripts/bootstrap-checkers

test: $(STAMP) checkers
	$(BIN)/python -m pytest -q

# The edit-test loop: the unit tests and the end-to-end tests that build no whole book (markers in
# tests/conftest.py); no browser, no EPUBCheck. `make test` still runs everything.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not browser"

# The whole suite once against the newest WeasyPrint release, in .venv-weasyprint-newest/ (WeasyPrint is
# pinned in pyproject.toml): skipped, with the reason, where PyPI cannot be reached or that release cannot
# install; only the contract tests again when the pin is the newest. Run by .ci/run after lint.
test-newest-weasyprint: $(STAMP)
	$(BIN)/python scripts/newest_weasyprint.py

# ruff (bugs and modern spellings), mypy (the annotations), import-linter (imports run one way):
# configured in pyproject.toml; run by .ci/run after the tests. ruff reads the tests too, unit and end to end.
LINTED := anthology scripts tests
lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/mypy
	$(BIN)/lint-imports

# Timings against Pandoc (+ WeasyPrint) on the sample at 1x and 10x; needs Debian's pandoc. Not part of test.
bench: $(STAMP)
	$(BIN)/python scripts/bench.py

# Longer property-based run (Hypothesis, randomised, many more examples than make test's CI profile).
fuzz: $(STAMP)
	ANTHOLOGY_FUZZ=1 $(BIN)/python -m pytest -q tests/e2e/reliability/test_fuzz.py

# A 20x sample book and a book of 300 one-paragraph pieces: time and peak memory of each build.
stress: $(STAMP)
	$(BIN)/python scripts/stress.py

clean:
	rm -rf build
