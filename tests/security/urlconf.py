"""The URL conf as data: every named route with its path template, for tests that must cover
every URL (a new URL is then covered, or a test fails until someone says how it should behave)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, e.g. "practice:session"
    template: str  # "practice/sessions/<int:pk>/"
    pattern: URLPattern

    @property
    def is_regex(self) -> bool:
        return "^" in self.template or "(?P" in self.template

    @property
    def params(self) -> list[str]:
        return [m.group("name") for m in PLACEHOLDER.finditer(self.template)]

    @property
    def is_api(self) -> bool:
        return self.template.startswith("api/")

    def url(self, **values) -> str:
        def sub(match):
            return str(values[match.group("name")])

        return "/" + PLACEHOLDER.sub(sub, self.template)


def routes() -> list[Route]:
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
                walk(entry, prefix + str(entry.pattern), inner)
            else:
                name = namespace + (entry.name or f"<unnamed {prefix}{entry.pattern}>")
                found.append(Route(name=name, template=prefix + str(entry.pattern), pattern=entry))

    walk(get_resolver(), "", "")
    return found
