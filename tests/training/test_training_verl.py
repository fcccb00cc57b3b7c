"""rmg.training.verl inside real verl 0.9.x: loaded from config the way verl loads it (`pkg://`),
run by verl's own reward-loop workers and manager (on a local Ray) over a DataProto batch."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from training_helpers import make_batch, make_tokenizer, ray_init, short_tmp, words_of

pytest.importorskip("verl", reason="make test installs rmg[training]; run `make install-training`")

ROWS = [
    {
        "data_source": "openai/gsm8k",
        "prompt": "what is 6 times 12",
        "response": "6 times 12 is 72",
        "ground_truth": "72",
    },
    {
        "data_source": "openai/gsm8k",
        "prompt": "what is 6 times 12",
        "response": "the answer is 71",
        "ground_truth": "72",
    },
    # an unknown data source: an error result in the batch, not an exception that kills the step
    {"data_source": "my_private_set", "prompt": "say hi", "response": "hi", "ground_truth": "hi"},
    {"data_source": "lighteval/MATH", "prompt": "what is 1 plus 1", "response": "so it is 2", "ground_truth": "2"},
    # code from a code data source, its tests as the JSON string verl datasets store
    {
        "data_source": "codecontests",
        "prompt": "read a number print its double",
        "response": "print(int(input())*2)",
        "ground_truth": '{"inputs": ["3\\n"], "outputs": ["6\\n"]}',
    },
]
EXPECTED_SCORES = [1.0, 0.0, 0.0, 1.0, 1.0]
EXPECTED_ERROR = [0.0, 0.0, 1.0, 0.0, 0.0]


def _verl_config(tok_dir: Path, name: str, extra: list[str] = ()):  # type: ignore[assignment]
    import verl
    from hydra import compose, initialize_config_dir

    config_dir = Path(verl.__file__).parent / "trainer" / "config"
    overrides = [
        "reward.custom_reward_function.path=pkg://rmg.training.verl",
        f"reward.custom_reward_function.name={name}",
        f"actor_rollout_ref.model.path={tok_dir}",
        "reward.num_workers=1",
        *extra,
    ]
    with initialize_config_dir(config_dir=str(config_dir), version_base=None):
        return compose(config_name="ppo_trainer", overrides=overrides)


@pytest.fixture(scope="module")
def tok_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tokenizer")
    text = " ".join(f"{r['prompt']} {r['response']}" for r in ROWS)
    make_tokenizer(words_of(text), folder)
    return folder


@pytest.mark.parametrize("name", ["compute_score", "compute_score_async"])
def test_verl_reward_manager_scores_a_dataproto_batch_with_failures_mixed_in(tok_dir: Path, name: str) -> None:
    """verl's naive reward-loop manager, loaded from config with pkg://, scores each sample; the
    extra-info dicts have identical keys (verl builds its arrays from the first sample's keys)."""
    from transformers import AutoTokenizer
    from verl.trainer.ppo.reward import load_reward_manager

    config = _verl_config(tok_dir, name)
    tokenizer = AutoTokenizer.from_pretrained(str(tok_dir))
    manager = load_reward_manager(config, tokenizer)
    batch = make_batch(tokenizer, ROWS)

    async def run_all():
        return await asyncio.gather(*(manager.run_single(batch[i : i + 1]) for i in range(len(batch))))

    outputs = manager.loop.run_until_complete(run_all())
    assert [o["reward_score"] for o in outputs] == EXPECTED_SCORES
    infos = [o["reward_extra_info"] for o in outputs]
    assert all(set(info) == set(infos[0]) for info in infos)
    assert [info["error"] for info in infos] == EXPECTED_ERROR
    rm_scores = manager.assemble_rm_scores(batch, [o["reward_score"] for o in outputs])
    last = batch.batch["attention_mask"][:, batch.batch["prompts"].shape[1] :].sum(dim=1) - 1
    for i, score in enumerate(EXPECTED_SCORES):
        assert rm_scores[i, last[i]].item() == score
        assert rm_scores[i].sum().item() == score  # nowhere else


def test_verl_reward_loop_manager_on_ray_lands_scores_and_extra_info_per_sample(tok_dir: Path, tmp_path: Path) -> None:
    """The whole reward loop as the trainer runs it: RewardLoopManager starts its Ray workers, each
    loads rmg through `pkg://`; the score sits on each response's last valid token and every
    extra-info array has one entry per sample, failures included."""
    folder = short_tmp()
    ray = ray_init(folder)
    try:
        from verl.experimental.reward_loop.reward_loop import RewardLoopManager

        spec = "+reward.custom_reward_function.reward_kwargs.failure_score=-1.0"
        config = _verl_config(tok_dir, "compute_score_async", [spec])
        from transformers import AutoTokenizer

        batch = make_batch(AutoTokenizer.from_pretrained(str(tok_dir)), ROWS)
        out = RewardLoopManager(config).compute_rm_score(batch)
    finally:
        ray.shutdown()
        shutil.rmtree(folder, ignore_errors=True)
    rm = out.batch["rm_scores"]
    resp_len = batch.batch["attention_mask"][:, batch.batch["prompts"].shape[1] :].sum(dim=1)
    expected = [s if e == 0 else -1.0 for s, e in zip(EXPECTED_SCORES, EXPECTED_ERROR)]
    for i, score in enumerate(expected):
        assert rm[i, resp_len[i] - 1].item() == score
        assert np.count_nonzero(rm[i].numpy()) == (1 if score else 0)
    keys = out.meta_info["reward_extra_keys"]
    assert {"score", "acc", "timeout", "error", "invalid_input"} <= set(keys)
    for key in keys:
        assert len(out.non_tensor_batch[key]) == len(ROWS)
    assert list(out.non_tensor_batch["error"]) == EXPECTED_ERROR


def test_rmg_reward_manager_gives_a_judge_the_prompt(tok_dir: Path) -> None:
    """verl's naive manager passes no prompt; rmg's manager (loaded by importlib from config) decodes
    it, so a judge's request to its endpoint holds the question."""
    from transformers import AutoTokenizer
    from verl.trainer.ppo.reward import load_reward_manager

    from rmg.testing import ScriptedLLMServer

    with ScriptedLLMServer('{"critique": "fine", "score": 10}') as server:
        config = _verl_config(
            tok_dir,
            "compute_score",
            [
                "reward.custom_reward_function.path=null",
                "reward.reward_manager.source=importlib",
                "reward.reward_manager.name=RmgRewardManager",
                "reward.reward_manager.module.path=pkg://rmg.training.verl_manager",
                "+reward.reward_kwargs.spec=judge",
                f"+reward.reward_kwargs.base_url={server.base_url}",
                "+reward.reward_kwargs.model=scripted",
            ],
        )
        tokenizer = AutoTokenizer.from_pretrained(str(tok_dir))
        manager = load_reward_manager(config, tokenizer)
        assert type(manager).__name__ == "RmgRewardManager"
        batch = make_batch(tokenizer, ROWS[:2])
        batch.non_tensor_batch["extra_info"] = np.array([{"index": 0}, {"index": 1}], dtype=object)

        async def run_all():
            return await asyncio.gather(*(manager.run_single(batch[i : i + 1]) for i in range(2)))

        outputs = manager.loop.run_until_complete(run_all())
        asked = [m["content"] for r in server.requests for m in r["messages"] if m["role"] == "user"]
    assert [o["reward_score"] for o in outputs] == [1.0, 1.0]
    assert all(o["reward_extra_info"]["error"] == 0.0 for o in outputs)
    assert len(asked) == 2 and all("what is 6 times 12" in text for text in asked)
