# The two commands: `make run` (a working server on http://127.0.0.1:$(PORT)) and `make test`.
# Needs only python3 (with venv) and make; everything else goes into .venv.

SHELL := bash
.SHELLFLAGS := -e -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
PORT   ?= 5000
export PORT
export PIP_DISABLE_PIP_VERSION_CHECK := 1

PYTEST := $(VENV)/bin/python -m pytest
ASSETS := app/static/vendor

.PHONY: help run test install install-test assets clean

help:
	@echo "make run    set up (migrate, calendar, processes, demo users) and serve on 127.0.0.1:$(PORT)"
	@echo "make test   run the tests on SQLite, then on PostgreSQL when TEST_DATABASE_URL is set"

$(VENV)/bin/python:
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "could not create $(VENV); on Debian/Ubuntu: apt-get install -y python3-venv" >&2; exit 1; }

# The stamps are rebuilt only when pyproject.toml is newer than them.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/python -m pip install -q -e '.[test]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test $(ASSETS)/.installed

# Browser libraries (bpmn-js, Bootstrap's CSS, Swagger UI) come from the npm registry, pinned with integrity
# hashes in package-lock.json, and are copied into app/static/vendor; neither folder is committed.
$(ASSETS)/.installed: package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the pages' styles and diagrams: apt-get install -y npm" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(ASSETS)/bpmn-js && mkdir -p $(ASSETS)/bpmn-js
	cp -r node_modules/bpmn-js/dist/assets node_modules/bpmn-js/dist/*.production.min.js $(ASSETS)/bpmn-js/
	rm -rf $(ASSETS)/bootstrap && mkdir -p $(ASSETS)/bootstrap
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/LICENSE $(ASSETS)/bootstrap/
	rm -rf $(ASSETS)/swagger-ui && mkdir -p $(ASSETS)/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/LICENSE $(ASSETS)/swagger-ui/
	@touch $@
assets: $(ASSETS)/.installed

# The English catalog: messages.po is committed, the compiled .mo is built from it.
# `make translations` extracts the messages again after code changes (README, "Translations").
MO := app/translations/en/LC_MESSAGES/messages.mo
app/translations/en/LC_MESSAGES/messages.mo: app/translations/en/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d app/translations

.PHONY: translations
translations: | $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -o app/translations/messages.pot .
	$(VENV)/bin/pybabel update -N --ignore-obsolete -i app/translations/messages.pot -d app/translations
	$(VENV)/bin/pybabel compile -d app/translations --statistics

run: $(VENV)/.installed $(ASSETS)/.installed $(MO)
	$(VENV)/bin/flask --app app setup
	$(VENV)/bin/flask --app app run-all

# The suite must not depend on the day it runs: it runs again with the clock started on the
# eve of a year end, in a year after the published calendars, and years later (README, Testing).
TEST_DAYS := 2026-12-20 2027-06-01 2031-01-15

# First pass on SQLite (TEST_DATABASE_URL removed from the environment). When a PostgreSQL URL
# is given, the PostgreSQL-only tests move to the second pass, which runs the whole suite on it.
# Then the day passes; tests/run_passes.py runs them beside the first two, on the other core.
test: $(VENV)/.installed-test $(ASSETS)/.installed $(MO)
	@$(VENV)/bin/python tests/run_passes.py $(TEST_DAYS)

clean:
	rm -rf $(VENV) .pytest_cache node_modules $(ASSETS)
