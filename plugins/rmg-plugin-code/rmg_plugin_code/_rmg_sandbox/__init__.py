"""The sandbox's child side (see `_harness.py`). Imported as the top-level package `_rmg_sandbox`
by the child interpreter (`python -I -S`), never through `rmg_plugin_code`: importing the plugin
package would import rmg and pydantic into every sandbox. Nothing here imports more than
built-in / C-extension stdlib modules."""
