# Two commands do all the set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo serve test lint typecheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## demo: install, migrate, seed a demo municipality and serve it on http://127.0.0.1:8080
demo: $(STAMP)
	PANEL_DATABASE=$${PANEL_DATABASE:-./demo.db} PANEL_SMTP_LISTEN=$${PANEL_SMTP_LISTEN:-127.0.0.1:8025} \
		$(BIN)/panel demo

## serve: serve without seeding
serve: $(STAMP)
	$(BIN)/panel serve

lint: $(STAMP)
	$(BIN)/ruff check panel sms feedback surveys tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

## test: ruff, mypy and the whole pytest suite (browser tests need Debian's chromium: see .ci/run)
test: lint typecheck
	$(BIN)/pytest

## bench: the benchmarks, with ratios against the bare stack (see BENCHMARKS.md)
bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache demo.db demo.db-*
