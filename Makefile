# Quick start: `make run` (set up and serve with demo data) and `make test`.
# Needs only Python 3.11+, make and git. Everything goes into .venv and var/.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Emailed links (the agencies' one-time links, survey links) point at the server being run.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run serve install setup messages compilemessages test lint check-deploy clean worker \
	backup restore seed-scale bench load

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# .mo files are built, not committed. Babel compiles them without GNU gettext.
compilemessages: install
	$(VENV)/bin/pybabel compile --statistics -d yorozu/locale -D django

setup serve worker: export SITE_URL := $(SITE_URL)

setup: compilemessages
	mkdir -p var/mail var/celery/queue var/celery/processed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo

# Web server and Celery worker (with beat) together; Ctrl-C stops both. Prerequisites are made
# in order: setup first, then serve.
.NOTPARALLEL:
run: setup serve

# Serve without setting up (run does both). A background job of a script ignores Ctrl-C, and
# only Celery sets its own handler: so on INT the shell stops the web server itself and waits
# for the worker's own shutdown; on TERM or exit it stops both. Each trap clears itself first
# (a trap that signals its own process group runs again on its own signal, over and over). No
# autoreloader: its child process would outlive the web server.
serve:
	@echo ""
	@echo "Yorozu is starting at http://$(HOST):$(PORT)/  (demo logins above; Ctrl-C to stop)"
	@trap 'trap - INT; kill $$web 2>/dev/null; wait; exit 0' INT; \
		trap 'trap - INT TERM EXIT; kill $$worker $$web 2>/dev/null; wait' TERM EXIT; \
		$(VENV)/bin/celery -A yorozu worker --beat --loglevel=INFO --concurrency=2 \
			--schedule=var/celerybeat-schedule & worker=$$!; \
		$(PY) manage.py runserver --noreload $(HOST):$(PORT) & web=$$!; \
		wait

worker: setup
	$(VENV)/bin/celery -A yorozu worker --beat --loglevel=INFO --schedule=var/celerybeat-schedule

# In parallel (pytest-xdist), one worker per core and one test database per worker. Each
# worker gets a run of neighbouring tests, and one that finishes early takes over the end of
# another's (worksteal): the two long files (permission matrix, query budgets) are shared, and
# what a module makes once (the matrix's cast, a browser) is made once per worker that runs
# it. One worker more than the cores: some tests wait (a real worker starting, the idle-logout
# warning, the browser) and the extra worker uses those waits (2 cores: 9 min 45 s with 3
# workers, 11 min 4 s with 2, same tree and machine; docs/performance.md). TEST_WORKERS=0 runs
# in this process only.
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; cores = len(os.sched_getaffinity(0)) if \
	hasattr(os, "sched_getaffinity") else os.cpu_count() or 1; print(min(8, cores + 1))')
test: compilemessages
	DJANGO_SETTINGS_MODULE=yorozu.settings.test $(VENV)/bin/pytest \
		-n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

# Regenerate msgids after changing texts (needs GNU gettext: apt-get install gettext).
messages: install
	$(PY) manage.py makemessages -l ja --ignore=.venv --ignore=var --ignore=tests

check-deploy: install
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
		ALLOWED_HOSTS=yorozu.example.jp EMAIL_HOST=mail.example.jp \
		DJANGO_SETTINGS_MODULE=yorozu.settings.production \
		$(PY) manage.py check --deploy --fail-level WARNING

# PostgreSQL (DATABASE_URL) only; docs/operations.md. `make backup` writes
# var/backups/<database>-<date>-<time>.dump, or FILE=...; `make restore FILE=...` replaces the
# configured database's contents after asking (stop web, worker and beat first).
backup: install
	$(PY) manage.py db_backup $(if $(FILE),--output "$(FILE)")

restore: install
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/....dump"; exit 1; }
	$(PY) manage.py db_restore "$(FILE)" --clean

# National scale (docs/performance.md), PostgreSQL only: `make seed-scale` migrates the
# database DATABASE_URL names and loads ten fiscal years into it (SESSIONS=5000000, about
# seven minutes); `make bench` times every daily page against it through gunicorn; `make load`
# runs LOAD_USERS coordinators with think time for LOAD_SECONDS, then CLOSED_USERS without
# for CLOSED_SECONDS (locust), and fails unless the targets are met. Both write var/bench/.
SESSIONS ?= 5000000
BENCH_REQUESTS ?= 200
LOAD_USERS ?= 200
LOAD_SECONDS ?= 300
CLOSED_USERS ?= 50
CLOSED_SECONDS ?= 120

seed-scale: compilemessages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_scale --sessions $(SESSIONS)

bench: compilemessages
	DJANGO_SETTINGS_MODULE=yorozu.settings.bench $(PY) manage.py bench \
		--requests $(BENCH_REQUESTS)

# locust only here, as the `bench` extra: make install and CI go without it.
$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e ".[dev,bench]"
	touch $@

load: compilemessages $(VENV)/.installed-bench
	DJANGO_SETTINGS_MODULE=yorozu.settings.bench $(PY) manage.py load \
		--users $(LOAD_USERS) --seconds $(LOAD_SECONDS) \
		--closed-users $(CLOSED_USERS) --closed-seconds $(CLOSED_SECONDS)

clean:
	rm -rf $(VENV) var/*.sqlite3* var/celery var/staticfiles
