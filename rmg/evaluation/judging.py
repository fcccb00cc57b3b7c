"""Judge benchmarks (JudgeBench, LLMBar, MT-Bench human judgments) and the generic pairs / lists format."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .base import TIE, Benchmark, BenchmarkError, Item, Metrics, Verdicts, mean, mean_by_category, order_credit
from .rows import iter_rows, need

__all__ = ["JUDGEBENCH_SOURCES", "Generic", "JudgeBench", "LLMBar", "MTBenchHuman", "judgebench_winner"]

# JudgeBench's run_judge.py reports these source prefixes; the paper names them as below.
JUDGEBENCH_SOURCES = {
    "mmlu-pro": "knowledge",
    "livebench-reasoning": "reasoning",
    "livebench-math": "math",
    "livecodebench": "coding",
}


def judgebench_winner(decision: Any, first: int) -> int | None:
    """A JudgeBench decision string ("A>B", "B>A", "A=B") for an order whose slot A is `first`."""
    other = 1 - first
    return {"A>B": first, "B>A": other, "A=B": TIE}.get(decision) if isinstance(decision, str) else None


class JudgeBench(Benchmark):
    """JudgeBench (ScalerLab/JudgeBench): a question and two responses, one objectively correct.

    Rule (ScalerLab/JudgeBench, `utils/metrics.py::compute_final_metrics` with reverse order, as
    `run_judge.py` runs it by default): each pair is judged twice, (A, B) and (B, A); the second
    decision is flipped back. Each decision equal to the label adds +1, each equal to the opposite
    label adds -1, a tie ("A=B") or a missing judgment adds 0. The pair is correct when the sum is
    > 0; the score is correct pairs / all pairs, so an order-dependent or tied verdict (sum 0) and a
    failed judgment get no credit yet stay in the denominator. Sources: knowledge (mmlu-pro),
    reasoning (livebench-reasoning), math (livebench-math), coding (livecodebench); overall is over
    all pairs (not a mean of sources). A pointwise reward's tie is "A=B" in both orders (JudgeBench's
    own reward-model wrapper says "B>A" on a tie, which also sums to 0 over the two orders).
    Replays JudgeBench's output files: their `judgments` field holds the two orders' decisions.
    """

    name = "judgebench"
    description = "share of pairs where the verdicts over both orders favour the correct response (+1/0/-1 rule)"
    rule = "both orders; +1 per decision matching the label, -1 per opposite; correct when the sum > 0; over all pairs"
    unscored_rule = "a missing judgment adds 0 to the pair's sum; the pair stays in the denominator (official)"

    def load(self, path: str, **options: Any) -> list[Item]:
        items = []
        for row in iter_rows(path):
            label = need(row, "label", str)
            if label not in ("A>B", "B>A"):
                raise BenchmarkError(f"{row.where()}: field 'label' must be 'A>B' or 'B>A', got {label!r}")
            source = str(row.get("source", ""))
            category = next((v for k, v in JUDGEBENCH_SOURCES.items() if source.startswith(k)), source or "other")
            extra: dict[str, Any] = {}
            judgments = row.get("judgments")
            if isinstance(judgments, list) and judgments:
                decisions = [j.get("decision") if isinstance(j, dict) else None for j in judgments]
                extra["recorded"] = decisions
            items.append(
                Item(
                    id=str(row.get("pair_id", row.line)),
                    category=category,
                    prompt=need(row, "question", str),
                    candidates=[need(row, "response_A", str), need(row, "response_B", str)],
                    chosen=[0] if label == "A>B" else [1],
                    extra=extra,
                )
            )
        return items

    def outcome(self, item: Item, verdicts: Verdicts) -> dict[str, float]:
        right = item.chosen[0]
        total = 0
        for w in verdicts.winners(0, 1):
            total += 1 if w == right else -1 if w == 1 - right else 0
        return {"credit": float(total > 0), "incorrect": float(total < 0), "tie": float(total == 0)}

    def aggregate(self, items: Sequence[Item], outcomes: Sequence[dict[str, float]]) -> Metrics:
        metrics = mean_by_category(items, outcomes)
        metrics.extra = {
            "incorrect": mean([o["incorrect"] for o in outcomes]),
            "tie": mean([o["tie"] for o in outcomes]),
        }
        return metrics

    def category_order(self, categories: Sequence[str]) -> list[str]:
        known = [c for c in JUDGEBENCH_SOURCES.values() if c in categories]
        return known + sorted(c for c in categories if c not in known)


_ADVERSARIAL = ("Neighbor", "GPTInst", "GPTOut", "Manual")


class LLMBar(Benchmark):
    """LLMBar (princeton-nlp/LLMBar): an instruction and two outputs, one following it (label 1 or 2).

    Rule (princeton-nlp/LLMBar, `LLMEvaluator/evaluate.py`, "correct_average"): each pair is judged
    with the outputs in both orders; accuracy is the mean over the two orders of "the winner is the
    label". For rating (pointwise) evaluators the official code picks output 1 only when its score is
    strictly higher in the first order and output 2 only when strictly higher in the swapped order,
    so a tie is right in exactly one order: 0.5 credit, as here for a tie in any order. Sets: Natural
    and the adversarial Neighbor, GPTInst, GPTOut, Manual (from the file name). Overall = mean of the
    sets present; extras: the adversarial mean and the positional agreement rate ("equal": both
    orders name the same output).
    Unscored: an order without a verdict counts as wrong for that order.
    """

    name = "llmbar"
    description = "accuracy of picking the output that follows the instruction, averaged over both orders"
    rule = "mean over both orders of (winner == label), tie = 0.5; overall = mean of sets"

    def load(self, path: str, **options: Any) -> list[Item]:
        items = []
        for row in iter_rows(path):
            label = need(row, "label", (int, str))
            if str(label) not in ("1", "2"):
                raise BenchmarkError(f"{row.where()}: field 'label' must be 1 or 2, got {label!r}")
            stem = row.file.stem
            category = next((f"Adversarial_{a}" for a in _ADVERSARIAL if a.lower() in stem.lower()), stem)
            if "natural" in stem.lower():
                category = "Natural"
            items.append(
                Item(
                    id=f"{category}:{row.line}",
                    category=category,
                    prompt=need(row, "input", str),
                    candidates=[need(row, "output_1", str), need(row, "output_2", str)],
                    chosen=[int(label) - 1],
                )
            )
        return items

    def outcome(self, item: Item, verdicts: Verdicts) -> dict[str, float]:
        w1, w2 = verdicts.winners(0, 1)
        agree = float(w1 is not None and w1 == w2 and w1 != TIE)
        return {"credit": order_credit(item, verdicts, item.chosen[0], 1 - item.chosen[0], tie=0.5), "agreement": agree}

    def aggregate(self, items: Sequence[Item], outcomes: Sequence[dict[str, float]]) -> Metrics:
        metrics = mean_by_category(items, outcomes)
        adversarial = [v for k, v in metrics.categories.items() if k.startswith("Adversarial")]
        metrics.overall = mean(list(metrics.categories.values()))
        metrics.extra = {"positional_agreement": mean([o["agreement"] for o in outcomes])}
        if adversarial:
            metrics.extra["adversarial_mean"] = mean(adversarial)
        return metrics


class MTBenchHuman(Benchmark):
    """MT-Bench human judgments (lmsys/mt_bench_human_judgments): expert votes between two models' turns.

    Rule (lm-sys/FastChat, `fastchat/llm_judge/compute_agreement.py`): agreement of the reward's
    vote (model_a / model_b / tie; any "tie ..." vote is a tie) with each expert vote (rows whose
    `judge` starts with "author" are another judge there and are skipped here). "Without tie" (the
    paper's headline figure) drops votes where either side says tie; "with tie" keeps them. The
    official script reports each turn apart (the categories here); the overall is "without tie"
    over both turns. The reward's vote: the candidate winning in both orders; a tie or an
    order-dependent answer is tie (as FastChat's pairwise GPT-4 judge counts an inconsistent pair).
    Unscored: counts as a disagreement in both figures.
    """

    name = "mt-bench-human"
    description = "agreement with expert votes between two models' answers, ties left out (FastChat 'w/o tie')"
    rule = "agreement w/o tie (overall) and w/ tie (extra); reward vote = winner in both orders, else tie"

    def load(self, path: str, **options: Any) -> list[Item]:
        items = []
        for row in iter_rows(path):
            winner = need(row, "winner", str)
            if "tie" in winner:  # "tie (bothbad)" is a tie too (compute_agreement.py's convertvote)
                winner = "tie"
            if winner not in ("model_a", "model_b", "tie"):
                raise BenchmarkError(f"{row.where()}: 'winner' must be model_a, model_b or a tie, got {winner!r}")
            if str(row.get("judge", "")).startswith("author"):
                continue  # the official "human" judge is the expert votes; authors' votes are another judge
            turn = int(row.get("turn", 1))
            answers, prompt = [], None
            for key in ("conversation_a", "conversation_b"):
                conv = need(row, key, list)
                if len(conv) < 2 * turn or not all(isinstance(m, dict) and "content" in m for m in conv):
                    raise BenchmarkError(f"{row.where()}: {key!r} has no assistant message for turn {turn}")
                prompt = [{"role": m["role"], "content": m["content"]} for m in conv[: 2 * turn - 1]]
                answers.append(str(conv[2 * turn - 1]["content"]))
            chosen = {"model_a": [0], "model_b": [1], "tie": []}[winner]
            items.append(
                Item(
                    id=f"{row.get('question_id', row.line)}:{row.get('model_a')}:{row.get('model_b')}:{turn}:{row.line}",
                    category=f"turn {turn}",
                    prompt=prompt,
                    candidates=answers,
                    chosen=chosen,
                    extra={"judge": str(row.get("judge", ""))},
                    pairs=[(0, 1)],
                )
            )
        return items

    def outcome(self, item: Item, verdicts: Verdicts) -> dict[str, float]:
        w1, w2 = verdicts.winners(0, 1)
        vote: int | None = None if w1 is None or w2 is None else w1 if w1 == w2 else TIE
        human = item.chosen[0] if item.chosen else TIE
        with_tie = float(vote == human)
        without = math.nan if TIE in (vote, human) else float(vote == human)
        return {"credit": without, "with_tie": with_tie}

    def aggregate(self, items: Sequence[Item], outcomes: Sequence[dict[str, float]]) -> Metrics:
        groups: dict[str, list[float]] = {}
        for item, out in zip(items, outcomes):
            if not math.isnan(out["credit"]):
                groups.setdefault(item.category, []).append(out["credit"])
        kept = [o["credit"] for o in outcomes if not math.isnan(o["credit"])]
        return Metrics(
            overall=mean(kept),
            categories={c: mean(v) for c, v in sorted(groups.items())},
            extra={"with_tie": mean([o["with_tie"] for o in outcomes]), "votes_without_tie": float(len(kept))},
        )


class Generic(Benchmark):
    """Any preference data: pairs (`chosen` / `rejected`) or lists (`responses` + the preferred index).

    Fields are found like `rmg score` finds them, and the same flags move them: --prompt-field,
    --responses-field, --reference-field (the preferred index or indices of a list), --task-field
    (the category), --id-field. Rule: a pair is right when chosen scores strictly above rejected;
    a list is right when every preferred response scores strictly above every other (best-of-N).
    Pairwise judges: both orders, credit averaged. Overall = mean over items. Unscored: wrong.
    """

    name = "pairs"
    description = "accuracy of preferring the labelled response (strict >; lists: above every other)"
    rule = "pairs: chosen > rejected; lists: every preferred > every other (strict); mean over items"

    def load(self, path: str, **options: Any) -> list[Item]:
        from rmg.core.dataset import FieldMap, row_to_sample

        fields = options.get("fields") or FieldMap()
        items = []
        for row in iter_rows(path):
            try:
                sample = row_to_sample(row, fields)
            except ValueError as exc:
                raise BenchmarkError(f"{row.where()}: {exc}") from None
            texts = [c.content for c in sample.candidates]
            if "chosen" in row and "rejected" in row and not fields.responses and not fields.response:
                chosen = [0]
            else:
                ref = sample.reference
                picks = ref if isinstance(ref, list) else [ref]
                if not picks or not all(isinstance(p, int) and 0 <= p < len(texts) for p in picks):
                    raise BenchmarkError(
                        f"{row.where()}: a list needs the preferred index(es) in the reference field "
                        f"(--reference-field), got {ref!r}"
                    )
                chosen = sorted(set(picks))
            if len(texts) < 2:
                raise BenchmarkError(f"{row.where()}: at least two responses are needed")
            n = len(texts)
            items.append(
                Item(
                    id=str(sample.id if sample.id is not None else row.line),
                    category=sample.task or "all",
                    prompt=[m.model_dump() for m in sample.prompt],
                    candidates=texts,
                    chosen=chosen,
                    pairs=[(i, j) for i in range(n) for j in range(i + 1, n)] if n > 2 else None,
                )
            )
        return items

    def outcome(self, item: Item, verdicts: Verdicts) -> dict[str, float]:
        rejected = item.rejected
        total = 0.0
        for order in (0, 1):  # every preferred response above every other one, in this order
            total += float(all(verdicts.winners(c, r)[order] == c for c in item.chosen for r in rejected))
        return {"credit": total / 2}
