"""The plugin through its real entry point, checked by the shared plugin test-suite.

Expected scores in `cases` are computed by hand in the comments next to them.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from rmg.testing import RewardPluginTests

# "It wasn't surprising ." vs "It was not unexpected ." / "No one was surprised .":
# 13a tokens; 2/4 unigrams match, no longer n-gram does; exp smoothing gives 1/6, 1/8, 1/8;
# brevity penalty exp(1 - 5/4) (hypothesis 4 tokens, closest reference 5).
_BLEU_HAND = math.exp(1 - 5 / 4) * (0.5 * (1 / 6) * (1 / 8) * (1 / 8)) ** 0.25


class TestGeneralPlugin(RewardPluginTests):
    distribution = "rmg-plugin-general"
    rewards: ClassVar[list[str]] = [
        "general.exact_match",
        "general.f1",
        "general.rouge",
        "general.bleu",
        "general.number_accuracy",
        "general.semantic_similarity",
    ]
    # The embedding model loads in each fresh pool worker (torch import included).
    hostile_timeout = 120.0
    cases: ClassVar[dict[str, list[tuple[dict[str, Any], float]]]] = {
        "general.exact_match": [
            # case, punctuation, article and whitespace differences are normalised away
            ({"response": "  The Eiffel   Tower! ", "reference": "eiffel tower"}, 1.0),
            ({"response": "Eiffel", "reference": "eiffel tower"}, 0.0),
            # any acceptable answer in a list counts
            ({"response": "NYC", "reference": ["New York City", "nyc"]}, 1.0),
        ],
        "general.f1": [
            # [william shakespeare wrote it] vs [shakespeare]: P = 1/4, R = 1, F1 = 0.4
            ({"response": "William Shakespeare wrote it.", "reference": "Shakespeare"}, 0.4),
            # best of two references: [a b c] vs [b c d] (P=R=2/3) beats [x]
            ({"response": "alpha beta gamma", "reference": ["xi", "beta gamma delta"]}, 2 / 3),
        ],
        "general.rouge": [
            # LCS "the cat on the mat" = 5 of 6 words each side: P = R = F = 5/6
            ({"response": "the cat sat on the mat", "reference": "the cat lay on the mat"}, 5 / 6),
            ({"response": "completely different words", "reference": "the cat lay on the mat"}, 0.0),
        ],
        "general.bleu": [
            ({"response": "The dog bit the man.", "reference": ["The dog bit the man.", "x"]}, 1.0),
            (
                {"response": "It wasn't surprising.", "reference": ["It was not unexpected.", "No one was surprised."]},
                _BLEU_HAND,
            ),
        ],
        "general.number_accuracy": [
            # thousands separator and sign are read; order does not matter
            ({"response": "He paid $1,234.50 and then -3 dollars.", "reference": "-3 and 1234.5"}, 1.0),
            ({"response": "He paid $1,234.50 and then -3 dollars.", "reference": "1234.5, 7"}, 0.5),
            # a numeric reference, and a range read as two positive numbers
            ({"response": "pages 3-4", "reference": [3, 4]}, 1.0),
        ],
    }
