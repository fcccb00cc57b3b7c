"""The scripted OpenAI-compatible server, checked over raw HTTP (http.client / sockets)."""

from __future__ import annotations

import http.client
import json
import socket
import time

import pytest

from rmg.testing import Faults, Reply, ScriptedLLMServer


def post(server: ScriptedLLMServer, body: dict | bytes, path: str = "/v1/chat/completions") -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    conn.request("POST", path, data, {"Content-Type": "application/json"})
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), payload


def chat_body(text: str = "hello there") -> dict:
    return {"model": "m", "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": text}]}


def test_chat_completion_has_openai_shape_and_whitespace_token_usage() -> None:
    with ScriptedLLMServer(lambda request: Reply("one two three", reasoning="r1 r2")) as server:
        assert server.base_url == f"http://127.0.0.1:{server.port}/v1"
        status, headers, payload = post(server, chat_body("hello there"))
    assert status == 200 and headers["Content-Type"] == "application/json"
    data = json.loads(payload)
    assert data["object"] == "chat.completion" and data["model"] == "m"
    message = data["choices"][0]["message"]
    assert message == {"role": "assistant", "content": "one two three", "reasoning_content": "r1 r2"}
    assert data["choices"][0]["finish_reason"] == "stop"
    # prompt: "be brief" + "hello there" = 4 words; completion: 3 answer + 2 reasoning words
    assert data["usage"]["prompt_tokens"] == 4
    assert data["usage"]["completion_tokens"] == 5
    assert data["usage"]["completion_tokens_details"] == {"reasoning_tokens": 2}


def test_models_endpoint_lists_the_served_model() -> None:
    with ScriptedLLMServer(model="judge-7b") as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/v1/models")
        data = json.loads(conn.getresponse().read())
    assert [m["id"] for m in data["data"]] == ["judge-7b"]


def test_default_responder_echoes_the_last_message_and_requests_are_recorded() -> None:
    with ScriptedLLMServer() as server:
        post(server, chat_body("echo me"))
        assert server.requests == [chat_body("echo me")]
        assert server.headers[0]["content-type"] == "application/json"
        assert server.counts["requests"] == 1 and server.counts["status_200"] == 1


def test_a_list_of_replies_is_replayed_in_order_and_cycled() -> None:
    with ScriptedLLMServer(["a", Reply("b"), "c"]) as server:
        contents = [json.loads(post(server, chat_body())[2])["choices"][0]["message"]["content"] for _ in range(5)]
    assert contents == ["a", "b", "c", "a", "b"]


def test_reasoning_can_be_sent_as_field_reasoning_or_inline_think() -> None:
    replies = [
        Reply("x", reasoning="why", reasoning_field="reasoning"),
        Reply("x", reasoning="why", reasoning_field="think"),
    ]
    with ScriptedLLMServer(replies) as server:
        first = json.loads(post(server, chat_body())[2])["choices"][0]["message"]
        second = json.loads(post(server, chat_body())[2])["choices"][0]["message"]
    assert first == {"role": "assistant", "content": "x", "reasoning": "why"}
    assert second == {"role": "assistant", "content": "<think>why</think>x"}


def test_429_carries_retry_after_and_an_openai_error_body() -> None:
    with ScriptedLLMServer([Reply(status=429, retry_after=7), Reply(status=500, content="boom")]) as server:
        status, headers, payload = post(server, chat_body())
        assert status == 429 and headers["Retry-After"] == "7"
        assert json.loads(payload)["error"]["type"] == "rate_limit_error"
        status, _, payload = post(server, chat_body())
        assert status == 500 and json.loads(payload)["error"]["message"] == "boom"


def test_malformed_and_truncated_bodies_are_not_json() -> None:
    with ScriptedLLMServer([Reply(malformed=True), Reply("a b c d e f", truncate=True)]) as server:
        for _ in range(2):
            status, _, payload = post(server, chat_body())
            assert status == 200
            with pytest.raises(ValueError):
                json.loads(payload)


def test_drop_closes_the_connection_without_a_reply() -> None:
    with ScriptedLLMServer(Reply(drop=True)) as server:
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            post(server, chat_body())
        assert server.counts["dropped"] == 1


def test_responder_exception_answers_500_and_is_recorded() -> None:
    def broken(request: dict) -> str:
        raise RuntimeError("responder bug")

    with ScriptedLLMServer(broken) as server:
        status, _, payload = post(server, chat_body())
    assert status == 500 and "responder bug" in json.loads(payload)["error"]["message"]
    assert server.errors == ["RuntimeError: responder bug"]


def test_async_responder_is_awaited() -> None:
    async def responder(request: dict) -> Reply:
        return Reply("from a coroutine")

    with ScriptedLLMServer(responder) as server:
        payload = post(server, chat_body())[2]
    assert json.loads(payload)["choices"][0]["message"]["content"] == "from a coroutine"


def test_random_faults_are_seeded_counted_and_come_before_the_responder() -> None:
    faults = Faults(rate_429=0.3, rate_500=0.2, rate_malformed=0.1, seed=3)

    def statuses() -> tuple[list[int], dict[str, int]]:
        with ScriptedLLMServer("fine", faults=faults) as server:
            seen = [post(server, chat_body())[0] for _ in range(60)]
            return seen, dict(server.counts)

    first, counts = statuses()
    second, _ = statuses()
    assert first == second  # same seed, same faults
    assert counts["fault_429"] == first.count(429) > 0
    assert counts["fault_500"] == first.count(500) > 0
    assert counts.get("fault_malformed", 0) > 0
    assert first.count(200) == counts["status_200"]


def test_bad_json_request_gets_400_and_unknown_route_404() -> None:
    with ScriptedLLMServer() as server:
        assert post(server, b"{not json")[0] == 400
        assert post(server, chat_body(), path="/v1/embeddings")[0] == 404
        assert server.requests == []


def test_keep_alive_serves_many_requests_on_one_connection() -> None:
    with ScriptedLLMServer() as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        for i in range(20):
            conn.request("POST", "/v1/chat/completions", json.dumps(chat_body(f"n{i}")))
            assert json.loads(conn.getresponse().read())["choices"][0]["message"]["content"] == f"n{i}"
        conn.close()


def test_stop_returns_promptly_while_slow_replies_are_in_flight() -> None:
    server = ScriptedLLMServer(Reply("late", delay=30)).start()
    sock = socket.create_connection(("127.0.0.1", server.port))
    body = json.dumps(chat_body()).encode()
    sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    deadline = time.monotonic() + 10
    while server.in_flight == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.in_flight == 1
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 10  # a hang guard, not a performance figure
    sock.close()
