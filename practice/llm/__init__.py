"""The LLM layer: the only place Peilian talks to a language model.

Two providers exist. ``offline`` (the default) is the deterministic persona engine and scorer in
``practice.persona`` and ``practice.scoring``; ``openai`` is any OpenAI-compatible endpoint,
reached through :class:`practice.llm.openai_provider.OpenAIProvider`. Submodules are imported on
demand so that importing this package never loads the SDK or Django settings.
"""

from practice.llm.errors import (
    LLMBudgetExceeded,
    LLMError,
    LLMMalformedOutput,
    LLMRateLimited,
    LLMTimeout,
    LLMUnavailable,
)

__all__ = [
    "LLMBudgetExceeded",
    "LLMError",
    "LLMMalformedOutput",
    "LLMRateLimited",
    "LLMTimeout",
    "LLMUnavailable",
]
