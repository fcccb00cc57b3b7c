"""Text fixtures for similarity rewards: realistic near-miss responses made from real text."""

from __future__ import annotations

import random

__all__ = ["perturb_words"]


def perturb_words(text: str, rng: random.Random) -> str:
    """A noisy copy, as a model paraphrasing badly would write it: ~8% of words dropped, ~8%
    replaced by another word of the text, some neighbours swapped (deterministic for a seeded rng)."""
    words = text.split()
    out: list[str] = []
    for word in words:
        roll = rng.random()
        if roll < 0.08:
            continue
        out.append(rng.choice(words) if roll < 0.16 else word)
        if roll > 0.95 and len(out) > 1:
            out[-1], out[-2] = out[-2], out[-1]
    return " ".join(out)
