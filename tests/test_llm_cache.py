"""The on-disk response cache (sqlite): hits never reach the server, any request change is a miss."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rmg.llm import ChatError, ChatResponse, ResponseCache, Usage, create_chat_model
from rmg.testing import Reply, ScriptedLLMServer


def ask(model: Any, text: str = "hi", **options: Any) -> ChatResponse:
    return asyncio.run(model.chat([{"role": "user", "content": text}], **options))


def test_second_identical_call_is_served_from_cache_without_reaching_the_server(tmp_path: Path) -> None:
    with ScriptedLLMServer(lambda request: Reply("fresh answer", reasoning="because")) as server:
        model = create_chat_model("m", base_url=server.base_url, cache=tmp_path / "c.sqlite")
        first = ask(model, temperature=0.0)
        second = ask(model, temperature=0.0)
        assert len(server.requests) == 1
    assert not first.cached and second.cached
    assert (second.content, second.reasoning, second.finish_reason) == ("fresh answer", "because", "stop")
    assert second.usage == Usage(cached_calls=1)  # a hit costs nothing
    assert model.usage.calls == 1 and model.usage.cached_calls == 1
    assert model.usage.completion_tokens == first.usage.completion_tokens


def test_a_new_model_instance_and_a_restarted_server_still_hit(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with ScriptedLLMServer("stored") as server:
        ask(create_chat_model("m", base_url=server.base_url, cache=path))
        url = server.base_url
    # the server is gone; the same request is answered from disk
    again = ask(create_chat_model("m", base_url=url, cache=path, max_retries=0))
    assert again.cached and again.content == "stored"


@pytest.mark.parametrize(
    "change",
    [
        {"temperature": 0.7},
        {"max_tokens": 5},
        {"seed": 1},
        {"top_k": 3},
        {"text": "other prompt"},
        {"model": "other-model"},
    ],
)
def test_any_change_in_the_request_is_a_miss(tmp_path: Path, change: dict) -> None:
    with ScriptedLLMServer("x") as server:
        path = tmp_path / "c.sqlite"
        ask(create_chat_model("m", base_url=server.base_url, cache=path), "prompt", temperature=0.0)
        change = dict(change)
        model = create_chat_model(change.pop("model", "m"), base_url=server.base_url, cache=path)
        options = {"temperature": 0.0, **change}
        response = ask(model, options.pop("text", "prompt"), **options)
        assert not response.cached and len(server.requests) == 2


def test_failed_calls_are_not_cached(tmp_path: Path) -> None:
    with ScriptedLLMServer([Reply(status=500), "recovered"]) as server:
        model = create_chat_model("m", base_url=server.base_url, cache=tmp_path / "c.sqlite", max_retries=0)
        with pytest.raises(ChatError):
            ask(model)
        assert ask(model).content == "recovered"
        assert len(server.requests) == 2


def test_cache_true_uses_rmg_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RMG_CACHE_DIR", str(tmp_path / "cachedir"))
    with ScriptedLLMServer("x") as server:
        ask(create_chat_model("m", base_url=server.base_url, cache=True))
    assert len(ResponseCache(tmp_path / "cachedir" / "llm.sqlite")) == 1


def test_an_unusable_cache_warns_and_calls_go_through(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not a sqlite database" * 100)
    with ScriptedLLMServer("still works") as server:
        model = create_chat_model("m", base_url=server.base_url, cache=path)
        with pytest.warns(RuntimeWarning, match="not usable"):
            assert ask(model).content == "still works"
        assert ask(model).content == "still works"
        assert len(server.requests) == 2


WRITER = """
import sys
from rmg.llm import ChatResponse, ResponseCache, Usage
cache = ResponseCache(sys.argv[1])
for i in range(300):
    cache.put(cache.key({"writer": sys.argv[2], "i": i}), ChatResponse(f"{sys.argv[2]}-{i}", usage=Usage(calls=1)))
"""


def test_processes_and_threads_share_one_cache_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), f"p{n}"]) for n in range(3)]
    cache = ResponseCache(path)

    async def read_while_writing() -> None:
        await asyncio.gather(
            *[asyncio.to_thread(cache.put, cache.key({"t": i}), ChatResponse(f"t{i}")) for i in range(50)]
        )

    asyncio.run(read_while_writing())
    assert all(w.wait(60) == 0 for w in writers)
    assert len(cache) == 3 * 300 + 50
    hit = cache.get(cache.key({"writer": "p2", "i": 299}))
    assert hit is not None and hit.cached and hit.content == "p2-299"
