"""Request and response bodies of the HTTP API (pydantic, so they appear in the OpenAPI docs)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["OpenRLHFRequest", "OpenRLHFResponse", "RowResult", "ScoreRequest", "ScoreResponse"]


class ScoreRequest(BaseModel):
    """A batch of rows in the format `rmg score` reads, and the reward to score them with."""

    reward: str = Field(
        description="A served reward name (GET /v1/rewards); any spec when the server runs with --allow-any-spec."
    )
    rows: list[dict[str, Any]] = Field(
        description='Rows like {"prompt": ..., "response": ...} or {"prompt": ..., "responses": [...]} '
        '(pairwise, listwise or a group), with optional "reference", "task", "id".',
        json_schema_extra={"examples": [[{"prompt": "What is 6*7?", "response": "42", "reference": "42"}]]},
    )


class ResultJSON(BaseModel):
    model_config = ConfigDict(extra="allow")

    score: float
    status: str = Field(description="ok | timeout | error | invalid_input; a failed score is 0 and not to be trusted")
    reason: str = ""
    error: str | None = None


class RowResult(BaseModel):
    index: int
    id: str | int | None = None
    results: list[ResultJSON] = Field(description="One result per response, in order.")
    ranking: list[int] | None = Field(None, description="Responses best first (several responses only).")
    best: int | None = Field(None, description="The best response that scored ok, -1 if none (several only).")


class ScoreResponse(BaseModel):
    reward: str
    results: list[RowResult]


class OpenRLHFRequest(BaseModel):
    """OpenRLHF's remote reward payload: `query` is prompt + response, as the policy generated it."""

    model_config = ConfigDict(extra="allow")  # forks add metas, datasources, token ids...

    query: list[str]
    prompts: list[str] | None = None
    labels: list[Any] | None = None
    datasources: list[str | None] | None = None


class OpenRLHFResponse(BaseModel):
    rewards: list[float]
    scores: list[float]
    extra_logs: dict[str, list[float]] = Field(
        description="rmg_ok / rmg_timeout / rmg_error / rmg_invalid_input: 1.0 where the sample had that status."
    )
