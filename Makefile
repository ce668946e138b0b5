# Quick start: `make run` (set up and serve with demo data) and `make test`.
# Needs only Python 3.11+, make and git. Everything goes into .venv and var/.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install setup messages compilemessages test lint check-deploy clean worker

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

setup: compilemessages
	mkdir -p var/mail var/celery/queue var/celery/processed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo

# Web server and Celery worker (with beat) together; Ctrl-C stops both.
run: setup
	@echo ""
	@echo "Yorozu is starting at http://$(HOST):$(PORT)/  (demo logins above; Ctrl-C to stop)"
	@trap 'kill 0' INT TERM EXIT; \
		$(VENV)/bin/celery -A yorozu worker --beat --loglevel=INFO --concurrency=2 \
			--schedule=var/celerybeat-schedule & \
		$(PY) manage.py runserver $(HOST):$(PORT)

worker: setup
	$(VENV)/bin/celery -A yorozu worker --beat --loglevel=INFO --schedule=var/celerybeat-schedule

test: compilemessages
	DJANGO_SETTINGS_MODULE=yorozu.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

# Regenerate msgids after changing texts (needs GNU gettext: apt-get install gettext).
messages: install
	$(PY) manage.py makemessages -l ja --ignore=.venv --ignore=var --ignore=tests

check-deploy: install
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
		ALLOWED_HOSTS=yorozu.example.jp \
		DJANGO_SETTINGS_MODULE=yorozu.settings.production \
		$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var/*.sqlite3* var/celery var/staticfiles
