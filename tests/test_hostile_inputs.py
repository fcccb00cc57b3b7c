"""Hostile inputs to `rmg score` (issue 10): each gets a clear one-line error or a per-row status,
never a traceback, a hang, or lost data. The real CLI runs in a subprocess."""

from __future__ import annotations

import gzip
import json
import os
import threading
from pathlib import Path

import pytest
from rmgkit import RunRmg

import rmg
from rmg.core.dataset import row_to_sample
from rmg.core.spec import SpecError


def _rows(n: int, **extra: object) -> str:
    return "".join(json.dumps({"id": i, "response": "x" * i, **extra}) + "\n" for i in range(n))


def _out(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _one_line_error(proc, *needles: str) -> None:
    assert proc.returncode != 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    for needle in needles:
        assert needle in proc.stderr, proc.stderr


# -- data loss ---------------------------------------------------------------------------------
@pytest.mark.parametrize("overwrite", [False, True])
def test_an_output_that_is_the_input_file_under_another_name_is_refused_and_the_input_kept(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path, overwrite: bool
) -> None:
    (tmp_path / "in.jsonl").write_text(_rows(5))
    os.link(tmp_path / "in.jsonl", tmp_path / "same.jsonl")  # one inode, two names
    args = ["score", "testkit.length", "in.jsonl", "-o", "same.jsonl"] + (["--overwrite"] if overwrite else [])
    proc = run_rmg(*args, plugins=[testkit_path])
    _one_line_error(proc, "is the input file")
    assert (tmp_path / "in.jsonl").read_text() == _rows(5)


def test_overwrite_with_a_mistyped_input_leaves_the_old_output_intact(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "precious.jsonl").write_text('{"id": 1, "reward": {"score": 1.0}}\n')
    proc = run_rmg(
        "score", "testkit.length", "typo.jsonl", "-o", "precious.jsonl", "--overwrite", plugins=[testkit_path]
    )
    _one_line_error(proc, "typo.jsonl: no such file")
    assert (tmp_path / "precious.jsonl").read_text() == '{"id": 1, "reward": {"score": 1.0}}\n'
    assert [p.name for p in tmp_path.iterdir() if "rmg-partial" in p.name] == []


def test_overwrite_replaces_the_old_output_once_the_run_starts(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "in.jsonl").write_text(_rows(3))
    (tmp_path / "out.jsonl").write_text('{"id": "old"}\n' * 10)
    run_rmg("score", "testkit.length", "in.jsonl", "-o", "out.jsonl", "--overwrite", plugins=[testkit_path], check=True)
    assert [r["id"] for r in _out(tmp_path / "out.jsonl")] == [0, 1, 2]


# -- validation --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "spec",
    [
        "1e999*math.accuracy",
        {"sum": [{"weight": float("nan"), "reward": "math.accuracy"}]},
        {"sum": [{"weight": float("inf"), "reward": "math.accuracy"}]},
        {"gate": "math.accuracy", "threshold": float("nan"), "then": "math.accuracy"},
        {"gate": "math.accuracy", "then": "math.accuracy", "else": float("-inf")},
        "{gate: math.accuracy, then: math.accuracy, else: .inf}",
    ],
)
def test_non_finite_weights_thresholds_and_else_values_are_rejected_when_the_spec_is_parsed(spec: object) -> None:
    with pytest.raises(SpecError, match="finite"):
        rmg.parse_spec(spec)


def test_a_spec_the_grammar_does_not_fully_consume_is_an_error() -> None:
    with pytest.raises(SpecError, match="two weights"):
        rmg.parse_spec("2*math.accuracy*3")


def test_a_reward_returning_an_infinite_score_gives_an_error_result_not_ok(testkit_path: Path) -> None:
    rows = [row_to_sample({"response": r}) for r in ("inf", "-inf", "0.5")]
    for workers in (0, 1):
        results = [s.result for s in rmg.evaluate("testkit.number", rows, workers=workers)]
        assert [r.status.value for r in results] == ["error", "error", "ok"], results
        assert "non-finite" in (results[0].error or "")
    # A finite sum that overflows is caught too.
    summed = next(
        rmg.evaluate("1e308*testkit.number + 1e308*testkit.number", [row_to_sample({"response": "1e308"})], workers=0)
    )
    assert summed.result.status.value == "error"


def test_a_yaml_spec_with_a_recursive_anchor_is_one_clear_line(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "in.jsonl").write_text(_rows(2))
    (tmp_path / "spec.yaml").write_text("&x {reward: *x}\n")
    proc = run_rmg("score", "spec.yaml", "in.jsonl", plugins=[testkit_path])
    _one_line_error(proc, "refers to itself")
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--timeout", "0"),
        ("--timeout", "nan"),
        ("--timeout", "-1"),
        ("--timeout", "inf"),
        ("--workers", "-1"),
        ("--concurrency", "0"),
        ("--model-processes", "0"),
        ("--limit", "-3"),
    ],
)
def test_every_numeric_option_is_validated(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path, flag: str, value: str
) -> None:
    (tmp_path / "in.jsonl").write_text(_rows(2))
    proc = run_rmg("score", "testkit.length", "in.jsonl", flag, value, plugins=[testkit_path])
    assert proc.returncode == 2 and flag in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert not (tmp_path / "in.scored.jsonl").exists()


def test_runner_refuses_a_timeout_that_would_remove_the_budget() -> None:
    for bad in (0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="timeout"):
            rmg.Runner("math.accuracy", timeout=bad)
    with pytest.raises(ValueError, match="workers"):
        rmg.Runner("math.accuracy", workers=-1)


# -- hangs -------------------------------------------------------------------------------------
def test_a_reference_nested_500_levels_deep_fails_its_row_and_the_run_goes_on(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    deep: object = "4"
    for _ in range(500):
        deep = [deep]
    rows = [{"id": 0, "response": "a"}, {"id": 1, "response": "b", "reference": deep}, {"id": 2, "response": "c"}]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    proc = run_rmg(
        "score", "testkit.length", "in.jsonl", "-o", "out.jsonl", "--workers", "1", plugins=[testkit_path], timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    statuses = [r["reward"]["status"] for r in _out(tmp_path / "out.jsonl")]
    assert statuses[0] == statuses[2] == "ok" and statuses[1] in ("invalid_input", "error")


def test_output_to_dev_full_is_one_line_error_not_a_hang(run_rmg: RunRmg, testkit_path: Path, tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text(_rows(3))
    proc = run_rmg("score", "testkit.length", "in.jsonl", "-o", "/dev/full", plugins=[testkit_path], timeout=60)
    _one_line_error(proc, "cannot write /dev/full", "without resume")


def test_output_to_dev_stdout_into_a_pipe_is_written_without_resume(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "in.jsonl").write_text(_rows(3))
    proc = run_rmg("score", "testkit.length", "in.jsonl", "-o", "/dev/stdout", plugins=[testkit_path], timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line)["id"] for line in proc.stdout.splitlines()] == [0, 1, 2]
    assert "not a regular file: it is written without resume" in proc.stderr


def test_output_to_a_fifo_is_written_without_resume(run_rmg: RunRmg, testkit_path: Path, tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text(_rows(3))
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.extend(fifo.read_text().splitlines()), daemon=True)
    reader.start()
    proc = run_rmg("score", "testkit.length", "in.jsonl", "-o", str(fifo), plugins=[testkit_path], timeout=60)
    reader.join(10)
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line)["id"] for line in got] == [0, 1, 2]
    assert "without resume" in proc.stderr


# -- crashes -----------------------------------------------------------------------------------
def test_a_lone_surrogate_in_a_row_is_written_back_escaped(run_rmg: RunRmg, testkit_path: Path, tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"id": 0, "response": "a\\ud800b"}\n{"id": 1, "response": "ok"}\n')
    run_rmg("score", "testkit.length", "in.jsonl", "-o", "out.jsonl", plugins=[testkit_path], check=True)
    rows = _out(tmp_path / "out.jsonl")
    assert rows[0]["response"] == "a\ud800b" and rows[0]["reward"]["status"] == "ok"
    assert rows[1]["reward"]["score"] == 0.02


def test_deeply_nested_json_is_a_bad_line_or_one_line_error(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    (tmp_path / "in.jsonl").write_text(
        '{"id": 0, "response": "a"}\n{"x": ' + deep + "}\n" + '{"id": 2, "response": "b"}\n'
    )
    proc = run_rmg("score", "testkit.length", "in.jsonl", "-o", "out.jsonl", plugins=[testkit_path])
    assert proc.returncode == 0 and "in.jsonl:2: JSON nested too deeply" in proc.stderr, proc.stderr
    assert [r["id"] for r in _out(tmp_path / "out.jsonl")] == [0, 2]
    (tmp_path / "arr.json").write_text("[" + deep + "]")
    _one_line_error(
        run_rmg("score", "testkit.length", "arr.json", plugins=[testkit_path]), "arr.json: JSON nested too deeply"
    )


def test_parquet_with_binary_timestamp_and_decimal_columns_is_scored(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    import datetime as dt
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": [0, 1],
            "response": ["ab", "abcd"],
            "blob": pa.array([b"\x00\xff", b"text"], pa.binary()),
            "when": pa.array([dt.datetime(2024, 1, 2, 3, 4, 5), None], pa.timestamp("us")),
            "price": pa.array([decimal.Decimal("1.25"), decimal.Decimal("3.50")], pa.decimal128(5, 2)),
        }
    )
    pq.write_table(table, tmp_path / "in.parquet")
    run_rmg("score", "testkit.length", "in.parquet", "-o", "out.jsonl", plugins=[testkit_path], check=True)
    rows = _out(tmp_path / "out.jsonl")
    assert [r["reward"]["score"] for r in rows] == [0.02, 0.04]
    assert rows[0]["when"] == "2024-01-02T03:04:05" and rows[0]["price"] == "1.25" and rows[1]["blob"] == "text"


def test_a_parquet_name_on_a_file_that_is_not_parquet_is_one_line_error(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "in.parquet").write_text(_rows(3))
    _one_line_error(
        run_rmg("score", "testkit.length", "in.parquet", plugins=[testkit_path]), "not a readable Parquet file"
    )


def test_a_truncated_gz_and_a_gz_that_is_not_gzip_are_one_line_errors(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    data = gzip.compress(_rows(2000).encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    proc = run_rmg("score", "testkit.length", "cut.jsonl.gz", "-o", "cut.out.jsonl", plugins=[testkit_path])
    _one_line_error(proc, "cut.jsonl.gz: the gzip data ends early (truncated after line")
    assert "Aborted" not in proc.stderr
    (tmp_path / "fake.jsonl.gz").write_text(_rows(3))
    _one_line_error(
        run_rmg("score", "testkit.length", "fake.jsonl.gz", plugins=[testkit_path]), "fake.jsonl.gz: not valid gzip"
    )


def test_a_forked_child_reusing_the_parents_runner_gets_a_fresh_pool(testkit_path: Path) -> None:
    with rmg.Runner("testkit.length", workers=1) as runner:
        assert next(runner.stream([row_to_sample({"response": "abc"})])).result.score == 0.03  # the parent's pool runs
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: score with the inherited runner, report, leave at once
            code = 1
            try:
                result = next(runner.stream([row_to_sample({"response": "abcd"})])).result
                os.write(write, json.dumps([result.status.value, result.score]).encode())
                runner.close()
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        _, status = os.waitpid(pid, 0)
        reported = os.read(read, 1000)
        assert os.waitstatus_to_exitcode(status) == 0 and json.loads(reported) == ["ok", 0.04]
        assert (
            next(runner.stream([row_to_sample({"response": "ab"})])).result.score == 0.02
        )  # the parent's pool still runs


# -- messages ----------------------------------------------------------------------------------
def test_a_pretty_printed_json_object_and_a_data_list_are_read_as_rows(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "one.json").write_text(json.dumps({"id": 7, "prompt": "p", "response": "abc"}, indent=2))
    (tmp_path / "data.json").write_text(
        json.dumps({"data": [{"id": i, "response": "x" * i} for i in range(3)]}, indent=2)
    )
    run_rmg("score", "testkit.length", "one.json", "-o", "one.out", plugins=[testkit_path], check=True)
    assert [(r["id"], r["reward"]["score"]) for r in _out(tmp_path / "one.out")] == [(7, 0.03)]
    proc = run_rmg("score", "testkit.length", "data.json", "-o", "data.out", plugins=[testkit_path], check=True)
    assert [r["id"] for r in _out(tmp_path / "data.out")] == [0, 1, 2] and "skipped:" not in proc.stderr


def test_a_utf8_byte_order_mark_is_accepted(run_rmg: RunRmg, testkit_path: Path, tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_bytes(b"\xef\xbb\xbf" + _rows(2).encode())
    proc = run_rmg("score", "testkit.length", "in.jsonl", "-o", "out.jsonl", plugins=[testkit_path], check=True)
    assert "skipped:" not in proc.stderr and [r["id"] for r in _out(tmp_path / "out.jsonl")] == [0, 1]


def test_invalid_utf8_is_reported_with_its_line_not_replaced(
    run_rmg: RunRmg, testkit_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "in.jsonl").write_bytes(
        _rows(1).encode() + b'{"id": 1, "response": "caf\xe9"}\n' + b'{"id": 2, "response": "b"}\n'
    )
    proc = run_rmg("score", "testkit.length", "in.jsonl", "-o", "out.jsonl", plugins=[testkit_path], check=True)
    assert "in.jsonl:2: invalid UTF-8" in proc.stderr
    rows = _out(tmp_path / "out.jsonl")
    assert [r["id"] for r in rows] == [0, 2] and "\ufffd" not in (tmp_path / "out.jsonl").read_text()


def test_a_directory_as_input_says_it_is_a_directory(run_rmg: RunRmg, testkit_path: Path, tmp_path: Path) -> None:
    (tmp_path / "data.jsonl").mkdir()
    _one_line_error(
        run_rmg("score", "testkit.length", "data.jsonl", plugins=[testkit_path]), "data.jsonl: is a directory"
    )
