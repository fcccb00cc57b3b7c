"""Where one `code.execution` run's CPU goes: the host, the sandbox template, and the processes it forks.

Run: .venv/bin/python bench/bench_code_cpu.py   (writes bench/results/code_cpu.md; ~10 s)

The reward is called directly, one run at a time on one thread (no pool), over the shared
HumanEval call cases of `bench_code.py` (canonical solutions). CPU times come from the kernel:
this process's own (`getrusage`), and the template's own and its reaped children's
(`/proc/<pid>/stat`: utime+stime, cutime+cstime, minflt, cminflt). A diagnostic, not a contest:
`bench_code.py` is the comparison with the peer.
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_code import load  # noqa: E402

ROUNDS = 4


def template_stat(pid: int) -> tuple[int, int, float, float]:
    """(minor faults, children's minor faults, CPU seconds, children's CPU seconds) of a process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return (
        int(fields[7]),
        int(fields[8]),
        (int(fields[11]) + int(fields[12])) / tick,
        (int(fields[13]) + int(fields[14])) / tick,
    )


def main() -> None:
    from rmg_plugin_code import forkserver
    from rmg_plugin_code.cases import plan_from_reference
    from rmg_plugin_code.execution import CodeExecution

    _, shared = load()
    reward = CodeExecution()
    runs = [(plan_from_reference(item["reference"]), item["response"]) for item in shared]
    for plan, response in runs[:20]:  # warm up: the template starts, first-use costs are paid
        reward._run(plan, response)
    template = forkserver.get_server().proc.pid
    before, own_before = template_stat(template), resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    passed = sum(reward._run(plan, response).score == 1.0 for _ in range(ROUNDS) for plan, response in runs)
    wall = time.perf_counter() - started
    after, own_after = template_stat(template), resource.getrusage(resource.RUSAGE_SELF)
    n = ROUNDS * len(runs)
    host = (own_after.ru_utime + own_after.ru_stime) - (own_before.ru_utime + own_before.ru_stime)
    rows = [
        ("host (the reward's own work: extract, compile, pipes, verdicts)", host, None),
        ("sandbox template (forks, clean-up after each run)", after[2] - before[2], after[0] - before[0]),
        ("processes the template forked (the runs themselves)", after[3] - before[3], after[1] - before[1]),
    ]
    lines = [
        "# code.execution: CPU per run",
        "",
        (
            f"Command: `.venv/bin/python bench/bench_code_cpu.py` — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
            f"{platform.machine()}, nproc {os.cpu_count()}, Python {platform.python_version()}, load average "
            f"{os.getloadavg()[0]:.1f}; {n} runs ({ROUNDS} rounds of {len(runs)} HumanEval problems as call cases, "
            f"canonical solutions), one at a time on one thread, after {min(20, len(runs))} warm-up runs; "
            f"{passed}/{n} scored 1.0."
        ),
        "",
        "| where | CPU ms per run | minor page faults per run |",
        "|---|---|---|",
    ]
    for name, seconds, faults in rows:
        lines.append(f"| {name} | {1000 * seconds / n:.2f} | {'' if faults is None else f'{faults / n:.0f}'} |")
    lines += ["", f"Wall time per run (sequential): {1000 * wall / n:.2f} ms.", ""]
    text = "\n".join(lines)
    out = ROOT / "bench" / "results" / "code_cpu.md"
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
