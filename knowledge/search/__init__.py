"""Knowledge search: one engine for the knowledge pages, the search API, practice hints and the
scorer. `engine` and `text` are pure Python; `service` adapts them to the database."""

from knowledge.search.engine import Document, Hit, SearchIndex

__all__ = ["Document", "Hit", "SearchIndex"]
