"""Run the host's tests and each plugin's tests as separate pytest sessions, then total them.

Plugins are independent distributions whose test folders may reuse module names (conftest.py,
test_plugin.py); one pytest session per folder keeps them apart, as each plugin's own CI would.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COUNT = re.compile(r"(\d+) (passed|failed|skipped|errors?|xfailed|xpassed)")


def main(argv: list[str]) -> int:
    suites = [ROOT / "tests", *sorted(p for p in (ROOT / "plugins").glob("*/tests") if p.is_dir())]
    totals: dict[str, int] = {}
    failed_suites = []
    for suite in suites:
        rel = suite.relative_to(ROOT)
        print(f"\n=== {rel} ===", flush=True)
        started = time.monotonic()
        # Streamed line by line, so a long suite shows its progress as it goes.
        proc = subprocess.Popen(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", str(rel), *argv],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        assert proc.stdout is not None
        chunks = []
        # Whatever pytest has written so far (its progress dots included), as soon as it is written.
        while chunk := proc.stdout.read1(4096):
            sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
            chunks.append(chunk)
        proc.wait()
        output = b"".join(chunks).decode(errors="replace")
        last = output.strip().splitlines()[-1] if output.strip() else ""
        for number, kind in COUNT.findall(last):
            kind = "errors" if kind.startswith("error") else kind
            totals[kind] = totals.get(kind, 0) + int(number)
        if proc.returncode not in (0, 5):  # 5: no tests collected (a plugin without tests yet)
            failed_suites.append(str(rel))
        print(f"--- {rel}: exit {proc.returncode} in {time.monotonic() - started:.0f}s", flush=True)
    print()
    if failed_suites:
        print(f"failing suites: {', '.join(failed_suites)}")
    failed = totals.get("failed", 0) + totals.get("errors", 0)
    extra = f", {totals['skipped']} skipped" if totals.get("skipped") else ""
    print(f"{totals.get('passed', 0)} passed, {failed} failed{extra}")
    return 1 if failed_suites or failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
