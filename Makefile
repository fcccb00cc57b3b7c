# rmg: `make demo` (the main job, offline) | `make test` | `make bench`
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PLUGINS := $(wildcard plugins/rmg-plugin-*)
STAMP := $(VENV)/.rmg-installed
BROWSER_STAMP := $(VENV)/.rmg-browser
SERVER_STAMP := $(VENV)/.rmg-server
RAY_SERVE_STAMP := $(VENV)/.rmg-ray-serve
DEMO_SPEC ?= math.accuracy + format.repetition(max_penalty=-0.5)

.PHONY: demo test bench install browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Reinstall when any pyproject changes; plugins are editable installs of real distributions.
$(STAMP): $(BIN)/python pyproject.toml $(wildcard plugins/*/pyproject.toml)
	$(BIN)/pip install -q -e ".[dev]" $(foreach p,$(PLUGINS),-e "$(p)[test]")
	touch $(STAMP)

install: $(STAMP)

# Headless Chromium (Debian's `chromium`) for the tests that open HTML in a browser (bench reports,
# the server playground). Idempotent: apt-get runs only when /usr/bin/chromium is missing.
$(BROWSER_STAMP): $(BIN)/python
	@test -x /usr/bin/chromium || { apt-get update -q && apt-get install -y -q --no-install-recommends chromium; }
	@/usr/bin/chromium --version
	touch $(BROWSER_STAMP)

browser: $(BROWSER_STAMP)

# tests/server: the server extra, and schemathesis for the property-based run over its OpenAPI.
$(SERVER_STAMP): $(STAMP)
	$(BIN)/pip install -q -e ".[server]" "schemathesis>=4" "hypothesis>=6"
	touch $(SERVER_STAMP)

# tests/server/test_server_ray.py only: Ray Serve (a local Ray, ray.init(num_cpus=2)).
$(RAY_SERVE_STAMP): $(SERVER_STAMP)
	$(BIN)/pip install -q "ray[serve]>=2.9"
	touch $(RAY_SERVE_STAMP)

demo: $(STAMP)
	@echo "== rewards installed =="
	$(BIN)/rmg list
	@echo "== scoring examples/gsm8k_solutions.jsonl offline =="
	$(BIN)/rmg score "$(DEMO_SPEC)" examples/gsm8k_solutions.jsonl -o demo-output/gsm8k.scored.jsonl --overwrite
	@echo "first scored row:"; head -n 1 demo-output/gsm8k.scored.jsonl | cut -c 1-400

test: $(STAMP) $(BROWSER_STAMP) $(SERVER_STAMP) $(RAY_SERVE_STAMP)
	$(BIN)/python tests/run_suites.py

bench: $(STAMP) $(SERVER_STAMP)
	bash bench/peers.sh
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) demo-output
