"""Principle induction as a LangGraph graph: from labelled pairs to a judge definition that helps.

    graph = create_principle_graph(model=chat_model, max_principles=5, iterations=2)
    final = await graph.ainvoke({"pairs": pairs})          # or {"fit": [...], "held_out": [...]}
    final["definition"]   # {"name", "scenario", "principles", "mode": "pairwise"}: a judge file
    final["report"]       # held-out accuracy: baseline vs each iteration, with n and a 95% interval

Steps: split the pairs into fit and held-out sets (seeded) -> measure the no-principle baseline on
the held-out pairs -> for a batch of fit pairs, ask the model which general principle explains
each preference -> merge near-duplicates (token overlap), counting how many pairs support each ->
build a few candidate sets of at most `max_principles` -> measure each with rmg's own pairwise
judge (`JudgeReward`, both orders) on the held-out pairs -> keep the best -> next iteration with
the next batch of fit pairs, the current best set among the candidates.

Accuracy counts a consistent verdict for the preferred response as 1, a tie or an
order-dependent verdict as 1/2, a verdict for the other response as 0; pairs whose judging failed
are left out of n and counted as errors. The interval is Wilson's 95% score interval on n.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from typing import Any, TypedDict

from rmg.core.chat import ChatError

from .common import require_langgraph, resolve_model
from .sync import dual_node

__all__ = ["PrincipleState", "create_principle_graph", "merge_principles", "wilson"]

PROPOSE = """Here is a request and two responses to it. A careful human preferred Response {better}.

[Request]
{request}

[Response A]
{a}
[End of response A]

[Response B]
{b}
[End of response B]

{known}State ONE general principle (useful for judging other requests too, not specific to this one) \
that explains why Response {better} is better. Reply with the principle only, as one sentence."""


class PrincipleState(TypedDict, total=False):
    pairs: list[dict[str, Any]]
    fit: list[dict[str, Any]]
    held_out: list[dict[str, Any]]
    scenario: str
    iteration: int
    pool: list[dict[str, Any]]
    best: list[str]
    best_accuracy: dict[str, Any] | None
    baseline: dict[str, Any]
    iterations: list[dict[str, Any]]
    definition: dict[str, Any]
    report: dict[str, Any]


def wilson(successes: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson's score interval for a proportion (half credits allowed): (low, high)."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _stem(word: str) -> str:
    for suffix in ("ing", "es", "ed", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


_STOP = {
    "the",
    "and",
    "that",
    "for",
    "with",
    "are",
    "this",
    "response",
    "responses",
    "prefer",
    "better",
    "should",
    "one",
}


def _words(text: str) -> set[str]:
    return {_stem(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2 and w not in _STOP}


def merge_principles(pool: list[dict[str, Any]], new: list[str], *, overlap: float = 0.5) -> list[dict[str, Any]]:
    """Add principles to a pool, merging near-duplicates (Jaccard overlap of content words)."""
    merged = [dict(p) for p in pool]
    for text in new:
        words = _words(text)
        if not words:
            continue
        match = None
        for entry in merged:
            other = _words(entry["text"])
            if len(words & other) / len(words | other) >= overlap:
                match = entry
                break
        if match is None:
            merged.append({"text": text, "support": 1})
        else:
            match["support"] += 1
            if len(text) < len(match["text"]):  # the tersest wording of the same idea
                match["text"] = text
    return merged


def _clean(text: str) -> str:
    line = next((x for x in text.strip().splitlines() if x.strip()), "")
    line = re.sub(r"^\s*(?:[-*\d.)]+\s*)?(?:\*\*)?(?:principle\s*:?)(?:\*\*)?\s*", "", line, flags=re.IGNORECASE)
    return line.strip().strip('"').strip()[:300]


def _request_text(prompt: list[dict[str, str]]) -> str:
    return "\n\n".join(f"{m['role'].capitalize()}: {m['content']}" if len(prompt) > 1 else m["content"] for m in prompt)


def _candidates(pool: list[dict[str, Any]], best: list[str], k: int, limit: int) -> list[list[str]]:
    ranked = [p["text"] for p in sorted(pool, key=lambda p: -p["support"])]
    sets = [ranked[:k], ranked[: max(1, k // 2)], (best + [p for p in ranked if p not in best])[:k]]
    sets += [[p] for p in ranked[:3]]
    out: list[list[str]] = []
    for s in sets:
        if s and s not in out:
            out.append(s)
    return out[:limit]


def create_principle_graph(
    *,
    model: Any,
    judge: Any = None,
    max_principles: int = 5,
    iterations: int = 2,
    batch_size: int = 8,
    max_candidates: int = 4,
    held_out: float = 0.5,
    scenario: str = "",
    seed: int = 0,
    concurrency: int = 16,
    checkpointer: Any = None,
    store: Any = None,
    name: str | None = None,
) -> Any:
    """A compiled principle-induction graph (see the module docstring). `model` proposes
    principles; `judge` (default: the same model) is the pairwise judge they are measured with."""
    require_langgraph()
    import asyncio

    from langgraph.config import get_stream_writer
    from langgraph.graph import END, START, StateGraph

    from rmg.core.runner import Runner
    from rmg.judges import JudgeReward

    if max_principles < 1 or iterations < 1:
        raise ValueError("max_principles and iterations must be at least 1")
    proposer = resolve_model(model)
    judge_chat = resolve_model(judge) if judge is not None else proposer
    gate = asyncio.Semaphore  # made per call: a semaphore belongs to one loop

    async def accuracy(principles: list[str], pairs: list[dict[str, Any]], scenario_text: str) -> dict[str, Any]:
        reward = JudgeReward(model=judge_chat, mode="pairwise", principles=principles, scenario=scenario_text)
        runner = Runner(reward, concurrency=concurrency)
        samples = [{"prompt": p["prompt"], "candidates": [p["chosen"], p["rejected"]]} for p in pairs]
        credit, n, errors, ties = 0.0, 0, 0, 0
        try:
            async for scored in runner.astream(samples):
                first = scored.results[0]
                if not first.ok or first.score is None:
                    errors += 1
                    continue
                n += 1
                credit += first.score  # 1 chosen won, 0.5 tie/inconsistent, 0 rejected won
                ties += first.score == 0.5
        finally:
            runner.close()
        low, high = wilson(credit, n)
        return {
            "accuracy": credit / n if n else None,
            "n": n,
            "ci95": [round(low, 4), round(high, 4)],
            "ties": ties,
            "errors": errors,
        }

    async def split(state: PrincipleState) -> dict[str, Any]:
        if state.get("fit") and state.get("held_out"):
            fit, held = list(state["fit"]), list(state["held_out"])
        else:
            pairs = list(state.get("pairs") or [])
            if len(pairs) < 2:
                raise ValueError("principle induction needs at least 2 pairs (some to fit, some held out)")
            random.Random(seed).shuffle(pairs)
            cut = min(max(1, round(len(pairs) * (1 - held_out))), len(pairs) - 1)
            fit, held = pairs[:cut], pairs[cut:]
        return {
            "fit": fit,
            "held_out": held,
            "iteration": 0,
            "pool": [],
            "best": [],
            "best_accuracy": None,
            "iterations": [],
            "scenario": state.get("scenario") or scenario,
        }

    async def baseline(state: PrincipleState) -> dict[str, Any]:
        result = await accuracy([], state["held_out"], state["scenario"])
        get_stream_writer()({"event": "baseline", **result})
        return {"baseline": result}

    async def propose(state: PrincipleState) -> dict[str, Any]:
        fit, i = state["fit"], state["iteration"]
        batch = [fit[(i * batch_size + j) % len(fit)] for j in range(min(batch_size, len(fit)))]
        known = ""
        if state.get("best"):
            listed = "\n".join(f"- {p}" for p in state["best"])
            known = f"Principles already known (state a different one if they do not explain this preference):\n{listed}\n\n"
        semaphore = gate(concurrency)

        async def one(pair: dict[str, Any]) -> str | None:
            # Which side is shown first is fixed per pair, so the position never hints at the label.
            flip = int(hashlib.sha256(str(pair.get("chosen", "")).encode()).hexdigest(), 16) % 2 == 1
            a, b = (pair["rejected"], pair["chosen"]) if flip else (pair["chosen"], pair["rejected"])
            text = PROPOSE.format(
                better="B" if flip else "A", request=_request_text(pair["prompt"]), a=a, b=b, known=known
            )
            async with semaphore:
                try:
                    response = await proposer.chat([{"role": "user", "content": text}], temperature=0.0, max_tokens=200)
                except ChatError:
                    return None
            return _clean(response.content) or None

        answers = await asyncio.gather(*(one(p) for p in batch))
        found = [p for p in answers if p]
        pool = merge_principles(state["pool"], found)
        failed = len(answers) - len(found)  # model errors or empty answers: reported, not hidden
        get_stream_writer()(
            {"event": "proposed", "iteration": i + 1, "principles": found, "failed": failed, "pool": len(pool)}
        )
        return {"pool": pool}

    async def evaluate(state: PrincipleState) -> dict[str, Any]:
        sets = _candidates(state["pool"], state["best"], max_principles, max_candidates)
        results = await asyncio.gather(*(accuracy(s, state["held_out"], state["scenario"]) for s in sets))
        tried = [{"principles": s, **r} for s, r in zip(sets, results)]
        best, best_acc = state["best"], state["best_accuracy"]
        for entry in tried:
            if entry["accuracy"] is None:
                continue
            # Higher accuracy wins; at equal accuracy the shorter set (fewer principles to follow).
            if best_acc is None or (entry["accuracy"], -len(entry["principles"])) > (best_acc["accuracy"], -len(best)):
                best = entry["principles"]
                best_acc = {k: entry[k] for k in ("accuracy", "n", "ci95", "ties", "errors")}
        record = {"iteration": state["iteration"] + 1, "candidates": tried, "best": best, "best_accuracy": best_acc}
        get_stream_writer()({"event": "iteration", **record})
        return {
            "best": best,
            "best_accuracy": best_acc,
            "iterations": [*state["iterations"], record],
            "iteration": state["iteration"] + 1,
        }

    def more(state: PrincipleState) -> str:
        done = state["best_accuracy"] is not None and state["best_accuracy"]["accuracy"] == 1.0
        return "report" if done or state["iteration"] >= iterations else "propose"

    def report(state: PrincipleState) -> dict[str, Any]:
        base, best = state["baseline"], state["best_accuracy"]
        summary = {
            "fit_pairs": len(state["fit"]),
            "held_out_pairs": len(state["held_out"]),
            "baseline": base,
            "iterations": [
                {"iteration": r["iteration"], "principles": r["best"], **(r["best_accuracy"] or {})}
                for r in state["iterations"]
            ],
            "final": best,
            "improved": bool(best and base["accuracy"] is not None and best["accuracy"] > base["accuracy"]),
        }
        definition = {
            "name": name or "induced",
            "scenario": state["scenario"],
            "principles": state["best"],
            "mode": "pairwise",
        }
        return {"report": summary, "definition": definition}

    builder = StateGraph(PrincipleState)
    builder.add_node("split", dual_node(split, "split"))
    builder.add_node("baseline", dual_node(baseline, "baseline"))
    builder.add_node("propose", dual_node(propose, "propose"))
    builder.add_node("evaluate", dual_node(evaluate, "evaluate"))
    builder.add_node("report", report)
    builder.add_edge(START, "split")
    builder.add_edge("split", "baseline")
    builder.add_edge("baseline", "propose")
    builder.add_edge("propose", "evaluate")
    builder.add_conditional_edges("evaluate", more, ["propose", "report"])
    builder.add_edge("report", END)
    graph = builder.compile(checkpointer=checkpointer, store=store, name=name or "rmg_principles")
    return graph.with_config(recursion_limit=2 * iterations + 10)
