"""Property-based fuzzing (Hypothesis, derandomized, a few seconds each): the dataset reader, the
spec parser and the writer's round trip never raise anything but their documented errors."""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rmg
from rmg.core.readers import BadRow, DataError, read_rows
from rmg.core.registry import RegistryError
from rmg.core.resume import ResumableWriter

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples every run: a failure is reproducible, never flaky
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
_line = st.one_of(
    st.binary(max_size=80),
    _json.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(["id", "prompt", "response", "reference"]), _json, max_size=4).map(
        lambda v: json.dumps(v).encode()
    ),
    st.integers(1, 3000).map(lambda n: b'{"a": ' + b"[" * n + b"]" * n + b"}"),
    st.just(b"\xef\xbb\xbf{}"),
)


@FUZZ
@given(
    lines=st.lists(_line, max_size=8),
    name=st.sampled_from(["d.jsonl", "d.json", "d.jsonl.gz", "d.parquet", "d.json.gz"]),
    gz=st.booleans(),
    cut=st.integers(0, 400),
)
def test_the_reader_yields_rows_or_bad_rows_or_raises_data_error_only(
    lines: list[bytes], name: str, gz: bool, cut: int
) -> None:
    data = b"\n".join(lines) + b"\n"
    if name.endswith(".gz") and gz:
        data = gzip.compress(data)[: cut or None]  # possibly truncated
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            for number, row in read_rows(path):
                assert isinstance(number, int)
                assert isinstance(row, (dict, BadRow))
                if isinstance(row, BadRow):
                    assert str(path) in row.message
        except DataError as exc:
            assert str(path) in str(exc) and "\n" not in str(exc).strip()


_spec_text = st.one_of(
    st.text(max_size=60),
    st.lists(
        st.tuples(
            st.sampled_from(["", "2*", "0.5 * ", "nan*", "1e999*", "-3*", "*"]),
            st.sampled_from(
                ["math.accuracy", "format.think_answer", "nope.reward", "math.accuracy(fallback=false)", "("]
            ),
            st.sampled_from(["", "*3", " * 0.1", ")", "(x=1"]),
        ),
        min_size=1,
        max_size=3,
    ).map(lambda terms: " + ".join(a + b + c for a, b, c in terms)),
    _json.map(lambda v: json.dumps(v)),
    st.sampled_from(["&x {reward: *x}\n", "&x [*x]\n", "a: &a [*a]\n", "{gate: math.accuracy}\n", "- - - -\n"]),
)


@FUZZ
@given(spec=_spec_text)
def test_the_spec_parser_accepts_or_raises_a_spec_error_only(spec: str) -> None:
    try:
        rmg.parse_spec(spec)
    except RegistryError as exc:  # SpecError and unknown-reward errors are both RegistryErrors
        assert str(exc)


_any_text = st.one_of(  # text, and text with a lone surrogate (read from a JSON "\ud800" escape)
    st.text(max_size=10),
    st.tuples(st.text(max_size=4), st.characters(categories=["Cs"]), st.text(max_size=4)).map("".join),
)
_row = st.dictionaries(
    _any_text,
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | _any_text,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=10,
    ),
    max_size=5,
)


@FUZZ
@given(rows=st.lists(_row, max_size=6))
def test_the_writer_round_trips_every_row_lone_surrogates_included(rows: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.jsonl"
        with ResumableWriter(path) as writer:
            for row in rows:
                writer.write(row)
        # Split on "\n" only, as JSONL readers do (str.splitlines would also split on U+0085, U+2028).
        back = [json.loads(line) for line in path.read_bytes().decode("utf-8").split("\n")[:-1]]
        assert back == rows
        resumed = ResumableWriter(path)
        assert resumed.done == len(rows) and not resumed.corrupt
        resumed.close()
