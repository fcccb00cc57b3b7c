"""Running a benchmark: items -> samples -> the runner (resumable) -> verdicts, or verdicts replayed
from recorded scores with no calls at all.

Pointwise and listwise rewards score each item's candidates in one sample, shown in a seeded
shuffle of the item's order (benchmark files list the chosen response first: a listwise judge that
favours the first slot must not be credited for it); scores are mapped back. Pairwise rewards judge
every comparison the item needs in both orders, one sample per order, with the judge's own swap
turned off (`swap=False`, a soft parameter) so the two orders are the bench's to compare and
position bias can be measured. Each sample's results go to `scores.jsonl` as they come; a run that
was killed resumes from it, and `--scores scores.jsonl` replays it.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .base import TIE, BenchmarkError, Item, Verdicts
from .judging import judgebench_winner

__all__ = ["Plan", "RunResult", "plan_samples", "recorded_verdicts", "run_reward"]


@dataclass
class Plan:
    """One sample to score: the item, and the shown order (None: all candidates, as listed)."""

    item: int
    order: tuple[int, int] | None


@dataclass
class RunResult:
    verdicts: list[Verdicts]
    statuses: Counter[str] = field(default_factory=Counter)
    usage: Counter[str] = field(default_factory=Counter)
    resumed: int = 0
    endpoint: dict[str, Any] = field(default_factory=dict)
    pairwise: bool = False


def plan_samples(items: Sequence[Item], pairwise: bool) -> list[Plan]:
    if not pairwise:
        return [Plan(k, None) for k in range(len(items))]
    plans = []
    for k, item in enumerate(items):
        for i, j in item.comparisons():
            plans += [Plan(k, (i, j)), Plan(k, (j, i))]
    return plans


def shown_order(item: Item) -> list[int]:
    """The candidates' display order for a one-sample item: a shuffle seeded by the item's id, so
    a rerun, a resume and a replay all see the same order."""
    order = list(range(len(item.candidates)))
    random.Random(int.from_bytes(hashlib.sha256(item.id.encode()).digest()[:8], "big")).shuffle(order)
    return order


def _sample(item: Item, plan: Plan) -> dict[str, Any]:
    shown = list(plan.order) if plan.order else shown_order(item)
    return {
        "id": f"{item.id}" if plan.order is None else f"{item.id}#{shown[0]}-{shown[1]}",
        "prompt": item.prompt if item.prompt is not None else [],
        "candidates": [item.candidates[k] for k in shown],
        "task": item.category,
    }


def _fold(items: Sequence[Item], plans: Sequence[Plan], rows: Sequence[dict[str, Any]]) -> list[Verdicts]:
    """Per-sample results (rows of scores.jsonl) -> one Verdicts per item."""
    verdicts = [Verdicts() for _ in items]
    for plan, row in zip(plans, rows):
        scores = [r.get("score") if r.get("status") == "ok" else None for r in row["results"]]
        v = verdicts[plan.item]
        if plan.order is None:
            n = len(items[plan.item].candidates)
            shown = row.get("shown") or shown_order(items[plan.item])
            v.scores = [None] * n
            if len(scores) == n:
                for position, candidate in enumerate(shown):
                    v.scores[candidate] = scores[position]
            continue
        i, j = plan.order
        si, sj = (scores + [None, None])[:2]
        w = None if si is None or sj is None else i if si > sj else j if sj > si else TIE
        key, slot = ((i, j), 0) if (i, j) in v.pairs or (j, i) not in v.pairs else ((j, i), 1)
        current = list(v.pairs.get(key, (None, None)))
        current[slot] = w
        v.pairs[key] = (current[0], current[1])
    return verdicts


def endpoint_info(runner: Any) -> dict[str, Any]:
    """The model names and endpoints of the spec's model rewards (for the report), as resolved
    (a judge given no model uses RMG_MODEL / RMG_BASE_URL: the chat model knows which)."""
    models, urls = set(), set()
    for leaf in runner.leaves:
        reward = leaf.reward
        model, url = getattr(reward, "model", None), getattr(reward, "base_url", None)
        chat_model = getattr(reward, "chat_model", None)
        if callable(chat_model):
            try:
                chat = chat_model()
            except Exception:
                chat = None
            model, url = getattr(chat, "name", model), getattr(chat, "base_url", url)
        if model is not None:
            models.add(model if isinstance(model, str) else str(getattr(model, "name", type(model).__name__)))
        if url:
            urls.add(str(url))
    return {"models": sorted(models), "base_urls": sorted(urls)}


def run_reward(
    runner: Any,
    items: Sequence[Item],
    scores_path: Path,
    *,
    header: dict[str, Any],
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Score the items through `runner`, appending each sample's results to `scores_path`."""
    from rmg.core.dataset import ResumableWriter, result_to_json
    from rmg.core.reward import Mode

    pairwise = any(leaf.reward.active_mode is Mode.pairwise for leaf in runner.leaves)
    plans = plan_samples(items, pairwise)
    head_path = scores_path.with_name("run.json")
    header = {**header, "pairwise": pairwise, "samples": len(plans)}
    if overwrite and scores_path.exists():
        scores_path.unlink()
    if scores_path.exists() and head_path.exists():
        previous = json.loads(head_path.read_text(encoding="utf-8"))
        if previous != header:
            changed = sorted(k for k in set(previous) | set(header) if previous.get(k) != header.get(k))
            raise BenchmarkError(
                f"{scores_path} belongs to another run ({', '.join(changed)} differ): use --overwrite or another -o"
            )
    scores_path.parent.mkdir(parents=True, exist_ok=True)
    head_path.write_text(json.dumps(header, indent=1), encoding="utf-8")
    writer = ResumableWriter(scores_path)
    rows: list[dict[str, Any]] = []
    with open(scores_path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f][: writer.done]
    for plan, row in zip(plans, rows):
        if row.get("sample") != _sample(items[plan.item], plan)["id"]:
            writer.close()
            raise BenchmarkError(
                f"{scores_path} does not continue this run (row {row.get('sample')!r}): use --overwrite"
            )
    result = RunResult(verdicts=[], resumed=len(rows), endpoint=endpoint_info(runner), pairwise=pairwise)
    todo = plans[len(rows) :]

    def samples() -> Iterator[dict[str, Any]]:
        for plan in todo:
            yield _sample(items[plan.item], plan)

    done = len(rows)
    with writer:
        for plan, scored in zip(todo, runner.stream(samples())):
            # the plan's id, not the scored sample's: a sample that failed validation has none
            row = {
                "sample": _sample(items[plan.item], plan)["id"],
                "shown": list(plan.order) if plan.order else shown_order(items[plan.item]),
                "results": [result_to_json(r) for r in scored.results],
            }
            writer.write(row)
            rows.append(row)
            done += 1
            if progress is not None:
                progress(done, len(plans))
    for row in rows:
        for r in row["results"]:
            result.statuses[r.get("status", "error")] += 1
            for key, value in (r.get("usage") or {}).items():
                result.usage[key] += value
    result.verdicts = _fold(items, plans, rows)
    return result


def recorded_verdicts(path: str, items: Sequence[Item]) -> list[Verdicts]:
    """Verdicts from recorded scores, matched to items by id (else by position).

    Understood rows: rmg bench's scores.jsonl (`sample`, `results`); JudgeBench output files
    (`pair_id`, `judgments`); per-item score lists (`scores`, or RM-Bench's `score_chosen` /
    `score_rejected`, or RMB's `chosen_reward` / `reject_reward`); `rmg score` output (`reward`).
    """
    from .rows import iter_rows

    rows = list(iter_rows(path))
    if rows and "sample" in rows[0] and "results" in rows[0]:
        by_id = {r["sample"]: r for r in rows}
        pairwise = any("#" in r["sample"] for r in rows)
        plans = plan_samples(items, pairwise)
        picked, kept = [], []
        for plan in plans:
            row = by_id.get(_sample(items[plan.item], plan)["id"])
            if row is not None:
                picked.append(plan)
                kept.append(row)
        return _fold(items, picked, kept)
    index = {item.id: k for k, item in enumerate(items)}
    verdicts = [Verdicts() for _ in items]
    for position, row in enumerate(rows):
        key = next((str(row[k]) for k in ("pair_id", "id", "pair_uid", "bon_uid") if k in row), None)
        k = index.get(key) if key is not None else None
        if k is None:
            if len(rows) != len(items):
                raise BenchmarkError(
                    f"{row.where()}: id {key!r} matches no item and the file has {len(rows)} rows for "
                    f"{len(items)} items, so rows cannot be matched by position"
                )
            k = position
        item = items[k]
        n = len(item.candidates)
        if "judgments" in row:
            judgments = row["judgments"] or []
            decisions = [j.get("decision") if isinstance(j, dict) else None for j in judgments] + [None, None]
            verdicts[k].pairs[(0, 1)] = (judgebench_winner(decisions[0], 0), judgebench_winner(decisions[1], 1))
            continue
        scores: list[Any]
        if "scores" in row:
            scores = list(row["scores"])
        elif "score_chosen" in row:
            scores = list(row["score_chosen"]) + list(row["score_rejected"])
        elif "chosen_reward" in row:
            scores = [row["chosen_reward"], row["reject_reward"]]
        elif "reward" in row:
            rewards = row["reward"] if isinstance(row["reward"], list) else [row["reward"]]
            scores = [r.get("score") if r.get("status", "ok") == "ok" else None for r in rewards]
        else:
            raise BenchmarkError(f"{row.where()}: no recorded scores (expected judgments, scores or reward)")
        scores = [s[0] if isinstance(s, list) and s else s for s in scores]
        if len(scores) != n or not all(s is None or isinstance(s, (int, float)) for s in scores):
            raise BenchmarkError(f"{row.where()}: expected {n} numeric scores for item {item.id!r}, got {scores!r}")
        verdicts[k].scores = [None if s is None else float(s) for s in scores]
    return verdicts
