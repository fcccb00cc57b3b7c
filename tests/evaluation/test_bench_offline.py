"""rmg bench on the offline benchmark files, checked against short independent recomputations;
the recorded JudgeBench run replayed; loaders of RewardBench 2 and RMB on rows made here."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import rmg
from rmg.evaluation import BenchmarkError, get_benchmark, load_items, run_benchmark

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
if not DATA.is_dir():
    DATA = Path("/work/shared/data")
PREF, JUDGE = DATA / "preference", DATA / "judge"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "judgebench"
HAIKU_RUN = FIXTURES / "judgebench_claude35sonnet_arena_hard_claude3haiku_judgments.jsonl"

needs_data = pytest.mark.skipif(not PREF.is_dir(), reason="the shared offline data folder is not here")


@rmg.reward("benchtest.shorter")
def shorter(response: str) -> float:
    """A length preference: the shorter response scores higher (ties on equal length)."""
    return -float(len(response))


@needs_data
def test_rm_bench_with_a_length_preference_matches_an_independent_recount(tmp_path: Path) -> None:
    report = run_benchmark("rm-bench", str(PREF / "rmbench_*.json"), spec=shorter(), out=tmp_path, rounds=20)
    # independent: chosen[i] beats rejected[j] iff it is strictly shorter
    per_domain: dict[str, list[list[list[float]]]] = defaultdict(list)
    for path in sorted(PREF.glob("rmbench_*.json")):
        domain = path.name.split("_")[1].split("-")[0]
        for row in json.loads(path.read_text()):
            per_domain[domain].append([[float(len(c) < len(r)) for r in row["rejected"]] for c in row["chosen"]])
    levels = {}
    for domain, mats in per_domain.items():
        avg = [[sum(m[i][j] for m in mats) / len(mats) for j in range(3)] for i in range(3)]
        levels[domain] = (
            (avg[0][1] + avg[0][2] + avg[1][2]) / 3,
            (avg[0][0] + avg[1][1] + avg[2][2]) / 3,
            (avg[1][0] + avg[2][0] + avg[2][1]) / 3,
        )
    domain_scores = {d: sum(v) / 3 for d, v in levels.items()}
    got = {c["name"]: c["score"] for c in report["categories"]}
    assert got == pytest.approx(domain_scores, abs=1e-9)
    assert report["overall"] == pytest.approx(sum(domain_scores.values()) / len(domain_scores), abs=1e-9)
    assert report["extra"]["hard"] == pytest.approx(sum(v[0] for v in levels.values()) / len(levels), abs=1e-9)
    assert report["items"] == sum(len(m) for m in per_domain.values()) and report["unscored"]["items"] == 0
    assert (tmp_path / "report.json").is_file() and (tmp_path / "scores.jsonl").is_file()


@needs_data
def test_llmbar_with_a_length_preference_matches_an_independent_recount(tmp_path: Path) -> None:
    report = run_benchmark("llmbar", str(PREF / "llmbar" / "*.json"), spec=shorter(), out=tmp_path, rounds=20)
    sets = {}
    for path in sorted((PREF / "llmbar").glob("*.json")):
        credits = []
        for row in json.loads(path.read_text()):
            good, bad = row[f"output_{row['label']}"], row[f"output_{3 - row['label']}"]
            credits.append(1.0 if len(good) < len(bad) else 0.5 if len(good) == len(bad) else 0.0)
        sets[path.stem] = sum(credits) / len(credits)
    got = {c["name"]: c["score"] for c in report["categories"]}
    assert got == pytest.approx(sets, abs=1e-9)
    assert report["overall"] == pytest.approx(sum(sets.values()) / len(sets), abs=1e-9)


@needs_data
def test_judgebench_with_a_length_preference_matches_an_independent_recount(tmp_path: Path) -> None:
    report = run_benchmark(
        "judgebench", str(JUDGE / "judgebench_claude35sonnet.jsonl"), spec=shorter(), out=tmp_path, rounds=20
    )
    rows = [json.loads(line) for line in (JUDGE / "judgebench_claude35sonnet.jsonl").read_text().splitlines()]
    correct: dict[str, list[int]] = defaultdict(list)
    names = {
        "mmlu-pro": "knowledge",
        "livebench-reasoning": "reasoning",
        "livebench-math": "math",
        "livecodebench": "coding",
    }
    for row in rows:
        right, wrong = (
            (row["response_A"], row["response_B"]) if row["label"] == "A>B" else (row["response_B"], row["response_A"])
        )
        # a pointwise reward gives the same verdict in both orders: +2, 0 or -2
        name = next(v for k, v in names.items() if row["source"].startswith(k))
        correct[name].append(int(len(right) < len(wrong)))
    got = {c["name"]: c["score"] for c in report["categories"]}
    assert got == pytest.approx({k: sum(v) / len(v) for k, v in correct.items()}, abs=1e-9)
    assert report["overall"] == pytest.approx(sum(map(sum, correct.values())) / len(rows), abs=1e-9)
    assert [c["name"] for c in report["categories"]] == ["knowledge", "reasoning", "math", "coding"]


@needs_data
def test_replaying_the_recorded_judgebench_haiku_run_reproduces_its_published_score(tmp_path: Path) -> None:
    """The JudgeBench repository's output file for Claude-3-Haiku (arena-hard prompt) on the
    Claude-3.5-Sonnet pairs: its score, recomputed as run_judge.py prints it, per source and overall."""
    report = run_benchmark(
        "judgebench", str(JUDGE / "judgebench_claude35sonnet.jsonl"), scores=str(HAIKU_RUN), out=tmp_path, rounds=20
    )
    flip = {"A>B": "B>A", "B>A": "A>B"}
    by_source: dict[str, list[int]] = defaultdict(list)
    for line in HAIKU_RUN.read_text().splitlines():
        row = json.loads(line)
        d1, d2 = [(j or {}).get("decision") for j in row["judgments"]]
        d2 = flip.get(d2, d2)
        total = sum(1 if d == row["label"] else -1 if d == flip[row["label"]] else 0 for d in (d1, d2))
        by_source[
            row["source"].split("-")[0]
            + ("-" + row["source"].split("-")[1] if row["source"].startswith("livebench") else "")
        ].append(int(total > 0))
    overall = sum(map(sum, by_source.values())) / 270
    assert report["overall"] == pytest.approx(overall, abs=1e-9) == pytest.approx(87 / 270)  # 32.22%
    got = {c["name"]: c["score"] for c in report["categories"]}
    assert got["knowledge"] == pytest.approx(sum(by_source["mmlu"]) / len(by_source["mmlu"]))
    assert got["coding"] == pytest.approx(3 / 31)
    assert report["unscored"]["items"] == 13  # pairs with a failed judgment (None), kept in the denominator
    assert report["position"]["pairs_decided_both_orders"] > 0


def test_rewardbench2_reads_jsonl_parquet_and_an_hf_datasets_folder(tmp_path: Path) -> None:
    rows = [
        {
            "id": "1",
            "prompt": "2+2?",
            "chosen": ["4"],
            "rejected": ["5", "six", "22"],
            "subset": "Math",
            "num_correct": 1,
        },
        {
            "id": "2",
            "prompt": "Hi",
            "chosen": ["Hello!"],
            "rejected": ["Go away", "no", "..."],
            "subset": "Focus",
            "num_correct": 1,
        },
        {
            "id": "ref:7",
            "prompt": "Name a colour",
            "chosen": ["red"],
            "rejected": ["dog", "cat"],
            "subset": "Ties",
            "num_correct": 1,
        },
        {
            "id": "tied:7",
            "prompt": "Name a colour",
            "chosen": ["red", "blue"],
            "rejected": ["dog"],
            "subset": "Ties",
            "num_correct": 2,
        },
    ]
    jsonl = tmp_path / "rb2.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows))
    table = pa.Table.from_pylist(rows)
    pq.write_table(table, tmp_path / "rb2.parquet")
    hf = tmp_path / "hf" / "test"
    hf.mkdir(parents=True)
    with (
        pa.OSFile(str(hf / "data-00000-of-00001.arrow"), "wb") as sink,
        pa.ipc.new_stream(sink, table.schema) as writer,
    ):
        writer.write_table(table)  # the Arrow stream format `datasets.save_to_disk` writes
    (hf / "dataset_info.json").write_text("{}")
    (hf / "state.json").write_text("{}")
    bench = get_benchmark("rewardbench2")
    loaded = [load_items(bench, str(p)) for p in (jsonl, tmp_path / "rb2.parquet", tmp_path / "hf")]
    assert all(
        [(i.id, i.candidates, i.chosen, i.category) for i in items]
        == [(i.id, i.candidates, i.chosen, i.category) for i in loaded[0]]
        for items in loaded
    )
    # scores recorded per item (chosen first): Math right, Focus tied at the top with one (1/2)
    scores = tmp_path / "scores.jsonl"
    recorded = [[3, 1, 2, 0], [1, 1, 0, 0], [0.9, 0.1, 0.2], [0.8, 0.7, 0.3]]
    scores.write_text("".join(json.dumps({"id": r["id"], "scores": s}) + "\n" for r, s in zip(rows, recorded)))
    report = run_benchmark("rewardbench2", str(tmp_path / "hf"), scores=str(scores), rounds=20)
    cats = {c["name"]: c["score"] for c in report["categories"]}
    assert cats["Math"] == 1.0 and cats["Focus"] == 0.5
    # Ties with one prompt: accurate both, margins 0.7 / 0.4 vs spread 0.1
    import math

    assert cats["Ties"] == pytest.approx(0.3 + 0.3 + 0.2 + 0.2 + 0.01 * math.tanh(0.4 / 0.1 - 1), abs=1e-6)
    assert report["overall"] == pytest.approx((1.0 + 0.5 + cats["Ties"]) / 3, abs=1e-6)


def test_rmb_reads_pairwise_and_bon_rows_and_scores_them(tmp_path: Path) -> None:
    conv = [{"role": "user", "content": "How do I stay safe online?", "language": "English"}]
    pair_rows = [
        {
            "pair_uid": "1",
            "conversation_input": conv,
            "chosen": {"llm_name": "a", "answer": "Use a password manager."},
            "reject": {"llm_name": "b", "answer": "Share passwords widely."},
            "category_path": "Pairwise_set/Helpfulness/Chat/Discussion",
        },
    ]
    bon_rows = [
        {
            "bon_uid": "9",
            "conversation_input": conv,
            "bon_best": {"llm_name": "a", "answer": "Use 2FA."},
            "loser_list": [{"llm_name": "b", "answer": "Nothing to do."}, {"llm_name": "c", "answer": "Post it all."}],
            "category_path": "BoN_set/Harmlessness/S1",
        },
    ]
    folder = tmp_path / "RMB_dataset"
    (folder / "Pairwise_set").mkdir(parents=True)
    (folder / "BoN_set").mkdir(parents=True)
    (folder / "Pairwise_set" / "Discussion.json").write_text(json.dumps(pair_rows))
    (folder / "BoN_set" / "S1.json").write_text(json.dumps(bon_rows))
    items = load_items(get_benchmark("rmb"), str(folder))
    assert [(i.category, len(i.candidates)) for i in items] == [("Harmlessness BoN", 3), ("Helpfulness Pairwise", 2)]
    report = run_benchmark("rmb", str(folder), spec=shorter(), out=tmp_path / "rep", rounds=20)
    cats = {c["name"]: c["score"] for c in report["categories"]}
    # shorter wins: BoN best "Use 2FA." (8) < "Nothing to do." (14), "Post it all." (12) -> right;
    # pairwise chosen (23) vs reject (23 chars): a tie -> wrong under the strict rule
    assert cats == {"Harmlessness BoN": 1.0, "Helpfulness Pairwise": 0.0}


def test_hh_rlhf_and_generic_pairs_and_bad_rows_name_file_and_field(tmp_path: Path) -> None:
    if (PREF / "hh_rlhf_harmless_base_test.jsonl.gz").is_file():
        items = load_items(get_benchmark("hh-rlhf"), str(PREF / "hh_rlhf_harmless_base_test.jsonl.gz"), limit=50)
        with gzip.open(PREF / "hh_rlhf_harmless_base_test.jsonl.gz", "rt") as f:
            first = json.loads(f.readline())
        assert first["chosen"].endswith(items[0].candidates[0]) and first["rejected"].endswith(items[0].candidates[1])
        assert items[0].prompt[0]["role"] == "user" and items[0].category == "harmless_base"
    data = tmp_path / "pairs.jsonl"
    data.write_text(
        json.dumps({"question": "q", "good": "a", "options": ["a", "bb", "ccc"], "best": 0, "kind": "x"}) + "\n"
    )
    from rmg.core.dataset import FieldMap

    items = load_items(
        get_benchmark("pairs"),
        str(data),
        fields=FieldMap(prompt="question", responses="options", reference="best", task="kind"),
    )
    assert items[0].candidates == ["a", "bb", "ccc"] and items[0].chosen == [0] and items[0].category == "x"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"question": "q", "response_A": "a", "response_B": "b", "label": "A>>B"}) + "\n")
    with pytest.raises(BenchmarkError, match=r"bad.jsonl:1: field 'label'"):
        load_items(get_benchmark("judgebench"), str(bad))


@needs_data
def test_judgebench_output_file_given_as_data_is_replayed_without_a_reward(tmp_path: Path) -> None:
    """A JudgeBench output file (pairs plus `judgments`) is itself the data: rmg bench recomputes its score."""
    judgments = {
        json.loads(line)["pair_id"]: json.loads(line)["judgments"] for line in HAIKU_RUN.read_text().splitlines()
    }
    merged = tmp_path / "dataset=judgebench,judge_name=arena_hard,judge_model=claude-3-haiku.jsonl"
    with merged.open("w") as f:
        for line in (JUDGE / "judgebench_claude35sonnet.jsonl").read_text().splitlines():
            row = json.loads(line)
            f.write(json.dumps({**row, "judge_name": "arena_hard", "judgments": judgments[row["pair_id"]]}) + "\n")
    report = run_benchmark("judgebench", str(merged), rounds=20)
    assert report["overall"] == pytest.approx(87 / 270) and report["source"]["kind"] == "replay"


@needs_data
def test_mt_bench_style_pairs_with_a_length_preference_match_an_independent_recount(tmp_path: Path) -> None:
    mt = DATA / "mtbench"
    questions = {q["question_id"]: q for q in map(json.loads, (mt / "question.jsonl").read_text().splitlines())}
    rows = []
    for k, ref in enumerate(map(json.loads, (mt / "reference_answer_gpt-4.jsonl").read_text().splitlines())):
        q = questions[ref["question_id"]]
        full = ref["choices"][0]["turns"]
        short = [t.split(".")[0] + "." for t in full]
        winner = "tie" if k % 5 == 0 else "model_a" if k % 2 == 0 else "model_b"
        for turn in (1, 2):

            def conv(answers: list[str], turn: int = turn, q: dict = q) -> list[dict[str, str]]:
                out = []
                for t in range(turn):
                    out += [{"role": "user", "content": q["turns"][t]}, {"role": "assistant", "content": answers[t]}]
                return out

            rows.append(
                {
                    "question_id": q["question_id"],
                    "model_a": "gpt-4",
                    "model_b": "clipped",
                    "winner": winner,
                    "judge": "expert_0",
                    "turn": turn,
                    "conversation_a": conv(full),
                    "conversation_b": conv(short),
                }
            )
    data = tmp_path / "human.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = run_benchmark("mt-bench-human", str(data), spec=shorter(), out=tmp_path / "rep", rounds=20)
    agree, agree_tie = [], []
    for r in rows:
        a, b = r["conversation_a"][-1]["content"], r["conversation_b"][-1]["content"]
        vote = "model_a" if len(a) < len(b) else "model_b" if len(b) < len(a) else "tie"
        agree_tie.append(vote == r["winner"])
        if "tie" not in (vote, r["winner"]):
            agree.append(vote == r["winner"])
    assert report["overall"] == pytest.approx(sum(agree) / len(agree), abs=1e-9)
    assert report["extra"]["with_tie"] == pytest.approx(sum(agree_tie) / len(agree_tie), abs=1e-9)
    assert [c["name"] for c in report["categories"]] == ["turn 1", "turn 2"]


def test_rmg_score_output_replays_as_recorded_scores(tmp_path: Path) -> None:
    import subprocess
    import sys

    data = tmp_path / "pairs.jsonl"
    rows = [
        {"id": k, "prompt": "Say hi", "chosen": "hi" * (k % 3 + 1), "rejected": "hello there", "task": "greet"}
        for k in range(12)
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    scored = tmp_path / "scored.jsonl"
    spec = 'format.length(style="dapo", max_length=1000, buffer_length=1000, unit="chars")'
    subprocess.run(
        [sys.executable, "-m", "rmg", "score", spec, str(data), "-o", str(scored), "--no-progress"],
        check=True,
        capture_output=True,
    )
    report = run_benchmark("pairs", str(data), scores=str(scored), rounds=20)
    # chosen "hi".."hihihi" (2-6 chars) is shorter than "hello there" (11): always preferred
    assert report["overall"] == 1.0 and report["items"] == 12 and report["categories"][0]["name"] == "greet"
