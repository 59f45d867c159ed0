"""Errors the domain raises; the HTTP layer maps each to a status in one place."""


class DomainError(Exception):
    """A request that cannot be carried out, with a stable code and a readable message."""

    status = 400
    code = "bad_request"

    def __init__(
        self, message: str, *, details: list[dict] | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []
        self.headers = headers or {}
        """Sent with the error response, e.g. Retry-After with a 429."""


class Invalid(DomainError):
    status = 422
    code = "invalid"


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class ConcurrentChange(Conflict):
    """Someone else changed the aggregate since it was read; retry the command."""

    code = "concurrent_change"
