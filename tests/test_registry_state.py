"""Registry state: redefinitions replace, lookups never mutate, a half-imported plugin registers nothing."""

from __future__ import annotations

import json
from pathlib import Path

from rmgkit import RunRmg

import rmg
from rmg.core.plugins import PluginHost
from rmg.core.registry import RegistryError, get_reward_class

CELL = """
import rmg

@rmg.reward("notebook.twice", example={"response": "x"})
def twice(response: str) -> float:
    return {value}
"""


def _run_cell(value: float, namespace: dict) -> None:
    """What Jupyter does with a cell: exec in the one `__main__`-like namespace."""
    exec(compile(CELL.replace("{value}", str(value)), "<cell>", "exec"), namespace)


def test_re_running_a_notebook_cell_that_defines_a_reward_replaces_it_and_evaluate_uses_the_new_one() -> None:
    namespace: dict = {"__name__": "__notebook__"}
    _run_cell(0.25, namespace)
    _run_cell(0.75, namespace)  # the cell is run again, edited
    host = PluginHost(entry_points=False)
    assert get_reward_class("notebook.twice", host) is namespace["twice"]
    [scored] = rmg.evaluate("notebook.twice", [rmg.Sample.of("x")], workers=0)
    assert scored.result.score == 0.75 and scored.result.status == "ok"


def test_two_different_functions_claiming_one_name_are_an_error_that_names_where_they_are() -> None:
    @rmg.reward("statetest.clash", example={"response": "x"})
    def first(response: str) -> float:
        return 1.0

    host = PluginHost(entry_points=False)

    class Plugin:
        @staticmethod
        @rmg.hookimpl
        def register_rewards(register):  # type: ignore[no-untyped-def]
            @rmg.reward("statetest.clash", example={"response": "x"})
            def second(response: str) -> float:
                return 0.0

            register(second)

    host.add_plugin(Plugin(), "clash-plugin")
    try:
        get_reward_class("statetest.clash", host)
    except RegistryError as exc:
        assert "clash-plugin" in str(exc) and "first" in str(exc)
    else:
        raise AssertionError("a clash must be an error")


def test_registry_lookups_never_change_a_registration_so_error_texts_do_not_grow() -> None:
    @rmg.reward("statetest.dupe", example={"response": "x"})
    def dupe(response: str) -> float:
        return 1.0

    host = PluginHost(entry_points=False)

    class Other:
        @staticmethod
        @rmg.hookimpl
        def register_rewards(register):  # type: ignore[no-untyped-def]
            @rmg.reward("statetest.dupe", example={"response": "x"})
            def elsewhere(response: str) -> float:
                return 0.0

            register(elsewhere)

    host.add_plugin(Other(), "other-plugin")
    registration = host.collections["rewards"]["statetest.dupe"]
    before = list(registration.also)
    messages = set()
    for _ in range(5):
        try:
            get_reward_class("statetest.dupe", host)
        except RegistryError as exc:
            messages.add(str(exc))
        rmg.list_rewards(host)
    assert len(messages) == 1, messages
    assert registration.also == before


def test_a_plugin_whose_import_fails_after_decorating_rewards_registers_none_of_them(
    run_rmg: RunRmg, plugin_dirs: dict[str, Path], tmp_path: Path
) -> None:
    dirs = [plugin_dirs["testkit"], plugin_dirs["broken"]]
    listed = json.loads(run_rmg("list", "--json", plugins=dirs, check=True).stdout)
    names = {row["name"] for row in listed}
    assert "testkit.length" in names and "broken.half" not in names
    plugins = {p["name"]: p for p in json.loads(run_rmg("plugins", "--json", plugins=dirs, check=True).stdout)}
    errors = " ".join(plugins["rmg-plugin-broken"]["errors"])
    assert "broken on purpose" in errors and "broken.half" in errors
    data = tmp_path / "d.jsonl"
    data.write_text('{"response": "abcd"}\n')
    proc = run_rmg("score", "broken.half", str(data), "--no-progress", plugins=dirs)
    assert proc.returncode != 0 and "unknown reward 'broken.half'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_builtin_judges_are_a_default_plugin_that_rmg_plugins_lists(
    run_rmg: RunRmg, plugin_dirs: dict[str, Path]
) -> None:
    plugins = {p["name"]: p for p in json.loads(run_rmg("plugins", "--json", plugins=[], check=True).stdout)}
    judges = plugins["rmg.judges"]
    assert judges["errors"] == [] and judges["registered"]["rewards"] == ["judge"]
    assert judges["module"] == "rmg.judges.plugin"


def test_a_host_given_no_default_plugins_has_no_judge() -> None:
    host = PluginHost(entry_points=False, builtins={})
    assert "judge" not in host.names("rewards")
    assert "judge" in PluginHost(entry_points=False).names("rewards")
