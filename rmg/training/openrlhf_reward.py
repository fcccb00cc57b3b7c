"""The file for OpenRLHF's `--remote_rm_url` (print its path: `python -m rmg.training.openrlhf --path`).

The spec comes from RMG_SPEC (default math.accuracy); see rmg.training.openrlhf.
"""

from rmg.training.openrlhf import reward_func

__all__ = ["reward_func"]
