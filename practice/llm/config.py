"""Configuration of the LLM layer, read lazily from Django settings.

Only ``config/settings.py`` reads the environment; this module turns the resulting settings into
one immutable value so the rest of the layer never touches ``django.conf`` itself. Settings are
read at call time, never at import time, and missing settings fall back to the zero-setup
defaults (the offline provider).
"""

from __future__ import annotations

from dataclasses import dataclass

PROVIDER_OFFLINE = "offline"
PROVIDER_OPENAI = "openai"
PROVIDERS = (PROVIDER_OFFLINE, PROVIDER_OPENAI)

DEFAULT_CUSTOMER_MODEL = "gpt-4o-mini"
DEFAULT_JUDGE_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 2


@dataclass(frozen=True)
class LLMConfig:
    provider: str = PROVIDER_OFFLINE
    base_url: str | None = None
    api_key: str | None = None
    customer_model: str = DEFAULT_CUSTOMER_MODEL
    judge_model: str = DEFAULT_JUDGE_MODEL
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES

    @property
    def is_offline(self) -> bool:
        return self.provider != PROVIDER_OPENAI


def load_config() -> LLMConfig:
    """Build the configuration from ``django.conf.settings`` (defaults when unset)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        provider = str(getattr(settings, "LLM_PROVIDER", PROVIDER_OFFLINE) or PROVIDER_OFFLINE)
        base_url = getattr(settings, "LLM_BASE_URL", None) or None
        api_key = getattr(settings, "LLM_API_KEY", None) or None
        customer_model = getattr(settings, "LLM_CUSTOMER_MODEL", None) or DEFAULT_CUSTOMER_MODEL
        judge_model = getattr(settings, "LLM_JUDGE_MODEL", None) or DEFAULT_JUDGE_MODEL
        timeout = getattr(settings, "LLM_TIMEOUT", DEFAULT_TIMEOUT)
        max_retries = getattr(settings, "LLM_MAX_RETRIES", DEFAULT_MAX_RETRIES)
    except ImproperlyConfigured:
        # Plain scripts and pure tests run without a settings module: behave as the demo does.
        return LLMConfig()

    provider = provider.strip().lower()
    if provider not in PROVIDERS:
        raise ValueError(f"LLM_PROVIDER must be one of {PROVIDERS}, not {provider!r}")
    return LLMConfig(
        provider=provider,
        base_url=base_url,
        api_key=api_key,
        customer_model=str(customer_model),
        judge_model=str(judge_model),
        timeout=float(timeout if timeout is not None else DEFAULT_TIMEOUT),
        max_retries=int(max_retries if max_retries is not None else DEFAULT_MAX_RETRIES),
    )
