"""rmg's core: contracts, plugin host, registry, specs and runner. Imports nothing else of rmg."""
