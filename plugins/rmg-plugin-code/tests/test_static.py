"""code.syntax, code.style (real ruff) and code.patch_similarity."""

from __future__ import annotations

import pytest
from rmg_plugin_code.patch import changed_lines

import rmg
from rmg import get_reward_class


def score(name: str, response: str, reference=None, **params) -> rmg.RewardResult:
    return get_reward_class(name)(**params).evaluate(rmg.Sample.of(response, reference=reference))[0]


def test_syntax_names_the_failing_line():
    result = score("code.syntax", "```python\nx = 1\ny = (2,\nz = 3\n```")
    assert result.score == 0.0 and ("line 2" in result.reason or "line 3" in result.reason), result.reason
    assert score("code.syntax", "x = [i for i in range(3)]").score == 1.0


def test_style_counts_real_ruff_issues():
    messy = "import os, sys\ndef f( x ):\n  y=1\n  return undefined_name\n"
    result = score("code.style", messy)
    codes = {issue["code"] for issue in result.details["issues"]}
    assert {"F401", "F821"} <= codes, codes  # unused imports, undefined name
    assert result.score == pytest.approx(1 - result.details["count"] / 10)
    assert score("code.style", "def f(x):\n    return x\n").score == 1.0
    assert score("code.style", "def f(:\n").score == 0.0


def test_style_rejects_a_bogus_rule_selector():
    result = score("code.style", "x = 1\n", select=["E; rm -rf /"])
    assert result.status is rmg.RewardStatus.invalid_input


REF = """diff --git a/pkg/util.py b/pkg/util.py
--- a/pkg/util.py
+++ b/pkg/util.py
@@ -10,3 +10,3 @@ def last(xs):
 def last(xs):
-    return xs[len(xs)]
+    return xs[-1]
 # end
"""


def test_identical_patch_scores_one_even_with_other_offsets_and_context():
    other = "--- a/pkg/util.py\n+++ b/pkg/util.py\n@@ -11,1 +11,1 @@\n-    return xs[len(xs)]\n+    return xs[-1]\n"
    assert score("code.patch_similarity", f"```diff\n{other}```", REF).score == 1.0


def test_partly_right_patch_and_wrong_file():
    half = "--- a/pkg/util.py\n+++ b/pkg/util.py\n@@ -1 +1 @@\n-    return xs[len(xs)]\n+    return xs[len(xs) - 1]\n"
    result = score("code.patch_similarity", half, REF)
    assert result.score == pytest.approx(0.5)  # 1 of 2 changed lines in common: 2*1/(2+2)
    wrong = half.replace("pkg/util.py", "other.py")
    result = score("code.patch_similarity", wrong, REF)
    assert result.score == 0.0 and "not changed by the response" in result.reason


def test_patch_parser_follows_hunk_counts_and_deleted_files():
    diff = "--- a/q.sql\n+++ b/q.sql\n@@ -1,2 +1,1 @@\n--- old comment\n keep\n--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x = 1\n"
    assert changed_lines(diff) == {"q.sql": ["--- old comment"], "gone.py": ["-x = 1"]}


def test_patch_bad_inputs():
    assert score("code.patch_similarity", "no diff here", REF).score == 0.0
    assert score("code.patch_similarity", REF, "not a diff").status is rmg.RewardStatus.invalid_input
