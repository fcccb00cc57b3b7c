"""Model access for model rewards and agents: one async `ChatModel` protocol, many backends.

`create_chat_model(...)` builds one from a name, an instance or a LangChain model. Backends load
on first use (`OpenAIChatModel` imports `openai`, `LangChainChatModel` `langchain_core`,
`VLLMChatModel` `vllm`), so importing this package stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from rmg.core.chat import ChatError, ChatModel, ChatResponse, ChatTimeout, Usage
from .factory import create_chat_model

__all__ = [
    "ChatError",
    "ChatModel",
    "ChatResponse",
    "ChatTimeout",
    "LangChainChatModel",
    "LocalChatModel",
    "OpenAIChatModel",
    "ResponseCache",
    "Usage",
    "VLLMChatModel",
    "create_chat_model",
    "split_think",
]

_LAZY = {
    "OpenAIChatModel": ".openai_model",
    "ResponseCache": ".cache",
    "LangChainChatModel": ".langchain",
    "VLLMChatModel": ".vllm_model",
    "LocalChatModel": ".local",
    "split_think": ".reasoning",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value
