# Relevo: `make demo` serves the demo site; `make test` runs the whole suite. See README.md.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_ENV := DEBUG=1 DJANGO_SETTINGS_MODULE=config.settings.base
PYTEST_WORKERS ?= auto
SCALE ?= 1
# make bench-exam: virtual users per step, the start spike, think time (1.0: real time).
VUS ?= 100,200,400
SPIKE ?= 2000
THINK_SCALE ?= 0.1
PORT ?= 8000
CMD ?= help

.PHONY: demo install messages migrate seed serve manage shell test test-fast test-services test-e2e lint format lock bench bench-exam clean check-deploy

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the pinned dependencies

messages: $(STAMP) ## compile the es/en message catalogues
	$(DEMO_ENV) $(PY) manage.py compilemessages --ignore=.venv -v0

migrate: $(STAMP)
	$(DEMO_ENV) $(PY) manage.py migrate --noinput -v0

seed: migrate messages ## load the demo content (idempotent)
	$(DEMO_ENV) $(PY) manage.py seed_demo

serve: ## serve the demo without seeding: make serve PORT=8001
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

demo: seed serve ## set everything up and serve the demo at http://127.0.0.1:$(PORT) (PORT=8000)

manage: $(STAMP) ## a management command with the demo's settings: make manage CMD="createsuperuser"
	$(DEMO_ENV) $(PY) manage.py $(CMD)

shell: $(STAMP) ## a Django shell with the demo's settings
	$(DEMO_ENV) $(PY) manage.py shell

test: $(STAMP) messages ## run the whole suite (SQLite; browser tests need Debian's chromium)
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo ""; echo "************************************************************"; \
	  echo "* Browser tests SKIPPED: /usr/bin/chromium is missing.        *"; \
	  echo "* Install it with: sudo apt-get install chromium              *"; \
	  echo "************************************************************"; echo ""; fi
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal -q $(PYTEST_ARGS)

test-services: $(STAMP) messages ## the suite against PostgreSQL, Redis and a real Celery worker (CI)
	RELEVO_REQUIRE_SERVICES=1 $(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal -q $(PYTEST_ARGS)

lint: $(STAMP) ## ruff, formatting, the import layers and the templates (djlint, pyproject [tool.djlint])
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/djlint . --lint

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

lock: $(STAMP) ## re-pin requirements.lock from pyproject.toml
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.11

check-deploy: $(STAMP) ## Django's deployment checklist under the documented production environment
	@# The example's SECRET_KEY is a placeholder that production refuses: use a fresh one.
	env $$(grep -v -e '^#' -e '^SECRET_KEY=' docs/production.env.example | xargs) \
		SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
		$(PY) manage.py check --deploy --fail-level WARNING

bench: $(STAMP) messages ## the benchmark on PostgreSQL + Redis (never part of `make test`); SCALE=0.1 for a quick run
	$(PY) -m bench.run --scale $(SCALE) $(BENCH_ARGS)

.PHONY: bench-signin
bench-signin: $(STAMP) messages ## the morning sign-in rush alone on the production stack (USERS=100 for a quick run)
	$(PY) -m bench.signin_rush --users $(or $(USERS),2000)

bench-exam: $(STAMP) messages ## exam day on PostgreSQL + Redis (issue 17): VUS=100,200,400 SPIKE=2000 THINK_SCALE=0.1
	VUS=$(VUS) SPIKE=$(SPIKE) THINK_SCALE=$(THINK_SCALE) $(PY) -m bench.exam $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3* media private-media staticfiles var

messages-app: $(STAMP) ## extract one app's strings into <app>/locale (es, en): make messages-app APP=courses
	@# Django is set up from the project root first, so that modules named like libraries
	@# (rules.py, selectors.py) inside the app cannot shadow them; then only the app is scanned.
	DEBUG=1 DJANGO_SETTINGS_MODULE=config.settings.base $(PY) -c "import os, django; django.setup(); \
	from django.core.management import call_command; os.chdir('$(APP)'); \
	call_command('makemessages', locale=['es', 'en'], no_location=True, no_obsolete=True, verbosity=0)"

messages-core: $(STAMP) ## extract core's and the shared templates' strings into locale/
	DEBUG=1 $(PY) manage.py makemessages -l es -l en --no-location --no-obsolete -v0 \
	  --ignore=.venv --ignore=courses --ignore=assessments --ignore=certificates \
	  --ignore=people --ignore=knowledge_base --ignore=tests --ignore=bench --ignore=node_modules

test-e2e: $(STAMP) messages ## only the browser tests (Playwright + Debian's chromium, axe-core)
	$(PY) -m pytest -n $(PYTEST_WORKERS) -q -m e2e tests $(PYTEST_ARGS)

test-integration: $(STAMP) messages ## only the real-worker tests (needs DATABASE_URL on PostgreSQL and CELERY_BROKER_URL on Redis)
	RELEVO_REQUIRE_SERVICES=1 $(PY) -m pytest -n $(PYTEST_WORKERS) -q -m integration tests $(PYTEST_ARGS)

upgrade-check: $(STAMP) ## the demo seeded at an earlier commit (BASE=a9ac106) migrates forward and serves
	BASE=$(or $(BASE),a9ac106) .ci/upgrade-check

outbox-sweep: $(STAMP) ## send outbox messages the broker never received (what beat runs every minute)
	$(DEMO_ENV) $(PY) manage.py outbox_sweep

.PHONY: test-integration upgrade-check outbox-sweep messages-app messages-core
