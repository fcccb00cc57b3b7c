"""A pairwise reward over more than two responses: compare them in pairs, then combine the verdicts.

A pairwise reward (a judge asked "A or B?") scores exactly two responses. Best-of-N, ranking and
GRPO groups have more, so the runner splits them into two-response comparisons, chosen by a
`pairing` strategy that states what it costs:

- "tournament": a knockout bracket in input order (an odd one out gets a bye); n - 1 comparisons.
  A response scores the share of the ceil(log2 n) rounds it won: the champion 1.0. A tie or an
  order-dependent verdict lets the earlier response through (recorded in `details`).
- "all_pairs": every pair once; n(n-1)/2 comparisons. A response scores its share of wins
  (a win 1, a tie 0.5) over its n - 1 comparisons: the "average of pairwise wins" group score.
- "vote": all pairs, then 1.0 for the response(s) with the most wins and 0.0 for the others.

A failed comparison is never a loss. With all pairs (and vote) a response scores over the
comparisons that were scored, and lists the failed ones in `details["failed_comparisons"]` and its
reason; a response none of whose comparisons was scored fails (naming the pair and the error). In a
tournament a failed match fails both of its responses (they are never chosen). Token usage of every
comparison is summed on the first response's result, so summing usage counts each call once.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from typing import Any, Literal, get_args

from .schema import RewardResult, Sample

__all__ = ["PAIRINGS", "Pairing", "check_pairing", "comparisons", "score_in_pairs"]

Pairing = Literal["tournament", "all_pairs", "vote"]
PAIRINGS: tuple[str, ...] = get_args(Pairing)
JudgePair = Callable[[Sample], Awaitable[list[RewardResult]]]


def check_pairing(value: str | None) -> Pairing | None:
    if value is None or value in PAIRINGS:
        return value  # type: ignore[return-value]
    raise ValueError(f"unknown pairing {value!r}: use one of {', '.join(PAIRINGS)}")


def comparisons(pairing: str, n: int) -> int:
    """How many two-response comparisons (judge calls, times two with a judge's swap) `pairing` costs for n."""
    if n < 2:
        return 0
    return n - 1 if pairing == "tournament" else n * (n - 1) // 2


def _pair(sample: Sample, i: int, j: int) -> Sample:
    # The preference labels of the whole row mean nothing for one pair of it.
    metadata = {k: v for k, v in sample.metadata.items() if k != "preference"}
    return sample.model_copy(update={"candidates": [sample.candidates[i], sample.candidates[j]], "metadata": metadata})


def _usage(results: list[list[RewardResult]]) -> dict[str, int] | None:
    total: dict[str, int] = {}
    for pair in results:
        for r in pair:
            for k, v in (r.usage or {}).items():
                total[k] = total.get(k, 0) + v
    return total or None


def _failure(pairing: str, i: int, j: int, result: RewardResult) -> RewardResult:
    message = f"comparison of responses {i} and {j} failed: {result.error or result.reason}"
    return RewardResult.failure(result.status, message, details={"pairing": pairing, "failed_pair": [i, j]})


async def score_in_pairs(sample: Sample, judge_pair: JudgePair, pairing: Pairing) -> list[RewardResult]:
    """Score every candidate of `sample` with a pairwise reward (`judge_pair` scores a two-response sample)."""
    n = len(sample.candidates)
    if pairing == "tournament":
        out, calls = await _tournament(sample, judge_pair, n)
    else:
        out, calls = await _all_pairs(sample, judge_pair, n, pairing)
    usage = _usage(calls)
    if out and usage:
        out[0].usage = usage
    return out


async def _all_pairs(
    sample: Sample, judge_pair: JudgePair, n: int, pairing: str
) -> tuple[list[RewardResult], list[list[RewardResult]]]:
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    calls = list(await asyncio.gather(*(judge_pair(_pair(sample, i, j)) for i, j in pairs)))
    wins = [0.0] * n
    compared = [0] * n
    failures: list[list[tuple[int, int, RewardResult]]] = [[] for _ in range(n)]
    for (i, j), (ri, rj) in zip(pairs, calls):
        bad = ri if not ri.ok else rj if not rj.ok else None
        for k, r in ((i, ri), (j, rj)):
            if bad is not None:
                failures[k].append((i, j, bad))
            else:
                wins[k] += r.score or 0.0
                compared[k] += 1
    cost = len(pairs)
    top = max((wins[k] / compared[k] for k in range(n) if compared[k]), default=0.0)
    out = []
    for k in range(n):
        if not compared[k]:
            i, j, bad = failures[k][0]
            out.append(_failure(pairing, i, j, bad))
            continue
        share = wins[k] / compared[k]
        details: dict[str, Any] = {"pairing": pairing, "comparisons": cost, "wins": wins[k], "compared": compared[k]}
        note = ""
        if failures[k]:
            details["failed_comparisons"] = [[i, j] for i, j, _ in failures[k]]
            note = f"; {len(failures[k])} comparison(s) failed and are left out"
        if pairing == "vote":
            score = 1.0 if share == top else 0.0
            reason = f"{wins[k]:g} wins of {compared[k]}; " + ("the most: voted best" if score else "not the most")
        else:
            score = share
            reason = f"won {wins[k]:g} of {compared[k]} comparisons (all pairs, {cost} in all)"
        out.append(RewardResult(score=score, reason=reason + note, details=details))
    return out, calls


async def _tournament(
    sample: Sample, judge_pair: JudgePair, n: int
) -> tuple[list[RewardResult], list[list[RewardResult]]]:
    rounds = math.ceil(math.log2(n))
    won = [0] * n
    failed: dict[int, RewardResult] = {}
    ties: list[list[int]] = []
    calls: list[list[RewardResult]] = []
    alive = list(range(n))
    while len(alive) > 1:
        matches = [(alive[k], alive[k + 1]) for k in range(0, len(alive) - 1, 2)]
        bye = [alive[-1]] if len(alive) % 2 else []
        results = list(await asyncio.gather(*(judge_pair(_pair(sample, i, j)) for i, j in matches)))
        calls += results
        alive = []
        for (i, j), (ri, rj) in zip(matches, results):
            bad = ri if not ri.ok else rj if not rj.ok else None
            if bad is not None:
                failed[i] = failed[j] = _failure("tournament", i, j, bad)
                continue
            if (ri.score or 0.0) == (rj.score or 0.0):
                ties.append([i, j])
            winner = j if (rj.score or 0.0) > (ri.score or 0.0) else i
            alive.append(winner)
        alive += bye
        for k in alive:
            won[k] += 1
    cost = len(calls)
    out = []
    for k in range(n):
        if k in failed:
            out.append(failed[k])
            continue
        details = {"pairing": "tournament", "comparisons": cost, "rounds_won": won[k], "rounds": rounds}
        if ties:
            details["ties_to_the_earlier"] = ties
        champion = " (the winner)" if won[k] == rounds else ""
        reason = f"won {won[k]} of {rounds} knockout rounds{champion}; {cost} comparisons in all"
        out.append(RewardResult(score=won[k] / rounds, reason=reason, details=details))
    return out, calls
