"""Errors raised by the LLM layer.

Every failure of a model call ends in one of these, so callers (the practice views, the scoring
tasks) can decide between retrying, failing a job with a visible reason, or falling back to the
offline engine without knowing anything about the SDK underneath. ``message`` is safe to show to
users; ``detail`` may hold technical text for logs and must not be rendered.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class LLMError(Exception):
    """Base class: a model call did not give a usable answer."""

    code = "llm_error"
    default_message = _("The language model could not answer. Please try again.")

    def __init__(self, message: str | None = None, *, detail: str = "") -> None:
        self.message = str(message or self.default_message)
        self.detail = detail
        super().__init__(self.message if not detail else f"{self.message} ({detail})")


class LLMTimeout(LLMError):
    code = "timeout"
    default_message = _("The language model took too long to answer.")


class LLMRateLimited(LLMError):
    code = "rate_limited"
    default_message = _("The language model is busy (rate limited). Please try again shortly.")


class LLMUnavailable(LLMError):
    code = "unavailable"
    default_message = _("The language model service is unavailable.")


class LLMMalformedOutput(LLMError):
    code = "malformed_output"
    default_message = _("The language model returned an incomplete or malformed answer.")


class LLMBudgetExceeded(LLMError):
    code = "budget_exceeded"
    default_message = _("The token budget for the language model is used up.")
