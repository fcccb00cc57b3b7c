"""GenRM recipes: preference data -> verl RL Parquet with rmg's judge prompts, the grading rewards,
and the GRPO config composed through verl's own Hydra config."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import rmg

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "preference"
RECIPES = Path(rmg.__file__).parent / "training" / "recipes"


def _rmg(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rmg", *args], cwd=cwd, capture_output=True, text=True, check=False)


def _pairs_fixture(tmp: Path) -> list[Path]:
    """Small copies in each pairwise format (LLMBar, RM-Bench, HH-RLHF), from the shared data when present."""
    llmbar = tmp / "llmbar.json"
    rmbench = tmp / "rmbench.json"
    hh = tmp / "hh.jsonl"
    if DATA.is_dir():
        llmbar.write_text(json.dumps(json.loads((DATA / "llmbar" / "Natural.json").read_text())[:10]))
        rmbench.write_text(json.dumps(json.loads((DATA / "rmbench_chat_filtered.json").read_text())[:4]))
        with gzip.open(DATA / "hh_rlhf_harmless_base_test.jsonl.gz", "rt") as f:
            hh.write_text("".join(next(f) for _ in range(6)))
    else:  # a clone without ../shared: rows written to the same formats
        llmbar.write_text(
            json.dumps(
                [{"input": f"q{i}", "output_1": "good", "output_2": "bad", "label": 1 + i % 2} for i in range(10)]
            )
        )
        rmbench.write_text(
            json.dumps([{"prompt": "p", "chosen": ["c1", "c2", "c3"], "rejected": ["r1", "r2", "r3"]}] * 4)
        )
        hh.write_text(
            "".join(
                json.dumps(
                    {"chosen": "\n\nHuman: hi\n\nAssistant: hello", "rejected": "\n\nHuman: hi\n\nAssistant: go away"}
                )
                + "\n"
                for _ in range(6)
            )
        )
    return [llmbar, rmbench, hh]


def test_prepare_pairwise_writes_verl_rows_with_the_judge_template_and_balanced_labels(tmp_path: Path) -> None:
    inputs = _pairs_fixture(tmp_path)
    proc = _rmg("genrm", "prepare", *map(str, inputs), "-o", "out.parquet", "--principle", "Be correct", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert len(rows) == 10 + 4 * 3 + 6
    row = rows[0]
    assert row["data_source"] == "rmg/genrm_pairwise"
    assert [m["role"] for m in row["prompt"]] == ["system", "user"]
    user = row["prompt"][1]["content"]
    assert "[Response A]" in user and "[Response B]" in user and "1. Be correct" in user and '"choice"' in user
    labels = [r["reward_model"]["ground_truth"] for r in rows]
    assert set(labels) == {"A", "B"} and 0.25 < labels.count("A") / len(labels) < 0.75
    # the chosen response sits where the label says (LLMBar row 0)
    first = json.loads(inputs[0].read_text())[0]
    chosen = first["output_1"] if first["label"] == 1 else first["output_2"]
    block = (
        user.split("[Response A]")[1] if row["reward_model"]["ground_truth"] == "A" else user.split("[Response B]")[1]
    )
    assert block.strip().startswith(chosen.strip()[:40])


def test_prepare_pointwise_and_bad_rows_are_named(tmp_path: Path) -> None:
    good = tmp_path / "hs2.jsonl"
    good.write_text(
        "".join(json.dumps({"prompt": f"q{i}", "response": f"a{i}", "helpfulness": i % 5}) + "\n" for i in range(5))
    )
    proc = _rmg("genrm", "prepare", str(good), "--pointwise", "-o", "pw.parquet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = pq.read_table(tmp_path / "pw.parquet").to_pylist()
    assert [json.loads(r["reward_model"]["ground_truth"])["score"] for r in rows] == [0, 1, 2, 3, 4]
    assert "from 0 to 4" in rows[0]["prompt"][1]["content"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps({"prompt": "q", "response": "a", "helpfulness": 1})
        + "\n"
        + json.dumps({"prompt": "q", "response": "a", "helpfulness": 9})
        + "\n"
    )
    proc = _rmg("genrm", "prepare", str(bad), "--pointwise", "-o", "x.parquet", cwd=tmp_path)
    assert proc.returncode != 0 and "bad.jsonl:2" in proc.stderr and "outside the scale" in proc.stderr


@pytest.mark.parametrize(
    ("reply", "reference", "score"),
    [
        ('B answers it. {"critique": "B is right", "choice": "B"}', "B", 1.0),
        ('{"critique": "A", "choice": "A"}', "B", 0.0),
        ('{"critique": "same", "choice": "tie"}', "A", 0.0),
        ("I think B is better.", "B", -0.5),  # no verdict in the required format
    ],
)
def test_pairwise_grader(reply: str, reference: str, score: float) -> None:
    scored = next(
        rmg.evaluate("genrm.pairwise(format_score=-0.5)", [rmg.Sample.of(reply, reference=reference)], workers=0)
    )
    assert scored.result.ok and scored.result.score == score


def test_pointwise_grader_is_closeness_to_the_label() -> None:
    samples = [
        rmg.Sample.of('{"critique": "ok", "score": 3}', reference='{"score": 4, "min": 0, "max": 4}'),
        rmg.Sample.of('{"critique": "ok", "score": 0}', reference="4"),
        rmg.Sample.of("no score here", reference="2"),
        rmg.Sample.of('{"score": 3}', reference="not a number"),
    ]
    results = [s.result for s in rmg.evaluate("genrm.pointwise", samples, workers=0)]
    assert [r.score for r in results[:3]] == [0.75, 0.0, 0.0]
    assert results[3].status.value == "invalid_input"


def test_grpo_recipe_composes_through_verl_hydra_and_loads_rmg_reward(tmp_path: Path) -> None:
    pytest.importorskip("verl")
    import asyncio

    from hydra import compose, initialize_config_dir
    from verl.trainer.ppo.reward import get_custom_reward_fn

    with initialize_config_dir(config_dir=str(RECIPES), version_base=None):
        cfg = compose(config_name="genrm_grpo", overrides=["trainer.nnodes=2"])
    assert cfg.algorithm.adv_estimator == "grpo" and cfg.actor_rollout_ref.rollout.n == 8
    assert cfg.trainer.nnodes == 2 and cfg.reward.custom_reward_function.path == "pkg://rmg.training.verl"
    fn = get_custom_reward_fn(cfg)
    good = asyncio.run(
        fn(data_source="rmg/genrm_pairwise", solution_str='{"critique": "", "choice": "A"}', ground_truth="A")
    )
    close = asyncio.run(
        fn(
            data_source="rmg/genrm_pointwise",
            solution_str='{"score": 2}',
            ground_truth='{"score": 3, "min": 0, "max": 4}',
        )
    )
    assert good["score"] == 1.0 and close["score"] == 0.75
    script = (RECIPES / "run_genrm_grpo.sh").read_text()
    assert "--config-name=genrm_grpo" in script and "verl.trainer.main_ppo" in script
    proc = subprocess.run(
        ["bash", str(RECIPES / "run_genrm_grpo.sh")], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2 and "rmg genrm prepare" in proc.stderr  # names the missing data and how to make it
