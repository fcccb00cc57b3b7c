"""Specs: one parser for names, weighted strings, YAML/JSON gates and routers, with clear errors."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import rmg
from rmg.core.compose import Gate, Leaf, Route, Weighted, describe
from rmg.core.spec import SpecError, parse_spec


@rmg.reward("spectest.len", example={"response": "x"})
def length(response: str, *, scale: float = 1.0) -> float:
    return len(response) * scale


@rmg.reward("spectest.has_x", example={"response": "x"})
def has_x(response: str) -> bool:
    return "x" in response


def score(spec: object, response: str, task: str | None = None, **params: object) -> rmg.RewardResult:
    out = list(rmg.evaluate(spec, [rmg.Sample.of(response, task=task)], workers=0, params=params or None))
    return out[0].result


def test_a_name_with_parameters_is_one_reward() -> None:
    node = parse_spec("spectest.len(scale=0.5)")
    assert isinstance(node, Leaf) and node.reward.scale == 0.5


def test_a_weighted_string_sums_weights_times_scores() -> None:
    node = parse_spec("0.2*spectest.len + spectest.has_x*0.8")
    assert isinstance(node, Weighted) and [w for w, _ in node.terms] == [0.2, 0.8]
    result = score("0.2*spectest.len + 0.8*spectest.has_x", "xyz")
    assert result.score == pytest.approx(0.2 * 3 + 0.8)
    assert [d.name for d in result.dimensions] == ["spectest.len", "spectest.has_x"]


def test_exponent_weights_parse() -> None:
    node = parse_spec("1e-1*spectest.len+2E+0*spectest.has_x")
    assert [w for w, _ in node.terms] == [0.1, 2.0]  # type: ignore[union-attr]


def test_yaml_gate_scores_then_only_when_the_gate_passes(tmp_path: Path) -> None:
    spec = tmp_path / "gate.yaml"
    spec.write_text("gate: spectest.has_x\nthreshold: 1\nthen: {reward: spectest.len, params: {scale: 2}}\nelse: -1\n")
    assert isinstance(parse_spec(str(spec)), Gate)
    assert score(str(spec), "xx").score == 4.0
    assert score(str(spec), "yy").score == -1.0


def test_json_router_picks_by_task_with_a_default_and_reports_a_missing_route() -> None:
    spec = '{"route": {"gsm8k": "spectest.len", "other": "spectest.has_x"}, "default": "spectest.has_x"}'
    assert isinstance(parse_spec(spec), Route)
    assert score(spec, "abc", task="gsm8k").score == 3.0
    assert score(spec, "abc", task="unknown").score == 0.0
    no_default = {"route": {"gsm8k": "spectest.len"}}
    result = score(no_default, "abc", task="math")
    assert result.status is rmg.RewardStatus.invalid_input and "no route for task 'math'" in (result.error or "")


def test_overrides_set_matching_parameters_and_an_unmatched_override_is_an_error() -> None:
    node = parse_spec("spectest.len + spectest.has_x", {"spectest.len.scale": 3})
    assert describe(node) == "1*spectest.len + 1*spectest.has_x"
    assert node.terms[0][1].reward.scale == 3  # type: ignore[union-attr]
    with pytest.raises(SpecError, match="scal"):
        parse_spec("spectest.len", {"scal": 3})
    assert isinstance(parse_spec("spectest.len", soft={"cache": False}), Leaf)


def test_unknown_names_suggest_close_ones_and_bad_parameters_are_named() -> None:
    with pytest.raises(rmg.UnknownReward, match="did you mean 'spectest.len'"):
        parse_spec("spectest.lne")
    with pytest.raises(SpecError, match="scale"):
        parse_spec("spectest.len(scale=big)")
    with pytest.raises(SpecError, match="expected one of the keys"):
        parse_spec({"weights": []})
    with pytest.raises(SpecError, match="cannot parse"):
        parse_spec("0.5*")
    with pytest.raises(SpecError, match="does not exist"):
        parse_spec("missing.yaml")


def test_the_composition_runs_on_the_async_path_too() -> None:
    async def main() -> float:
        scored = [s async for s in rmg.aevaluate("spectest.len*2", [rmg.Sample.of("ab")], workers=0)]
        return scored[0].result.score

    assert asyncio.run(main()) == 4.0


def test_a_reward_named_like_a_file_is_a_reward_unless_that_file_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    @rmg.reward("spectest.json", example={"response": "x"})
    def json_named(response: str) -> float:
        return 2.0

    assert isinstance(parse_spec("spectest.json"), Leaf)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spectest.json").write_text('{"reward": "spectest.len"}')
    assert parse_spec("spectest.json").reward.name == "spectest.len"  # type: ignore[union-attr]
