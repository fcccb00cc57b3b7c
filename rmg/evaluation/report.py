"""Reading and writing reports: report.json, the markdown summary, the number formats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .base import BenchmarkError

__all__ = ["ci_text", "extra_text", "load_report", "markdown", "pct", "reward_text"]


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
