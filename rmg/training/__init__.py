"""Training with rmg rewards: verl, TRL, OpenRLHF adapters, a Ray reward pool, GenRM recipes.

Each adapter is its own module and imports its framework only when used:
`rmg.training.verl`, `rmg.training.trl`, `rmg.training.openrlhf`, `rmg.training.ray`,
`rmg.training.genrm`. See rmg/training/README.md.
"""
