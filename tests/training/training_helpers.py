"""Shared pieces of the training tests: a tokenizer built here (no hub), verl batches, a Ray session."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

SPECIAL = ["<pad>", "<unk>", "<s>", "</s>"]


def make_tokenizer(words: list[str], folder: Path | None = None) -> Any:
    """A word-level fast tokenizer over `words` (left padding), saved to `folder` when given."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {tok: i for i, tok in enumerate(SPECIAL)}
    for w in words:
        vocab.setdefault(w, len(vocab))
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    core.decoder = decoders.WordPiece(prefix="##")  # joins word tokens with single spaces
    tok = PreTrainedTokenizerFast(
        tokenizer_object=core, pad_token="<pad>", unk_token="<unk>", bos_token="<s>", eos_token="</s>"
    )
    tok.padding_side = "left"
    if folder is not None:
        tok.save_pretrained(str(folder))
    return tok


def words_of(*texts: str) -> list[str]:
    out: list[str] = []
    for text in texts:
        for w in text.split():
            if w not in out:
                out.append(w)
    return out


def make_batch(tokenizer: Any, rows: list[dict[str, Any]], prompt_len: int = 8, response_len: int = 12) -> Any:
    """A verl DataProto the way the rollout hands it over: left-padded prompts, right-padded responses."""
    import numpy as np
    import torch
    from verl import DataProto

    pad = tokenizer.pad_token_id
    prompts, responses, masks = [], [], []
    for row in rows:
        p = tokenizer.encode(row["prompt"], add_special_tokens=False)[-prompt_len:]
        r = tokenizer.encode(row["response"], add_special_tokens=False)[: response_len - 1] + [tokenizer.eos_token_id]
        prompts.append([pad] * (prompt_len - len(p)) + p)
        responses.append(r + [pad] * (response_len - len(r)))
        masks.append([0] * (prompt_len - len(p)) + [1] * len(p) + [1] * len(r) + [0] * (response_len - len(r)))
    prompts_t, responses_t = torch.tensor(prompts), torch.tensor(responses)
    mask = torch.tensor(masks)
    position_ids = torch.clamp(torch.cumsum(mask, dim=1) - 1, min=0)

    def obj(values: list) -> np.ndarray:
        return np.array(values, dtype=object)

    return DataProto.from_dict(
        tensors={
            "prompts": prompts_t,
            "responses": responses_t,
            "input_ids": torch.cat([prompts_t, responses_t], dim=1),
            "attention_mask": mask,
            "position_ids": position_ids,
        },
        non_tensors={
            "data_source": obj([row["data_source"] for row in rows]),
            "reward_model": obj([{"style": "rule", "ground_truth": row["ground_truth"]} for row in rows]),
            "extra_info": obj([{"index": i, "question": row["prompt"]} for i, row in enumerate(rows)]),
        },
    )


def short_tmp() -> Path:
    """A fresh short folder: Ray's socket paths under it must stay below 107 bytes."""
    import tempfile

    return Path(tempfile.mkdtemp(prefix="rmgray", dir="/tmp"))


def ray_init(short: Path, num_cpus: int = 2) -> Any:
    """A local Ray session whose files stay in `short` (from `short_tmp`), not the home directory."""
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    os.environ["RAY_TMPDIR"] = str(short)
    import ray

    ray.init(
        num_cpus=num_cpus,
        include_dashboard=False,
        namespace="rmg",
        _temp_dir=str(short),
        log_to_driver=False,
        runtime_env={"env_vars": {"RMG_TEST": "1"}},
    )
    return ray
