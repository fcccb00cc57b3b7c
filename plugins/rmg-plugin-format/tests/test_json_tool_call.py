"""`format.json` (strict JSON, JSON Schema with failing paths) and `format.tool_call` (partial credit)."""

from __future__ import annotations

import json

import pytest
from format_testutil import score

import rmg

SCHEMA = {
    "type": "object",
    "properties": {
        "user": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
        "items": {
            "type": "array",
            "items": {"type": "object", "properties": {"price": {"type": "number", "minimum": 0}}},
        },
        "email": {"type": "string", "format": "email"},
    },
    "required": ["user"],
}


def test_fenced_json_conforming_to_the_reference_schema_scores_one() -> None:
    response = 'Here:\n```json\n{"user": {"name": "Ada"}, "items": [{"price": 2}]}\n```'
    result = score("format.json", response, reference=SCHEMA)
    assert result.score == 1.0 and result.details["source"] == "the last fenced block"


@pytest.mark.parametrize(
    ("value", "path_and_message"),
    [
        ({"user": {}}, "at $.user: 'name' is a required property"),
        (
            {"user": {"name": "A"}, "items": [{"price": 1}, {"price": 2}, {"price": -3}]},
            "at $.items[2].price: -3 is less than the minimum of 0",
        ),
        ({"user": {"name": 5}}, "at $.user.name: 5 is not of type 'string'"),
        ({"user": {"name": "A"}, "email": "not-an-email"}, "at $.email: 'not-an-email' is not a 'email'"),
        ([], "at $: [] is not of type 'object'"),
    ],
)
def test_schema_failures_name_the_failing_path(value: object, path_and_message: str) -> None:
    result = score("format.json", json.dumps(value), reference=SCHEMA)
    assert result.score == 0.0
    assert path_and_message in result.reason, result.reason


def test_schema_can_be_a_parameter_a_json_string_or_wrapped_in_the_reference() -> None:
    assert score("format.json", '{"user": {}}', json_schema=SCHEMA).score == 0.0
    assert score("format.json", '{"user": {"name": "A"}}', reference=json.dumps(SCHEMA)).score == 1.0
    assert score("format.json", '{"user": {}}', reference={"schema": SCHEMA}).score == 0.0


def test_invalid_json_reports_line_and_column_and_nan_is_not_json() -> None:
    bad = score("format.json", '{"a": 1,\n "b": }')
    assert bad.score == 0.0 and "line 2 column" in bad.reason
    assert "NaN is not valid JSON" in score("format.json", '{"a": NaN}').reason


def test_extract_modes_whole_and_fenced() -> None:
    fenced = 'Sure:\n```json\n{"a": 1}\n```'
    assert score("format.json", fenced, extract="whole").score == 0.0
    assert score("format.json", '{"a": 1}', extract="fenced").reason == "no ```json fenced block in the response"


def test_a_reference_that_is_not_a_schema_or_an_invalid_schema_is_invalid_input() -> None:
    result = score("format.json", "{}", reference={"answer": 42})
    assert result.status is rmg.RewardStatus.invalid_input and "must be a JSON Schema" in (result.error or "")
    broken = score("format.json", "{}", reference={"type": "nosuchtype"})
    assert broken.status is rmg.RewardStatus.invalid_input and "JSON Schema is invalid" in (broken.error or "")
    assert score("format.json", "{}", reference={"answer": 42}, use_reference=False).score == 1.0


WEATHER = {"name": "get_weather", "required": ["city"], "arguments": {"city": "Paris", "unit": "celsius"}}


@pytest.mark.parametrize(
    "response",
    [
        '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}\n</tool_call>',
        '{"type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\", \\"unit\\": \\"celsius\\"}"}}',
        '```json\n{"name": "get_weather", "parameters": {"city": " Paris", "unit": "celsius"}}\n```',
        '{"tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}}]}',
    ],
)
def test_hermes_openai_llama_and_tool_calls_shapes_are_all_read(response: str) -> None:
    assert score("format.tool_call", response, reference=WEATHER).score == 1.0


def test_partial_credit_is_name_weight_plus_the_share_of_passed_argument_checks() -> None:
    """3 checks (city required, city value, unit value); unit wrong: 0.25 + 0.75 * 2/3."""
    response = '{"name": "get_weather", "arguments": {"city": "Paris", "unit": "F"}}'
    result = score("format.tool_call", response, reference=WEATHER)
    assert result.score == pytest.approx(0.25 + 0.75 * 2 / 3)
    assert "argument 'unit' is 'F', expected 'celsius'" in result.reason
    assert score("format.tool_call", response, reference=WEATHER, strict=True).score == 0.0


def test_wrong_tool_no_call_or_unclosed_tag_scores_zero_with_reason() -> None:
    wrong = score("format.tool_call", '{"name": "get_time", "arguments": {}}', reference=WEATHER)
    assert wrong.score == 0.0 and "no call of 'get_weather'" in wrong.reason
    prose = score("format.tool_call", "I would call the weather API.", reference=WEATHER)
    assert prose.score == 0.0 and "invalid JSON" in prose.reason
    unclosed = score("format.tool_call", '<tool_call>{"name": "get_weather"}', reference=WEATHER)
    assert unclosed.score == 0.0 and "not closed" in unclosed.reason


def test_extra_arguments_and_extra_calls_cost_when_configured() -> None:
    ref = {"name": "f", "arguments": {"x": 1}}
    extra_arg = '{"name": "f", "arguments": {"x": 1.0, "y": 2}}'
    assert score("format.tool_call", extra_arg, reference=ref).score == 1.0
    assert score("format.tool_call", extra_arg, reference=ref, allow_extra_arguments=False).score == pytest.approx(
        0.25 + 0.75 / 2
    )
    two_calls = '<tool_call>{"name": "f", "arguments": {"x": 1}}</tool_call><tool_call>{"name": "g", "arguments": {}}</tool_call>'
    result = score("format.tool_call", two_calls, reference=ref)
    assert result.score == pytest.approx(0.5) and "1 unexpected call(s): 'g'" in result.reason


def test_parallel_expected_calls_are_matched_in_any_order() -> None:
    ref = [{"name": "f", "arguments": {"x": 1}}, {"name": "g", "arguments": {"y": 2}}]
    response = '[{"name": "g", "arguments": {"y": 2}}, {"name": "f", "arguments": {"x": 1}}]'
    assert score("format.tool_call", response, reference=ref).score == 1.0
    assert score("format.tool_call", '{"name": "f", "arguments": {"x": 1}}', reference=ref).score == pytest.approx(0.5)


def test_a_reference_without_a_tool_name_is_invalid_input() -> None:
    result = score("format.tool_call", "{}", reference={"arguments": {"x": 1}})
    assert result.status is rmg.RewardStatus.invalid_input and "needs a string 'name'" in (result.error or "")
