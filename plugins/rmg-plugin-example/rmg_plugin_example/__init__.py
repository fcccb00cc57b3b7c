"""rmg-plugin-example: a template plugin with two tiny rewards."""

from __future__ import annotations

import rmg


@rmg.reward(
    "example.contains",
    description="1.0 if the response contains the reference text (case-insensitive by default).",
    example={"prompt": "Name a primary colour.", "response": "Red is one.", "reference": "red"},
)
def contains(response: str, reference: str | None, *, ignore_case: bool = True) -> float:
    if not reference:
        raise rmg.InvalidInput("example.contains needs a reference string")
    needle, hay = str(reference), response
    if ignore_case:
        needle, hay = needle.lower(), hay.lower()
    return 1.0 if needle in hay else 0.0


@rmg.reward(
    "example.shorter",
    mode="pairwise",
    description="Prefers the shorter of two responses (1.0 to the shorter, 0.5 each on a tie).",
    example={"prompt": "Say hi.", "responses": ["Hi!", "Hello there, how are you doing today?"]},
)
def shorter(responses: list[str]) -> list[float]:
    a, b = (len(r) for r in responses)
    return [0.5, 0.5] if a == b else ([1.0, 0.0] if a < b else [0.0, 1.0])


@rmg.hookimpl
def register_rewards(register):
    register(contains)
    register(shorter)
