"""Resuming an output (corrupt lines, failed rows) and how a run ends (early stop, exit code,
summary), through the real `rmg score` CLI in a subprocess (issues 10 and 16)."""

from __future__ import annotations

import json
from pathlib import Path

from rmgkit import RunRmg


def _write(path: Path, n: int) -> None:
    path.write_text("".join(json.dumps({"id": i, "response": "x" * (i % 50)}) + "\n" for i in range(n)))


def _out(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_corrupt_line_in_the_middle_of_an_output_keeps_every_intact_row_and_rescores_only_the_missing(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    _write(tmp_path / "in.jsonl", 3000)
    run_rmg("score", "testkit.length", "in.jsonl", "-o", "out.jsonl", plugins=[testkit_path], check=True)
    lines = (tmp_path / "out.jsonl").read_text().splitlines(keepends=True)
    marked = [json.loads(line) for line in lines]
    for row in marked:
        row["reward"]["reason"] = "from the first run"
    lines = [json.dumps(r) + "\n" for r in marked]
    lines[1499] = '{"id": 1499, "response": "torn\n'  # line 1500 corrupt
    lines[2000] = "\x00\x00garbage\n"  # line 2001 corrupt
    lines = lines[:2500]  # and the last 500 rows never written
    (tmp_path / "out.jsonl").write_text("".join(lines))
    proc = run_rmg("score", "testkit.length", "in.jsonl", "-o", "out.jsonl", plugins=[testkit_path], check=True)
    assert "2 corrupt line(s) (1500, 2001)" in proc.stderr, proc.stderr
    rows = _out(tmp_path / "out.jsonl")
    assert [r["id"] for r in rows] == list(range(3000))
    rescored = [r["id"] for r in rows if r["reward"]["reason"] != "from the first run"]
    assert rescored == [1499, 2000, *range(2500, 3000)]
    assert all(r["reward"]["score"] == (r["id"] % 50) / 100 for r in rows)
    assert "rows scored             │ 502" in proc.stderr or "rows scored │ 502" in " ".join(proc.stderr.split())


def test_resume_rescores_rows_that_ended_error_or_timeout_and_says_how_many(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    _write(tmp_path / "in.jsonl", 6)
    first = run_rmg(
        "score",
        "testkit.length(delay=5)",
        "in.jsonl",
        "-o",
        "out.jsonl",
        "--timeout",
        "0.5",
        "--limit",
        "3",
        plugins=[testkit_path],
    )
    assert first.returncode == 1 and "no row was scored" in first.stderr
    assert [r["reward"]["status"] for r in _out(tmp_path / "out.jsonl")] == ["timeout"] * 3
    kept = run_rmg("score", "testkit.length", "in.jsonl", "-o", "kept.jsonl", plugins=[testkit_path])
    (tmp_path / "kept.jsonl").write_text((tmp_path / "out.jsonl").read_text())
    kept = run_rmg("score", "testkit.length", "in.jsonl", "-o", "kept.jsonl", "--keep-failed", plugins=[testkit_path])
    assert (
        kept.returncode == 0 and [r["reward"]["status"] for r in _out(tmp_path / "kept.jsonl")][:3] == ["timeout"] * 3
    )
    again = run_rmg("score", "testkit.length", "in.jsonl", "-o", "out.jsonl", plugins=[testkit_path], check=True)
    assert "re-scoring 3 that ended error or timeout" in again.stderr, again.stderr
    rows = _out(tmp_path / "out.jsonl")
    assert [r["id"] for r in rows] == list(range(6)) and all(r["reward"]["status"] == "ok" for r in rows)


def test_a_configuration_error_that_fails_every_row_stops_the_run_early(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "in.jsonl").write_text("".join(json.dumps({"id": i, "response": "r"}) + "\n" for i in range(500)))
    proc = run_rmg(
        "score",
        "judge",
        "--principle",
        "be helpful",
        "--model",
        "m",
        "--base-url",
        "http://127.0.0.1:9/v1",  # nothing listens on port 9
        "in.jsonl",
        "-o",
        "out.jsonl",
        timeout=240,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    error = [line for line in proc.stderr.splitlines() if line.startswith("Error:")]
    assert len(error) == 1 and "the first 10 rows all failed with the same error" in error[0]
    assert "127.0.0.1:9" in error[0]
    assert len(_out(tmp_path / "out.jsonl")) < 100


def test_exit_is_non_zero_with_the_reason_when_no_row_was_scored(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "in.jsonl").write_text("".join(json.dumps({"id": i, "prompt": "p"}) + "\n" for i in range(3)))
    proc = run_rmg("score", "testkit.length", "in.jsonl", "-o", "out.jsonl", plugins=[testkit_path])
    assert proc.returncode == 1 and "Error: no row was scored: all 3 rows failed" in proc.stderr, proc.stderr
    (tmp_path / "empty.jsonl").write_text("")
    proc = run_rmg("score", "testkit.length", "empty.jsonl", plugins=[testkit_path])
    assert proc.returncode == 1 and "empty.jsonl has no rows" in proc.stderr


def test_the_summary_shows_failure_reasons_with_counts_and_never_mean_nan(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    rows = [{"id": 0, "prompt": "p"}, {"id": 1, "prompt": "p"}, {"id": 2, "response": "zz"}, {"id": 3, "response": "n"}]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    proc = run_rmg("score", "testkit.number", "in.jsonl", "-o", "out.jsonl", plugins=[testkit_path])
    text = " ".join(proc.stderr.split())
    assert "2 x invalid_input: no response: field 'response' is missing" in text, proc.stderr
    assert "2 x error: ValueError: could not convert string to float: '...'" in text
    assert "nan" not in proc.stderr.lower().replace("nanoseconds", "")
    (tmp_path / "bad.jsonl").write_text(json.dumps({"id": 0, "prompt": "p"}) + "\n")
    proc = run_rmg("score", "testkit.length", "bad.jsonl", "-o", "bad.out", plugins=[testkit_path])
    assert "no ok results" in proc.stderr and "nan" not in proc.stderr


def test_a_fully_resumed_run_does_not_print_zero_rows_per_second(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    _write(tmp_path / "in.jsonl", 5)
    run_rmg("score", "testkit.length", "in.jsonl", "-o", "out.jsonl", plugins=[testkit_path], check=True)
    again = run_rmg("score", "testkit.length", "in.jsonl", "-o", "out.jsonl", plugins=[testkit_path], check=True)
    assert "0.0 rows/s" not in again.stderr and "nothing left to score" in again.stderr


def test_a_rebuild_interrupted_midway_keeps_the_old_rows_not_reached_yet(tmp_path: Path) -> None:
    from rmg.core.resume import ResumableWriter

    out = tmp_path / "out.jsonl"
    old = [json.dumps({"id": i, "reward": {"status": "ok", "score": 1.0}}) + "\n" for i in range(6)]
    old[1] = "not json\n"
    out.write_text("".join(old))
    writer = ResumableWriter(out)
    assert writer.corrupt == [2] and writer.done == 5 and writer.rebuilding
    try:
        with writer:
            writer.write_kept(1)
            writer.write({"id": 1, "reward": {"status": "ok", "score": 0.5}})
            raise KeyboardInterrupt  # Ctrl-C before the rebuild reached the end of the old rows
    except KeyboardInterrupt:
        pass
    rows = out.read_text().splitlines()
    assert len(rows) == 6 and json.loads(rows[1])["reward"]["score"] == 0.5
    assert [json.loads(r)["id"] for r in rows] == list(range(6))
    assert not list(tmp_path.glob(".*rmg-partial"))
