# Peilian — the two commands: `make demo` runs the product, `make test` runs the checks.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export DEMO_PASSWORD ?= peilian-demo

.PHONY: demo setup test lint format messages browser-deps clean help

help:
	@echo "make demo   — set up and run web, worker and beat with seeded demo content on 127.0.0.1:$(PORT)"
	@echo "make test   — set up and run lint, unit, integration and browser tests"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

setup: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python scripts/compilemessages.py
	DEBUG=false HTTPS=false $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py seed_demo

demo: setup
	@echo ""
	@echo "  Peilian is starting on http://127.0.0.1:$(PORT)/"
	@echo "  Demo users: agent1 … agent6, trainer1, manager1, admin — password: $(DEMO_PASSWORD)"
	@echo "  Press Ctrl-C to stop the web server, the worker and beat."
	@echo ""
	DEBUG=$${DEBUG:-false} HTTPS=$${HTTPS:-false} PEILIAN_PORT=$(PORT) \
		$(BIN)/honcho --procfile Procfile --app-root . start

browser-deps:
	@bash scripts/browser-deps.sh

test: $(VENV)/.dev browser-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/compilemessages.py
	PEILIAN_VAR_DIR=$(CURDIR)/var/test $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (xgettext); the compiled catalogs need only Python (scripts/compilemessages.py).
messages: $(VENV)/.dev
	$(BIN)/python manage.py makemessages --locale zh_Hans --locale en --ignore ".venv/*" --ignore "var/*" --ignore "staticfiles/*" --no-obsolete

clean:
	rm -rf var staticfiles test-artifacts .pytest_cache
