# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PORT ?= 8000
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/django.po)
COMPILED := $(CATALOGUES:.po=.mo)

.PHONY: demo test lint messages extract-messages clean

$(INSTALLED): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --constraint constraints.txt --editable '.[dev]'
	touch $@

# The Japanese and English catalogues, compiled with Babel (pure Python: no gettext needed).
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(INSTALLED)
	$(VENV)/bin/pybabel compile --statistics -D django -d locale -l $*

messages: $(COMPILED)

# For developers (needs GNU gettext's xgettext): refresh the .po files from the code.
extract-messages: $(INSTALLED)
	DEBUG=1 $(PY) manage.py makemessages --locale ja --locale en --ignore '.venv/*' --ignore 'var/*' --ignore 'demo/*' --no-obsolete

demo: $(INSTALLED) messages
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo --users
	DEBUG=1 $(PY) manage.py rundemo --port $(PORT)

test: $(INSTALLED) messages
	SECRET_KEY=$${SECRET_KEY:-tests-only-not-a-secret} $(PY) -m pytest $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .

clean:
	rm -rf var static_collected
