"""The format plugin, checked through its real entry point by the shared plugin test-suite."""

from __future__ import annotations

from typing import Any, ClassVar

from rmg.testing import RewardPluginTests

SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}


class TestFormatPlugin(RewardPluginTests):
    distribution = "rmg-plugin-format"
    rewards: ClassVar[list[str]] = [
        "format.think_answer",
        "format.length",
        "format.repetition",
        "format.cosine_length",
        "format.json",
        "format.tool_call",
        "format.privacy",
        "format.language",
    ]
    cases: ClassVar[dict[str, list[tuple[dict[str, Any], float]]]] = {
        "format.think_answer": [
            ({"response": "<think>a</think><answer>b</answer>"}, 1.0),
            ({"response": "<think>a</think><think>b</think><answer>c</answer>"}, 0.0),
            ({"response": "reasoning first\n</think>\n<answer>b</answer>"}, 1.0),
        ],
        "format.length": [({"response": "one two three"}, 1.0)],
        "format.repetition": [
            ({"response": "a b c d e f"}, 0.0),
            ({"response": "a b a b a b"}, -0.5),  # 4 trigrams, 2 distinct
        ],
        "format.json": [
            ({"response": '{"n": 1}', "reference": SCHEMA}, 1.0),
            ({"response": '{"n": "1"}', "reference": SCHEMA}, 0.0),
            ({"response": "not json"}, 0.0),
        ],
        "format.tool_call": [
            (
                {"response": '{"name": "f", "arguments": {"x": 1}}', "reference": {"name": "f", "arguments": {"x": 1}}},
                1.0,
            ),
            (
                {"response": '{"name": "g", "arguments": {"x": 1}}', "reference": {"name": "f", "arguments": {"x": 1}}},
                0.0,
            ),
        ],
        "format.privacy": [
            ({"response": "Nothing personal here."}, 1.0),
            ({"response": "Mail me at jane.doe@example.org"}, 0.0),
        ],
        "format.language": [
            ({"response": "The cat is on the table and it is sleeping.", "reference": "en"}, 1.0),
            ({"response": "Le chat est sur la table et il dort.", "reference": "en"}, 0.0),
        ],
    }
