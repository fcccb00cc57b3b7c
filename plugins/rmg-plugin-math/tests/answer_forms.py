"""Hand-written answer forms with known labels, shared by the tests and `bench/bench_math.py`.

Each case is (form, response, gold, correct). Responses are written the way models write them
(boxed, "the answer is", bare); labels are what a careful human grader would say.
"""

from __future__ import annotations

CASES: list[tuple[str, str, str, bool]] = [
    # integers, negatives, separators
    ("integer", "So the total is \\boxed{42}.", "42", True),
    ("integer", "So the total is \\boxed{43}.", "42", False),
    ("integer", "The answer is 7.", "7", True),
    ("integer", "Answer: 007", "7", True),
    ("negative", "Thus $x = \\boxed{-5}$.", "-5", True),
    ("negative", "Thus $x = \\boxed{5}$.", "-5", False),
    ("negative", "The answer is $-12$.", "-12", True),
    ("separator", "She earns \\boxed{1,250} dollars.", "1250", True),
    ("separator", "The population is \\boxed{10{,}000}.", "10000", True),
    ("separator", "The answer is 6,290,000.", "6290000", True),
    ("separator", "The answer is 6,290,001.", "6290000", False),
    ("separator", "\\boxed{1\\,000\\,000}", "1000000", True),
    ("gsm8k", "16 - 3 - 4 = <<16-3-4=9>>9\n9 * 2 = <<9*2=18>>18\n#### 18", "18", True),
    ("gsm8k", "16 - 3 = 13\n13 * 2 = 26\n#### 26", "18", False),
    ("gsm8k_line", "She sells 9 eggs for $2 each.\nA: 18", "18", True),
    ("gsm8k_line", "She sells 9 eggs for $2 each.\nA: $18", "18", True),
    # fractions and decimals
    ("fraction", "\\boxed{\\frac{1}{2}}", "0.5", True),
    ("fraction", "\\boxed{0.5}", "\\frac{1}{2}", True),
    ("fraction", "\\boxed{\\dfrac{3}{4}}", "\\frac{3}{4}", True),
    ("fraction", "\\boxed{\\tfrac34}", "0.75", True),
    ("fraction", "The answer is 3/4.", "\\frac{3}{4}", True),
    ("fraction", "\\boxed{\\frac{2}{4}}", "\\frac{1}{2}", True),
    ("fraction", "\\boxed{\\frac{1}{3}}", "0.33", False),
    ("fraction", "\\boxed{-\\frac{40}{153}}", "-\\frac{40}{153}", True),
    ("fraction", "\\boxed{\\frac{-40}{153}}", "-\\frac{40}{153}", True),
    ("fraction", "\\boxed{\\frac{40}{153}}", "-\\frac{40}{153}", False),
    ("fraction", "\\boxed{1\\frac{1}{4}}", "\\frac{5}{4}", True),
    ("fraction", "\\boxed{12\\frac{3}{5}}", "12.6", True),
    ("decimal", "\\boxed{37.5}", "37.50", True),
    ("decimal", "\\boxed{13.18}", "13.18", True),
    ("decimal", "\\boxed{13.19}", "13.18", False),
    ("decimal", "\\boxed{.5}", "0.5", True),
    ("decimal", "\\boxed{0.3333333}", "\\frac{1}{3}", True),
    # percentages
    ("percent", "\\boxed{50\\%}", "50", True),
    ("percent", "\\boxed{50\\%}", "0.5", True),
    ("percent", "The answer is 25%.", "25\\%", True),
    ("percent", "\\boxed{40\\%}", "50\\%", False),
    # units, text, degrees
    ("units", "\\boxed{18 \\text{ dollars}}", "18", True),
    ("units", "\\boxed{\\$18.00}", "18", True),
    ("units", "The answer is 5 cm.", "5", True),
    ("units", "\\boxed{12\\text{ cm}^2}", "12", True),
    ("units", "\\boxed{13 \\text{ cm}}", "12", False),
    ("text", "\\boxed{\\text{Tuesday}}", "\\text{Tuesday}", True),
    ("text", "\\boxed{\\text{Monday}}", "\\text{Tuesday}", False),
    ("text", "\\boxed{\\text{(C)}}", "C", True),
    ("text", "\\boxed{B}", "C", False),
    ("degrees", "\\boxed{45^\\circ}", "45", True),
    ("degrees", "\\boxed{45^{\\circ}}", "45^\\circ", True),
    ("degrees", "\\boxed{135^\\circ}", "45", False),
    # scientific notation
    ("scientific", "\\boxed{1.5 \\times 10^{3}}", "1500", True),
    ("scientific", "\\boxed{3.2 \\times 10^{-4}}", "0.00032", True),
    ("scientific", "The answer is 2e5.", "200000", True),
    ("scientific", "\\boxed{1.5 \\times 10^{4}}", "1500", False),
    # roots and pi
    ("sqrt", "\\boxed{2\\sqrt{3}}", "2\\sqrt{3}", True),
    ("sqrt", "\\boxed{\\sqrt{12}}", "2\\sqrt{3}", True),
    ("sqrt", "\\boxed{\\frac{\\sqrt{2}}{2}}", "\\frac{1}{\\sqrt{2}}", True),
    ("sqrt", "\\boxed{\\sqrt{3}}", "2\\sqrt{3}", False),
    ("sqrt", "\\boxed{3\\sqrt{2}}", "\\sqrt{18}", True),
    ("pi", "\\boxed{7\\pi}", "7\\pi", True),
    ("pi", "\\boxed{\\pi \\cdot 7}", "7\\pi", True),
    ("pi", "\\boxed{\\frac{\\pi}{2}}", "\\frac{\\pi}{2}", True),
    ("pi", "\\boxed{\\frac{\\pi}{3}}", "\\frac{\\pi}{2}", False),
    ("pi", "\\boxed{14\\pi}", "7\\pi", False),
    # expressions
    ("expression", "\\boxed{4a-2}", "4a-2", True),
    ("expression", "\\boxed{-2+4a}", "4a-2", True),
    ("expression", "\\boxed{4a+2}", "4a-2", False),
    ("expression", "\\boxed{x^2+2x+1}", "(x+1)^2", True),
    ("expression", "\\boxed{x^2+1}", "(x+1)^2", False),
    # intervals
    ("interval", "\\boxed{(-\\infty, 3]}", "(-\\infty,3]", True),
    ("interval", "\\boxed{(-\\infty, 3)}", "(-\\infty,3]", False),
    ("interval", "\\boxed{[2, 5)}", "[2,5)", True),
    ("interval", "\\boxed{[2, 5]}", "[2,5)", False),
    ("interval", "\\boxed{(-\\infty, 1) \\cup (2, \\infty)}", "(-\\infty,1)\\cup(2,\\infty)", True),
    ("interval", "\\boxed{(-\\infty, 1] \\cup (2, \\infty)}", "(-\\infty,1)\\cup(2,\\infty)", False),
    # sets (unordered), tuples (ordered)
    ("set", "\\boxed{\\{3, 1, 2\\}}", "\\{1,2,3\\}", True),
    ("set", "\\boxed{\\{1, 2\\}}", "\\{1,2,3\\}", False),
    ("tuple", "\\boxed{(1, 2)}", "(1,2)", True),
    ("tuple", "\\boxed{(2, 1)}", "(1,2)", False),
    (
        "tuple",
        "The point is \\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}.",
        "\\left( 3, \\frac{\\pi}{2} \\right)",
        True,
    ),
    ("tuple", "\\boxed{(3, \\frac{\\pi}{3})}", "\\left( 3, \\frac{\\pi}{2} \\right)", False),
    # matrices
    ("matrix", "\\boxed{\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}}", "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", True),
    ("matrix", "\\boxed{\\begin{pmatrix} 2 \\\\ 1 \\end{pmatrix}}", "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", False),
    (
        "matrix",
        "\\boxed{\\begin{pmatrix} 1/2 & 0 \\\\ 0 & 1 \\end{pmatrix}}",
        "\\begin{pmatrix} \\frac{1}{2} & 0 \\\\ 0 & 1 \\end{pmatrix}",
        True,
    ),
    (
        "matrix",
        "\\boxed{\\begin{bmatrix} 1 & 0 \\\\ 0 & 1 \\end{bmatrix}}",
        "\\begin{pmatrix} 1 & 0 \\\\ 0 & 2 \\end{pmatrix}",
        False,
    ),
    # equations
    ("equation", "\\boxed{x = 3}", "3", True),
    ("equation", "\\boxed{3}", "x=3", True),
    ("equation", "\\boxed{x = 4}", "3", False),
    ("equation", "\\boxed{y = 2x + 3}", "y=2x+3", True),
    ("equation", "\\boxed{y = 3 + 2x}", "y=2x+3", True),
    ("equation", "\\boxed{y = 2x - 3}", "y=2x+3", False),
    # multiple answers
    ("multiple", "\\boxed{2, 3}", "3, 2", True),
    ("multiple", "\\boxed{-1, 1}", "1,-1", True),
    ("multiple", "\\boxed{2, 4}", "2, 3", False),
    ("multiple", "The solutions are $\\boxed{2}$ and $\\boxed{3}$.", "2, 3", True),
    ("multiple", "\\boxed{x = 2 \\text{ or } x = 3}", "2, 3", True),
    # last-number fallback
    ("last_number", "Adding them up gives 12 + 30 = 42", "42", True),
    ("last_number", "Adding them up gives 12 + 30 = 41", "42", False),
    # hard negatives: hedging and several boxed answers
    ("hedge", "The answer is 1, 2, 3, 4, 5, ..., 42.", "42", False),
    ("hedge", "It is either \\boxed{41} or \\boxed{42}.", "42", False),
    ("hedge", "The answer is 41 or 42.", "42", False),
]
