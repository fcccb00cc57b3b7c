"""The `rmg` command line: click commands, each in its own module, loaded on first use."""
