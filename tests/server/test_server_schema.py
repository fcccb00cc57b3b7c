"""Property-based requests generated from the server's own OpenAPI schema never get a 500.

schemathesis builds a Hypothesis strategy per operation from the live /openapi.json; each
operation gets its own run of generated cases (bodies, query strings, headers) sent over HTTP.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from serverkit import Server, StartServer


@pytest.fixture(scope="module")
def fuzzed(start_server: StartServer) -> Server:
    return start_server(
        "--reward", "em=general.exact_match", "--allow-any-spec", "--workers", "1", "--timeout", "5",
        "--max-batch", "16", "--max-body", "65536",
    )  # fmt: skip


def test_no_generated_request_gets_a_server_error(fuzzed: Server) -> None:
    schema = schemathesis.openapi.from_url(f"{fuzzed.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/v1/score", "/get_reward", "/v1/rewards", "/health", "/ready"}
    seen: dict[str, set[int]] = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: schemathesis.Case) -> None:
            response = case.call(timeout=30)
            seen.setdefault(f"{case.method} {case.path}", set()).add(response.status_code)
            assert response.status_code < 500, (
                f"{case.method} {case.path} -> {response.status_code}: {response.text[:500]}"
            )

        check()
    # The run reached the scoring code, not only the validation layer.
    assert 200 in seen["POST /v1/score"] and 422 in seen["POST /v1/score"]
