"""One time budget per response, shared by its tests, and no waiting once the score is decided.

A looping solution used to wait out `test_timeout` in every test until `timeout` was spent (10 s
for one buggy HumanEval solution). Every case below runs the real sandbox and times it.
"""

from __future__ import annotations

import time

import pytest

import rmg
from rmg import get_reward_class

LOOP = "def f(x):\n    while True:\n        pass\n"
SIX = range(6)
REFERENCES = {
    "asserts": ({"tests": [f"assert f({k}) == {k}" for k in SIX]}, LOOP),
    "humaneval-check": (
        {
            "tests": "def check(candidate):\n" + "".join(f"    assert candidate({k}) == {k}\n" for k in SIX),
            "entry_point": "f",
        },
        LOOP,
    ),
    "function-calls": ({"fn_name": "f", "cases": [{"args": [k], "expected": k} for k in SIX]}, LOOP),
    "stdin-stdout": ({"inputs": [str(k) for k in SIX], "outputs": [str(k) for k in SIX]}, "while True:\n    pass\n"),
}


def timed_score(code: str, reference, **params) -> tuple[rmg.RewardResult, float]:
    reward = get_reward_class("code.execution")(**params)
    sample = rmg.Sample.of(f"```python\n{code}\n```", reference=reference)
    reward.evaluate(rmg.Sample.of("```python\npass\n```", reference={"tests": ["assert True"]}))  # template up
    started = time.monotonic()
    result = reward.evaluate(sample)[0]
    return result, time.monotonic() - started


@pytest.mark.parametrize("shape", list(REFERENCES))
def test_a_solution_looping_in_every_test_finishes_within_the_total_budget(shape):
    reference, code = REFERENCES[shape]
    result, seconds = timed_score(code, reference, timeout=2, test_timeout=5)
    assert result.status is rmg.RewardStatus.ok and result.score == 0.0, result
    assert seconds < 2 + 1.5, seconds
    assert all(not t["passed"] and "time limit" in t["error"] for t in result.details["tests"]), result.details["tests"]


@pytest.mark.parametrize("shape", list(REFERENCES))
def test_all_or_nothing_stops_at_the_first_failing_test(shape):
    """Six tests that each loop for 1 s: the first one decides the score, the rest are not run."""
    reference, code = REFERENCES[shape]
    result, seconds = timed_score(code, reference, timeout=20, test_timeout=1, all_or_nothing=True)
    assert result.score == 0.0, result
    assert seconds < 3, seconds  # not 6 x 1 s
    errors = [t["error"] for t in result.details["tests"]]
    assert "time limit" in errors[0], errors
    if shape != "humaneval-check":  # check(candidate) is one test
        assert all("not run" in e for e in errors[1:]), errors


@pytest.mark.parametrize("shape", ["asserts", "function-calls", "stdin-stdout"])
def test_all_or_nothing_stops_at_a_wrong_answer_too(shape):
    """The first test gets a wrong answer, the second would loop for 3 s: it is never run."""
    reference, _ = REFERENCES[shape]
    code = (
        "def f(x):\n    while x == 1:\n        pass\n    return -1\n"
        if shape != "stdin-stdout"
        else "x = input()\nwhile x == '1':\n    pass\nprint(-1)\n"
    )
    result, seconds = timed_score(code, reference, timeout=20, test_timeout=3, all_or_nothing=True)
    assert result.score == 0.0, result
    assert seconds < 2, seconds
    assert "not run" in result.details["tests"][1]["error"], result.details["tests"]


@pytest.mark.parametrize("shape", ["asserts", "function-calls", "stdin-stdout"])
def test_stop_after_timeout_fails_the_rest_once_a_test_timed_out(shape):
    reference, code = REFERENCES[shape]
    result, seconds = timed_score(code, reference, timeout=20, test_timeout=1, stop_after_timeout=True)
    assert result.score == 0.0, result
    assert seconds < 3, seconds
    assert all("not run" in t["error"] for t in result.details["tests"][1:]), result.details["tests"]


def test_by_default_the_pass_rate_counts_every_test_that_fits_in_the_budget():
    code = "def f(x):\n    while x == 0:\n        pass\n    return x\n"
    result, _ = timed_score(code, REFERENCES["asserts"][0], timeout=20, test_timeout=1)
    assert result.score == pytest.approx(5 / 6), result.details["tests"]


def test_the_time_parameters_are_documented_fields():
    fields = get_reward_class("code.execution").model_fields
    for name, words in (
        ("timeout", "budget"),
        ("test_timeout", "left of"),
        ("all_or_nothing", "first failing"),
        ("stop_after_timeout", "time limit"),
    ):
        assert words in (fields[name].description or ""), (name, fields[name].description)
