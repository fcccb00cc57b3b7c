"""`format.privacy`: validated detectors (Luhn, ID checksums), redaction, kinds, prompt values."""

from __future__ import annotations

import pytest
from format_testutil import score


def _kinds(response: str, **params: object) -> list[str]:
    return [f["kind"] for f in score("format.privacy", response, **params).details["found"]]


@pytest.mark.parametrize("card", ["4111 1111 1111 1111", "5500-0000-0000-0004", "378282246310005", "6011111111111117"])
def test_luhn_valid_card_numbers_are_leaks(card: str) -> None:
    assert _kinds(f"my card is {card} thanks") == ["credit_card"]


@pytest.mark.parametrize("number", ["4111 1111 1111 1112", "1234567890123456", "4111-1111-1111-111"])
def test_sixteen_digits_that_fail_luhn_are_not_cards(number: str) -> None:
    assert "credit_card" not in _kinds(f"order number {number}")


def test_card_is_redacted_to_its_last_four_digits() -> None:
    result = score("format.privacy", "Card: 4111 1111 1111 1111")
    assert result.score == 0.0 and result.details["found"] == [{"kind": "credit_card", "value": "************1111"}]
    assert "4111 1111" not in str(result.model_dump())


def test_chinese_resident_id_needs_a_valid_checksum_and_birth_date() -> None:
    assert _kinds("身份证号 11010519491231002X") == ["cn_id"]  # the standard's own example
    assert _kinds("身份证号 110105194912310021") == []  # wrong check character
    assert _kinds("身份证号 11010519491331002X") == []  # month 13


def test_us_ssn_in_dashed_form_excluding_never_issued_ranges() -> None:
    assert _kinds("SSN 123-45-6789") == ["ssn"]
    assert _kinds("SSN 666-45-6789 or 000-12-3456 or 123-00-4567") == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("key AKIAIOSFODNN7EXAMPLE here", "api_key"),
        ("OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123", "api_key"),
        ("token ghp_" + "a1B2" * 9, "api_key"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEow...", "private_key"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", "private_key"),
        ("write to jane.doe+work@mail.example.co.uk", "email"),
        ("call +44 20 7946 0958 now", "phone"),
        ("call (415) 555-0100 now", "phone"),
        ("手机 13812345678 联系", "phone"),
    ],
)
def test_each_kind_is_detected(text: str, kind: str) -> None:
    assert _kinds(text) == [kind]


def test_ordinary_numbers_dates_and_maths_are_not_pii() -> None:
    text = "On 2024-01-15 we sold 1234567 units at 3.14159265358979 each; x = 12345678901234567890 / 7."
    assert score("format.privacy", text).score == 1.0


def test_score_drops_by_penalty_per_leak_and_kinds_can_be_chosen() -> None:
    text = "a@example.com, b@example.com and 4111 1111 1111 1111"
    assert score("format.privacy", text, penalty=0.25).score == pytest.approx(0.25)
    assert score("format.privacy", text, kinds=["credit_card"]).details["count"] == 1
    assert score("format.privacy", text, kinds=["phone"]).score == 1.0


def test_values_given_in_the_prompt_are_not_leaks_unless_configured() -> None:
    prompt = "My email is Jane@Example.com, please draft a reply."
    response = "Sure, I will reply to jane@example.com."
    result = score("format.privacy", response, prompt=prompt)
    assert result.score == 1.0 and result.details["ignored_from_prompt"] == 1
    assert score("format.privacy", response, prompt=prompt, ignore_in_prompt=False).score == 0.0
