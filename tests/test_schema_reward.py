"""The data model round-trips through JSON; rewards turn every failure into a result."""

from __future__ import annotations

import asyncio
import pickle

import pytest

import rmg
from rmg import Candidate, Dimension, Mode, RewardResult, RewardStatus, Sample, Step


@rmg.reward("schematest.param", description="Scores with a typed parameter.", example={"response": "x"})
def with_param(response: str, reference: str | None, *, bonus: float = 0.5, strict: bool = False) -> float:
    if strict and reference is None:
        raise rmg.InvalidInput("schematest.param needs a reference in strict mode")
    return len(response) + bonus


def test_sample_and_result_round_trip_through_json_exactly() -> None:
    sample = Sample(
        id="s1",
        prompt=[{"role": "system", "content": "be brief"}, {"role": "user", "content": "2+2?"}],
        candidates=[Candidate(content="4", steps=[Step(content="2+2=4", label=1.0)], reasoning="easy")],
        reference={"answer": "4", "tests": [1, 2]},
        task="gsm8k",
        metadata={"source": "unit", "nested": {"a": [1.5, None]}},
    )
    assert Sample.model_validate_json(sample.model_dump_json()) == sample
    result = RewardResult(
        score=0.25,
        status=RewardStatus.timeout,
        reason="slow",
        error="budget",
        dimensions=[Dimension(name="a", score=1.0, reason="r")],
        step_scores=[1.0, 0.0],
        usage={"prompt_tokens": 3},
        details={"k": [1, "v"]},
    )
    assert RewardResult.model_validate_json(result.model_dump_json()) == result
    assert sample.query == "2+2?" and sample.response == "4"


def test_sample_of_accepts_plain_strings() -> None:
    s = Sample.of(["a", "b"], prompt="q", reference="r", task="t")
    assert [c.content for c in s.candidates] == ["a", "b"] and s.prompt[0].content == "q"


def test_decorated_function_parameters_are_typed_fields_with_defaults() -> None:
    params = {p["name"]: p for p in with_param.parameters()}
    assert params["bonus"]["type"] == "float" and params["bonus"]["default"] == 0.5
    assert with_param(bonus=2).evaluate(Sample.of("ab"))[0].score == 4.0
    with pytest.raises(Exception, match="bonus"):
        with_param(bonus="lots")


def test_exceptions_become_error_results_and_invalid_input_is_its_own_status() -> None:
    @rmg.reward("schematest.boom")
    def boom(response: str) -> float:
        raise ZeroDivisionError("no")

    [result] = boom().evaluate(Sample.of("x"))
    assert result.status is RewardStatus.error and "ZeroDivisionError: no" in (result.error or "")
    [invalid] = with_param(strict=True).evaluate(Sample.of("x"))
    assert invalid.status is RewardStatus.invalid_input and "needs a reference" in (invalid.error or "")
    [nan] = rmg.reward("schematest.nan")(lambda response: float("nan"))().evaluate(Sample.of("x"))
    assert nan.status is RewardStatus.error


def test_pairwise_rewards_check_the_number_of_responses() -> None:
    @rmg.reward("schematest.pair", mode="pairwise")
    def pair(responses: list[str]) -> list[float]:
        return [1.0, 0.0]

    assert pair.mode is Mode.pairwise
    assert [r.score for r in pair().evaluate(Sample.of(["a", "b"]))] == [1.0, 0.0]
    [bad] = pair().evaluate(Sample.of(["a"]))
    assert bad.status is RewardStatus.invalid_input and "exactly 2" in (bad.error or "")


def test_stepwise_rewards_report_step_scores_and_the_weakest_step() -> None:
    @rmg.reward("schematest.steps", mode="stepwise")
    def steps(steps: list[str]) -> list[float]:
        return [1.0 if "ok" in s else 0.0 for s in steps]

    sample = Sample(candidates=[Candidate(content="", steps=[Step(content="ok"), Step(content="bad")])])
    [result] = steps().evaluate(sample)
    assert result.step_scores == [1.0, 0.0] and result.score == 0.0


def test_decorated_rewards_pickle_by_reference_with_their_parameters() -> None:
    reward = with_param(bonus=1.5)
    clone = pickle.loads(pickle.dumps(reward))
    assert clone == reward and clone.evaluate(Sample.of("a"))[0].score == 2.5


def test_model_rewards_are_async_and_evaluate_from_sync_code_or_a_running_loop() -> None:
    @rmg.reward("schematest.model")
    async def judged(response: str) -> float:
        await asyncio.sleep(0)
        return 0.75

    assert judged.kind is rmg.Kind.model
    assert judged().evaluate(Sample.of("x"))[0].score == 0.75

    async def inside() -> float:
        return judged().evaluate(Sample.of("x"))[0].score

    assert asyncio.run(inside()) == 0.75


def test_decorator_rejects_a_non_input_argument_without_default() -> None:
    with pytest.raises(TypeError, match="must have a default"):
        rmg.reward("schematest.bad")(lambda response, threshold: 1.0)


def test_ranking_puts_failures_last_and_best_is_never_a_failure() -> None:
    results = [
        RewardResult(score=0.2),
        RewardResult.failure("error", "x"),
        RewardResult(score=0.9),
        RewardResult(score=0.9),
    ]
    scored = rmg.ScoredSample(index=0, sample=Sample.of(["a", "b", "c", "d"]), results=results)
    assert scored.ranking == [2, 3, 0, 1] and scored.best == 2
    only_failed = rmg.ScoredSample(index=0, sample=Sample.of(["a"]), results=[RewardResult.failure("timeout", "t")])
    assert only_failed.best == -1


def test_a_reward_called_directly_that_returns_infinity_gives_an_error_result_not_ok() -> None:
    """Outside the runner too: a non-finite number is never an ok score."""

    @rmg.reward("schematest.infinite", example={"response": "x"})
    def infinite(response: str) -> float:
        return float("inf")

    [result] = infinite().evaluate(rmg.Sample.of("x"))
    assert result.status == "error" and result.score is None and "non-finite" in result.error
