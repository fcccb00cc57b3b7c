"""How long `import rmg` takes (target < 0.5 s), beside the peer's import, in the same run.

Run: .venv/bin/python bench/bench_import.py   (writes bench/results/import.md)
"""

from __future__ import annotations

import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEER = ROOT / "bench" / ".peers" / "rm-gallery" / "bin" / "python"
REPEATS = 15


def seconds(python: str, code: str) -> float:
    started = time.perf_counter()
    subprocess.run([python, "-c", code], check=True, capture_output=True, cwd="/tmp")
    return time.perf_counter() - started


def main() -> None:
    cases = {
        "python (empty)": (sys.executable, "pass"),
        "import rmg": (sys.executable, "import rmg"),
        "import rmg; rmg.Sample (pydantic loaded)": (sys.executable, "import rmg; rmg.Sample"),
        "import rmg; rmg.evaluate (runner loaded)": (sys.executable, "import rmg; rmg.evaluate"),
    }
    if PEER.exists():
        cases["peer: import rm_gallery.core.reward.registry"] = (str(PEER), "import rm_gallery.core.reward.registry")
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(REPEATS):  # interleaved, so machine noise hits every case alike
        for name, (python, code) in cases.items():
            times[name].append(seconds(python, code))
    lines = [
        "# `import rmg` time",
        "",
        f"Command: `.venv/bin/python bench/bench_import.py` — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"{platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores, Python {platform.python_version()}; "
        f"median of {REPEATS} fresh interpreters (wall time, includes interpreter start).",
        "",
        "| case | median s | min s |",
        "|---|---|---|",
    ]
    for name, values in times.items():
        lines.append(f"| {name} | {statistics.median(values):.3f} | {min(values):.3f} |")
    base = statistics.median(times["python (empty)"])
    rmg_only = statistics.median(times["import rmg"]) - base
    lines += ["", f"`import rmg` alone (minus interpreter start): {rmg_only:.3f} s (target < 0.5 s)."]
    if "peer: import rm_gallery.core.reward.registry" in times:
        peer = statistics.median(times["peer: import rm_gallery.core.reward.registry"]) - base
        lines.append(
            f"Peer import minus interpreter start: {peer:.3f} s; ratio peer / rmg: {peer / max(rmg_only, 1e-3):.1f}x."
        )
    text = "\n".join(lines) + "\n"
    out = ROOT / "bench" / "results" / "import.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
