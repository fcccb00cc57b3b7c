"""Best-of-N and group scoring: the kept response's index, one shape of `best`, and pairwise rewards
over more than two responses (tournament, all pairs, vote) with the comparisons they cost.

Pairwise rule reward: the installed example plugin's `example.shorter`. Pairwise judge: the real
`JudgeReward` over real HTTP to the scripted OpenAI-compatible server.
"""

from __future__ import annotations

import json
from pathlib import Path

from rmgkit import RunRmg

import rmg
from rmg.core.pairing import comparisons
from rmg.testing import ScriptedLLMServer, judge_responder

RESPONSES = ["a" * 5, "a" * 2, "a" * 9, "a" * 1, "a" * 7]  # shortest: index 3, then 1, 0, 4, 2


def test_best_of_n_returns_the_index_of_the_kept_response(testkit_path: Path) -> None:
    best = rmg.best_of_n("testkit.length", rmg.Sample.of(["a", "abc", "ab"]), workers=1)
    assert best.index == 1 and best.response == "abc" and best.indices == [1]
    assert best.result is not None and best.result.score == 0.03
    two = rmg.best_of_n("testkit.length", {"responses": ["a", "abc", "ab"]}, n=2, workers=1)
    assert two.indices == [1, 2] and [r.score for r in two.scored.results] == [0.01, 0.03, 0.02]


def test_best_of_n_keeps_nothing_when_every_response_failed(testkit_path: Path) -> None:
    best = rmg.best_of_n("testkit.sleepy", {"responses": ["sleep", "sleep"]}, workers=2, timeout=1)
    assert best.index is None and best.indices == [] and best.response is None
    assert [r.status.value for r in best.scored.results] == ["timeout", "timeout"]
    assert all(r.score is None for r in best.scored.results)


def test_cli_best_is_always_a_list_and_empty_when_every_response_failed(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    rows = [{"id": 1, "responses": ["ok", "ok"]}, {"id": 2, "responses": ["sleep", "sleep"]}]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    for n in ("1", "2"):
        args = ["best-of-n", "testkit.sleepy", "in.jsonl", "-o", f"b{n}.jsonl", "-n", n, "--timeout", "1"]
        run_rmg(*args, "--no-progress", plugins=[testkit_path], check=True)
        out = [json.loads(line) for line in (tmp_path / f"b{n}.jsonl").read_text().splitlines()]
        assert isinstance(out[0]["best"], list) and len(out[0]["best"]) == int(n)
        assert out[0]["best"][0]["index"] == 0 and out[0]["best"][0]["status"] == "ok"
        assert out[1]["best"] == []
        assert [r["score"] for r in out[1]["reward"]] == [None, None]  # null in the file, never 0.0


def test_a_pairwise_reward_over_more_than_two_responses_names_the_pairing_option() -> None:
    [scored] = rmg.evaluate("example.shorter", [{"responses": RESPONSES}], workers=1)
    error = scored.results[0].error or ""
    assert scored.results[0].status is rmg.RewardStatus.invalid_input
    assert "pairing" in error and "'tournament' (4 comparisons)" in error and "'all_pairs' (10)" in error


def test_tournament_picks_the_pairwise_winner_in_n_minus_1_comparisons() -> None:
    best = rmg.best_of_n("example.shorter", rmg.Sample.of(RESPONSES), pairing="tournament", workers=1)
    assert best.index == 3 and best.result is not None and best.result.score == 1.0
    details = best.result.details
    assert details["comparisons"] == comparisons("tournament", 5) == 4 and details["rounds"] == 3


def test_all_pairs_scores_each_response_by_its_share_of_pairwise_wins() -> None:
    results = rmg.score_group("example.shorter", {"prompt": "p", "responses": RESPONSES}, workers=1)
    assert [r.score for r in results] == [2 / 4, 3 / 4, 0 / 4, 4 / 4, 1 / 4]
    assert all(r.details["comparisons"] == 10 for r in results)
    assert rmg.rank("example.shorter", rmg.Sample.of(RESPONSES), pairing="all_pairs", workers=1) == [3, 1, 0, 4, 2]


def test_vote_gives_one_to_the_response_with_the_most_wins() -> None:
    results = rmg.score_group("example.shorter", rmg.Sample.of(RESPONSES), pairing="vote", workers=1)
    assert [r.score for r in results] == [0.0, 0.0, 0.0, 1.0, 0.0]


def test_a_pairwise_judge_in_a_tournament_makes_n_minus_1_swapped_comparisons_over_http(tmp_path: Path) -> None:
    """The judge asks both orders per comparison: 2 * (n - 1) requests, a consistent winner each time."""
    with ScriptedLLMServer(judge_responder(prefer="longer")) as server:
        judge = rmg.JudgeReward(
            principles=["Prefer the longer answer"], mode="pairwise", model="scripted", base_url=server.base_url
        )
        best = rmg.best_of_n(judge, rmg.Sample.of(RESPONSES, prompt="say a"), pairing="tournament")
        assert best.index == 2  # the longest
        assert server.counts["requests"] == 2 * 4
        # Every comparison's usage is summed once, on the first response's result.
        assert sum((r.usage or {}).get("calls", 0) for r in best.scored.results) == 8


def _failing_judge_for(marker: str):
    """A scripted judge whose answer is garbage (twice: the repair too) whenever `marker` is shown."""
    judge = judge_responder(prefer="longer")

    def responder(request: dict) -> str:
        text = "\n".join(m["content"] for m in request["messages"])
        return "no verdict" if marker in text else judge(request)

    return responder


def test_all_pairs_leaves_a_failed_comparison_out_and_fails_only_a_response_with_none_scored() -> None:
    sample = rmg.Sample.of(["one", "two two", "three three three", "BAD"], prompt="say")
    with ScriptedLLMServer(_failing_judge_for("BAD")) as server:
        judge = rmg.JudgeReward(mode="pairwise", model="scripted", base_url=server.base_url, max_retries=0)
        [scored] = rmg.evaluate(judge, [sample], pairing="all_pairs")
    bad = scored.results[3]
    assert bad.status is rmg.RewardStatus.error and bad.score is None and "comparison of responses" in (bad.error or "")
    assert [r.score for r in scored.results[:3]] == [0.0, 0.5, 1.0]  # over the 2 comparisons each had scored
    assert all(r.details["failed_comparisons"] == [[i, 3]] for i, r in enumerate(scored.results[:3]))


def test_a_failed_tournament_match_fails_both_its_responses_and_they_are_never_chosen() -> None:
    sample = rmg.Sample.of(["one", "BAD", "three three three", "four four four four"], prompt="say")
    with ScriptedLLMServer(_failing_judge_for("BAD")) as server:
        judge = rmg.JudgeReward(mode="pairwise", model="scripted", base_url=server.base_url, max_retries=0)
        best = rmg.best_of_n(judge, sample, pairing="tournament")
    assert [r.ok for r in best.scored.results] == [False, False, True, True]
    assert all("responses 0 and 1" in (r.error or "") for r in best.scored.results[:2])
    assert best.index == 3
