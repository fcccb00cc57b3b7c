"""code.execution on real data: HumanEval and MBPP solutions pass, mutated ones fail; every
accepted reference shape is scored right; malformed references are invalid input."""

from __future__ import annotations

from typing import Any

import pytest
from rmg_plugin_code.extract import extract_code

import rmg
from rmg import get_reward_class

FLIPS = [
    ("<=", ">"),
    (">=", "<"),
    ("==", "!="),
    ("!=", "=="),
    (" + ", " - "),
    (" - ", " + "),
    (" < ", " >= "),
    (" > ", " <= "),
    (" * ", " + "),
    ("True", "False"),
    ("False", "True"),
]
# Flipping the first operator of HumanEval/124 gives an equivalent program (the mutant is right).
EQUIVALENT_MUTANTS = {"HumanEval/124"}


def humaneval_sample(row: dict[str, Any], body: str) -> rmg.Sample:
    response = f"Here is my solution:\n```python\n{row['prompt']}{body}\n```\nDone."
    return rmg.Sample.of(
        response, reference={"tests": row["test"], "entry_point": row["entry_point"]}, id=row["task_id"]
    )


def scores(samples: list[rmg.Sample]) -> dict[Any, rmg.RewardResult]:
    return {s.sample.id: s.result for s in rmg.evaluate("code.execution", samples, workers=2)}


def test_every_humaneval_canonical_solution_passes(humaneval):
    results = scores([humaneval_sample(r, r["canonical_solution"]) for r in humaneval])
    failed = {k: r.reason for k, r in results.items() if r.score != 1.0}
    assert len(results) == 164 and not failed, failed


def test_humaneval_bodies_replaced_by_return_none_all_fail(humaneval):
    results = scores([humaneval_sample(r, "    return None\n") for r in humaneval])
    passed = [k for k, r in results.items() if r.score != 0.0]
    assert not passed, passed


def test_humaneval_with_a_flipped_operator_fail(humaneval):
    samples = []
    for row in humaneval:
        for old, new in FLIPS:
            if old in row["canonical_solution"]:
                samples.append(humaneval_sample(row, row["canonical_solution"].replace(old, new, 1)))
                break
    results = scores(samples)
    survivors = {k for k, r in results.items() if r.score != 0.0}
    assert len(samples) > 100 and survivors <= EQUIVALENT_MUTANTS, survivors


def test_mbpp_solutions_pass_and_partial_credit_counts_asserts(mbpp):
    rows = mbpp[:12]
    good = [
        rmg.Sample.of(r["code"], reference={"tests": r["test_list"], "setup": r["test_imports"]}, id=r["task_id"])
        for r in rows
    ]
    assert all(r.score == 1.0 for r in scores(good).values())
    # a solution whose function is replaced by one returning None fails each assert separately
    row = rows[0]
    broken = rmg.Sample.of(
        "def " + row["code"].split("def ", 1)[1].split("(")[0] + "(*a):\n    return None\n",
        reference=row["test_list"],
        id="broken",
    )
    result = scores([broken])["broken"]
    assert result.score == 0.0 and result.details["total"] == len(row["test_list"])


def run(response: str, reference: Any, **params: Any) -> rmg.RewardResult:
    return get_reward_class("code.execution")(**params).evaluate(rmg.Sample.of(response, reference=reference))[0]


def test_assert_shapes_plain_string_list_and_dict_with_setup_and_prefix():
    code = "def sq(x):\n    return x * x\n"
    assert run(code, "assert sq(2) == 4\nassert sq(3) == 10").score == 0.5
    assert run(code, ["assert sq(2) == 4", "assert sq(-1) == 1"]).score == 1.0
    assert run(code, {"tests": "assert sq(M) == 9", "setup": "M = 3"}).score == 1.0
    # completion-style response: the function header comes from the reference prefix
    assert run("    return x * x", {"tests": ["assert sq(5) == 25"], "prefix": "def sq(x):\n"}).score == 1.0


def test_all_or_nothing_scores_partial_passes_zero():
    code = "def sq(x):\n    return x * x\n"
    assert run(code, "assert sq(2) == 4\nassert sq(3) == 10", all_or_nothing=True).score == 0.0


def test_stdin_stdout_cases_compare_like_a_judge():
    code = "n = int(input())\nprint(' '.join(str(i) for i in range(n)) + '   ')\nprint()"
    reference = {"inputs": ["3\n", "1\n", "2\n"], "outputs": ["0 1 2\n", "0", "0 2"]}
    result = run(code, reference)
    assert result.score == pytest.approx(2 / 3), result
    assert "wrong output" in result.details["tests"][2]["error"]
    assert run("print(1/3)", [{"input": "", "output": "0.3333333333"}]).score == 1.0


def test_function_call_cases_apps_style_and_leetcode_class():
    code = "def pair(a, b=0):\n    return (a, b)\n"
    cases = [
        {"args": [1], "expected": [1, 0]},
        {"args": [1], "kwargs": {"b": 2}, "expected": [1, 2]},
        {"args": [2], "expected": [2, 5]},
    ]
    result = run(code, {"fn_name": "pair", "cases": cases})
    assert result.score == pytest.approx(2 / 3) and "returned" in result.details["tests"][2]["error"]
    apps = '{"fn_name": "twice", "inputs": [[2], [3]], "outputs": [[4], 6]}'
    raw = "def raw(n):\n    return bytes(range(n))\n"  # any byte survives the sandbox's JSON reports
    assert run(raw, {"fn_name": "raw", "cases": [{"args": [256], "expected": bytes(range(256))}]}).score == 1.0
    assert run(raw, {"fn_name": "raw", "cases": [{"args": [2], "expected": b"\x00\x02"}]}).score == 0.0
    assert run("class Solution:\n    def twice(self, x):\n        return 2 * x\n", {"input_output": apps}).score == 1.0


def test_malformed_references_are_invalid_input_with_a_clear_message():
    for reference, words in [
        (None, "needs tests"),
        ({"inputs": ["1"], "outputs": []}, "cases but 'outputs' has"),
        ({"tests": "def check(candidate):\n    assert candidate(1)\n"}, "entry_point"),
        ({"fn_name": "f", "cases": [{"args": [1]}]}, "expected"),
        ("assert (", "does not parse"),
        ({"foo": 1}, "none of the keys"),
    ]:
        result = run("def f(x): return x", reference)
        assert result.status is rmg.RewardStatus.invalid_input, (reference, result)
        assert words in result.error, (words, result.error)


def test_no_code_and_syntax_errors_score_zero_with_a_reason():
    assert run("", ["assert True"]).reason == "no code found in the response"
    result = run("```python\ndef f(:\n```", ["assert True"])
    assert result.score == 0.0 and "does not parse: line 1" in result.reason


def test_code_extraction_rules():
    text = "<think>```python\nwrong()\n```</think>Draft:\n```py\nx = 1\n```\nFinal:\n```python\nx = 2\n```"
    assert extract_code(text) == "x = 2"
    assert extract_code(text, block="all") == "x = 1\n\nx = 2"
    assert (
        extract_code("```\nlonger = 'untagged block'\n```\n```js\nno()\n```", block="longest")
        == "longer = 'untagged block'"
    )
    assert extract_code("```python\nprint(1)\n# truncated generation") == "print(1)\n# truncated generation"
    assert extract_code("def bare():\n    return 1") == "def bare():\n    return 1"
    assert extract_code("```cpp\nint main(){}\n```") == ""


def test_several_candidates_are_scored_independently():
    sample = rmg.Sample.of(["def f(x): return x + 1", "def f(x): return x"], reference=["assert f(1) == 2"])
    results = get_reward_class("code.execution")().evaluate(sample)
    assert [r.score for r in results] == [1.0, 0.0]
