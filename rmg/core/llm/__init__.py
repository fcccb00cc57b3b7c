"""Model access for model rewards and agents: one async `ChatModel` protocol, many backends."""

from .base import ChatError, ChatModel, ChatResponse, ChatTimeout, Usage

__all__ = ["ChatError", "ChatModel", "ChatResponse", "ChatTimeout", "Usage"]
