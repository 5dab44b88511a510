# make run: set up, migrate, import the content, serve on http://127.0.0.1:5000
# make test: set up with the dev tools, then ruff, the import contracts and the whole pytest suite
PYTHON ?= python3
# The development server's port: PORT=8000 make run
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test setup setup-dev translations lint clean

run: setup translations
	$(BIN)/flask db upgrade
	$(BIN)/flask content import
	$(BIN)/flask networks import
	$(BIN)/flask replications import
	$(BIN)/flask search reindex
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: setup-dev translations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Suar needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# The compiled catalogues are build products, never committed; each is rebuilt only when
# its .po changed, so a second make (CI runs two test passes side by side) never rewrites
# a catalogue another process is reading.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard app/translations/*/LC_MESSAGES/messages.po))
translations: $(CATALOGUES)

app/translations/%/LC_MESSAGES/messages.mo: app/translations/%/LC_MESSAGES/messages.po $(VENV)/.runtime
	$(BIN)/pybabel compile --statistics -d app/translations -l $*

# Re-extract the strings after changing templates or code, then translate messages.po.
messages: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -o app/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i app/translations/messages.pot -d app/translations

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) instance .pytest_cache
