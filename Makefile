# Build, run and test the kiosk. Tools are called by their .venv/bin paths; nothing
# needs activating. `make test` works on a fresh Debian machine (as root).

PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8080
# Two app processes of two threads: on two cores the most pages and stored
# requests a second (README, "Performance": processes x threads).
PROCESSES ?= 2
THREADS ?= 2
VENV := .venv
BIN := $(VENV)/bin
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k lookup -x"`.
PYTEST_ARGS ?=
# Two workers: the CI machine has two cores (see the measurements in the report).
PYTEST_WORKERS ?= 2
LINT_PATHS := kiosk tests bench wsgi.py

# Stamps record that an install step finished, so it reruns only when its inputs
# change (a half-finished pip install leaves no stamp and is retried).
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed
NODE_STAMP := node_modules/.installed

.PHONY: venv translations compile run system-deps node-deps lint test fuzz bench bench-internals audit clean

venv: $(DEV_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip

# `make run` needs only the runtime requirements; the test tools come on top.
$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(DEV_STAMP): requirements-dev.txt $(RUNTIME_STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Re-extract messages and merge them into the Indonesian catalog (creating it the
# first time). Locations are left out of the files to keep diffs small.
translations: $(RUNTIME_STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location \
		--sort-output -o translations/messages.pot kiosk templates
	if [ -f translations/id/LC_MESSAGES/messages.po ]; then \
		$(BIN)/pybabel update -i translations/messages.pot -d translations -l id \
			--no-fuzzy-matching --ignore-obsolete; \
	else \
		$(BIN)/pybabel init -i translations/messages.pot -d translations -l id; \
	fi
	$(BIN)/pybabel compile -d translations

# Nothing to compile before the first catalog exists.
compile: $(RUNTIME_STAMP)
	@if ls translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel -q compile -d translations; \
	fi

# The app creates its instance folder, database and secret key on first start;
# the message worker (kiosk/worker.py) runs beside it and stops with it.
# kiosk/serve.py sets waitress's connection limits and refuses a HOST other
# machines can reach until the site's host names are configured.
run: $(RUNTIME_STAMP) compile
	$(BIN)/python -m kiosk.serve --listen $(HOST):$(PORT) \
		--processes $(PROCESSES) --threads $(THREADS) --with-worker

# Debian packages the tests need, each installed only if missing; apt-get update
# only then too: a fresh machine has no package lists, and updating them on every
# run would cost time for nothing.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		echo "installing:$$missing"; \
		$$sudo apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q $$missing; \
	fi

node-deps: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The formatter is the layout's single authority (88 columns, pyproject.toml):
# a file it would change fails the build.
lint: $(DEV_STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

# loadgroup: tests marked `slow` share one xdist group (tests/conftest.py), so two
# of them never compete for the two cores; everything else is spread as usual.
XDIST := -n $(PYTEST_WORKERS) --dist loadgroup

test: system-deps node-deps venv compile lint
	$(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

fuzz: system-deps venv compile
	HYPOTHESIS_PROFILE=full $(BIN)/pytest $(XDIST) -m fuzz $(PYTEST_ARGS)

bench: system-deps venv compile
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The code kept in place of a library's own (i18n, dates, QR, public record),
# each timed against the library doing the same work in one process.
bench-internals: venv compile
	$(BIN)/python bench/reimplementations.py

# Known vulnerabilities in every pinned Python package (runtime and tests), from
# the PyPI advisory service, and in the Node test tools, from npm's. Both need
# those services: without them it fails and says so (nothing is taken as clean).
AUDIT_STAMP := $(VENV)/.audit-installed

$(AUDIT_STAMP): requirements-audit.txt $(DEV_STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-audit.txt
	touch $@

audit: $(AUDIT_STAMP) node-deps
	$(BIN)/pip-audit --local --strict --progress-spinner off
	npm audit --audit-level=low

clean:
	rm -rf $(VENV) node_modules translations/messages.pot test-artifacts
	find . -name '*.mo' -path './translations/*' -delete
