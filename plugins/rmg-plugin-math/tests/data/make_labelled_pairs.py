"""Write `labelled_pairs.jsonl`: hand-labelled (response, reference, label) pairs in 12 answer kinds.

Each base pair is an answer as a model writes it, the reference as a dataset stores it, and the
label a careful human grader gives. Every base pair is written four ways: bare, `$…$`-wrapped, in a
sentence (rotating through the ways models end a solution: "the answer is $X$", "Therefore $X$ is
the solution.", `\\(X\\)`, `\\[ X \\]`, `$$X$$`, "Final answer: X"), and boxed.

`IN_CONTEXT` adds whole responses (the answer inside prose, several math spans, units, Unicode).

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
# Whole responses, written as models end a solution (the answer inside prose, several spans, units).
IN_CONTEXT: list[tuple[str, str, bool, str]] = [
    ("We have $x^2=4$, so $x = 2$ or $x = -2$.", "2, -2", T, "set"),
    ("We have $x^2=4$, so $x = 2$ or $x = -2$.", "2", F, "integer"),
    ("The probability is $\\frac{1}{2}$, which is 50%.", "\\frac12", T, "fraction"),
    ("Thus the interval is [1, 2).", "[1,2)", T, "interval"),
    ("The solution set is $x > 1$ or $x < -1$.", "(-\\infty,-1)\\cup(1,\\infty)", T, "interval"),
    ("So $x > 1 \\text{ or } x < -1$.", "(-\\infty,-1)\\cup(1,\\infty)", T, "interval"),
    ("The domain is all real numbers.", "\\mathbb{R}", T, "interval"),
    ("$x \\in (-\\infty, 2]$", "(-\\infty,2]", T, "interval"),
    ("$x \\le 2$", "(-\\infty, 2]", T, "interval"),
    ("$x < 2$", "(-\\infty, 2]", F, "interval"),
    ("$[\\frac{1}{2}, \\sqrt{2})$", "[0.5, \\sqrt2)", T, "interval"),
    ("$[2, +\\infty)$", "[2,\\infty)", T, "interval"),
    ("$\\left[ 1, 2 \\right)$", "[1,2)", T, "interval"),
    ("$(-1, 1)$", "-1 < x < 1", T, "interval"),
    ("$(-1, 1]$", "-1 < x < 1", F, "interval"),
    ("The area is 2π.", "2\\pi", T, "expression"),
    ("The area is $2\\pi$ square units.", "2\\pi", T, "expression"),
    ("$\\frac{\\sqrt{3}}{2}$", "\\frac{1}{2}\\sqrt{3}", T, "expression"),
    ("$\\sqrt{2}/2$", "\\frac{\\sqrt2}{2}", T, "expression"),
    ("$2 + \\sqrt{3}$", "\\sqrt{3} + 2", T, "expression"),
    ("$2 - \\sqrt{3}$", "\\sqrt{3} - 2", F, "expression"),
    ("The answer is 1.2E-3.", "0.0012", T, "scientific"),
    ("The answer is $1.2 × 10^-3$.", "0.0012", T, "scientific"),
    ("$10^{-3}$", "0.001", T, "scientific"),
    ("$6.02 \\times 10^{23}$", "6.022 \\times 10^{23}", F, "scientific"),
    ("It increased by 3.5%.", "0.035", T, "percentage"),
    ("It increased by 3.5%.", "3.5\\%", T, "percentage"),
    ("The rate is 50 percent.", "50\\%", T, "percentage"),
    ("$\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}$", "[[1,2],[3,4]]", T, "matrix"),
    ("The vector is $\\langle 1, 2 \\rangle$.", "(1,2)", T, "matrix"),
    ("The vector is $\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}$.", "(1,2)", T, "matrix"),
    ("The vector is $\\begin{pmatrix} 2 \\\\ 1 \\end{pmatrix}$.", "(1,2)", F, "matrix"),
    ("So $x = 1$ and $y = 2$.", "(1, 2)", T, "tuple"),
    ("The point is $(1, 2)$.", "(1,2)", T, "tuple"),
    ("The intersection point is (3, -4).", "(3,-4)", T, "tuple"),
    ("The intersection point is (3, 4).", "(3,-4)", F, "tuple"),
    ("The answer is (B) 12", "B", T, "text"),
    ("**Answer: B**", "B", T, "text"),
    ("The correct option is C.", "C", T, "text"),
    ("The correct option is (D).", "C", F, "text"),
    ("I choose \\boxed{\\text{B}}", "B", T, "text"),
    ("\\boxed{\\textbf{(E)}}", "E", T, "text"),
    ("The answer is Tuesday.", "\\text{Tuesday}", T, "text"),
    ("$x^2 + y^2 = 25$", "y^2 + x^2 = 25", T, "relation"),
    ("$x^2 + y^2 = 25$", "x^2 + y^2 = 5", F, "relation"),
    ("The line is $y = -2x + 1$.", "2x + y = 1", T, "relation"),
    ("The line is $y = 2x + 1$.", "2x + y = 1", F, "relation"),
    ("$x \\geq 5$", "[5, \\infty)", T, "relation"),
    ("$x \\ge 5$", "x > 5", F, "relation"),
    ("We get $\\frac{1}{3} \\approx 0.333$.", "1/3", T, "fraction"),
    ("\\boxed{\\frac13 \\approx 0.33}", "1/3", T, "fraction"),
    ("The answer is - 5.", "-5", T, "integer"),
    ("The answer is 1'000.", "1000", T, "integer"),
    ("Total: \\$1,250.50", "1250.5", T, "decimal"),
    ("The answer is 2x.", "2", F, "integer"),
    ("The value is $\\frac{1}{2}$ and so the answer is 0.5", "1/2", T, "fraction"),
    ("$\\{x \\mid x > 2\\}$", "(2, \\infty)", T, "interval"),
    ("$x=\\pm 3$", "\\pm 3", T, "set"),
    ("$x=\\pm 3$", "3, -3", T, "set"),
    ("$x=\\pm 3$", "3", F, "set"),
    ("$\\{1, 2\\}$", "1, 2", T, "set"),
    ("$\\{1, 2\\}$", "1, 2, 3", F, "set"),
    ("$30^\\circ$", "30", T, "integer"),
    ("The answer is $\\dfrac{3}{4}$.", "0.75", T, "fraction"),
    ("$\\tfrac{3}{4}$", "\\frac{6}{8}", T, "fraction"),
    ("The answer is $x = \\frac{-b}{2a}$.", "-\\frac{b}{2a}", T, "expression"),
    ("$a = 3, b = 4$", "a=3,b=4", T, "tuple"),
    ("The eigenvalues are $1$ and $3$.", "1, 3", T, "set"),
    ("$$\\begin{bmatrix} 1 \\\\ 0 \\end{bmatrix}$$", "\\begin{pmatrix}1\\\\0\\end{pmatrix}", T, "matrix"),
    ("The answer is 12 cm^2.", "12", T, "integer"),
    ("The answer is $12\\text{ cm}^2$.", "12", T, "integer"),
    ("The speed is $60\\,\\text{km/h}$.", "60", T, "integer"),
    ("$x \\in \\emptyset$", "\\emptyset", T, "set"),
    ("No solution, so the set is $\\emptyset$.", "\\varnothing", T, "set"),
    ("$(-\\infty, -3) \\cup (3, \\infty)$", "|x| > 3", T, "interval"),
    ("$x \\neq 2$", "(-\\infty,2)\\cup(2,\\infty)", T, "interval"),
    ("$\\mathbb{R} \\setminus \\{2\\}$", "(-\\infty,2)\\cup(2,\\infty)", T, "interval"),
    ('x = \\frac{5}{2}', '2.5', True, 'decimal'),
    ('\\frac{5}{2}', '5/2', True, 'fraction'),
    ('2.50', '5/2', True, 'fraction'),
    ('-\\frac{1}{2}', '-0.5', True, 'decimal'),
    ('\\frac{-1}{2}', '-1/2', True, 'fraction'),
    ('so we get $-\\dfrac{1}{2}$ as the answer.', '-0.5', True, 'decimal'),
    ('She ate $\\frac{3}{4}$ of the cake.', '3/4', True, 'fraction'),
    ('75%', '\\frac34', True, 'fraction'),
    ('0.75', '75\\%', True, 'percentage'),
    ('The angle is 45°.', '45', True, 'integer'),
    ('$3.0 \\times 10^8$ m/s', '3e8', True, 'scientific'),
    ('6.674×10⁻¹¹', '6.674 \\times 10^{-11}', True, 'scientific'),
    ('(-∞, 3]', '(-\\infty, 3]', True, 'interval'),
    ('x ∈ [0, 1]', '[0,1]', True, 'interval'),
    ('(-inf, 3]', '(-\\infty,3]', True, 'interval'),
    ('x ≤ -1 or x ≥ 1', '(-\\infty,-1]\\cup[1,\\infty)', True, 'interval'),
    ('-1 \\leq x < 2', '[-1, 2)', True, 'interval'),
    ('2 > x > -1', '(-1, 2)', True, 'tuple'),
    ('2 > x > -1', '[-1, 2)', False, 'interval'),
    ('{1, 2, 3}', '\\{1,2,3\\}', True, 'set'),
    ('∅', '\\emptyset', True, 'set'),
    ('x = 1, 2', '\\{1,2\\}', True, 'set'),
    ('(2, -3)', '(2,-3)', True, 'tuple'),
    ('x = 2, y = -3', '(2, -3)', True, 'tuple'),
    ('x = -3, y = 2', '(2, -3)', False, 'tuple'),
    ('The matrix is $\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}$.', '\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', True, 'matrix'),
    ('\\begin{pmatrix} -1 \\\\ 2 \\\\ 3 \\end{pmatrix}', '(-1, 2, 3)', True, 'tuple'),
    ('3x - y = 2', 'y = 3x - 2', True, 'expression'),
    ('(x-1)^2 + (y+2)^2 = 4', 'x^2 - 2x + y^2 + 4y + 1 = 0', True, 'relation'),
    ('(x-1)^2 + (y+2)^2 = 4', 'x^2 - 2x + y^2 + 4y = 0', False, 'relation'),
    ('\\text{No}', 'no', True, 'text'),
    ('Yes', '\\text{yes}', True, 'text'),
    ('B)', 'B', True, 'text'),
    ('Option B', 'B', True, 'text'),
    ('**Final Answer:** 42', '42', True, 'integer'),
    ('The final answer is **42**.', '42', True, 'integer'),
    ('The answer is \\(\\frac{\\sqrt{3}}{3}\\).', '\\frac{1}{\\sqrt3}', True, 'expression'),
    ('We find $a = 3$. Then $b = 4$. So $a + b = 7$.', '7', True, 'integer'),
    ('The sum is $3 + 4 = 7$.', '7', True, 'integer'),
    ('Thus, $\\angle ABC = 60^\\circ$.', '60', True, 'integer'),
    ('Therefore, the probability is $\\frac{5}{36}$.', '\\frac{5}{36}', True, 'fraction'),
    ('$P = \\frac{1}{6}$', '1/6', True, 'fraction'),
    ('The slope is 3 and the intercept is -2.', '-2', True, 'integer'),
    ('The answer is 12 square units.', '12', True, 'integer'),
    ('There are 3 cases, so the answer is 12.', '12', True, 'integer'),
    ('We need 5 more, i.e. 17 in total.', '17', True, 'integer'),
    ('$\\frac{1}{2}$', '0.5000', True, 'decimal'),
    ('$\\sqrt{2}$', '1.414', False, 'decimal'),
    ('1.414', '\\sqrt2', False, 'expression'),
    ('$\\pi$', '3.14159', False, 'decimal'),
    ('The roots are $x = \\frac{-1 \\pm \\sqrt{5}}{2}$.', '\\frac{-1+\\sqrt5}{2}, \\frac{-1-\\sqrt5}{2}', True, 'set'),
    ('The roots are $x = \\frac{-1 \\pm \\sqrt{5}}{2}$.', '\\frac{-1+\\sqrt5}{2}', False, 'expression'),
    ('$x = 3$ or $x = -3$', '\\pm 3', True, 'expression'),
    ('$(1, 2]$', '(1,2]', True, 'interval'),
    ('$(1, 2]$', '\\{1, 2\\}', False, 'set'),
    ('The interval is $[3, \\infty)$.', 'x \\geq 3', True, 'relation'),
    ('$\\left(-\\infty, \\frac{1}{2}\\right]$', '(-\\infty, 0.5]', True, 'interval'),
    ('$12\\%$', '0.12', True, 'decimal'),
    ('$12\\%$', '12', True, 'integer'),
    ('$0.12$', '12\\%', True, 'percentage'),
    ('$1.2\\%$', '12\\%', False, 'percentage'),
    ('\\text{even}', '\\text{odd}', False, 'text'),
    ('$y = x^2$', 'y=x^{2}', True, 'expression'),
    ('$f(x) = 3x + 1$', '3x+1', True, 'expression'),
    ('$f^{-1}(x) = \\frac{x-1}{3}$', '\\frac{x-1}{3}', True, 'expression'),
]
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
    for response, reference, label, kind in IN_CONTEXT:
        out.append({"kind": kind, "form": "in_context", "response": response, "reference": reference, "label": label})
    return out


if __name__ == "__main__":
    for row in rows():
        print(json.dumps(row, ensure_ascii=False))
