"""The code plugin through its real entry point, checked by the shared plugin test-suite."""

from rmg.testing import RewardPluginTests

ADD = "```python\ndef add(a, b):\n    return a + b\n```"
TESTS = {"tests": ["assert add(1, 2) == 3", "assert add(2, 2) == 5"]}


class TestCodePlugin(RewardPluginTests):
    distribution = "rmg-plugin-code"
    rewards = ["code.execution", "code.syntax", "code.style", "code.patch_similarity"]
    cases = {
        "code.execution": [
            ({"response": ADD, "reference": TESTS}, 0.5),
            ({"response": "def add(a, b): return a - b", "reference": TESTS}, 0.0),
            ({"response": "x = int(input())\nprint(x * 2)", "reference": {"inputs": ["2\n"], "outputs": ["4"]}}, 1.0),
        ],
        "code.syntax": [({"response": "def f(:\n  pass"}, 0.0), ({"response": ADD}, 1.0)],
        "code.style": [({"response": "def f(x):\n    return x\n"}, 1.0)],
        "code.patch_similarity": [
            (
                {
                    "response": "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n",
                    "reference": "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n",
                },
                1.0,
            )
        ],
    }
