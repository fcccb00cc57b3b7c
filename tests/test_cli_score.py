"""`rmg score` end to end in real subprocesses: bad lines, kill -9 and resume, summary, errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from rmgkit import RMG, RunRmg


def _write_input(path: Path, n: int, bad_at: int | None = None) -> None:
    lines = [json.dumps({"id": i, "prompt": "p", "response": "x" * (i % 50)}) for i in range(n)]
    if bad_at is not None:
        lines.insert(bad_at, '{"id": "broken", "response": ')
    path.write_text("\n".join(lines) + "\n")


def test_a_malformed_line_in_the_middle_is_reported_by_line_number_and_the_rest_is_scored(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    _write_input(tmp_path / "in.jsonl", 20, bad_at=10)
    proc = run_rmg("score", "testkit.length", "in.jsonl", "-o", "out.jsonl", plugins=[testkit_path], check=True)
    assert "in.jsonl:11: invalid JSON" in proc.stderr
    assert "bad lines skipped" in proc.stderr and "rows scored" in proc.stderr and "rows/s" in proc.stderr
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == list(range(20))
    assert all(r["reward"]["status"] == "ok" and r["reward"]["score"] == (r["id"] % 50) / 100 for r in rows)
    strict = run_rmg("score", "testkit.length", "in.jsonl", "-o", "s.jsonl", "--strict", plugins=[testkit_path])
    assert strict.returncode == 1 and "in.jsonl:11" in strict.stderr


def test_killed_with_sigkill_and_rerun_the_output_has_every_input_exactly_once(
    testkit_path: Path, tmp_path: Path
) -> None:
    n = 300
    _write_input(tmp_path / "in.jsonl", n, bad_at=150)
    out = tmp_path / "out.jsonl"
    args = [*RMG, "score", "testkit.length(delay=0.02)", "in.jsonl", "-o", str(out), "--workers", "2", "--no-progress"]
    env = {**os.environ, "PYTHONPATH": str(testkit_path)}
    proc = subprocess.Popen(
        args, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not out.exists() or out.read_text().count("\n") < n // 3):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its pool workers, mid-run
    proc.wait()
    written = out.read_text().count("\n")
    assert 0 < written < n, "the kill must land mid-run"
    done = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "resuming" in done.stderr
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert ids == list(range(n))


def test_unknown_rewards_and_bad_params_fail_with_a_clear_message(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    _write_input(tmp_path / "in.jsonl", 2)
    proc = run_rmg("score", "testkit.lenght", "in.jsonl", plugins=[testkit_path])
    assert proc.returncode != 0 and "did you mean 'testkit.length'" in proc.stderr
    proc = run_rmg("score", "testkit.length", "in.jsonl", "--param", "dellay=1", plugins=[testkit_path])
    assert proc.returncode != 0 and "dellay" in proc.stderr
    proc = run_rmg("score", "testkit.length", "nothere.jsonl", plugins=[testkit_path])
    assert proc.returncode != 0 and "nothere.jsonl: no such file" in proc.stderr


def test_a_reward_that_hangs_on_one_row_times_out_and_the_run_completes(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    rows = [{"id": i, "response": "sleep" if i == 3 else "ok"} for i in range(8)]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    run_rmg(
        "score", "testkit.sleepy", "in.jsonl", "-o", "out.jsonl", "--timeout", "1", plugins=[testkit_path], check=True
    )
    statuses = [json.loads(line)["reward"]["status"] for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert statuses == ["ok"] * 3 + ["timeout"] + ["ok"] * 4


def test_list_show_and_best_of_n(run_rmg: RunRmg, testkit_path: Path, tmp_path: Path) -> None:
    listing = run_rmg("list", plugins=[testkit_path], check=True).stdout
    assert "testkit.length" in listing and "rmg-plugin-testkit" in listing
    shown = run_rmg("show", "testkit.length", plugins=[testkit_path], check=True).stdout
    assert "delay" in shown and "float" in shown and "Example row" in shown
    missing = run_rmg("show", "testkit.lengt", plugins=[testkit_path])
    assert missing.returncode != 0 and "did you mean" in missing.stderr
    (tmp_path / "bon.jsonl").write_text(json.dumps({"prompt": "p", "responses": ["a", "abc", "ab"]}) + "\n")
    run_rmg("best-of-n", "testkit.length", "bon.jsonl", "-o", "best.jsonl", plugins=[testkit_path], check=True)
    row = json.loads((tmp_path / "best.jsonl").read_text())
    assert [(b["index"], b["response"]) for b in row["best"]] == [(1, "abc")]
    assert [r["score"] for r in row["reward"]] == [0.01, 0.03, 0.02]


def test_install_and_uninstall_use_rmgs_own_interpreter(run_rmg: RunRmg, tmp_path: Path) -> None:
    plugin = Path(__file__).parent / "fixtures" / "plugins" / "rmg-plugin-testkit"
    try:
        run_rmg("install", "--no-build-isolation", "--no-deps", str(plugin), check=True, timeout=300)
        assert "testkit.sleepy" in run_rmg("list", check=True).stdout
    finally:
        run_rmg("uninstall", "-y", "rmg-plugin-testkit", check=True)
    assert "testkit.sleepy" not in run_rmg("list", check=True).stdout
