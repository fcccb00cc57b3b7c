"""A verl reward-loop manager that scores with rmg and hands rewards the prompt too.

verl's naive manager gives a reward function only the decoded response, the ground truth and
`extra_info`; a judge also needs the question. This manager decodes the prompt (or takes the chat
messages from `raw_prompt` when the dataset kept them) and passes it to
`rmg.training.verl.compute_score_async`, so every rmg reward, judges included, sees the whole
sample. Same fixed result keys, flags and never-raises behaviour. Select it with:

    reward.reward_manager.source=importlib
    reward.reward_manager.name=RmgRewardManager
    reward.reward_manager.module.path=pkg://rmg.training.verl_manager
    +reward.reward_kwargs.spec='judge(principles=["Correct final answer"])'

(`reward.reward_kwargs` holds the same keys as the function's reward_kwargs; `RMG_SPEC` works too.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from verl import DataProto
from verl.experimental.reward_loop.reward_manager.base import RewardManagerBase

from .verl import compute_score_async

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

__all__ = ["RmgRewardManager"]


class RmgRewardManager(RewardManagerBase):
    """verl 0.9 reward-loop manager backed by rmg (one long-lived Runner per worker process)."""

    def __init__(
        self,
        config: Any,
        tokenizer: Any,
        compute_score: Any = None,
        reward_router_address: str | None = None,
        reward_model_tokenizer: Any = None,
    ) -> None:
        super().__init__(config, tokenizer, compute_score)
        reward_cfg = config.reward
        kwargs = reward_cfg.get("reward_kwargs") or {}
        custom = reward_cfg.get("custom_reward_function") or {}
        self.reward_kwargs = {**dict(custom.get("reward_kwargs") or {}), **dict(kwargs)}
        if reward_router_address is not None:
            self.reward_kwargs.update(
                reward_router_address=reward_router_address, reward_model_tokenizer=reward_model_tokenizer
            )

    def _decode(self, ids: Any) -> str:
        # verl annotates its tokenizer as AutoTokenizer (a factory class); what it holds is a tokenizer.
        tokenizer = cast("PreTrainedTokenizerBase", self.tokenizer)
        text = tokenizer.decode(ids, skip_special_tokens=True)
        return text if isinstance(text, str) else "".join(text)  # a 1-D id sequence decodes to one str

    async def run_single(self, data: DataProto) -> dict:
        item = data[-1:][0]  # like verl's managers: the last sequence of a multi-sequence sample
        prompt_ids = item.batch["prompts"]
        prompt_len = prompt_ids.shape[-1]
        mask = item.batch["attention_mask"]
        valid_prompt = prompt_ids[prompt_len - int(mask[:prompt_len].sum()) :]
        response_ids = item.batch["responses"]
        valid_response = response_ids[: int(mask[prompt_len:].sum())]
        response = await self.loop.run_in_executor(None, self._decode, valid_response)

        extra = dict(item.non_tensor_batch.get("extra_info") or {})
        raw_prompt = item.non_tensor_batch.get("raw_prompt")
        if raw_prompt is not None and len(raw_prompt):
            extra["prompt"] = [dict(m) for m in raw_prompt]
        elif not any(k in extra for k in ("prompt", "question", "problem", "query")):
            extra["prompt"] = await self.loop.run_in_executor(None, self._decode, valid_prompt)
        result = await compute_score_async(
            data_source=item.non_tensor_batch.get("data_source"),
            solution_str=response,
            ground_truth=(item.non_tensor_batch.get("reward_model") or {}).get("ground_truth"),
            extra_info=extra,
            **self.reward_kwargs,
        )
        return {"reward_score": result["score"], "reward_extra_info": result}
