"""create_chat_model's other sources: LangChain models, plugin-registered backends, in-process vLLM."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

import pytest

import rmg
from rmg.core.plugins import PluginHost, get_host, reset_host
from rmg.llm import ChatError, ChatModel, ChatResponse, Usage, create_chat_model


def ask(model: Any, text: str = "hi", **options: Any) -> ChatResponse:
    return asyncio.run(model.chat([{"role": "user", "content": text}], **options))


# -- LangChain -----------------------------------------------------------------------------------
def test_langchain_model_is_wrapped_with_usage_and_reasoning_kept_apart() -> None:
    pytest.importorskip("langchain_core", minversion="1.7")
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    replies = [
        AIMessage(
            content="Score: 8",
            additional_kwargs={"reasoning_content": "clear and correct"},
            usage_metadata={
                "input_tokens": 12,
                "output_tokens": 5,
                "total_tokens": 17,
                "output_token_details": {"reasoning": 3},
            },
        ),
        AIMessage(content="<think>weigh both</think>B is better"),
        AIMessage(content=[{"type": "reasoning", "reasoning": "block thought"}, {"type": "text", "text": "A"}]),
    ]
    lc = GenericFakeChatModel(messages=iter(replies))
    model = create_chat_model(lc)
    assert isinstance(model, ChatModel) and type(model).__name__ == "LangChainChatModel"
    first, second, third = ask(model), ask(model), ask(model)
    assert (first.content, first.reasoning) == ("Score: 8", "clear and correct")
    assert first.usage == Usage(prompt_tokens=12, completion_tokens=5, reasoning_tokens=3, calls=1)
    assert (second.content, second.reasoning) == ("B is better", "weigh both")
    assert (third.content, third.reasoning) == ("A", "block thought")
    assert model.usage.calls == 3 and model.usage.prompt_tokens == 12


def test_langchain_model_errors_become_chat_errors() -> None:
    pytest.importorskip("langchain_core", minversion="1.7")
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    model = create_chat_model(FakeListChatModel(responses=[]))  # an empty script raises on call
    with pytest.raises(ChatError):
        ask(model)


def test_langchain_model_timeout_is_a_chat_timeout() -> None:
    pytest.importorskip("langchain_core", minversion="1.7")
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

    from rmg.llm import ChatTimeout

    class SlowFake(GenericFakeChatModel):
        async def _agenerate(self, *args: Any, **kwargs: Any) -> Any:
            await asyncio.sleep(30)
            return await super()._agenerate(*args, **kwargs)

    model = create_chat_model(SlowFake(messages=iter(["late"])), timeout=0.1)
    with pytest.raises(ChatTimeout):
        ask(model)


# -- registered by plugins -----------------------------------------------------------------------
class EchoModel:
    """A plugin's backend: answers with its configuration, so the test sees what the factory got."""

    def __init__(self, model: str, timeout: float) -> None:
        self.name = model
        self.timeout = timeout

    async def chat(
        self,
        messages: list[dict[str, str]],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
        **options: Any,
    ) -> ChatResponse:
        return ChatResponse(content=f"{self.name}|{self.timeout}|{messages[-1]['content']}")


def broken_factory(model: str) -> ChatModel:
    raise RuntimeError("no GPU in this plugin's dreams")


class EchoPlugin:
    @rmg.hookimpl
    def register_models(self, register: Any) -> None:
        register("echo", EchoModel)
        register("broken", broken_factory)


@pytest.fixture
def echo_host() -> Any:
    previous = get_host()
    host = PluginHost(entry_points=False)
    host.add_plugin(EchoPlugin(), "rmg-plugin-echo")
    reset_host(host)
    yield host
    reset_host(previous)


def test_a_plugin_registered_model_is_built_by_name_with_the_settings_it_accepts(echo_host: Any) -> None:
    model = create_chat_model("echo", timeout=5.0, base_url="ignored-by-this-factory")
    assert isinstance(model, EchoModel)
    assert ask(model, "hello").content == "echo|5.0|hello"
    variant = create_chat_model("echo:small-v2")
    assert ask(variant).content == "small-v2|60.0|hi"


def test_a_failing_plugin_factory_is_a_chat_error_naming_the_plugin(echo_host: Any) -> None:
    with pytest.raises(ChatError, match="rmg-plugin-echo.*no GPU"):
        create_chat_model("broken")


def test_an_unregistered_name_is_an_openai_endpoint(echo_host: Any) -> None:
    model = create_chat_model("gpt-judge", base_url="http://127.0.0.1:9/v1")
    assert type(model).__name__ == "OpenAIChatModel" and model.name == "gpt-judge"
    assert create_chat_model("openai:echo", base_url="http://127.0.0.1:9/v1").name == "echo"


def test_a_chat_model_instance_is_returned_as_is_and_junk_is_refused() -> None:
    model = EchoModel("x", 1.0)
    assert create_chat_model(model) is model
    with pytest.raises(ChatError, match="not a chat model"):
        create_chat_model(42)


# -- in-process vLLM -----------------------------------------------------------------------------
def test_vllm_without_the_extra_names_the_extra() -> None:
    from rmg.llm.vllm_model import vllm_unavailable_reason

    reason = vllm_unavailable_reason()
    if reason is None or "vllm` extra" not in reason:
        pytest.skip(f"vllm is importable here: {reason or 'and a GPU is present'}")
    model = create_chat_model("vllm:Qwen/Qwen2.5-0.5B-Instruct")
    with pytest.raises(ChatError, match=r"pip install 'rmg\[vllm\]'"):
        ask(model)


def test_vllm_in_process_generates_on_a_gpu() -> None:
    from rmg.llm.vllm_model import vllm_unavailable_reason

    reason = vllm_unavailable_reason()
    if reason is not None:
        print(f"skipping in-process vLLM: {reason}")
        pytest.skip(reason)
    import os

    model = create_chat_model(
        "vllm:" + os.environ.get("RMG_TEST_VLLM_MODEL", "Qwen/Qwen2.5-0.5B-Instruct"),
        engine_args={"gpu_memory_utilization": 0.5, "max_model_len": 2048},
    )
    response = ask(model, "Reply with the single word: yes", temperature=0.0, max_tokens=8)
    assert response.content.strip() and response.usage.completion_tokens > 0


# -- package hygiene -----------------------------------------------------------------------------
def test_importing_rmg_core_llm_loads_no_sdk() -> None:
    code = (
        "import sys, rmg.llm; heavy = {'openai', 'httpx2', 'aiohttp', 'langchain_core', 'vllm'}; "
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
