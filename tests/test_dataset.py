"""Datasets: JSONL / JSON / Parquet (incl. verl-style) readers, field mapping, resumable writer."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rmg.core.dataset import BadRow, DataError, FieldMap, ResumableWriter, read_rows, row_to_sample


def test_jsonl_bad_lines_are_reported_with_their_line_number_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"response": "a"}\n{"response": \n\n[1, 2]\n{"response": "b"}\n')
    rows = list(read_rows(path))
    assert [n for n, _ in rows] == [1, 2, 4, 5]
    assert isinstance(rows[1][1], BadRow) and f"{path}:2: invalid JSON" in rows[1][1].message
    assert isinstance(rows[2][1], BadRow) and "expected a JSON object" in rows[2][1].message
    assert rows[3][1] == {"response": "b"}


def test_json_array_and_parquet_are_read(tmp_path: Path) -> None:
    (tmp_path / "d.json").write_text(json.dumps([{"response": "a"}, {"response": "b"}]))
    assert [r for _, r in read_rows(tmp_path / "d.json")] == [{"response": "a"}, {"response": "b"}]
    pq.write_table(pa.table({"response": ["x", "y"], "reference": ["1", "2"]}), tmp_path / "d.parquet")
    assert [r["reference"] for _, r in read_rows(tmp_path / "d.parquet")] == ["1", "2"]
    with pytest.raises(DataError, match="no such file"):
        list(read_rows(tmp_path / "missing.jsonl"))
    with pytest.raises(DataError, match="cannot tell the format"):
        (tmp_path / "d.csv").write_text("a,b\n")
        list(read_rows(tmp_path / "d.csv"))


def test_verl_parquet_rows_map_prompt_data_source_and_ground_truth(tmp_path: Path) -> None:
    table = pa.table(
        {
            "data_source": ["openai/gsm8k"],
            "prompt": [[{"role": "user", "content": "2+2?"}]],
            "response": ["4"],
            "reward_model": [{"style": "rule", "ground_truth": "4"}],
        }
    )
    pq.write_table(table, tmp_path / "verl.parquet")
    [(_, row)] = list(read_rows(tmp_path / "verl.parquet"))
    sample = row_to_sample(row)
    assert sample.task == "openai/gsm8k" and sample.reference == "4" and sample.query == "2+2?"


def test_common_field_names_are_found_and_explicit_paths_win() -> None:
    fields = FieldMap()
    sample = row_to_sample({"question": "q", "solution": "s", "gold": "g"}, fields)
    assert (sample.query, sample.response, sample.reference) == ("q", "s", "g")
    custom = row_to_sample({"out": {"text": "t"}, "ans": 3}, FieldMap(response="out.text", reference="ans"))
    assert (custom.response, custom.reference) == ("t", 3)
    pair = row_to_sample({"prompt": "p", "chosen": "c", "rejected": "r"})
    assert [c.content for c in pair.candidates] == ["c", "r"]


def test_a_row_without_a_response_names_the_missing_field() -> None:
    with pytest.raises(ValueError, match="'resp' .* missing"):
        row_to_sample({"response": "x"}, FieldMap(response="resp"))
    with pytest.raises(ValueError, match="no response"):
        row_to_sample({"prompt": "p"})


def test_the_writer_resumes_after_a_torn_last_line_without_duplicates(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": 1}\n{"id": 2}\n{"id": 3, "rew')
    writer = ResumableWriter(out)
    assert writer.done == 2 and writer.last_id == 2
    writer.write({"id": 3})
    writer.close()
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [1, 2, 3]
    assert ResumableWriter(out, overwrite=True).done == 0
