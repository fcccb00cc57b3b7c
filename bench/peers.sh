#!/usr/bin/env bash
# Create the peers' virtual environments under bench/.peers (git-ignored); idempotent.
# A peer counts as ready once its `.ready` marker exists (an interrupted install is redone).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
mkdir -p .peers
if [[ ! -f .peers/math-verify/.ready ]]; then
  rm -rf .peers/math-verify
  $PY -m venv .peers/math-verify
  .peers/math-verify/bin/python -m pip install -q "math-verify==0.9.0" latex2sympy2_extended
  touch .peers/math-verify/.ready
fi
if [[ ! -f .peers/rm-gallery/.ready ]]; then
  rm -rf .peers/rm-gallery
  $PY -m venv .peers/rm-gallery
  # The light install from PEERS.md: no torch, only what its rule rewards and LLM client need.
  .peers/rm-gallery/bin/python -m pip install -q --no-deps rm-gallery==0.1.7
  .peers/rm-gallery/bin/python -m pip install -q loguru 'pandas>=2.2.3,<3' datasets 'pydantic>=2.11.5,<3' \
    'retry>=0.9.2,<0.10' tabulate 'math-verify>=0.7.0,<0.8.0' 'openai>=1.85,<2'
  touch .peers/rm-gallery/.ready
fi
echo "peers ready: $(ls .peers)"
