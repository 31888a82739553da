# One way in: every target bootstraps itself (uv via pip if missing, then `uv sync --frozen`).
SHELL := /bin/bash
UV := $(if $(shell command -v uv 2>/dev/null),uv,python3 -m uv)
RUN := $(UV) run --frozen --no-sync
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120

.PHONY: bootstrap run demo test check bench eval fuzz clean

bootstrap:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv
	@$(UV) sync --frozen --quiet

run: bootstrap  ## one monitoring run over agglowatch.yaml's real sources
	$(RUN) agglowatch run

demo: bootstrap  ## the whole pipeline on a bundled loopback site, twice, then a digest
	$(RUN) python -m demo

test: bootstrap  ## the whole suite (SQLite; PostgreSQL too when AGGLOWATCH_TEST_DATABASE_URL is set)
	$(RUN) pytest

check: bootstrap  ## format, lint, types, dependency audit
	$(RUN) ruff format --check .
	$(RUN) ruff check .
	$(RUN) mypy .
	$(UV) export --frozen --format requirements-txt --no-hashes --no-emit-project -o .ci/requirements.txt --quiet
	$(RUN) pip-audit --disable-pip --no-deps -r .ci/requirements.txt --progress-spinner off \
		|| echo "pip-audit could not complete (no vulnerability database offline?)"

bench: bootstrap  ## figures: dedupe, tagging, pipeline throughput (printed, never asserted)
	$(RUN) python -m bench

eval: bootstrap  ## extraction and tagging accuracy on ../shared/eval (skips when absent)
	$(RUN) python -m bench.eval_extraction
	$(RUN) python -m bench.eval_tagging

fuzz: bootstrap  ## many more Hypothesis examples than the suite runs
	AGGLOWATCH_FUZZ_EXAMPLES=20000 $(RUN) pytest -q -k "property or fuzz" -p no:cacheprovider

clean:
	rm -rf data out .pytest_cache .mypy_cache .ruff_cache
