"""The plugin host: entry-point discovery, RMG_LOAD_PLUGINS, broken plugins, duplicate names."""

from __future__ import annotations

import json
from pathlib import Path

from rmgkit import RunRmg

import rmg
from rmg.core.plugins import PluginHost
from rmg.core.registry import RegistryError, get_reward_class


def _plugins_json(run_rmg: RunRmg, dirs: list[Path], env: dict[str, str] | None = None) -> dict[str, dict]:
    proc = run_rmg("plugins", "--json", plugins=dirs, env=env, check=True)
    return {p["name"]: p for p in json.loads(proc.stdout)}


def test_a_plugin_whose_import_raises_is_listed_with_its_error_and_the_rest_still_works(
    run_rmg: RunRmg, plugin_dirs: dict[str, Path], tmp_path: Path
) -> None:
    dirs = [plugin_dirs["testkit"], plugin_dirs["broken"]]
    plugins = _plugins_json(run_rmg, dirs)
    assert "broken on purpose" in " ".join(plugins["rmg-plugin-broken"]["errors"])
    assert plugins["rmg-plugin-testkit"]["errors"] == []
    # The table shows the error too, and scoring with another plugin's reward still works.
    table = run_rmg("plugins", plugins=dirs, check=True).stdout
    assert "rmg-plugin-broken" in table and "ImportError" in table
    data = tmp_path / "d.jsonl"
    data.write_text('{"response": "abcd"}\n')
    run_rmg("score", "testkit.length", str(data), "-o", "out.jsonl", "--no-progress", plugins=dirs, check=True)
    row = json.loads((tmp_path / "out.jsonl").read_text())
    assert row["reward"]["score"] == 0.04 and row["reward"]["status"] == "ok"


def test_a_plugin_whose_hook_raises_is_reported_and_skipped(run_rmg: RunRmg, plugin_dirs: dict[str, Path]) -> None:
    plugins = _plugins_json(run_rmg, [plugin_dirs["testkit"], plugin_dirs["badhook"]])
    assert "fails on purpose" in " ".join(plugins["rmg-plugin-badhook"]["errors"])
    assert "testkit.length" in plugins["rmg-plugin-testkit"]["registered"]["rewards"]


def test_two_plugins_registering_one_name_is_an_error_naming_both(
    run_rmg: RunRmg, plugin_dirs: dict[str, Path], tmp_path: Path
) -> None:
    dirs = [plugin_dirs["testkit"], plugin_dirs["dupe"]]
    data = tmp_path / "d.jsonl"
    data.write_text('{"response": "abcd"}\n')
    proc = run_rmg("score", "testkit.length", str(data), "--no-progress", plugins=dirs)
    assert proc.returncode != 0
    assert "rmg-plugin-testkit" in proc.stderr and "rmg-plugin-dupe" in proc.stderr


def test_rmg_load_plugins_restricts_loading_and_empty_loads_none(run_rmg: RunRmg, plugin_dirs: dict[str, Path]) -> None:
    dirs = [plugin_dirs["testkit"], plugin_dirs["broken"]]
    only = _plugins_json(run_rmg, dirs, env={"RMG_LOAD_PLUGINS": "rmg-plugin-testkit"})
    defaults = {
        "rmg.judges",
        "rmg.evaluation",
        "rmg.training",
    }  # the default plugins: judges, benchmarks, GenRM graders
    assert set(only) == defaults | {"rmg-plugin-testkit"}
    assert set(_plugins_json(run_rmg, dirs, env={"RMG_LOAD_PLUGINS": ""})) == defaults


def test_a_plugin_added_in_process_registers_rewards_and_a_duplicate_names_both_plugins() -> None:
    @rmg.reward("hosttest.one", example={"response": "x"})
    def one(response: str) -> float:
        return 1.0

    @rmg.reward("hosttest.one", example={"response": "x"})
    def other(response: str) -> float:
        return 0.0

    class First:
        @staticmethod
        @rmg.hookimpl
        def register_rewards(register):  # type: ignore[no-untyped-def]
            register(one)

    class Second:
        @staticmethod
        @rmg.hookimpl
        def register_rewards(register):  # type: ignore[no-untyped-def]
            register(other)

    host = PluginHost(entry_points=False)
    host.add_plugin(First(), "first")
    info = host.add_plugin(Second(), "second")
    assert "also registered by plugin 'first'" in info.errors[0]
    try:
        get_reward_class("hosttest.one", host)
    except RegistryError as exc:
        assert "'first'" in str(exc) and "'second'" in str(exc)
    else:
        raise AssertionError("a duplicate reward name must be an error")
