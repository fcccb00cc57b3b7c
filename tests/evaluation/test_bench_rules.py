"""Each benchmark's official rule against small hand-computed cases: ties, unscored items, both orders."""

from __future__ import annotations

import math

import pytest

from rmg.evaluation import TIE, Item, Verdicts, build_report, get_benchmark
from rmg.evaluation.stats import intransitive_triples, position_stats


def item(cat: str, n: int, chosen: list[int], **kw: object) -> Item:
    return Item(
        id=f"{cat}-{n}-{chosen}-{kw.get('id', '')}",
        category=cat,
        prompt="q",
        candidates=[f"c{k}" for k in range(n)],
        chosen=chosen,
        **{k: v for k, v in kw.items() if k != "id"},
    )  # type: ignore[arg-type]


def run(name: str, items: list[Item], verdicts: list[Verdicts]) -> dict:
    return build_report(get_benchmark(name), items, verdicts, rounds=50)


def test_rewardbench2_best_of_4_gives_one_over_k_for_a_tie_at_the_top_and_means_subsets() -> None:
    items = [item("Math", 4, [0], id=k) for k in range(4)] + [item("Focus", 4, [0], id=9)]
    verdicts = [
        Verdicts(scores=[0.9, 0.1, 0.2, 0.3]),  # right: 1
        Verdicts(scores=[0.5, 0.5, 0.1, 0.1]),  # tie with one at the top: 1/2
        Verdicts(scores=[0.5, 0.5, 0.5, 0.1]),  # three at the top: 1/3
        Verdicts(scores=[0.2, 0.9, 0.1, 0.1]),  # wrong: 0
        Verdicts(scores=[0.7, None, 0.1, 0.1]),  # unscored: counted wrong, reported apart
    ]
    report = run("rewardbench2", items, verdicts)
    cats = {c["name"]: c["score"] for c in report["categories"]}
    assert cats["Math"] == pytest.approx((1 + 1 / 2 + 1 / 3 + 0) / 4)
    assert cats["Focus"] == 0.0
    assert report["overall"] == pytest.approx((cats["Math"] + 0.0) / 2)  # mean over subsets, not items
    assert report["unscored"]["items"] == 1 and report["unscored"]["examples"] == [items[4].id]


def test_rewardbench2_ties_subset_uses_the_weighted_formula() -> None:
    ties = [
        Item("ref:1", "Ties", "q", ["a", "x", "y"], [0], extra={"ties_group": ("ref", 1), "num_correct": 1}),
        Item("tied:1", "Ties", "q", ["a", "b", "x"], [0, 1], extra={"ties_group": ("tied", 1), "num_correct": 2}),
        Item("ref:2", "Ties", "q", ["a", "x"], [0], extra={"ties_group": ("ref", 2), "num_correct": 1}),
        Item("tied:2", "Ties", "q", ["a", "b", "x"], [0, 1], extra={"ties_group": ("tied", 2), "num_correct": 2}),
    ]
    verdicts = [
        Verdicts(scores=[0.9, 0.2, 0.1]),  # ref 1: margin 0.7, accurate
        Verdicts(scores=[0.8, 0.7, 0.3]),  # tied 1: spread 0.1, margin 0.4, accurate
        Verdicts(scores=[0.3, 0.5]),  # ref 2: margin -0.2, wrong
        Verdicts(scores=[0.6, 0.2, 0.4]),  # tied 2: spread 0.4, margin -0.2, wrong
    ]
    report = run("rewardbench2", ties, verdicts)
    # by hand: tied acc 1/2, ref acc 1/2; preferred: p1 0.4 > 0.1 yes, p2 -0.2 > 0.4 no -> 1/2;
    # hard: p1 min(0.7, 0.4)=0.4 > 0.1 yes, p2 min(-0.2,-0.2) > 0.4 no -> 1/2;
    # margins: tanh(0.4/0.1 - 1) = tanh(3), tanh(-0.2/0.4 - 1) = tanh(-1.5)
    expected = 0.3 * 0.5 + 0.3 * 0.5 + 0.2 * 0.5 + 0.2 * 0.5 + 0.01 * (math.tanh(3) + math.tanh(-1.5)) / 2
    assert report["categories"][0]["name"] == "Ties"
    assert report["categories"][0]["score"] == pytest.approx(expected, abs=1e-6)


def test_rm_bench_matrix_splits_hard_normal_easy_strictly() -> None:
    # chosen styles 0,1,2 score 1,2,3; rejected styles score 1.5, 2.5, 3.5
    v = Verdicts(scores=[1.0, 2.0, 3.0, 1.5, 2.5, 3.5])
    # chosen i > rejected j: c0(1)>none; c1(2)>r0(1.5); c2(3)>r0,r1 -> m[1][0]=1, m[2][0]=1, m[2][1]=1
    tie = Verdicts(scores=[1.0, 1.0, 1.0, 1.0, 1.0, 1.0])  # all ties: strict ">" gives nothing
    items = [item("chat", 6, [0, 1, 2], id=1), item("safety", 6, [0, 1, 2], id=2)]
    report = run("rm-bench", items, [v, tie])
    cats = {c["name"]: c["score"] for c in report["categories"]}
    assert cats["chat"] == pytest.approx((0 + 0 + 1) / 3)  # hard 0, normal 0, easy 1
    assert cats["safety"] == 0.0
    assert report["extra"] == {"hard": 0.0, "normal": 0.0, "easy": 0.5}
    assert report["overall"] == pytest.approx(1 / 6)


def test_judgebench_plus_one_zero_minus_one_over_both_orders() -> None:
    items = [Item(f"p{k}", "knowledge", "q", ["A", "B"], [0]) for k in range(6)]
    # winners: (A shown first, B shown first)
    verdicts = [
        Verdicts(pairs={(0, 1): (0, 0)}),  # right twice: +2 -> correct
        Verdicts(pairs={(0, 1): (0, TIE)}),  # +1: correct
        Verdicts(pairs={(0, 1): (0, 1)}),  # slot A both times: +1 - 1 = 0 -> not credited
        Verdicts(pairs={(0, 1): (1, 1)}),  # -2: incorrect
        Verdicts(pairs={(0, 1): (0, None)}),  # one judgment failed: +1 -> correct (official: None adds 0)
        Verdicts(pairs={(0, 1): (None, None)}),  # both failed: 0, stays in the denominator
    ]
    report = run("judgebench", items, verdicts)
    assert report["overall"] == pytest.approx(3 / 6)
    assert report["extra"]["incorrect"] == pytest.approx(1 / 6)
    assert report["extra"]["tie"] == pytest.approx(2 / 6)
    assert report["unscored"]["items"] == 2
    pos = report["position"]
    assert pos["pairs_decided_both_orders"] == 3 and pos["position_bias"] == pytest.approx(1 / 3)


def test_llmbar_averages_both_orders_and_a_tie_is_half() -> None:
    items = [Item(f"n{k}", "Natural", "q", ["o1", "o2"], [1]) for k in range(3)]
    items.append(Item("g", "Adversarial_GPTInst", "q", ["o1", "o2"], [0]))
    verdicts = [
        Verdicts(scores=[0.1, 0.9]),  # right in both orders: 1
        Verdicts(scores=[0.5, 0.5]),  # rating tie: right in one order (official): 0.5
        Verdicts(pairs={(0, 1): (0, 1)}),  # picks the first slot: right once: 0.5
        Verdicts(pairs={(0, 1): (0, 0)}),  # right twice: 1
    ]
    report = run("llmbar", items, verdicts)
    cats = {c["name"]: c["score"] for c in report["categories"]}
    assert cats["Natural"] == pytest.approx(2 / 3) and cats["Adversarial_GPTInst"] == 1.0
    assert report["overall"] == pytest.approx((2 / 3 + 1) / 2)
    assert report["extra"]["positional_agreement"] == pytest.approx(2 / 4)  # the rating tie disagrees


def test_rmb_pairwise_and_best_of_n_are_strict() -> None:
    items = [
        Item("p1", "Helpfulness Pairwise", "q", ["c", "r"], [0]),
        Item("p2", "Helpfulness Pairwise", "q", ["c", "r"], [0]),
        Item("b1", "Harmlessness BoN", "q", ["best", "l1", "l2"], [0]),
        Item("b2", "Harmlessness BoN", "q", ["best", "l1", "l2"], [0]),
    ]
    verdicts = [
        Verdicts(scores=[1.0, 0.0]),
        Verdicts(scores=[1.0, 1.0]),  # tie: wrong
        Verdicts(scores=[3.0, 1.0, 2.0]),  # above every loser
        Verdicts(scores=[3.0, 3.0, 2.0]),  # tied with a loser: wrong (no shared credit in RMB)
    ]
    report = run("rmb", items, verdicts)
    cats = {c["name"]: c["score"] for c in report["categories"]}
    assert cats == {"Harmlessness BoN": 0.5, "Helpfulness Pairwise": 0.5}
    assert report["overall"] == 0.5


def test_mt_bench_agreement_without_and_with_ties() -> None:
    items = [
        Item("a", "turn 1", "q", ["x", "y"], [0]),
        Item("b", "turn 1", "q", ["x", "y"], [1]),
        Item("c", "turn 1", "q", ["x", "y"], []),  # human tie
        Item("d", "turn 2", "q", ["x", "y"], [0]),
    ]
    verdicts = [
        Verdicts(scores=[2.0, 1.0]),  # agrees
        Verdicts(scores=[2.0, 1.0]),  # disagrees
        Verdicts(scores=[1.0, 1.0]),  # tie = tie: agrees only "with tie"
        Verdicts(pairs={(0, 1): (0, 1)}),  # order-dependent -> tie: left out "without tie"
    ]
    report = run("mt-bench-human", items, verdicts)
    assert report["overall"] == pytest.approx(1 / 2)  # a, b only
    assert report["extra"]["with_tie"] == pytest.approx(2 / 4)
    assert report["extra"]["votes_without_tie"] == 2


def test_generic_lists_need_every_preferred_above_every_other() -> None:
    items = [Item("l", "all", "q", ["a", "b", "c"], [0, 1]), Item("m", "all", "q", ["a", "b", "c"], [0, 1])]
    report = run("pairs", items, [Verdicts(scores=[3.0, 2.0, 1.0]), Verdicts(scores=[3.0, 1.0, 2.0])])
    assert report["overall"] == 0.5


def test_position_stats_and_intransitive_triples() -> None:
    items = [Item("t", "x", "q", ["a", "b", "c"], [0])]
    cyc = Verdicts(pairs={(0, 1): (0, 0), (1, 2): (1, 1), (0, 2): (2, 2)})  # a>b, b>c, c>a
    assert intransitive_triples(items, [cyc]) == {"triples": 1.0, "intransitive": 1.0, "share": 1.0}
    first = Verdicts(pairs={(0, 1): (0, 1), (1, 2): (1, 2), (0, 2): (0, 2)})  # always the first slot
    stats = position_stats(items, [first])
    assert stats is not None and stats["position_bias"] == 1.0 and stats["first_slot_rate"] == 1.0
    assert position_stats(items, [Verdicts(scores=[1.0, 2.0, 3.0])]) is None


def test_bootstrap_interval_contains_the_score_and_is_zero_width_when_all_agree() -> None:
    items = [Item(f"i{k}", "all", "q", ["a", "b"], [0]) for k in range(40)]
    verdicts = [Verdicts(scores=[1.0, 0.0] if k % 4 else [0.0, 1.0]) for k in range(40)]
    report = run("pairs", items, verdicts)
    low, high = report["overall_ci"]
    assert low < report["overall"] == 0.75 < high
    same = run("pairs", items, [Verdicts(scores=[1.0, 0.0])] * 40)
    assert same["overall_ci"] == [1.0, 1.0]


def test_rewardbench2_ties_under_a_pairwise_judge_are_reported_unscored_not_dropped_silently() -> None:
    ties = Item("tied:1", "Ties", "q", ["a", "b", "x"], [0, 1], extra={"ties_group": ("tied", 1), "num_correct": 2})
    math_item = Item("m", "Math", "q", ["a", "x"], [0])
    verdicts = [Verdicts(pairs={(0, 2): (0, 0), (1, 2): (1, 1)}), Verdicts(pairs={(0, 1): (0, 0)})]
    report = run("rewardbench2", [ties, math_item], verdicts)
    assert [c["name"] for c in report["categories"]] == ["Math"] and report["overall"] == 1.0
    assert report["unscored"]["items"] == 1 and report["unscored"]["examples"] == ["tied:1"]


def test_mt_bench_loader_takes_tie_variants_and_leaves_author_votes_out(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    conv = [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]
    rows = [
        {
            "question_id": 81,
            "model_a": "x",
            "model_b": "y",
            "winner": w,
            "judge": j,
            "turn": 1,
            "conversation_a": conv,
            "conversation_b": conv,
        }
        for w, j in [("model_a", "expert_0"), ("tie (bothbad)", "expert_1"), ("model_b", "author_2")]
    ]
    path = tmp_path / "human.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    items = get_benchmark("mt-bench-human").load(str(path))
    assert [(i.chosen, i.extra["judge"]) for i in items] == [([0], "expert_0"), ([], "expert_1")]


def test_compare_is_paired_on_the_same_items_and_falls_back_to_the_intervals_otherwise() -> None:
    from rmg.evaluation import compare_reports

    items = [Item(f"i{k}", "all", "q", ["a", "b"], [0]) for k in range(60)]
    a = run("pairs", items, [Verdicts(scores=[1.0, 0.0] if k % 2 else [0.0, 1.0]) for k in range(60)])  # 50%
    b = run("pairs", items, [Verdicts(scores=[1.0, 0.0] if k % 2 or k < 16 else [0.0, 1.0]) for k in range(60)])
    for r in (a, b):
        r.update(data_hash="same")
    # B fixes 8 items A got wrong and breaks none: every resample moves the same way
    paired = compare_reports(a, b)
    row = paired["rows"][0]
    assert paired["paired"] and row["method"] == "paired bootstrap" and row["difference"] == pytest.approx(8 / 60)
    assert row["difference_ci"][0] > 0 and row["exceeds_noise"] is True
    same = compare_reports(a, a)["rows"][0]
    assert same["difference"] == 0.0 and same["exceeds_noise"] is False
    b.pop("per_item")
    independent = compare_reports(a, b)["rows"][0]
    assert independent["method"] == "independent intervals" and independent["z"] is not None
