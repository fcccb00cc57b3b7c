"""The report directory (report.json, report.md, report.html) and the comparison of two reports."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from .base import BenchmarkError

__all__ = ["ci_text", "compare_reports", "extra_text", "load_report", "markdown", "pct"]


def pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


COUNT_EXTRAS = {"votes_without_tie"}  # extras that are counts, not shares


def extra_text(key: str, value: float) -> str:
    return f"{value:g}" if key in COUNT_EXTRAS else f"{pct(value)}%"


def reward_text(report: dict[str, Any]) -> str:
    """The spec evaluated, or for a replay the recorded scores (and the spec that made them, if known)."""
    if report.get("spec"):
        return str(report["spec"])
    source = report.get("source", {})
    made_by = f" (recorded by {source['recorded_spec']})" if source.get("recorded_spec") else ""
    return f"recorded scores {source.get('scores_file')}{made_by}"


def ci_text(ci: list[float] | None) -> str:
    return "-" if not ci else f"[{pct(ci[0])}, {pct(ci[1])}]"


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"# rmg bench: {report['benchmark']}",
        "",
        f"- reward: `{reward_text(report)}`",
        f"- data: `{report.get('data')}` (sha256 {str(report.get('data_hash'))[:12]}), {report['items']} items",
        f"- rmg {report.get('rmg_version')}, endpoint model(s): {', '.join(report.get('endpoint', {}).get('models') or []) or '-'}",
        f"- what the number means: {report['description']}",
        f"- rule: {report['rule']}",
        "",
        "| category | items | score (%) | 95% CI | unscored |",
        "|---|---:|---:|---|---:|",
    ]
    for c in report["categories"]:
        lines.append(f"| {c['name']} | {c['items']} | {pct(c['score'])} | {ci_text(c['ci'])} | {c['unscored']} |")
    lines.append(
        f"| **overall** | {report['items']} | **{pct(report['overall'])}** | {ci_text(report['overall_ci'])} | {report['unscored']['items']} |"
    )
    if report.get("extra"):
        lines += [
            "",
            "Extras: " + ", ".join(f"{k} {extra_text(k, v)}" for k, v in report["extra"].items() if v is not None),
        ]
    u = report["unscored"]
    lines += [
        "",
        f"Unscored items: {u['items']} ({pct(u['share'])}%): {u['counted_as']}; overall on scored items only: {pct(u['overall_on_scored_items'])}%.",
    ]
    if report.get("position"):
        p = report["position"]
        lines += [
            "",
            (
                f"Position (pairwise, both orders): order consistency {pct(p['order_consistency'])}%, position bias "
                f"{pct(p['position_bias'])}% (first-first {pct(p['first_first'])}%, second-second {pct(p['second_second'])}%), "
                f"first slot picked {pct(p['first_slot_rate'])}% of decisive verdicts, ties {pct(p['tie_rate'])}%."
            ),
        ]
    if report.get("intransitive"):
        t = report["intransitive"]
        lines += ["", f"Intransitive triples: {t['intransitive']:g} of {t['triples']:g} ({pct(t['share'])}%)."]
    return "\n".join(lines) + "\n"


def load_report(path: str) -> dict[str, Any]:
    p = Path(path)
    if p.is_dir():
        p = p / "report.json"
    try:
        report = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BenchmarkError(f"{p}: not a readable report.json ({exc})") from None
    if not isinstance(report, dict) or "overall" not in report or "categories" not in report:
        raise BenchmarkError(f"{p}: not an rmg bench report (no 'overall' / 'categories')")
    return report


def _se(ci: list[float] | None) -> float | None:
    return None if not ci else (ci[1] - ci[0]) / (2 * 1.959964)


def compare_reports(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """B - A for overall and each shared category. `exceeds_noise`: |difference| > 1.96 x the
    combined standard error read off the two bootstrap intervals (independent-samples z test)."""
    rows = []
    a_cats = {c["name"]: c for c in a["categories"]}
    names = ["overall"] + [c["name"] for c in b["categories"] if c["name"] in a_cats]
    for name in names:
        ca = {"score": a["overall"], "ci": a.get("overall_ci")} if name == "overall" else a_cats[name]
        cb = (
            {"score": b["overall"], "ci": b.get("overall_ci")}
            if name == "overall"
            else next(c for c in b["categories"] if c["name"] == name)
        )
        row: dict[str, Any] = {
            "name": name,
            "a": ca["score"],
            "b": cb["score"],
            "difference": None,
            "z": None,
            "exceeds_noise": None,
        }
        if ca["score"] is not None and cb["score"] is not None:
            row["difference"] = cb["score"] - ca["score"]
            sa, sb = _se(ca.get("ci")), _se(cb.get("ci"))
            if sa is not None and sb is not None:
                se = math.hypot(sa, sb)
                row["z"] = row["difference"] / se if se > 0 else (0.0 if row["difference"] == 0 else math.inf)
                row["exceeds_noise"] = abs(row["z"]) > 1.959964
        rows.append(row)
    notes = []
    if a.get("benchmark") != b.get("benchmark"):
        notes.append(f"different benchmarks: {a.get('benchmark')} vs {b.get('benchmark')}")
    if a.get("data_hash") != b.get("data_hash"):
        notes.append("different data (data_hash differs): the comparison is across data sets")
    return {"a": reward_text(a), "b": reward_text(b), "rows": rows, "notes": notes}
