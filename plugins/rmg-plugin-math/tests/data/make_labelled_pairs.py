"""Write `labelled_pairs.jsonl`: hand-labelled (response, reference, label) pairs in 12 answer kinds.

Each base pair is an answer as a model writes it, the reference as a dataset stores it, and the
label a careful human grader gives. Every base pair is written four ways: bare, `$…$`-wrapped, in a
sentence (rotating through the ways models end a solution: "the answer is $X$", "Therefore $X$ is
the solution.", `\\(X\\)`, `\\[ X \\]`, `$$X$$`, "Final answer: X"), and boxed.

Usage: python make_labelled_pairs.py > labelled_pairs.jsonl
"""

from __future__ import annotations

import json

T, F = True, False
BASE: dict[str, list[tuple[str, str, bool]]] = {
    "integer": [
        ("42", "42", T), ("1 000", "1000", T), ("7,425,000", "7425000", T), ("\u22122", "-2", T),
        ("41", "42", F), ("-5", "5", F), ("AZYUK2A", "2", F), ("10{,}000", "10000", T),
    ],
    "decimal": [
        ("2,74", "2.74", T), ("0.50", "0.5", T), (".75", "0.75", T), ("1,000.99", "1000.99", T),
        ("3.14", "3.15", F), ("2.5", "2.05", F), ("0,111", "0.111", T), ("-0.25", "0.25", F),
    ],
    "fraction": [
        ("5/2", "2.5", T), ("-\\frac{10}{9}", "-10/9", T), ("\\frac13", "1/3", T), ("\\dfrac{3}{4}", "0.75", T),
        ("\\frac{2}{3}", "3/2", F), ("\\frac{10}{9}", "-10/9", F), ("\\tfrac{1}{2}", "\\frac{2}{4}", T),
        ("\\cfrac{1}{3}", "0.3", F),
    ],
    "expression": [
        ("\\sqrt3", "\\sqrt{3}", T), ("\\dfrac{\\pi}{4}", "\\frac{\\pi}{4}", T), ("2\\sqrt{2}", "\\sqrt{8}", T),
        ("\\frac{1+\\sqrt{5}}{2}", "2", F), ("\\pi/3", "\\frac{\\pi}{6}", F), ("3\\sqrt{2}", "2\\sqrt{3}", F),
        ("\\frac{\\sqrt{2}}{2}", "\\frac{1}{\\sqrt{2}}", T), ("4 - 2\\sqrt{3}", "4 + 2\\sqrt{3}", F),
    ],
    "scientific": [
        ("1.5 \\times 10^{3}", "1500", T), ("3.2 \\cdot 10^{-4}", "0.00032", T), ("6.02 \\times 10^{23}", "6.02e23", T),
        ("2e5", "200000", T), ("1.5 \\times 10^{4}", "1500", F), ("3 \\times 10^{-3}", "0.03", F),
        ("4.5 \\times 10^6", "4500000", T), ("9.1 \\times 10^{-31}", "9.1 \\times 10^{-30}", F),
    ],
    "percentage": [
        ("50\\%", "0.5", T), ("25\\%", "25\\%", T), ("12.5%", "12.5", T), ("40\\%", "50\\%", F),
        ("5\\%", "0.5", F), ("100\\%", "1", T), ("75 percent", "75\\%", T), ("33\\%", "0.3", F),
    ],
    "interval": [
        ("[1,2)", "[1, 2)", T), ("(0,\\infty)", "(0, \\infty)", T),
        ("(-\\infty,0)\\cup(1,\\infty)", "(-\\infty, 0) \\cup (1, \\infty)", T), ("[1,2]", "[1,2)", F),
        ("(-\\infty,0]\\cup(1,\\infty)", "(-\\infty,0)\\cup(1,\\infty)", F), ("x \\in [-2, 7]", "[-2,7]", T),
        ("-2 \\le x \\le 7", "[-2,7]", T), ("\\mathbb{R}", "(-\\infty,\\infty)", T), ("(2, \\infty)", "[2,\\infty)", F),
        ("(1, \\infty) \\cup (-\\infty, -1)", "(-\\infty,-1)\\cup(1,\\infty)", T),
    ],
    "set": [
        ("\\{1,-1\\}", "\\{-1, 1\\}", T), ("\\varnothing", "\\emptyset", T), ("\\{3, 1, 2\\}", "\\{1,2,3\\}", T),
        ("\\{1, 2\\}", "\\{1,2,3\\}", F), ("\\{1, 2, 2, 3\\}", "\\{1,2,3\\}", T), ("\\emptyset", "\\{0\\}", F),
        ("\\{\\frac12, 2\\}", "\\{2, 0.5\\}", T), ("\\{-1, 1\\}", "\\{1\\}", F),
    ],
    "tuple": [
        ("(1, 2)", "(1,2)", T), ("(2, 1)", "(1,2)", F), ("(1, 4.5)", "(1, \\frac{9}{2})", T),
        ("(3, \\frac{\\pi}{2})", "\\left(3, \\frac{\\pi}{2}\\right)", T), ("(3, \\frac{\\pi}{3})", "(3, \\frac{\\pi}{2})", F),
        ("(1, 2, 3)", "(1, 2)", F), ("(-1, 0, 2)", "(-1,0,2)", T), ("(0, -3)", "(0, 3)", F),
    ],
    "matrix": [
        ("\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}", "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", T),
        ("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix}1\\\\2\\end{pmatrix}", T),
        ("\\left[\\begin{array}{cc}1 & 0 \\\\ 0 & 1\\end{array}\\right]", "\\begin{pmatrix}1&0\\\\0&1\\end{pmatrix}", T),
        ("\\begin{pmatrix}1&2\\\\4&3\\end{pmatrix}", "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", F),
        ("\\begin{pmatrix} 1 & 2 \\end{pmatrix}", "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", F),
        ("\\begin{pmatrix}\\frac12 & 0\\\\0 & 1\\end{pmatrix}", "\\begin{pmatrix}0.5&0\\\\0&1\\end{pmatrix}", T),
        ("\\begin{pmatrix} 3 \\\\ -1 \\end{pmatrix}", "\\begin{pmatrix} 3 \\\\ 1 \\end{pmatrix}", F),
        ("\\begin{vmatrix}2&0\\\\0&2\\end{vmatrix}", "\\begin{vmatrix}2&0\\\\0&2\\end{vmatrix}", T),
    ],
    "relation": [
        ("x \\geq 5", "x >= 5", T), ("5 \\leq x", "x \\geq 5", T), ("x > 5", "x \\geq 5", F),
        ("y = 2x + 3", "y = 3 + 2x", T), ("x = 5", "5", T), ("x = 4", "5", F), ("x \\neq 3", "x != 3", T),
        ("x < 3", "x > 3", F), ("2x + 4y - 3 = 0", "y = -\\frac{1}{2}x + \\frac{3}{4}", T),
        ("y = 2x - 3", "y = 2x + 3", F),
    ],
    "text": [
        ("\\text{(C)}", "C", T), ("B", "C", F), ("\\text{Tuesday}", "Tuesday", T), ("odd", "\\text{odd}", T),
        ("even", "odd", F), ("(A)", "A", T), ("\\textbf{D}", "D", T), ("\\text{Monday}", "Tuesday", F),
    ],
}
SENTENCES = [
    "So the answer is ${}$.",
    "Therefore ${}$ is the solution.",
    "Putting it together, we obtain \\({}\\).",
    "Answer \\[ {} \\]",
    "After simplifying, the result is $${}$$",
    "Final answer: {}",
]


def rows() -> list[dict]:
    out, n = [], 0
    for kind, pairs in BASE.items():
        for answer, reference, label in pairs:
            sentence = SENTENCES[n % len(SENTENCES)].replace("{}", answer)
            n += 1
            for form, response in (("bare", answer), ("dollar", f"${answer}$"), ("sentence", sentence),
                                   ("boxed", f"Thus the answer is $\\boxed{{{answer}}}$.")):
                out.append({"kind": kind, "form": form, "response": response, "reference": reference, "label": label})
    return out


if __name__ == "__main__":
    for row in rows():
        print(json.dumps(row, ensure_ascii=False))
