"""rmg-plugin-general: general text rewards (exact match, token F1, ROUGE, BLEU, numbers, embeddings).

Each reward lives in its own module; this one only registers them. Importing it is cheap:
sacrebleu loads on the first BLEU score, torch and the embedding model on the first semantic
similarity score (and only with the `semantic` extra installed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import rmg

from .bleu import Bleu
from .match import ExactMatch, TokenF1
from .numbers import NumberAccuracy
from .rouge import Rouge
from .semantic import SemanticSimilarity

__all__ = ["REWARDS", "Bleu", "ExactMatch", "NumberAccuracy", "Rouge", "SemanticSimilarity", "TokenF1"]

REWARDS: list[type[rmg.Reward]] = [ExactMatch, TokenF1, Rouge, Bleu, NumberAccuracy, SemanticSimilarity]


@rmg.hookimpl
def register_rewards(register: Callable[[Any], None]) -> None:
    for reward in REWARDS:
        register(reward)
