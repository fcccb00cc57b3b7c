"""`format.language`: is the response written in the expected language?

No model: Unicode-script statistics decide the writing system, then, inside a script shared by
several languages, function-word (stopword) counts and a few telling letters decide the language
(en / fr / de / es / it / pt / nl / vi / fi / sw for Latin, ru / uk / bg for Cyrillic, ar / fa /
ur for Arabic script, hi / mr / ne for Devanagari).
Japanese is Han plus kana (kana at least 10% of the CJK characters); Han without kana is Chinese.

Letters are weighted by the typical letters per word of their script, so a Chinese answer with an
English product name is still mostly Chinese. Code blocks tagged with a programming language,
inline code, URLs, e-mail addresses, LaTeX commands and markup tags are removed first: they are
not prose (JSON blocks stay: their strings are).

Limits (documented, by design): a text without clear function-word evidence (a name, "OK", a
list of names, XML) is judged by its script alone (details say `determined: false`), unless the
function words it has point more to another language of that script, in which case it fails; languages outside
`LANGUAGES` are refused; closely related languages beyond those pairs (es / ca, no / da, sr / hr
in Latin script) are not told apart; mixed-language texts are judged by their majority.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, ClassVar

from pydantic import Field

import rmg

from .language_data import LANGUAGES, LETTER_HINTS, SCRIPT_RANGES, STOPWORDS

__all__ = ["Detection", "Language", "detect", "resolve_code"]


def _script_patterns() -> dict[str, re.Pattern[str]]:
    """One character class per script (Latin: its letters only, not the ASCII punctuation in range)."""
    ranges: dict[str, list[str]] = {}
    for low, high, script in SCRIPT_RANGES:
        if script != "Latin":
            ranges.setdefault(script, []).append(f"\\U{low:08x}-\\U{high:08x}")
    patterns = {s: re.compile("[" + "".join(r) + "]") for s, r in ranges.items()}
    patterns["Latin"] = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
    return patterns


# Counting with one C-level regex scan per script is ~20x faster than a Python loop per character.
_SCRIPTS = _script_patterns()
# Typical letters per word, to compare scripts in words rather than characters.
_LETTERS_PER_WORD = {
    "Latin": 5.0,
    "Cyrillic": 6.0,
    "Greek": 6.0,
    "Hebrew": 4.5,
    "Arabic": 4.5,
    "Devanagari": 4.0,
    "Bengali": 4.0,
    "Gurmukhi": 4.0,
    "Gujarati": 4.0,
    "Tamil": 6.0,
    "Telugu": 5.0,
    "Kannada": 5.0,
    "Thai": 3.0,
    "Han": 1.5,
    "Kana": 2.0,
    "Hangul": 2.5,
}
# Code in a fenced block with a programming-language tag (```python); JSON, text and untagged
# blocks stay, since their strings are prose. Inline code, URLs, e-mails, LaTeX commands and
# lower-case markup tags (<think>, <br/>) go too.
_CODE = re.compile(
    r"```[ \t]*(?!json|text|txt|markdown|md)[A-Za-z][\w+#-]{0,40}[^\n`]{0,200}\n.*?(?:```|\Z)",
    re.DOTALL | re.IGNORECASE,
)
_NOISE = re.compile(
    r"`[^`\n]*`|https?://\S+|www\.\S+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\\[A-Za-z]+|</?[a-z][\w-]*(?:\s[^<>\n]{0,80})?/?>|```\w*"
)
# Words are split on whitespace and stripped of punctuation (not matched as \w runs: Indic vowel
# signs are combining marks, not \w, and would cut words apart).
_PUNCT = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum()) + "«»“”‘’„।॥،؛؟¿¡…—–·"


def resolve_code(value: Any) -> str:
    """`en`, `EN`, `en-US`, `pt_BR`, `zh-Hans` -> the supported base code; InvalidInput otherwise."""
    if isinstance(value, dict):
        value = value.get("language", value.get("lang"))
    if not isinstance(value, str) or not value.strip():
        raise rmg.InvalidInput(
            "format.language needs the expected language: the `language` parameter or the reference "
            f"as an ISO 639-1 code like 'en' or {{'language': 'en'}}; got {str(value)[:60]!r}"
        )
    code = re.split(r"[-_]", value.strip().lower())[0]
    if code not in LANGUAGES:
        raise rmg.InvalidInput(f"format.language: unsupported language {value!r}; supported: {', '.join(LANGUAGES)}")
    return code


class Detection:
    """What the text looks like: share of each language and whether the language was determined."""

    def __init__(
        self,
        shares: dict[str, float],
        language: str | None,
        determined: bool,
        evidence: dict[str, float],
        words: int = 0,
    ) -> None:
        self.words = words  # words in the text (after removing code, URLs...)
        self.shares = shares  # language code (or script name when unresolved) -> share of words
        self.language = language  # the majority language, None when there are no letters
        self.determined = determined  # False when the script was clear but not the language inside it
        self.evidence = evidence  # stopword / letter-hint scores inside the majority script


def _within_script(script: str, text: str) -> tuple[str | None, dict[str, float]]:
    """The language of `script` best supported by function words and telling letters."""
    candidates = [code for code, (_, s) in LANGUAGES.items() if s == script]
    if len(candidates) == 1:
        return candidates[0], {}
    words = Counter(w.strip(_PUNCT).lower() for w in text.split())
    lowered = text.lower()
    scores: dict[str, float] = {}
    for code in candidates:
        hits = sum(n for w, n in words.items() if w in STOPWORDS.get(code, ()))
        hints = sum(lowered.count(ch) for ch in LETTER_HINTS.get(code, ""))
        scores[code] = hits + 0.5 * min(hints, 20)
    ranked = sorted(scores.values(), reverse=True)
    best = max(scores, key=lambda c: scores[c])
    # Decide only on clear evidence: some hits, and well ahead of the runner-up.
    clear = ranked[0] > 0 and ranked[0] >= 1.5 * ranked[1]
    return (best if clear else None), scores


def detect(text: str) -> Detection:
    """Shares of the text by language (see the module docstring for how)."""
    text = _NOISE.sub(" ", _CODE.sub(" ", text))
    letters: Counter[str] = Counter({script: len(p.findall(text)) for script, p in _SCRIPTS.items()})
    letters = +letters  # drop the scripts not present
    if not letters:
        return Detection({}, None, False, {}, len(text.split()))
    cjk = letters["Han"] + letters["Kana"]
    if letters["Kana"] and letters["Kana"] >= 0.1 * cjk:  # Japanese writes its Han with kana around it
        letters["Kana"] += letters.pop("Han", 0)
    units = {s: n / _LETTERS_PER_WORD[s] for s, n in letters.items() if n}
    total = sum(units.values())
    majority = max(units, key=lambda s: units[s])
    language, evidence = _within_script(majority, text)
    shares: dict[str, float] = {}
    for script, u in units.items():
        if script == majority:
            key = language or script
        else:
            key = next((c for c, (_, s) in LANGUAGES.items() if s == script), script)
            if script == "Han":
                key = "zh"
        shares[key] = shares.get(key, 0.0) + u / total
    return Detection(shares, language or majority, language is not None, evidence, len(text.split()))


class Language(rmg.Reward):
    """1.0 if the response is mainly written in the expected language, else 0.0."""

    name: ClassVar[str] = "format.language"
    mode: ClassVar[rmg.Mode] = rmg.Mode.pointwise
    kind: ClassVar[rmg.Kind] = rmg.Kind.rule
    description: ClassVar[str] = (
        "1.0 if the response is written in the expected language (parameter or reference, an ISO code "
        "like en, zh, ja, ko, ru, ar, fr, de, es), judged by Unicode scripts and function words; else 0.0."
    )
    example: ClassVar[dict[str, Any]] = {
        "prompt": "Réponds en français : quelle est la capitale de l'Italie ?",
        "response": "La capitale de l'Italie est Rome, une ville qui est très ancienne.",
        "reference": "fr",
    }

    language: str = Field("", description="expected language code; empty: take it from the reference")
    min_share: float = Field(0.6, ge=0.0, le=1.0, description="share of the words that must be in the language")
    soft: bool = Field(False, description="score the share of words in the expected language instead of 1/0")

    def score(self, sample: rmg.Sample, candidate: rmg.Candidate) -> rmg.RewardResult:
        code = resolve_code(self.language or sample.reference)
        want = LANGUAGES[code][0]
        found = detect(candidate.content)
        details: dict[str, Any] = {
            "expected": code,
            "detected": found.language,
            "determined": found.determined,
            "shares": {k: round(v, 4) for k, v in sorted(found.shares.items(), key=lambda kv: -kv[1])},
        }
        if found.evidence:
            details["evidence"] = found.evidence
        if found.language is None:
            return rmg.RewardResult(score=0.0, reason="no letters to tell the language from", details=details)
        script = LANGUAGES[code][1]
        if found.determined:
            share = found.shares.get(code, 0.0)
        else:  # the script is clear but not the language: credit the script only, and say so
            share = found.shares.get(script, 0.0)
        # Right script but no clear winner among its languages: pass unless another language has
        # more function-word evidence (a list of names passes; romanised Urdu does not pass as English).
        evidence = found.evidence or {code: 0.0}
        undecided_ok = evidence.get(code, 0.0) >= max(evidence.values())
        ok = share >= self.min_share and (
            found.language == code or (not found.determined and found.language == script and undecided_ok)
        )
        name = LANGUAGES[found.language][0] if found.language in LANGUAGES else f"{found.language} script"
        if not ok and not found.determined and found.language == script and share >= self.min_share:
            leader = max(evidence, key=lambda c: evidence[c])
            reason = (
                f"{script} script, but not recognisably {want}: its function words look more like "
                f"{LANGUAGES[leader][0]} (no clear winner)"
            )
        elif ok:
            reason = f"{share:.0%} of the words are {want}"
            if not found.determined:
                reason += f" ({script} script; too few function words to tell which {script}-script language)"
        elif found.language != code and found.determined:
            reason = f"the response is mainly {name} ({found.shares.get(found.language, 0):.0%}), expected {want}"
        else:
            reason = f"only {share:.0%} of the words are {want} (min_share {self.min_share:.0%}); mainly {name}"
        value = share if self.soft else (1.0 if ok else 0.0)
        return rmg.RewardResult(score=value, reason=reason, details=details)
