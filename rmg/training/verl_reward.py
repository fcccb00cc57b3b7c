"""A file for verl's `reward.custom_reward_function.path` (any verl version, also those without `pkg://`).

reward.custom_reward_function.path=$(python -m rmg.training.verl --path)
reward.custom_reward_function.name=compute_score
"""

from rmg.training.verl import compute_score, compute_score_async

__all__ = ["compute_score", "compute_score_async"]
