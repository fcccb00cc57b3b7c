#!/usr/bin/env bash
# Train a generative reward model with GRPO (verl 0.9.x) using rmg's judge prompts and graders.
#   GENRM_TRAIN=train.parquet GENRM_VAL=val.parquet GENRM_MODEL=Qwen/Qwen2.5-7B-Instruct \
#   NNODES=1 GPUS_PER_NODE=8 bash run_genrm_grpo.sh [more hydra overrides...]
# Run it on the Ray head node (or after `ray start --head`); every node needs `pip install "rmg[training]"`.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for f in "${GENRM_TRAIN:-genrm_train.parquet}" "${GENRM_VAL:-genrm_val.parquet}"; do
  [ -f "$f" ] || { echo "missing $f: make it with 'rmg genrm prepare ... -o $f'" >&2; exit 2; }
done
exec python3 -m verl.trainer.main_ppo --config-path="$HERE" --config-name=genrm_grpo "$@"
