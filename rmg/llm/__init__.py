"""Model access for model rewards and agents: one async `ChatModel` protocol, many backends.

`create_chat_model(...)` builds one from a name, an instance or a LangChain model. Backends load
on first use (`OpenAIChatModel` imports `openai`, `LangChainChatModel` `langchain_core`,
`VLLMChatModel` `vllm`), so importing this package stays cheap.
"""

from __future__ import annotations

from rmg.core.chat import ChatError, ChatModel, ChatResponse, ChatTimeout, Usage
from rmg.core.lazy import lazy_exports

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


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
