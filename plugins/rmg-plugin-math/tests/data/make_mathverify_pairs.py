"""Rebuild `mathverify_pairs.jsonl` from Math-Verify's public test files (data only, no code).

Usage: python make_mathverify_pairs.py GIT_DIR COMMIT > mathverify_pairs.jsonl
where GIT_DIR is a clone of https://github.com/huggingface/Math-Verify. Every
`@pytest.mark.parametrize` whose arguments start with `gold, pred` and hold literal tuples becomes
one JSON line: gold, pred, expected (0/1), the test it came from, and the options that test passes
to `verify` (precision, strict, allow_set_relation_comp, match_types) so a reader can filter.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys

FILES = [
    "test_all.py",
    "test_boxed.py",
    "test_numina_cases.py",
    "test_open_thoughts.py",
    "test_strict.py",
    "test_yujianll.py",
]


def options_of(func: ast.FunctionDef) -> dict:
    """The keyword options the test passes to its compare helper (literal ones only)."""
    out: dict = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg in ("match_types", "precision", "strict", "allow_set_relation_comp"):
                    try:
                        out[kw.arg] = ast.literal_eval(kw.value)
                    except ValueError:
                        out[kw.arg] = "per-case"
    return out


def main(git_dir: str, commit: str) -> None:
    for name in FILES:
        source = subprocess.run(
            ["git", "--git-dir", git_dir, "show", f"{commit}:tests/{name}"], check=True, capture_output=True, text=True
        ).stdout
        for func in ast.parse(source).body:
            if not isinstance(func, ast.FunctionDef):
                continue
            for deco in func.decorator_list:
                if not (isinstance(deco, ast.Call) and getattr(deco.func, "attr", "") == "parametrize"):
                    continue
                names = [n.strip() for n in re.split(r",", ast.literal_eval(deco.args[0]))]
                if names[:2] != ["gold", "pred"]:
                    continue
                options = options_of(func)
                for node in deco.args[1].elts:
                    try:
                        row = ast.literal_eval(node)
                    except ValueError:  # a row built with code (an f-string): not data, skipped
                        continue
                    case = dict(zip(names, row))
                    expected = case.pop("expected", case.pop("result", None))
                    line = {
                        "gold": case.pop("gold"),
                        "pred": case.pop("pred"),
                        "expected": int(expected),
                        "source": f"tests/{name}::{func.name}",
                        "options": {**options, **case},
                    }
                    print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
