# Two commands do everything on a fresh machine:
#   make run   - set up, migrate, load demo data and serve on http://127.0.0.1:5000
#   make test  - set up (plus test tools and Chromium) and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app webapp
STATIC := webapp/static
DEBIAN_RUNTIME := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
DEBIAN_TEST := chromium
export DEMO_PASSWORD ?= demo-password-change-me

.PHONY: setup run test test-postgres lint format bench assets clean

setup: $(VENV)/.installed $(STATIC)/.installed .debian-runtime.stamp

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

.debian-runtime.stamp:
	scripts/ensure-debian-packages $(DEBIAN_RUNTIME)
	touch $@

.debian-test.stamp:
	scripts/ensure-debian-packages $(DEBIAN_TEST)
	touch $@

run: setup
	$(FLASK) init-db
	$(FLASK) demo-data --print-logins
	$(FLASK) run --host 127.0.0.1 --port 5000

test: setup .debian-test.stamp
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

# The whole suite against a throwaway PostgreSQL cluster (CI runs this after `make test`).
test-postgres: setup .debian-test.stamp .debian-postgres.stamp
	scripts/with-throwaway-postgres $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

.debian-postgres.stamp:
	scripts/ensure-debian-packages postgresql
	touch $@

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup .debian-test.stamp .debian-bench.stamp
	$(BIN)/python -m bench

.debian-bench.stamp:
	scripts/ensure-debian-packages wrk
	touch $@

clean:
	rm -rf $(VENV) node_modules $(STATIC) instance .debian-*.stamp
