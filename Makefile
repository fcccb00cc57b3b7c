# rmg: `make demo` (the main job, offline) | `make test` | `make bench`
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PLUGINS := $(wildcard plugins/rmg-plugin-*)
STAMP := $(VENV)/.rmg-installed
TRAINING_STAMP := $(VENV)/.rmg-training
DEMO_SPEC ?= math.accuracy + format.repetition(max_penalty=-0.5)

.PHONY: demo test bench install install-training clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Reinstall when any pyproject changes; plugins are editable installs of real distributions.
$(STAMP): $(BIN)/python pyproject.toml $(wildcard plugins/*/pyproject.toml)
	$(BIN)/pip install -q -e ".[dev]" $(foreach p,$(PLUGINS),-e "$(p)[test]")
	touch $(STAMP)

install: $(STAMP)

# The training tests need real verl, Ray and TRL (rmg[training], ~1.9 GB). torch goes first, pinned
# to the CPU wheel 2.13.0: pyproject only gives torch a range (>=2.4,<2.14) so users keep their own
# CUDA build, and an unpinned resolve here would pull a multi-GB CUDA torch. Takes ~1.5-4 min.
$(TRAINING_STAMP): $(STAMP)
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[training]" "torch==2.13.0" "langchain-core>=1.7,<1.8"
	touch $(TRAINING_STAMP)

install-training: $(TRAINING_STAMP)

demo: $(STAMP)
	@echo "== rewards installed =="
	$(BIN)/rmg list
	@echo "== scoring examples/gsm8k_solutions.jsonl offline =="
	$(BIN)/rmg score "$(DEMO_SPEC)" examples/gsm8k_solutions.jsonl -o demo-output/gsm8k.scored.jsonl --overwrite
	@echo "first scored row:"; head -n 1 demo-output/gsm8k.scored.jsonl | cut -c 1-400

test: $(STAMP) $(TRAINING_STAMP)
	$(BIN)/python tests/run_suites.py

bench: $(STAMP)
	bash bench/peers.sh
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) demo-output
