"""rmg rewards in OpenRLHF: the reward-function file for `--remote_rm_url /path/to/file.py`.

    RMG_SPEC='0.1*format.think_answer + 0.9*math.accuracy' \\
    python -m openrlhf.cli.train_ppo_ray ... --remote_rm_url $(python -m rmg.training.openrlhf --path) --label_key answer

OpenRLHF loads the file and calls `reward_func(queries, prompts, labels, **kwargs)` from worker
threads (one sample per call in current versions; any batch size works here). A query is the prompt
plus the response, rendered with the chat template; the response is the query minus the prompt,
with the template's special tokens removed. The result is `{"rewards", "scores", "extra_logs"}` as
tensors. The spec comes from `RMG_SPEC` (default `math.accuracy`); a failed sample scores
`RMG_FAILURE_SCORE` (default 0.0) and is counted in `extra_logs` (`rmg_timeout`, `rmg_error`,
`rmg_invalid_input`), never raised.
"""

from __future__ import annotations

import os
import re
from typing import Any

from rmg.core.schema import RewardResult, RewardStatus, Sample

from .shared import get_runner

__all__ = ["DEFAULT_SPEC", "response_of", "reward_func"]

DEFAULT_SPEC = "math.accuracy"
_FLAGS = ("timeout", "error", "invalid_input")
# Chat-template markers: <|im_end|>, <|eot_id|>, <|start_header_id|>assistant<|end_header_id|>, </s>, <eos>...
_SPECIAL = re.compile(r"<\|[^<>|]{1,40}\|>|</?s>|<eos>|<bos>|<pad>|<end_of_turn>|<start_of_turn>(?:model)?")
_ROLE_HEADER = re.compile(r"^\s*(?:assistant|model)\s*\n", re.IGNORECASE)


def response_of(query: str, prompt: str) -> str:
    """The response inside a rendered query: what follows the prompt, without template tokens."""
    rest = query[len(prompt) :] if prompt and query.startswith(prompt) else query
    if rest is query and prompt:
        at = query.rfind(prompt)  # a BOS token or a system block rendered before the prompt
        if at >= 0:
            rest = query[at + len(prompt) :]
    rest = _SPECIAL.sub("", rest)
    return _ROLE_HEADER.sub("", rest, count=1).strip()


def _tensor(values: list[float]) -> Any:
    try:
        import torch
    except ImportError:  # the contract wants tensors; lists keep a torch-less test or tool working
        return values
    return torch.tensor(values, dtype=torch.float32)


def reward_func(queries: list[str], prompts: list[str], labels: list[Any] | None = None, **kwargs: Any) -> dict:
    """OpenRLHF's reward function: rewards for each (query, prompt, label). Never raises."""
    spec = os.environ.get("RMG_SPEC") or DEFAULT_SPEC
    failure_score = float(os.environ.get("RMG_FAILURE_SCORE", "0") or 0)
    labels = list(labels) if labels is not None else [None] * len(queries)
    results: list[RewardResult]
    try:
        shared = get_runner(spec)
        futures = []
        for query, prompt, label in zip(queries, prompts, labels):
            sample = Sample(prompt=str(prompt), candidates=[response_of(str(query), str(prompt))], reference=label)
            futures.append(shared.submit(sample))
        results = [f.result().results[0] for f in futures]
    except Exception as exc:
        results = [RewardResult.failure(RewardStatus.error, f"rmg spec {spec!r}: {exc}") for _ in queries]
    scores = [failure_score if r.score is None else r.score for r in results]  # a failure is unscored
    extra = {f"rmg_{flag}": _tensor([1.0 if r.status.value == flag else 0.0 for r in results]) for flag in _FLAGS}
    return {"rewards": _tensor(scores), "scores": _tensor(scores), "extra_logs": extra}


def _main(argv: list[str] | None = None) -> int:
    import argparse
    from pathlib import Path

    parser = argparse.ArgumentParser(prog="python -m rmg.training.openrlhf")
    parser.add_argument("--path", action="store_true", help="print the file to give --remote_rm_url")
    parser.parse_args(argv)
    print(Path(__file__).with_name("openrlhf_reward.py").resolve())
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
