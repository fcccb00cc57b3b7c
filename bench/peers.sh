#!/usr/bin/env bash
# Create the peers' virtual environments under bench/.peers (git-ignored); idempotent.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
mkdir -p .peers
if [[ ! -x .peers/math-verify/bin/python ]]; then
  $PY -m venv .peers/math-verify.tmp
  .peers/math-verify.tmp/bin/pip install -q "math-verify==0.9.0" latex2sympy2_extended
  mv .peers/math-verify.tmp .peers/math-verify
fi
if [[ ! -x .peers/rm-gallery/bin/python ]]; then
  $PY -m venv .peers/rm-gallery.tmp
  .peers/rm-gallery.tmp/bin/pip install -q --no-deps rm-gallery==0.1.7
  .peers/rm-gallery.tmp/bin/pip install -q loguru 'pandas>=2.2.3,<3' datasets 'pydantic>=2.11.5,<3' \
    'retry>=0.9.2,<0.10' tabulate 'math-verify>=0.7.0,<0.8.0' 'openai>=1.85,<2'
  mv .peers/rm-gallery.tmp .peers/rm-gallery
fi
echo "peers ready: $(ls .peers)"
