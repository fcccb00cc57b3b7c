"""`format.language`: scripts and function words, on text written here and on IFEval's real responses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from format_testutil import score

import rmg

TEXTS = {
    "en": "The weather was cold this morning, so we stayed at home and read books by the fire.",
    "fr": "Il faisait froid ce matin, alors nous sommes restés à la maison pour lire des livres près du feu.",
    "de": "Heute Morgen war es kalt, deshalb sind wir zu Hause geblieben und haben am Feuer Bücher gelesen.",
    "es": "Esta mañana hacía frío, así que nos quedamos en casa y leímos libros junto al fuego.",
    "it": "Stamattina faceva freddo, quindi siamo rimasti a casa e abbiamo letto dei libri vicino al fuoco.",
    "pt": "Esta manhã estava frio, então ficamos em casa e lemos livros perto da lareira.",
    "nl": "Vanochtend was het koud, dus zijn we thuis gebleven en hebben we bij het vuur boeken gelezen.",
    "ru": "Сегодня утром было холодно, поэтому мы остались дома и читали книги у камина.",
    "uk": "Сьогодні вранці було холодно, тому ми залишилися вдома і читали книжки біля каміна.",
    "zh": "今天早上很冷，所以我们待在家里，在火炉旁看书。",
    "ja": "今朝はとても寒かったので、私たちは家にいて、暖炉のそばで本を読みました。",
    "ko": "오늘 아침은 추워서 우리는 집에 머물며 난로 옆에서 책을 읽었습니다.",
    "ar": "كان الجو باردا هذا الصباح، لذلك بقينا في المنزل وقرأنا الكتب بجانب المدفأة.",
    "fa": "امروز صبح هوا سرد بود، برای همین در خانه ماندیم و کنار بخاری کتاب خواندیم.",
    "hi": "आज सुबह बहुत ठंड थी, इसलिए हम घर पर रहे और आग के पास किताबें पढ़ीं।",
    "el": "Σήμερα το πρωί έκανε κρύο, οπότε μείναμε στο σπίτι και διαβάσαμε βιβλία δίπλα στο τζάκι.",
    "he": "הבוקר היה קר, אז נשארנו בבית וקראנו ספרים ליד האח.",
    "th": "เช้านี้อากาศหนาว เราจึงอยู่บ้านและอ่านหนังสือข้างเตาผิง",
}


@pytest.mark.parametrize("code", sorted(TEXTS))
def test_each_text_is_recognised_as_its_own_language_and_no_other(code: str) -> None:
    assert score("format.language", TEXTS[code], reference=code).score == 1.0, code
    others = [other for other in ("en", "fr", "de", "es", "zh", "ja", "ru", "ar") if other != code]
    wrong = [o for o in others if score("format.language", TEXTS[code], reference=o).score != 0.0]
    assert not wrong, f"{code} text also passes as {wrong}"


def test_a_short_text_in_the_right_script_passes_on_the_script_alone() -> None:
    result = score("format.language", "Paris, France.", reference="fr")
    assert result.score == 1.0 and result.details["determined"] is False


def test_reason_names_the_language_found() -> None:
    result = score("format.language", TEXTS["de"], language="en")
    assert result.reason.startswith("the response is mainly German")


def test_a_chinese_answer_with_code_a_url_and_an_english_name_is_still_chinese() -> None:
    text = (
        "你可以用 Python 的 requests 库来下载网页，详见 https://docs.python-requests.org/en/latest/ 。\n"
        "```python\nimport requests\nprint(requests.get('https://example.com').text)\n```\n这样就可以了。"
    )
    result = score("format.language", text, reference="zh")
    assert result.score == 1.0, result.reason


def test_soft_mode_scores_the_share_of_the_expected_language() -> None:
    mixed = TEXTS["en"] + " " + TEXTS["zh"]
    result = score("format.language", mixed, language="zh", soft=True)
    assert 0.2 < result.score < 0.8


def test_codes_are_normalised_and_unknown_ones_are_invalid_input() -> None:
    assert score("format.language", TEXTS["pt"], reference="pt_BR").score == 1.0
    assert score("format.language", TEXTS["zh"], reference={"language": "zh-Hans"}).score == 1.0
    bad = score("format.language", TEXTS["en"], reference="klingon")
    assert bad.status is rmg.RewardStatus.invalid_input and "unsupported language" in (bad.error or "")
    missing = score("format.language", TEXTS["en"])
    assert missing.status is rmg.RewardStatus.invalid_input and "needs the expected language" in (missing.error or "")


def _ifeval(data_dir: Path) -> list[tuple[int, str, str]]:
    """(key, expected language, GPT-4 response) for IFEval's `language:response_language` prompts."""
    folder = data_dir / "ifeval"
    responses = {}
    with open(folder / "input_response_data_gpt4_20231107_145030.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            responses[row["prompt"]] = row["response"]
    out = []
    with open(folder / "input_data.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            for instruction, kwargs in zip(row["instruction_id_list"], row["kwargs"]):
                if instruction == "language:response_language" and row["prompt"] in responses:
                    out.append((row["key"], kwargs["language"], responses[row["prompt"]]))
    return out


def test_ifeval_gpt4_responses_in_the_requested_language_pass_and_the_one_that_is_not_fails(data_dir: Path) -> None:
    """31 real GPT-4 answers to "respond in <language>" prompts (23 languages). One did not comply:
    key 3567 asked for Urdu and got romanised Urdu in Latin script; it must fail, and must not pass
    as English either (Latin script, but no English function words)."""
    rows = _ifeval(data_dir)
    assert len(rows) >= 30
    reward = rmg.create_reward("format.language")
    failed = {key for key, code, text in rows if reward(rmg.Sample.of(text, reference=code))[0].score != 1.0}
    assert failed == {3567}
    # and none of the non-English ones passes as English
    english = rmg.create_reward("format.language", {"language": "en"})
    as_english = {key for key, code, text in rows if english(rmg.Sample.of(text))[0].score == 1.0}
    assert as_english == set(), as_english


def test_ifeval_english_answers_pass_as_english_except_the_three_that_are_not_english(data_dir: Path) -> None:
    """GPT-4's answers to the other ~500 IFEval prompts: all English prose, except key 1137 (asked
    for French), 2417 (asked for "a different language": Spanish), 1675 and 2534 (translations
    into German) and 1738 (only numbers)."""
    folder = data_dir / "ifeval"
    prompts = {}
    with open(folder / "input_data.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if not any(i.startswith("language:") for i in row["instruction_id_list"]):
                prompts[row["prompt"]] = row["key"]
    reward = rmg.create_reward("format.language", {"language": "en"})
    failed = set()
    with open(folder / "input_response_data_gpt4_20231107_145030.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["prompt"] in prompts and reward(rmg.Sample.of(row["response"]))[0].score != 1.0:
                failed.add(prompts[row["prompt"]])
    assert failed == {1137, 1675, 1738, 2417, 2534}
