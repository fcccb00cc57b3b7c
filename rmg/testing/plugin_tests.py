"""`RewardPluginTests`: the shared test-suite every reward plugin subclasses.

    from rmg.testing import RewardPluginTests

    class TestMathPlugin(RewardPluginTests):
        distribution = "rmg-plugin-math"
        rewards = ["math.accuracy", "math.verify_steps"]
        cases = {"math.accuracy": [({"response": "\\\\boxed{4}", "reference": "4"}, 1.0)]}

It loads the plugin through its real entry point (the distribution must be installed), and checks
that every reward registers, is described, has typed parameters, scores its `example` and the
`cases`, survives hostile input without raising, pickles, and runs in the real process pool.
"""

from __future__ import annotations

import importlib.metadata
import math
import os
import pickle
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from rmg.core.dataset import row_to_sample
from rmg.core.plugins import PluginHost, PluginInfo
from rmg.core.reward import Mode, Reward
from rmg.core.runner import evaluate
from rmg.core.schema import RewardResult, RewardStatus

__all__ = ["HOSTILE_TEXTS", "RewardPluginTests"]

HOSTILE_TEXTS: list[Any] = [
    "",
    " ",
    "\x00\x01\x02\ufffd",
    "🙂" * 1000,
    "x" * 200_000,
    "\\boxed{" * 50,
    "```python\n" + "(" * 5000,
    "<think>" * 100,
    "{" * 1000 + "}" * 999,
    "9^{9^{9^{9}}}",
    "\n" * 10_000,
]

HOSTILE_REFERENCES: list[Any] = [None, "", 0, [], {}, {"unexpected": [1, 2]}, "x" * 10_000, "\\frac{" * 50]


class RewardPluginTests:
    """Subclass with `distribution` and `rewards` set; add `cases` for scored examples."""

    distribution: ClassVar[str] = ""
    rewards: ClassVar[list[str]] = []
    # reward name -> [(dataset row, expected score)]; scores compared to 1e-6
    cases: ClassVar[dict[str, list[tuple[dict[str, Any], float]]]] = {}
    # rewards whose hostile-input check may take long (they get a larger budget in the pool)
    hostile_timeout: ClassVar[float] = 30.0
    # For model rewards: what the scripted OpenAI-compatible endpoint answers (a string, a list, or
    # `responder(request) -> str | Reply`). When set, the suite serves it on 127.0.0.1 and points
    # RMG_BASE_URL / RMG_MODEL / RMG_CACHE_DIR at it for the whole class.
    llm_responder: ClassVar[Any] = None

    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def scripted_llm_endpoint(cls, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
        if cls.llm_responder is None:
            yield
            return
        from .llm_server import ScriptedLLMServer

        saved = {k: os.environ.get(k) for k in ("RMG_BASE_URL", "RMG_MODEL", "RMG_CACHE_DIR")}
        with ScriptedLLMServer(cls.llm_responder) as server:
            os.environ.update(
                RMG_BASE_URL=server.base_url,
                RMG_MODEL="scripted",
                RMG_CACHE_DIR=str(tmp_path_factory.mktemp("llm-cache")),
            )
            try:
                yield
            finally:
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value

    @pytest.fixture(scope="class")
    @classmethod
    def host(cls) -> PluginHost:
        return PluginHost(allow=[cls.distribution]).load()

    @pytest.fixture(scope="class")
    @classmethod
    def reward_classes(cls, host: PluginHost) -> dict[str, type[Reward]]:
        # Only the rewards listed in `rewards` (of this plugin: the host also has its built-in ones),
        # so a plugin can add a reward that needs more set-up (a model) without breaking this class.
        mine = (host.plugins.get(cls.distribution) or PluginInfo(cls.distribution)).registered.get("rewards", [])
        return {name: host.collections["rewards"][name].obj for name in mine if name in cls.rewards}

    def test_distribution_is_installed_with_an_rmg_entry_point(self) -> None:
        assert self.distribution, "set `distribution` on the test class"
        dist = importlib.metadata.distribution(self.distribution)
        groups = [ep for ep in dist.entry_points if ep.group == "rmg"]
        assert groups, f"{self.distribution} declares no entry point in group 'rmg'"

    def test_plugin_loads_without_errors(self, host: PluginHost) -> None:
        info = host.plugins.get(self.distribution)
        assert info is not None, f"{self.distribution} was not loaded (is it installed?)"
        assert info.ok, f"{self.distribution} failed to load: {info.errors}"

    def test_every_expected_reward_is_registered(self, reward_classes: dict[str, type[Reward]]) -> None:
        missing = sorted(set(self.rewards) - set(reward_classes))
        assert not missing, f"not registered: {missing}"

    def test_rewards_have_descriptions_typed_parameters_and_examples(
        self, reward_classes: dict[str, type[Reward]]
    ) -> None:
        for name, cls in reward_classes.items():
            assert issubclass(cls, Reward), f"{name} is not a Reward subclass"
            assert cls.name == name
            assert cls.summary(), f"{name} has no description"
            assert cls.example, f"{name} has no example (a dataset row that `rmg show` prints)"
            for param in cls.parameters():
                assert param["type"] not in ("Any", "typing.Any"), f"{name}.{param['name']} has no type"
                assert param["required"] is False, f"{name}.{param['name']} must have a default"

    def test_examples_and_cases_score_as_expected(self, reward_classes: dict[str, type[Reward]]) -> None:
        for name, cls in reward_classes.items():
            results = cls().evaluate(row_to_sample(cls.example or {}))
            assert all(r.status is RewardStatus.ok for r in results), f"{name} example: {results}"
            assert all(r.score is not None and math.isfinite(r.score) for r in results)
        for name, cases in self.cases.items():
            for row, expected in cases:
                results = reward_classes[name]().evaluate(row_to_sample(row))
                assert results[0].status is RewardStatus.ok, f"{name} on {row}: {results[0]}"
                assert results[0].score == pytest.approx(expected, abs=1e-6), f"{name} on {row}: {results[0]}"

    def test_hostile_input_never_raises_and_returns_one_result_per_response(
        self, reward_classes: dict[str, type[Reward]]
    ) -> None:
        for name, cls in reward_classes.items():
            base = {k: v for k, v in (cls.example or {}).items() if k not in ("response", "responses")}
            width = 2 if cls.mode in (Mode.pairwise, Mode.listwise) else 1
            good = (cls.example or {}).get("responses") or [(cls.example or {}).get("response", "")] * width
            rows = [{**base, "responses": [text] * width} for text in HOSTILE_TEXTS]
            rows += [{**base, "responses": good, "reference": ref} for ref in HOSTILE_REFERENCES]
            rows.append({**base, "responses": ["a", "b", "c"]})
            samples = [row_to_sample(row) for row in rows]
            for sample, scored in zip(samples, evaluate(name, samples, workers=1, timeout=self.hostile_timeout)):
                assert len(scored.results) == len(sample.candidates), f"{name}: wrong number of results"
                for result in scored.results:
                    assert isinstance(result, RewardResult)
                    if result.ok:
                        assert result.score is not None and math.isfinite(result.score), f"{name}: non-finite score"
                    else:  # a failure is unscored, never a silent number
                        assert result.score is None, f"{name}: a {result.status.value} result has a score"

    def test_rewards_survive_pickling(self, reward_classes: dict[str, type[Reward]]) -> None:
        for cls in reward_classes.values():
            reward = cls()
            clone = pickle.loads(pickle.dumps(reward))
            sample = row_to_sample(cls.example or {})
            assert clone == reward
            assert [r.score for r in clone.evaluate(sample)] == [r.score for r in reward.evaluate(sample)]

    def test_rewards_run_in_the_process_pool(self, reward_classes: dict[str, type[Reward]]) -> None:
        for name, cls in reward_classes.items():
            scored = next(evaluate(name, [row_to_sample(cls.example or {})], workers=1))
            assert all(r.status is RewardStatus.ok for r in scored.results), f"{name}: {scored.results}"
