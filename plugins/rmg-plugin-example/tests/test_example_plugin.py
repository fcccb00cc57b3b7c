"""The example plugin, checked through its real entry point by the shared plugin test-suite."""

from rmg.testing import RewardPluginTests


class TestExamplePlugin(RewardPluginTests):
    distribution = "rmg-plugin-example"
    rewards = ["example.contains", "example.shorter"]
    cases = {
        "example.contains": [
            ({"response": "The answer is RED", "reference": "red"}, 1.0),
            ({"response": "blue", "reference": "red"}, 0.0),
        ],
        "example.shorter": [({"responses": ["aa", "a"]}, 0.0)],
    }
