# Everything the project needs is installed from the lock file (uv.lock) into .venv.
# Only Python >= 3.11 and make are assumed; uv itself is bootstrapped, pinned, into .tools/.
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV_BIN := .venv/bin
export UV_PYTHON_DOWNLOADS := never

.PHONY: demo test lint typecheck pytest bench bench-web install clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --all-extras --compile-bytecode --python $(PYTHON) --quiet
	touch $@

install: .venv/.synced

## The main job on the bundled real data.
demo: install
	$(VENV_BIN)/hedgekit plan --holdings examples/portfolio.csv

## Lint, type-check and the full test suite (slow suites included).
test: install lint typecheck pytest

lint:
	$(VENV_BIN)/ruff check src tests benchmarks
	$(VENV_BIN)/ruff format --check src tests benchmarks

typecheck:
	$(VENV_BIN)/mypy

# The hedge book's tests also run against PostgreSQL: tools/postgres.sh starts a server
# (installing the distribution's package as root when missing) and prints its URL; where it
# cannot, those tests skip and say why.
# The web app's browser tests drive the distribution's Chromium: tools/chromium.sh installs
# it as root when missing (without it those tests fail, saying why).
pytest:
	tools/chromium.sh >/dev/null || true
	HEDGEKIT_TEST_PG_URL="$${HEDGEKIT_TEST_PG_URL:-$$(tools/postgres.sh 2>/dev/null | tail -1)}" \
		$(VENV_BIN)/python -m pytest -n 2 -q

bench: install
	$(VENV_BIN)/python benchmarks/grid.py

## The web app under load: 20 clients, 1,000 plan requests on loopback.
bench-web: install
	$(VENV_BIN)/python benchmarks/web_load.py

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache
