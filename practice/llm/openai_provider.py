"""The ``openai`` provider: any OpenAI-compatible chat-completions endpoint.

OpenAI, Azure OpenAI, DeepSeek, Qwen (DashScope compatible mode), vLLM and Ollama all speak the
same protocol, so one client over the official SDK serves them all. Retries with exponential
backoff on 429, 5xx, timeouts and connection errors are the SDK's own (``max_retries``); this
module adds what the SDK does not know about: mapping failures to the layer's errors, measuring
latency and tokens, detecting cut streams and truncated or schema-violating JSON, and an optional
token budget.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import openai

from practice.llm.errors import (
    LLMBudgetExceeded,
    LLMError,
    LLMMalformedOutput,
    LLMRateLimited,
    LLMTimeout,
    LLMUnavailable,
)

if TYPE_CHECKING:
    from practice.llm.config import LLMConfig

# Local servers (vLLM, Ollama) accept any key, but the SDK insists on having one.
PLACEHOLDER_API_KEY = "not-needed"


@dataclass
class Completion:
    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    finish_reason: str | None = None

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@contextmanager
def _translate_errors() -> Iterator[None]:
    """Turn SDK exceptions into the layer's errors (most specific first)."""
    try:
        yield
    except openai.APITimeoutError as exc:
        raise LLMTimeout(detail=str(exc)) from exc
    except openai.RateLimitError as exc:
        raise LLMRateLimited(detail=str(exc)) from exc
    except openai.APIStatusError as exc:
        if exc.status_code >= 500:
            raise LLMUnavailable(detail=f"HTTP {exc.status_code}: {exc}") from exc
        raise LLMError(detail=f"HTTP {exc.status_code}: {exc}") from exc
    except openai.APIConnectionError as exc:
        raise LLMUnavailable(detail=str(exc)) from exc
    except openai.APIResponseValidationError as exc:
        raise LLMMalformedOutput(detail=str(exc)) from exc
    except openai.APIError as exc:
        raise LLMError(detail=str(exc)) from exc
    except json.JSONDecodeError as exc:
        # The SDK parses the HTTP body itself; a broken body surfaces as a bare decode error.
        raise LLMMalformedOutput(detail=f"response body is not JSON: {exc}") from exc


class StreamResult:
    """An iterator of text deltas; ``completion`` is set once the stream has ended cleanly."""

    def __init__(self, deltas: Iterator[str] | None = None) -> None:
        self._deltas: Iterator[str] = deltas if deltas is not None else iter(())
        self.completion: Completion | None = None

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        return next(self._deltas)

    @property
    def text(self) -> str:
        return self.completion.text if self.completion else ""

    def close(self) -> None:
        """Stop early and release the connection."""
        close = getattr(self._deltas, "close", None)
        if close is not None:
            close()


class OpenAIProvider:
    """Chat completions against one OpenAI-compatible endpoint."""

    name = "openai"

    def __init__(
        self,
        *,
        base_url: str | None,
        api_key: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 2,
        token_budget: int | None = None,
        include_stream_usage: bool = True,
    ) -> None:
        self.client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key or PLACEHOLDER_API_KEY,
            timeout=timeout,
            max_retries=max_retries,
        )
        self.token_budget = token_budget
        # Older vLLM/Ollama builds reject stream_options; allow switching it off.
        self.include_stream_usage = include_stream_usage
        self.tokens_used = 0
        self.last_completion: Completion | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: LLMConfig, **kwargs: Any) -> OpenAIProvider:
        return cls(
            base_url=config.base_url,
            api_key=config.api_key,
            timeout=config.timeout,
            max_retries=config.max_retries,
            **kwargs,
        )

    # -- public API ---------------------------------------------------------------------------

    def complete(
        self,
        messages: Sequence[Mapping[str, Any]],
        *,
        model: str,
        temperature: float = 0.7,
        max_tokens: int = 400,
    ) -> Completion:
        self._check_budget()
        started = time.monotonic()
        with _translate_errors():
            response = self.client.chat.completions.create(
                model=model,
                messages=[dict(m) for m in messages],  # type: ignore[misc]
                temperature=temperature,
                max_tokens=max_tokens,
            )
        completion = self._completion_from_response(response, model, started)
        self._record(completion)
        return completion

    def stream(
        self,
        messages: Sequence[Mapping[str, Any]],
        *,
        model: str,
        temperature: float = 0.7,
        max_tokens: int = 400,
    ) -> StreamResult:
        """Start a streamed completion; iterate the result for text deltas.

        The request is sent when this is called, so connection errors, 429 and 5xx surface here
        (after the SDK's retries); a stream that stops before a ``finish_reason`` raises
        :class:`LLMMalformedOutput` from the iteration.
        """
        self._check_budget()
        started = time.monotonic()
        extra: dict[str, Any] = {}
        if self.include_stream_usage:
            extra["stream_options"] = {"include_usage": True}
        with _translate_errors():
            raw = self.client.chat.completions.create(
                model=model,
                messages=[dict(m) for m in messages],  # type: ignore[misc]
                temperature=temperature,
                max_tokens=max_tokens,
                stream=True,
                **extra,
            )
        result = StreamResult()
        result._deltas = self._iter_stream(raw, model, started, result)
        return result

    def complete_json(
        self,
        messages: Sequence[Mapping[str, Any]],
        *,
        model: str,
        schema: Mapping[str, Any],
        schema_name: str,
        temperature: float = 0.0,
        max_tokens: int = 2000,
    ) -> tuple[dict[str, Any], Completion]:
        """Ask for JSON that follows ``schema`` (strict structured output) and validate it."""
        self._check_budget()
        started = time.monotonic()
        with _translate_errors():
            response = self.client.chat.completions.create(
                model=model,
                messages=[dict(m) for m in messages],  # type: ignore[misc]
                temperature=temperature,
                max_tokens=max_tokens,
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": schema_name, "schema": dict(schema), "strict": True},
                },
            )
        completion = self._completion_from_response(response, model, started)
        self._record(completion)
        if completion.finish_reason == "length":
            raise LLMMalformedOutput(detail="JSON answer truncated (finish_reason=length)")
        data = parse_json_object(completion.text)
        problems = validate_schema(data, schema)
        if problems:
            raise LLMMalformedOutput(detail="schema mismatch: " + "; ".join(problems[:5]))
        return data, completion

    # -- internals ----------------------------------------------------------------------------

    def _check_budget(self) -> None:
        if self.token_budget is not None and self.tokens_used >= self.token_budget:
            raise LLMBudgetExceeded(detail=f"{self.tokens_used} of {self.token_budget} tokens used")

    def _record(self, completion: Completion) -> None:
        with self._lock:
            self.tokens_used += completion.total_tokens
            self.last_completion = completion

    @staticmethod
    def _completion_from_response(response: Any, model: str, started: float) -> Completion:
        choices = getattr(response, "choices", None)
        if not choices:
            raise LLMMalformedOutput(detail="answer without choices")
        choice = choices[0]
        message = getattr(choice, "message", None)
        text = (getattr(message, "content", None) or "") if message is not None else ""
        usage = getattr(response, "usage", None)
        return Completion(
            text=text,
            model=getattr(response, "model", None) or model,
            prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            latency_ms=int((time.monotonic() - started) * 1000),
            finish_reason=getattr(choice, "finish_reason", None),
        )

    def _iter_stream(
        self, raw: Any, model: str, started: float, result: StreamResult
    ) -> Iterator[str]:
        parts: list[str] = []
        finish_reason: str | None = None
        answered_model = model
        prompt_tokens = completion_tokens = 0
        try:
            for chunk in raw:
                answered_model = getattr(chunk, "model", None) or answered_model
                usage = getattr(chunk, "usage", None)
                if usage is not None:
                    prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
                    completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
                for choice in getattr(chunk, "choices", None) or ():
                    delta = getattr(choice, "delta", None)
                    content = getattr(delta, "content", None) if delta is not None else None
                    if content:
                        parts.append(content)
                        yield content
                    if getattr(choice, "finish_reason", None):
                        finish_reason = choice.finish_reason
        except openai.APITimeoutError as exc:
            raise LLMTimeout(detail="stream stalled") from exc
        except openai.APIConnectionError as exc:
            raise LLMMalformedOutput(detail="stream cut before it finished") from exc
        except openai.APIError as exc:
            raise LLMError(detail=str(exc)) from exc
        finally:
            close = getattr(raw, "close", None)
            if close is not None:
                close()
        if finish_reason is None:
            raise LLMMalformedOutput(detail="stream ended without finish_reason")
        completion = Completion(
            text="".join(parts),
            model=answered_model,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            latency_ms=int((time.monotonic() - started) * 1000),
            finish_reason=finish_reason,
        )
        result.completion = completion
        self._record(completion)


# -- JSON helpers -----------------------------------------------------------------------------

_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL | re.IGNORECASE)


def parse_json_object(text: str) -> dict[str, Any]:
    """Parse a JSON object, tolerating a Markdown code fence some compatible servers add."""
    candidate = text.strip()
    fenced = _FENCE.match(candidate)
    if fenced:
        candidate = fenced.group(1)
    try:
        data = json.loads(candidate)
    except (json.JSONDecodeError, ValueError) as exc:
        raise LLMMalformedOutput(detail=f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise LLMMalformedOutput(detail="JSON answer is not an object")
    return data


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def _type_matches(value: Any, type_name: str) -> bool:
    if type_name in ("integer", "number") and isinstance(value, bool):
        return False
    if type_name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _JSON_TYPES.get(type_name, (object,)))


def validate_schema(value: Any, schema: Mapping[str, Any], path: str = "$") -> list[str]:
    """Check ``value`` against the subset of JSON Schema used by strict structured output.

    Covers ``type`` (single or list), ``enum``, ``required``, ``properties``,
    ``additionalProperties: false``, ``items``, ``minimum`` and ``maximum``. Returns a list of
    problems, empty when the value conforms.
    """
    problems: list[str] = []
    expected = schema.get("type")
    if expected is not None:
        names = [expected] if isinstance(expected, str) else list(expected)
        if not any(_type_matches(value, name) for name in names):
            return [f"{path}: expected {'/'.join(names)}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, bool):
        return problems
    if isinstance(value, int | float):
        if "minimum" in schema and value < schema["minimum"]:
            problems.append(f"{path}: {value} < minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            problems.append(f"{path}: {value} > maximum {schema['maximum']}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for key in schema.get("required", ()):
            if key not in value:
                problems.append(f"{path}: missing {key!r}")
        if schema.get("additionalProperties") is False:
            problems.extend(f"{path}: unexpected {key!r}" for key in value if key not in properties)
        for key, sub in properties.items():
            if key in value:
                problems.extend(validate_schema(value[key], sub, f"{path}.{key}"))
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for index, item in enumerate(value):
            problems.extend(validate_schema(item, schema["items"], f"{path}[{index}]"))
    return problems
