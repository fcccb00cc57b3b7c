"""The shared real data fixture (`data_dir`) comes from rmg.testing."""

from rmg.testing.data import data_dir

__all__ = ["data_dir"]
