"""`create_chat_model`: one call that turns what a user wrote into a `ChatModel`.

Accepted as `model`:
- a `ChatModel` instance (returned as is) or a LangChain chat model (wrapped);
- `"vllm:<model path or id>"`: in-process vLLM (the `vllm` extra);
- `"openai:<model id>"`: an OpenAI-compatible endpoint, skipping the plugin lookup;
- `"local"` / `"local:<name or .gguf path>"`: llama.cpp in-process (the `local` extra; default SmolLM2);
- a name registered by a plugin through `register_models(register)`, as `register("name", factory)`;
  `"name:<rest>"` also reaches that factory with `model="<rest>"`;
- any other string (or None: `RMG_MODEL`): an OpenAI-compatible endpoint (`OpenAIChatModel`).

Everything heavy is imported only on the path that needs it.
"""

from __future__ import annotations

import inspect
import os
import sys
from typing import Any

from rmg.core.chat import ChatError, ChatModel

__all__ = ["create_chat_model"]


def create_chat_model(
    model: Any = None,
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    cache: bool | str | os.PathLike[str] = False,
    concurrency: int = 64,
    timeout: float = 60.0,
    max_retries: int = 4,
    **options: Any,
) -> ChatModel:
    """A ChatModel from a name, an instance or a LangChain model (see the module docstring).

    `options` are default sampling options (e.g. `top_p`, `seed`, vLLM's `top_k`) for every call,
    plus backend settings (`backoff`, `max_backoff`, `default_headers` for OpenAI endpoints).
    """
    settings: dict[str, Any] = dict(
        base_url=base_url,
        api_key=api_key,
        cache=cache,
        concurrency=concurrency,
        timeout=timeout,
        max_retries=max_retries,
        **options,
    )
    if model is not None and not isinstance(model, str):
        if _is_langchain_model(model):
            from .langchain import LangChainChatModel

            return LangChainChatModel(model, concurrency=concurrency, timeout=timeout, max_retries=max_retries)
        if isinstance(model, ChatModel):
            return model
        raise ChatError(f"not a chat model: {model!r} (expected a model name, a ChatModel or a LangChain chat model)")
    name = model.strip() if isinstance(model, str) else None
    prefix, _, rest = (name or "").partition(":")
    if prefix == "vllm" and rest:
        from .vllm_model import VLLMChatModel

        return VLLMChatModel(rest, cache=cache, concurrency=concurrency, timeout=timeout, **options)
    if prefix == "openai" and rest:
        return _openai(rest, settings)
    if prefix == "local":
        from .local import LocalChatModel

        return LocalChatModel(rest or None, timeout=max(timeout, 600.0), **options)
    if name:
        registered = _registered(name, settings)
        if registered is not None:
            return registered
    return _openai(name, settings)


def _openai(name: str | None, settings: dict[str, Any]) -> ChatModel:
    from .openai_model import OpenAIChatModel

    return OpenAIChatModel(name, **settings)


def _registered(name: str, settings: dict[str, Any]) -> ChatModel | None:
    """A plugin-registered backend for `name` (or `prefix:rest`), or None."""
    from rmg.core.plugins import get_host

    host = get_host()
    registration = host.get("models", name)
    model_arg = name
    if registration is None and ":" in name:
        prefix, model_arg = name.split(":", 1)
        registration = host.get("models", prefix)
    if registration is None:
        return None
    factory = registration.obj
    if isinstance(factory, ChatModel) and not isinstance(factory, type):
        return factory
    if not callable(factory):
        raise ChatError(f"model {name!r} registered by plugin {registration.plugin!r} is not a factory: {factory!r}")
    kwargs = _accepted(factory, {"model": model_arg, **settings})
    try:
        made = factory(**kwargs)
    except ChatError:
        raise
    except Exception as exc:
        raise ChatError(
            f"model {name!r} from plugin {registration.plugin!r} failed to build: {type(exc).__name__}: {exc}"
        ) from exc
    if not isinstance(made, ChatModel):
        raise ChatError(f"model {name!r} from plugin {registration.plugin!r} built {made!r}, not a ChatModel")
    return made


def _accepted(factory: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments a factory takes (all of them if it has **kwargs); unset ones dropped."""
    try:
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return {k: v for k, v in kwargs.items() if v is not None}
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return kwargs
    return {k: v for k, v in kwargs.items() if k in params}


def _is_langchain_model(obj: Any) -> bool:
    """A LangChain chat model, checked without importing langchain_core unless it is loaded."""
    module = sys.modules.get("langchain_core.language_models.chat_models")
    if module is None:
        return False
    return isinstance(obj, module.BaseChatModel)
