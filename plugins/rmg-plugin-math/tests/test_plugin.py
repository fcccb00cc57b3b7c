"""The math plugin through its real entry point, checked by the shared plugin test-suite."""

from __future__ import annotations

from rmg.testing import RewardPluginTests


class TestMathPlugin(RewardPluginTests):
    distribution = "rmg-plugin-math"
    rewards = ["math.accuracy", "math.verify_steps"]
    cases = {
        "math.accuracy": [
            ({"response": "So the answer is \\boxed{4}.", "reference": "4"}, 1.0),
            ({"response": "So the answer is \\boxed{5}.", "reference": "4"}, 0.0),
            ({"response": "16 - 3 - 4 = 9\n9 * 2 = 18\n#### 18", "reference": "18"}, 1.0),
            ({"response": "She makes 9 * 2 = 18 dollars.\nA: 18", "reference": "18"}, 1.0),
            ({"response": "The answer is $\\frac{3}{4}$.", "reference": "0.75"}, 1.0),
            ({"response": "\\fbox{\\dfrac{1}{2}}", "reference": "0.5"}, 1.0),
            ({"response": "\\boxed{\\frac{\\sqrt{2}}{2}}", "reference": "\\frac{1}{\\sqrt{2}}"}, 1.0),
            ({"response": "\\boxed{(-\\infty, 3]}", "reference": "(-\\infty,3]"}, 1.0),
            ({"response": "\\boxed{\\{3,1,2\\}}", "reference": "\\{1,2,3\\}"}, 1.0),
            ({"response": "\\boxed{(2,1)}", "reference": "(1,2)"}, 0.0),
            ({"response": "\\boxed{x = 3}", "reference": "3"}, 1.0),
            ({"response": "It is \\boxed{41} or \\boxed{42}.", "reference": "42"}, 0.0),
            ({"response": "The answer is 1, 2, 3, ..., 42.", "reference": "42"}, 0.0),
        ],
        "math.verify_steps": [
            ({"response": "16 - 3 - 4 = 9\n9 * 2 = 18\n#### 18", "reference": "18"}, 1.0),
            ({"response": "16 - 3 - 4 = 8\n8 * 2 = 16\n#### 16", "reference": "18"}, 0.0),
            ({"response": "Step 1: 2 + 2 = 4\nStep 2: 4 * 3 = 12", "reference": None}, 1.0),
        ],
    }
