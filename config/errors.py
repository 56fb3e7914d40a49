"""Domain errors raised by services; the API and the views turn them into clear answers."""


class DomainError(Exception):
    """A request the domain refuses, with a message meant for the user."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class LimitReached(DomainError):
    status_code = 429
    code = "limit_reached"


class ServiceUnavailable(DomainError):
    status_code = 503
    code = "unavailable"
