# Everything a fresh machine needs, from Python 3.11 and make alone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: demo test lint typecheck pytest bench train clean browser models screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/claimtrack demo

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

# pytest exits 5 when it collected no test: that is a failure here, never a quiet pass.
pytest: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m bench

train: $(STAMP)
	$(BIN)/python scripts/train_checkworthiness.py
	$(BIN)/python scripts/train_assessor.py

# The sentence encoder's weights, verified (scripts/fetch_models.py; CLAIMTRACK_MODELS sets where).
models: $(STAMP)
	$(BIN)/python scripts/fetch_models.py

# The pictures in docs/img (tests never write them): report.png, report-demo.png, review-claim.png.
screenshots: $(STAMP) browser
	$(BIN)/python scripts/screenshots.py

browser:
	command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
