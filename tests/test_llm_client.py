"""OpenAIChatModel: the real `openai` client over real HTTP against the scripted server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import pickle
import threading
import time
from typing import Any

import pytest

from rmg.llm import ChatError, ChatModel, ChatTimeout, OpenAIChatModel, create_chat_model
from rmg.llm.retry import RetryPolicy, parse_retry_after
from rmg.testing import Reply, ScriptedLLMServer


def _backends() -> list[str]:
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        return ["httpx"]
    return ["aiohttp", "httpx"]


@pytest.fixture(params=_backends())
def backend(request: pytest.FixtureRequest) -> str:
    """Each transport the SDK can use under the client (aiohttp when installed, httpx always)."""
    return request.param


def model_for(server: ScriptedLLMServer, **kwargs: Any) -> OpenAIChatModel:
    kwargs.setdefault("backoff", 0.01)
    kwargs.setdefault("max_backoff", 0.05)
    model = create_chat_model("scripted", base_url=server.base_url, **kwargs)
    assert isinstance(model, OpenAIChatModel)
    return model


def ask(model: ChatModel, text: str = "hi", **options: Any) -> Any:
    return asyncio.run(model.chat([{"role": "user", "content": text}], **options))


# -- retries -------------------------------------------------------------------------------------
def test_429_is_retried_after_the_servers_retry_after_not_the_backoff(backend: str) -> None:
    """With a 60 s backoff the call can only finish quickly if Retry-After (0.2 s) is what it waits."""
    with ScriptedLLMServer([Reply(status=429, retry_after=0.2), "ok"]) as server:
        model = model_for(server, http_backend=backend, backoff=60, max_backoff=60)
        started = time.monotonic()
        assert ask(model).content == "ok"
        assert time.monotonic() - started < 30  # hang guard: a 60 s backoff would exceed it
        assert len(server.requests) == 2


def test_retry_after_beyond_the_cap_is_capped() -> None:
    with ScriptedLLMServer([Reply(status=429, retry_after=3600), "ok"]) as server:
        model = model_for(server, max_retry_after=0.1)
        assert ask(model).content == "ok"
        assert len(server.requests) == 2


def test_500s_then_success(backend: str) -> None:
    with ScriptedLLMServer([Reply(status=500), Reply(status=503), "fine"]) as server:
        response = ask(model_for(server, http_backend=backend))
        assert response.content == "fine" and len(server.requests) == 3


def test_dropped_connection_is_retried(backend: str) -> None:
    with ScriptedLLMServer([Reply(drop=True), "after drop"]) as server:
        assert ask(model_for(server, http_backend=backend)).content == "after drop"
        assert server.counts["dropped"] == 1 and len(server.requests) == 2


def test_timeout_raises_chat_timeout_after_all_retries(backend: str) -> None:
    with ScriptedLLMServer(Reply("too late", delay=30)) as server:
        model = model_for(server, http_backend=backend, timeout=0.2, max_retries=2)
        started = time.monotonic()
        with pytest.raises(ChatTimeout) as caught:
            ask(model)
        assert time.monotonic() - started < 15  # hang guard
        assert caught.value.retryable and "3 attempts" in str(caught.value)
        assert len(server.requests) == 3


@pytest.mark.parametrize(
    "reply",
    [Reply(malformed=True), Reply("a b c", truncate=True), Reply(body={"choices": []}), Reply(body={"id": "x"})],
    ids=["malformed", "truncated", "no-choices", "no-choices-key"],
)
def test_malformed_responses_raise_retryable_chat_error_after_retries(reply: Reply, backend: str) -> None:
    with ScriptedLLMServer(reply) as server, pytest.raises(ChatError) as caught:
        ask(model_for(server, http_backend=backend, max_retries=1))
    assert not isinstance(caught.value, ChatTimeout)
    assert caught.value.retryable and "malformed" in str(caught.value)
    assert len(server.requests) == 2


def test_a_malformed_reply_then_a_good_one_succeeds() -> None:
    with ScriptedLLMServer([Reply(malformed=True), "good"]) as server:
        assert ask(model_for(server)).content == "good"


def test_client_errors_are_not_retried_and_keep_the_status_and_message() -> None:
    with ScriptedLLMServer(Reply(status=400, content="bad prompt")) as server, pytest.raises(ChatError) as caught:
        ask(model_for(server))
    assert caught.value.status_code == 400 and not caught.value.retryable
    assert "bad prompt" in str(caught.value)
    assert len(server.requests) == 1


def test_endpoint_down_is_a_retryable_connection_error() -> None:
    with ScriptedLLMServer() as server:
        url = server.base_url
    model = create_chat_model("m", base_url=url, max_retries=1, backoff=0.01)
    with pytest.raises(ChatError) as caught:
        ask(model)
    assert caught.value.retryable and "connection" in str(caught.value)


def test_retry_policy_delays_grow_with_jitter_and_honour_retry_after() -> None:
    policy = RetryPolicy(backoff=1.0, max_backoff=8.0, max_retry_after=30.0)
    for attempt, ceiling in [(0, 1.0), (1, 2.0), (2, 4.0), (5, 8.0)]:
        delays = [policy.delay(attempt) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays) and len(set(delays)) > 1
    assert policy.delay(0, retry_after=5) == 5
    assert policy.delay(0, retry_after=600) == 30
    assert parse_retry_after({"retry-after": "3"}) == 3.0
    assert parse_retry_after({"retry-after-ms": "250"}) == 0.25
    assert parse_retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # a date in the past
    assert parse_retry_after({}) is None


# -- content, reasoning, usage -------------------------------------------------------------------
@pytest.mark.parametrize("field", ["reasoning_content", "reasoning", "think"])
def test_reasoning_is_kept_apart_from_the_answer(field: str) -> None:
    with ScriptedLLMServer(Reply("The answer is 4.", reasoning="2 plus 2", reasoning_field=field)) as server:
        response = ask(model_for(server))
    assert response.content == "The answer is 4."
    assert response.reasoning == "2 plus 2"
    assert response.usage.reasoning_tokens == 3


def test_unclosed_think_is_all_reasoning_and_a_bare_close_tag_splits() -> None:
    replies = [Reply("<think>still thinking", finish_reason="length"), Reply("so 4</think>\n4")]
    with ScriptedLLMServer(replies) as server:
        model = model_for(server)
        cut, bare = ask(model), ask(model)
    assert (cut.content, cut.reasoning, cut.finish_reason) == ("", "still thinking", "length")
    assert (bare.content, bare.reasoning) == ("4", "so 4")


def test_usage_is_reported_per_response_and_summed_on_the_model() -> None:
    with ScriptedLLMServer(lambda request: Reply("w " * 3, reasoning="r")) as server:
        model = model_for(server)

        async def run() -> list[Any]:
            return await asyncio.gather(*[model.chat([{"role": "user", "content": "x " * i}]) for i in range(1, 11)])

        responses = asyncio.run(run())
    assert [r.usage.prompt_tokens for r in responses] == list(range(1, 11))
    total = model.usage
    assert total.prompt_tokens == sum(range(1, 11))
    assert total.completion_tokens == 10 * 4 and total.reasoning_tokens == 10
    assert total.calls == 10 and total.cached_calls == 0
    assert model.reset_usage().calls == 10 and model.usage.calls == 0


def test_sampling_options_and_server_specific_options_reach_the_server() -> None:
    with ScriptedLLMServer("ok") as server:
        model = model_for(server, seed=7)
        ask(model, temperature=0.3, max_tokens=50, top_k=20, extra_body={"min_p": 0.1})
        body = server.requests[0]
    assert body["model"] == "scripted" and body["messages"] == [{"role": "user", "content": "hi"}]
    sent = (body["temperature"], body["max_tokens"], body["seed"], body["top_k"], body["min_p"])
    assert sent == (0.3, 50, 7, 20, 0.1)


# -- concurrency and event loops -----------------------------------------------------------------
def test_concurrency_limit_bounds_requests_in_flight_at_the_server() -> None:
    async def slow(request: dict) -> str:
        await asyncio.sleep(0.05)
        return "done"

    with ScriptedLLMServer(slow) as server:
        model = model_for(server, concurrency=4)

        async def run() -> list[Any]:
            return await asyncio.gather(*[model.chat([{"role": "user", "content": "x"}]) for _ in range(40)])

        assert all(r.content == "done" for r in asyncio.run(run()))
        assert 1 < server.max_in_flight <= 4


def test_one_model_serves_several_event_loops_and_threads() -> None:
    with ScriptedLLMServer() as server:
        model = model_for(server)
        assert ask(model, "first loop").content == "first loop"
        assert ask(model, "second loop").content == "second loop"
        results: dict[int, str] = {}

        def worker(i: int) -> None:
            results[i] = ask(model, f"thread {i}").content

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert results == {i: f"thread {i}" for i in range(4)}
    assert model.usage.calls == 6


def test_aclose_closes_the_loops_client_and_the_next_call_opens_a_new_one() -> None:
    with ScriptedLLMServer() as server:
        model = model_for(server)

        async def run() -> tuple[str, str]:
            first = (await model.chat([{"role": "user", "content": "one"}])).content
            await model.aclose()
            second = (await model.chat([{"role": "user", "content": "two"}])).content
            await model.aclose()
            return first, second

        assert asyncio.run(run()) == ("one", "two")


def test_a_pickled_model_works_in_its_new_home() -> None:
    with ScriptedLLMServer() as server:
        model = model_for(server)
        ask(model)
        clone = pickle.loads(pickle.dumps(model))
        assert ask(clone, "cloned").content == "cloned"
        assert clone.usage.calls == 1  # totals do not travel


# -- configuration -------------------------------------------------------------------------------
def test_endpoint_model_and_key_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    with ScriptedLLMServer("from env") as server:
        for name in ("RMG_BASE_URL", "OPENAI_BASE_URL", "RMG_API_KEY", "OPENAI_API_KEY", "RMG_MODEL"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("RMG_MODEL", "env-model")
        model = create_chat_model()
        assert ask(model).content == "from env"
        assert server.requests[0]["model"] == "env-model"
        assert server.headers[0]["authorization"] == "Bearer sk-test"
        monkeypatch.setenv("RMG_BASE_URL", server.base_url)  # RMG_BASE_URL wins over OPENAI_BASE_URL
        monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
        assert ask(create_chat_model("explicit")).content == "from env"


def test_missing_configuration_names_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RMG_BASE_URL", "OPENAI_BASE_URL", "RMG_API_KEY", "OPENAI_API_KEY", "RMG_MODEL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ChatError, match="RMG_MODEL"):
        create_chat_model()
    with pytest.raises(ChatError, match="RMG_BASE_URL / OPENAI_BASE_URL") as caught:
        create_chat_model("some-model")
    assert "OPENAI_API_KEY" in str(caught.value)


def test_a_local_server_needs_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("RMG_API_KEY", raising=False)
    with ScriptedLLMServer("ok") as server:
        assert ask(create_chat_model("m", base_url=server.base_url)).content == "ok"
        assert server.headers[0]["authorization"] == "Bearer EMPTY"
