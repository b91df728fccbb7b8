# Two commands do everything on a fresh machine:
#   make run   - set up, migrate, load demo data and serve on http://127.0.0.1:5000
#   make test  - set up (plus test tools and Chromium) and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app webapp
STATIC := webapp/static
DEBIAN_RUNTIME := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
DEBIAN_TEST := chromium nginx openssl redis-server postgresql
export DEMO_PASSWORD ?= demo-password-change-me
# Unset, APP_ENV means production (refusing the development secret, demo mode and any address
# but loopback). These targets are a developer's: `make run` serves the demo.
export APP_ENV ?= development
.DEFAULT_GOAL := setup

.PHONY: help setup run test test-fast mypy test-postgres lint format bench assets clean lforms

help: ## List the targets with what each does
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  \1\t\2/' | expand -t 18

setup: $(VENV)/.installed $(STATIC)/.installed .debian-runtime.stamp ## Make .venv, install packages, build assets

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# GOV.UK Frontend's CSS refers to /assets/images: the app serves static/ at /assets. Our stylesheet
# is built from GOV.UK Frontend's Sass with a system font stack (no GDS Transport).
$(STATIC)/.installed: node_modules/.installed $(VENV)/.installed $(wildcard webapp/assets/*)
	rm -rf $(STATIC) && mkdir -p $(STATIC)/govuk
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(STATIC)/govuk/
	cp -r node_modules/govuk-frontend/dist/govuk/assets/images $(STATIC)/
	cp webapp/assets/*.js $(STATIC)/
	npx sass --load-path=node_modules --style=compressed --no-source-map --quiet \
	  webapp/assets/app.scss $(STATIC)/app.css
	$(BIN)/python -m webapp.web.assets $(STATIC) > /dev/null
	touch $@

# LHC-Forms, the reference engine the FHIR totals are checked against in the browser tests: only
# its prebuilt bundles, from the pinned npm tarball (its dependency tree is not installed), its
# checksum checked (sha512 in hex of `npm view lforms@VERSION dist.integrity`).
LFORMS_VERSION := 40.1.3
LFORMS_SHA512 := 58baee4e6f817159da7c2d2b480437fdc36a871bdc941531c811baf1ab9bfee85ad8d68af47f1965c1174d3b8e46e1b3cc2b74c1aedfbe1ba2799b5c0c874fcd
LFORMS := .cache/lforms
LFORMS_FILES := webcomponent/assets/lib/zone.min.js webcomponent/lhc-forms.js fhir/R4/lformsFHIR.min.js

lforms: $(LFORMS)/.version-$(LFORMS_VERSION) ## Fetch the pinned LHC-Forms bundles into .cache/lforms

$(LFORMS)/.version-$(LFORMS_VERSION):
	rm -rf $(LFORMS) && mkdir -p $(LFORMS)
	cd $(LFORMS) && npm pack lforms@$(LFORMS_VERSION) --silent > /dev/null
	echo "$(LFORMS_SHA512)  $(LFORMS)/lforms-$(LFORMS_VERSION).tgz" | sha512sum --check --quiet
	tar -xzf $(LFORMS)/lforms-$(LFORMS_VERSION).tgz -C $(LFORMS) --strip-components=3 \
	  $(addprefix package/dist/lforms/,$(LFORMS_FILES))
	rm $(LFORMS)/lforms-$(LFORMS_VERSION).tgz
	touch $@

.debian-runtime.stamp:
	scripts/ensure-debian-packages $(DEBIAN_RUNTIME)
	touch $@

.debian-test.stamp: Makefile
	scripts/ensure-debian-packages $(DEBIAN_TEST)
	touch $@

run: setup ## Migrate, load demo data and serve on http://127.0.0.1:5000
	APP_ENV=demo $(FLASK) init-db
	APP_ENV=demo $(FLASK) demo-data --print-logins
	APP_ENV=demo $(FLASK) run --host 127.0.0.1 --port 5000

test: setup .debian-test.stamp lforms ## The whole suite, as CI runs it: lint, mypy, every test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory mypy
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

# The inner loop: unit and view tests on two workers, without Chromium or gunicorn.
test-fast: setup ## Unit and view tests in parallel (no browser or load tests)
	$(BIN)/pytest -p no:cacheprovider -n 2 -q -m "not browser and not load" $(PYTEST_ARGS)

mypy: setup ## Type-check the domain packages and the services room
	$(BIN)/mypy questionnaires models screening webapp/services

# The whole suite against a throwaway PostgreSQL cluster (CI runs this after `make test`).
test-postgres: setup .debian-test.stamp .debian-postgres.stamp lforms ## The whole suite on a throwaway PostgreSQL
	scripts/with-throwaway-postgres $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

.debian-postgres.stamp:
	scripts/ensure-debian-packages postgresql
	touch $@

lint: ## ruff: lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: ## ruff: fix and format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup .debian-test.stamp .debian-bench.stamp ## Benchmarks (see bench/)
	$(BIN)/python -m bench

.debian-bench.stamp:
	scripts/ensure-debian-packages wrk
	touch $@

clean: ## Remove .venv, node_modules, built assets and instance/
	rm -rf $(VENV) node_modules $(STATIC) instance .debian-*.stamp $(LFORMS)
