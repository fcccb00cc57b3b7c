"""Pathological inputs stay bounded: through the real process pool, every result is ok or timeout."""

from __future__ import annotations

import time

import rmg
from rmg.testing.plugin_tests import HOSTILE_TEXTS

PATHOLOGICAL = [
    "\\boxed{" + "\\frac{" * 50 + "}",
    "\\frac{" * 50,
    "\\boxed{9^{9^{9^{9}}}}",
    "The answer is $9^{9^{9^{9}}}$.",
    "\\boxed{10^{100000000}}",
    "\\boxed{100000!}",
    "\\boxed{" + "9" * 5000 + "}",
    "\\boxed{" + "x" * 199_990 + "}",
    "Let me think. " * 15_000 + "\\boxed{42}",
    "1, " * 60_000 + "42",
    "<<9**9**9**9=1>> and 2^{99999999} = 5",
    "<<" + "(" * 1000 + "1" + ")" * 1000 + "=1>>",
    *HOSTILE_TEXTS,
]
REFERENCES = ["42", "9^{9^{9^{9}}}", "\\frac{" * 50]


def test_pathological_inputs_finish_ok_or_timeout_and_the_batch_completes() -> None:
    """Power towers, \\frac{ x 50, 200k-character responses: each result is ok (or a timeout), none hangs the batch."""
    samples = [rmg.Sample.of(text, reference=ref) for text in PATHOLOGICAL for ref in REFERENCES]
    for name in ("math.accuracy", "math.verify_steps"):
        started = time.perf_counter()
        results = [s.result for s in rmg.evaluate(name, samples, workers=2, timeout=10)]
        elapsed = time.perf_counter() - started
        assert len(results) == len(samples)
        statuses = {r.status for r in results}
        assert statuses <= {rmg.RewardStatus.ok, rmg.RewardStatus.timeout}, [
            r for r in results if r.status not in (rmg.RewardStatus.ok, rmg.RewardStatus.timeout)
        ]
        print(
            f"{name}: {len(samples)} pathological samples in {elapsed:.2f}s, statuses {sorted(s.value for s in statuses)}"
        )


def test_long_response_still_finds_its_final_answer() -> None:
    """A 200k-character response is only scanned near its end, and its final boxed answer still counts."""
    sample = rmg.Sample.of("Let me think. " * 15_000 + "So \\boxed{42}.", reference="42")
    result = next(rmg.evaluate("math.accuracy", [sample], workers=1, timeout=10)).result
    assert result.ok and result.score == 1.0
