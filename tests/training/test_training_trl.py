"""rmg rewards in TRL: one real GRPOTrainer step on CPU (tiny random Llama, tokenizer built here)."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from training_helpers import make_tokenizer

import rmg.training.trl as rtrl
from rmg.training.trl import async_reward_func, reward_func


def test_reward_func_scores_text_and_chat_completions_and_returns_none_for_failures() -> None:
    fn = reward_func("math.accuracy")
    metrics: dict[str, float] = {}
    out = fn(
        prompts=["what is 6*12?", [{"role": "user", "content": "what is 6*12?"}], "q"],
        completions=["so 72", [{"role": "assistant", "content": "it is 71"}], "no reference here"],
        completion_ids=None,
        answer=["72", "72", None],
        log_metric=lambda name, value: metrics.__setitem__(name, value),
    )
    assert out == [1.0, 0.0, None]  # the last has no reference: invalid input, left out by TRL
    assert metrics["rmg/math_accuracy/invalid_input"] == 1.0 and metrics["rmg/math_accuracy/timeout"] == 0.0


def test_reward_func_is_picklable_and_named_after_the_spec() -> None:
    fn = reward_func("0.1*format.think_answer + 0.9*math.accuracy")
    assert fn.__name__ == "0_1_format_think_answer_0_9_math_accuracy"
    clone = pickle.loads(pickle.dumps(fn))
    assert clone(prompts=["q"], completions=["<think>x</think><answer>4</answer>"], solution=["4"]) == [1.0]
    assert pickle.loads(pickle.dumps(rtrl.math_accuracy)).__name__ == "math_accuracy"


def test_reference_column_can_be_named_and_a_missing_one_is_a_clear_error() -> None:
    fn = reward_func("math.accuracy", reference="gold")
    assert fn(prompts=["q"], completions=["42"], gold=["42"]) == [1.0]
    with pytest.raises(ValueError, match="gold"):
        fn(prompts=["q"], completions=["42"], answer=["42"])


def test_async_variant_scores_the_same() -> None:
    import asyncio

    fn = async_reward_func("math.accuracy")
    assert asyncio.run(fn(prompts=["q", "q"], completions=["7", "8"], ground_truth=["7", "7"])) == [1.0, 0.0]


def _tiny_model_and_tokenizer() -> tuple[Any, Any]:
    torch = pytest.importorskip("torch")
    from transformers import LlamaConfig, LlamaForCausalLM

    words = [
        "what",
        "is",
        "2",
        "plus",
        "2",
        "?",
        "the",
        "answer",
        "4",
        "5",
        "<think>",
        "</think>",
        "<answer>",
        "</answer>",
        "so",
    ]
    tok = make_tokenizer(words)
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tok),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=128,
        pad_token_id=tok.pad_token_id,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
    )
    return LlamaForCausalLM(config), tok


@pytest.mark.parametrize("funcs", ["module-level", "spec"])
def test_one_grpo_step_on_cpu_with_rmg_rewards(tmp_path: Path, funcs: str) -> None:
    pytest.importorskip("trl")
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    model, tok = _tiny_model_and_tokenizer()
    calls: list[list[float | None]] = []
    inner = reward_func("math.accuracy") if funcs == "spec" else rtrl.math_accuracy

    def recording(prompts, completions, **kw):
        out = inner(prompts=prompts, completions=completions, **kw)
        calls.append(out)
        return out

    recording.__name__ = inner.__name__
    dataset = Dataset.from_dict({"prompt": ["what is 2 plus 2 ?"] * 4, "answer": ["4"] * 4})
    args = GRPOConfig(
        output_dir=str(tmp_path),
        use_cpu=True,
        bf16=False,
        report_to="none",
        save_strategy="no",
        max_steps=1,
        per_device_train_batch_size=4,
        num_generations=2,
        max_completion_length=6,
        logging_steps=1,
    )
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=[recording, rtrl.think_format],
        args=args,
        train_dataset=dataset,
        processing_class=tok,
    )
    trainer.train()
    assert calls and all(len(c) == 4 for c in calls)
    assert all(v in (0.0, 1.0) for c in calls for v in c)
    logged = {k for entry in trainer.state.log_history for k in entry}
    assert f"rewards/{inner.__name__}/mean" in logged and "rewards/think_format/mean" in logged
