"""`rmg bench` as a user runs it: real subprocesses, a scripted judge endpoint on 127.0.0.1, a run
killed mid-way and resumed, recorded scores replayed, two reports compared."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import rmg
from rmg.evaluation import run_benchmark
from rmg.testing import Reply, ScriptedLLMServer

DATA = (
    Path("/work/shared/data")
    if Path("/work/shared/data").is_dir()
    else Path(__file__).resolve().parents[3] / "shared" / "data"
)
LLMBAR = DATA / "preference" / "llmbar"
RMBENCH = str(DATA / "preference" / "rmbench_*.json")
JUDGEBENCH = DATA / "judge" / "judgebench_claude35sonnet.jsonl"
SHORTER = 'format.length(style="dapo", max_length=100000, buffer_length=100000, unit="chars")'
RMG = [sys.executable, "-m", "rmg"]

pytestmark = pytest.mark.skipif(not LLMBAR.is_dir(), reason="the shared offline data folder is not here")
ALWAYS_A = '{"critique": "Response A is better.", "choice": "A"}'


def bench(*args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [*RMG, "bench", *args],
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, "OPENAI_API_KEY": "test", **(env or {})},
        timeout=600,
    )
    if check:
        assert proc.returncode == 0, proc.stderr + proc.stdout
    return proc


def test_a_judge_that_always_picks_the_first_slot_shows_full_position_bias_and_gets_no_judgebench_credit(
    tmp_path: Path,
) -> None:
    with ScriptedLLMServer(ALWAYS_A) as server:
        judge = rmg.JudgeReward(
            principles=["Prefer the response whose final answer is correct"],
            mode="pairwise",
            swap=False,
            model="scripted-judge",
            base_url=server.base_url,
            cache=False,
            max_retries=0,
        )
        report = run_benchmark("judgebench", str(JUDGEBENCH), spec=judge, out=tmp_path, limit=40, rounds=50)
        assert len(server.requests) == 80  # both orders of 40 pairs
    pos = report["position"]
    assert pos["position_bias"] == 1.0 and pos["first_slot_rate"] == 1.0 and pos["order_consistency"] == 0.0
    assert report["overall"] == 0.0 and report["extra"]["tie"] == 1.0  # +1 - 1 = 0 on every pair
    assert report["endpoint"]["models"] == ["scripted-judge"]


def test_cli_pairwise_judge_turns_the_judges_own_swap_off_and_reports_bias(tmp_path: Path) -> None:
    with ScriptedLLMServer(ALWAYS_A) as server:
        out = tmp_path / "rep"
        proc = bench(
            "llmbar",
            str(LLMBAR / "Natural.json"),
            "--reward",
            "judge",
            "--mode",
            "pairwise",
            "--principle",
            "Follow the instruction",
            "--model",
            "scripted-judge",
            "--base-url",
            server.base_url,
            "--no-cache",
            "--limit",
            "10",
            "-o",
            str(out),
            "--no-progress",
        )
        assert len(server.requests) == 20  # 10 pairs x 2 orders, one call each: the judge's swap is off
    report = json.loads((out / "report.json").read_text())
    assert report["overall"] == 0.5  # right in exactly one order of every pair
    assert report["position"]["position_bias"] == 1.0
    assert "position bias 100.0%" in proc.stdout and "Natural" in proc.stdout


def test_a_killed_run_resumes_without_rescoring_what_was_done(tmp_path: Path) -> None:
    out = tmp_path / "rep"
    with ScriptedLLMServer(Reply(ALWAYS_A, delay=0.05)) as server:
        args = [
            "llmbar",
            str(LLMBAR / "Natural.json"),
            "--reward",
            "judge",
            "--mode",
            "pairwise",
            "--principle",
            "Follow it",
            "--model",
            "scripted-judge",
            "--base-url",
            server.base_url,
            "--no-cache",
            "--concurrency",
            "2",
            "--limit",
            "30",
            "-o",
            str(out),
            "--no-progress",
        ]
        proc = subprocess.Popen(
            [*RMG, "bench", *args],
            env={**os.environ, "OPENAI_API_KEY": "test"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        scores = out / "scores.jsonl"
        deadline = time.time() + 120
        while time.time() < deadline and (not scores.exists() or scores.read_text().count("\n") < 12):
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        done = scores.read_text().count("\n")
        assert 12 <= done < 60
        before = len(server.requests)
        bench(*args)
        rescored = len(server.requests) - before
    report = json.loads((out / "report.json").read_text())
    assert report["source"]["resumed_samples"] == done
    assert rescored == 60 - done  # only the samples not yet written were judged again
    assert report["items"] == 30 and report["overall"] == 0.5 and report["unscored"]["items"] == 0


def test_cli_run_replay_and_compare(tmp_path: Path) -> None:
    short, long = tmp_path / "short", tmp_path / "long"
    proc = bench("rm-bench", RMBENCH, "--reward", SHORTER, "--limit", "60", "-o", str(short), "--no-progress")
    assert "overall" in proc.stdout and "hard" in proc.stdout
    bench("rm-bench", RMBENCH, "--reward", f"-1*{SHORTER}", "--limit", "60", "-o", str(long), "--no-progress")
    a = json.loads((short / "report.json").read_text())
    b = json.loads((long / "report.json").read_text())
    assert a["spec"] == SHORTER and a["data_hash"] == b["data_hash"] and a["rmg_version"] == rmg.__version__
    assert a["extra"]["hard"] > b["extra"]["hard"] and a["extra"]["easy"] < b["extra"]["easy"]
    # replaying the recorded scores gives the same numbers, with no reward at all
    replay = tmp_path / "replay"
    bench("rm-bench", RMBENCH, "--scores", str(short / "scores.jsonl"), "--limit", "60", "-o", str(replay))
    again = json.loads((replay / "report.json").read_text())
    assert again["overall"] == a["overall"] and again["categories"] == a["categories"]
    # a run over another run's folder is refused instead of mixing results
    refused = bench("rm-bench", RMBENCH, "--reward", SHORTER, "--limit", "30", "-o", str(short), check=False)
    assert refused.returncode != 0 and "belongs to another run" in refused.stderr
    diff = bench("compare", str(short / "report.json"), str(long / "report.json")).stdout
    assert "overall" in diff and "yes" in diff  # length preference flipped: far beyond the noise
    same = bench("compare", str(short / "report.json"), str(replay / "report.json")).stdout
    assert "+0.0" in same and "yes" not in same
    for name in ("report.json", "report.md", "report.html"):
        assert (short / name).stat().st_size > 0
    md = (short / "report.md").read_text()
    assert "| **overall** |" in md and "sha256" in md


def test_cli_errors_name_the_problem(tmp_path: Path) -> None:
    proc = bench("no-such-bench", str(JUDGEBENCH), "--reward", SHORTER, check=False)
    assert proc.returncode != 0 and "unknown benchmark 'no-such-bench'" in proc.stderr
    proc = bench("judgebench", str(tmp_path / "missing.jsonl"), "--reward", SHORTER, check=False)
    assert proc.returncode != 0 and "no data files" in proc.stderr
    proc = bench("llmbar", str(LLMBAR / "Natural.json"), check=False)
    assert proc.returncode != 0 and "nothing to evaluate" in proc.stderr
    listing = bench("list").stdout
    assert "judgebench:" in listing and "rm-bench:" in listing and "rewardbench2:" in listing


def test_a_pairwise_judge_on_best_of_4_lists_judges_every_pair_in_both_orders(tmp_path: Path) -> None:
    rows = [
        {
            "id": str(k),
            "prompt": f"What is {k}+{k}?",
            "chosen": [str(2 * k)],
            "rejected": ["0", "x", "-1"],
            "subset": "Math",
        }
        for k in range(1, 4)
    ]
    data = tmp_path / "rb2.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with ScriptedLLMServer(ALWAYS_A) as server:
        judge = rmg.JudgeReward(
            principles=["Correct answer"],
            mode="pairwise",
            swap=False,
            model="scripted-judge",
            base_url=server.base_url,
            cache=False,
            max_retries=0,
        )
        report = run_benchmark("rewardbench2", str(data), spec=judge, out=tmp_path / "rep", rounds=20)
        assert len(server.requests) == 3 * 6 * 2  # all 6 pairs of 4 candidates, both orders
    # the chosen wins every pair where it is shown first and loses every other: 1/2 per prompt
    assert report["categories"] == [{"name": "Math", "score": 0.5, "ci": [0.5, 0.5], "items": 3, "unscored": 0}]
    assert report["intransitive"] == {"triples": 12.0, "intransitive": 0.0, "share": 0.0}
    assert report["position"]["position_bias"] == 1.0


def test_judge_failures_are_reported_apart_and_counted_as_the_official_rule_says(tmp_path: Path) -> None:
    rows = [
        {
            "pair_id": f"p{k}",
            "source": "mmlu-pro-math",
            "question": ("UNPARSEABLE " if k < 2 else "") + f"Q{k}?",
            "label": "A>B" if k % 2 else "B>A",
        }
        for k in range(6)
    ]
    for r in rows:
        r["response_A"], r["response_B"] = (
            ("RIGHT answer", "WRONG answer") if r["label"] == "A>B" else ("WRONG answer", "RIGHT answer")
        )
    data = tmp_path / "jb.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))

    def responder(request: dict) -> str:
        text = json.dumps(request["messages"])
        if "UNPARSEABLE" in text:
            return "I cannot decide."  # no choice: repaired once, then an error result
        return ALWAYS_A if text.rindex("RIGHT answer") < text.rindex("WRONG answer") else ALWAYS_A.replace('"A"', '"B"')

    with ScriptedLLMServer(responder) as server:
        judge = rmg.JudgeReward(
            principles=["Correct answer"],
            mode="pairwise",
            swap=False,
            model="scripted-judge",
            base_url=server.base_url,
            cache=False,
            max_retries=0,
        )
        report = run_benchmark("judgebench", str(data), spec=judge, out=tmp_path / "rep", rounds=20)
    assert report["unscored"]["items"] == 2 and set(report["unscored"]["examples"]) == {"p0", "p1"}
    assert report["overall"] == pytest.approx(4 / 6)  # the failed pairs stay in the denominator with 0
    assert report["unscored"]["overall_on_scored_items"] == 1.0
    assert "stays in the denominator" in report["unscored"]["counted_as"]
    assert report["statuses"] == {"ok": 16, "error": 8}
    assert report["position"]["order_consistency"] == 1.0 and report["position"]["position_bias"] == 0.0


def test_a_listwise_judge_sees_candidates_shuffled_so_a_first_slot_habit_earns_nothing_extra(tmp_path: Path) -> None:
    """Benchmark files list the chosen response first; a judge that always ranks the first shown
    response best is right only where the seeded shuffle happened to show the chosen one first."""
    rows = [
        {"id": str(k), "prompt": f"Q{k}", "chosen": [f"right {k}"], "rejected": ["w1", "w2", "w3"], "subset": "Math"}
        for k in range(40)
    ]
    data = tmp_path / "rb2.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with ScriptedLLMServer('{"critique": "First is best.", "ranking": [1, 2, 3, 4]}') as server:
        judge = rmg.JudgeReward(
            principles=["Correct answer"],
            mode="listwise",
            model="scripted-judge",
            base_url=server.base_url,
            cache=False,
            max_retries=0,
        )
        report = run_benchmark("rewardbench2", str(data), spec=judge, out=tmp_path / "rep", rounds=20)
        assert len(server.requests) == 40
    shown = [json.loads(line)["shown"] for line in (tmp_path / "rep" / "scores.jsonl").read_text().splitlines()]
    first = sum(order[0] == 0 for order in shown) / 40
    assert report["overall"] == pytest.approx(first) and 0.05 < first < 0.6
    replay = run_benchmark("rewardbench2", str(data), scores=str(tmp_path / "rep" / "scores.jsonl"), rounds=20)
    assert replay["overall"] == report["overall"]
