"""report.html: one self-contained page (inline CSS and SVG, no script, no network), viewable offline."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from .report import COUNT_EXTRAS, ci_text, markdown, pct, reward_text

__all__ = ["render_html"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:980px;color:#1d232a}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccd3da;padding:.25rem .6rem;text-align:right}
td:first-child,th:first-child{text-align:left}.meta{color:#4a5560;font-size:.9rem}
svg text{font-size:12px;fill:#1d232a}.note{color:#4a5560}
"""


def bar_chart(rows: Sequence[tuple[str, float | None, Sequence[float] | None]], *, chart_id: str, title: str) -> str:
    """Horizontal bars on [0, 100] % with interval whiskers: (label, value, [low, high])."""
    width, left, right, bar_h, gap, top = 760, 190, 60, 22, 10, 28
    plot = width - left - right
    height = top + len(rows) * (bar_h + gap) + 30
    parts = [
        (
            f'<svg id="{chart_id}" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
        ),
        f'<text x="{left}" y="16" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in range(0, 101, 25):
        x = left + plot * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 24}" stroke="#e3e8ed"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle">{tick}%</text>')
    for k, (label, value, ci) in enumerate(rows):
        y = top + k * (bar_h + gap)
        parts.append(f'<text x="{left - 8}" y="{y + bar_h * 0.7:.1f}" text-anchor="end">{escape(label)}</text>')
        if value is None:
            parts.append(f'<text x="{left + 4}" y="{y + bar_h * 0.7:.1f}" class="note">no score</text>')
            continue
        w = max(plot * value, 1.0)
        parts.append(f'<rect class="bar" x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#3d7ab8"/>')
        if ci:
            x1, x2 = left + plot * ci[0], left + plot * ci[1]
            mid = y + bar_h / 2
            parts.append(
                f'<g class="ci" stroke="#1d232a" stroke-width="1.5"><line x1="{x1:.1f}" y1="{mid}" x2="{x2:.1f}" y2="{mid}"/>'
                f'<line x1="{x1:.1f}" y1="{mid - 6}" x2="{x1:.1f}" y2="{mid + 6}"/>'
                f'<line x1="{x2:.1f}" y1="{mid - 6}" x2="{x2:.1f}" y2="{mid + 6}"/></g>'
            )
        parts.append(f'<text x="{left + plot + 6}" y="{y + bar_h * 0.7:.1f}">{pct(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(report: dict[str, Any]) -> str:
    cats = [(c["name"], c["score"], c["ci"]) for c in report["categories"]]
    cats.append(("overall", report["overall"], report["overall_ci"]))
    body = [
        f"<h1>rmg bench: {escape(report['benchmark'])}</h1>",
        (
            f'<p class="meta">reward <code>{escape(reward_text(report))}</code> · '
            f"data <code>{escape(str(report.get('data')))}</code> ({report['items']} items, sha256 {escape(str(report.get('data_hash'))[:12])}) · "
            f"rmg {escape(str(report.get('rmg_version')))} · model(s) {escape(', '.join(report.get('endpoint', {}).get('models') or []) or '-')}</p>"
        ),
        f"<p>{escape(report['description'])}. Rule: {escape(report['rule'])}.</p>",
        "<h2>Score per category (bars: score; whiskers: 95% bootstrap interval)</h2>",
        bar_chart(cats, chart_id="categories-chart", title=f"{report['benchmark']}: score per category (%)"),
        "<table><tr><th>category</th><th>items</th><th>score %</th><th>95% CI</th><th>unscored</th></tr>",
    ]
    for c in report["categories"]:
        body.append(
            f"<tr><td>{escape(c['name'])}</td><td>{c['items']}</td><td>{pct(c['score'])}</td><td>{ci_text(c['ci'])}</td><td>{c['unscored']}</td></tr>"
        )
    body.append(
        f"<tr><th>overall</th><th>{report['items']}</th><th>{pct(report['overall'])}</th><th>{ci_text(report['overall_ci'])}</th><th>{report['unscored']['items']}</th></tr></table>"
    )
    extra_ci = report.get("extra_ci") or {}
    shares = [
        (k, v, extra_ci.get(k)) for k, v in report.get("extra", {}).items() if v is not None and k not in COUNT_EXTRAS
    ]
    if shares:
        body.append("<h2>Other figures of the official rule</h2>")
        body.append(bar_chart(shares, chart_id="extras-chart", title=f"{report['benchmark']}: other figures (%)"))
    u = report["unscored"]
    body.append(
        f"<p>Unscored items: {u['items']} ({pct(u['share'])}%): {escape(u['counted_as'])}. Overall on scored items only: {pct(u['overall_on_scored_items'])}%.</p>"
    )
    body.append("<h2>Position bias (pairwise verdicts in both orders)</h2>")
    p = report.get("position")
    if p:
        rows = [
            ("order consistent", p["order_consistency"], None),
            ("position bias", p["position_bias"], None),
            ("first slot both orders", p["first_first"], None),
            ("second slot both orders", p["second_second"], None),
            ("first slot picked", p["first_slot_rate"], None),
        ]
        body.append(
            bar_chart(rows, chart_id="position-chart", title="verdicts that follow the slot, not the answer (%)")
        )
    else:
        body.append(
            '<p class="note">Not applicable: the reward scores candidates without showing them in slots (pointwise / listwise).</p>'
        )
    if report.get("intransitive"):
        t = report["intransitive"]
        body.append(f"<p>Intransitive triples: {t['intransitive']:g} of {t['triples']:g} ({pct(t['share'])}%).</p>")
    body.append(f"<h2>Markdown summary</h2><pre>{escape(markdown(report))}</pre>")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>rmg bench: {escape(report['benchmark'])}</title><style>{_CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )
