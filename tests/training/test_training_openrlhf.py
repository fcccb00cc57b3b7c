"""The OpenRLHF reward-function file, against OpenRLHF's documented contract: loaded from its path,
`reward_func(queries, prompts, labels)` called one sample at a time from worker threads, returning
tensors under "rewards", "scores", "extra_logs"."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from rmg.training.openrlhf import response_of

torch = pytest.importorskip("torch")


def _load_like_openrlhf():
    path = subprocess.run(
        [sys.executable, "-m", "rmg.training.openrlhf", "--path"], capture_output=True, text=True, check=True
    ).stdout.strip()
    spec = importlib.util.spec_from_file_location("reward_func", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.reward_func


def _chatml(question: str, answer: str) -> tuple[str, str]:
    prompt = f"<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n"
    return prompt + answer + "<|im_end|>\n<|endoftext|>", prompt


def test_response_is_the_query_minus_the_prompt_without_template_tokens() -> None:
    query, prompt = _chatml("6*12?", "It is 72.")
    assert response_of(query, prompt) == "It is 72."
    llama = "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>"
    assert response_of(llama + "<|start_header_id|>assistant<|end_header_id|>\n\nhello<|eot_id|>", llama) == "hello"


def test_reward_file_scores_one_sample_per_call_from_worker_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RMG_SPEC", "math.accuracy")
    monkeypatch.setenv("RMG_FAILURE_SCORE", "-1")
    reward_func = _load_like_openrlhf()
    cases = [("6*12?", "so 72", "72", 1.0), ("6*12?", "so 71", "72", 0.0), ("?", "x", None, -1.0)] * 4

    def one(case):
        question, answer, label, _ = case
        query, prompt = _chatml(question, answer)
        return reward_func([query], [prompt], [label])

    with ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(one, cases))
    for out, case in zip(outs, cases):
        assert set(out) == {"rewards", "scores", "extra_logs"}
        assert isinstance(out["rewards"], torch.Tensor) and out["rewards"].tolist() == [case[3]]
        assert out["scores"].tolist() == [case[3]]
        assert set(out["extra_logs"]) == {"rmg_timeout", "rmg_error", "rmg_invalid_input"}
        assert out["extra_logs"]["rmg_invalid_input"].tolist() == [1.0 if case[2] is None else 0.0]


def test_reward_file_takes_batches_too_and_a_bad_spec_flags_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    reward_func = _load_like_openrlhf()
    pairs = [_chatml("q", "so 4"), _chatml("q", "so 5")]
    out = reward_func([q for q, _ in pairs], [p for _, p in pairs], ["4", "4"])
    assert out["rewards"].tolist() == [1.0, 0.0]  # default spec: math.accuracy
    monkeypatch.setenv("RMG_SPEC", "not.a_reward")
    out = reward_func([q for q, _ in pairs], [p for _, p in pairs], ["4", "4"])
    assert out["extra_logs"]["rmg_error"].tolist() == [1.0, 1.0]
