"""Text a citizen reads, in Arabic and English."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    ar: str
    en: str


@dataclass(frozen=True)
class Reply:
    """A public reply from the agency; staff may write it in one language or both."""

    ar: str | None = None
    en: str | None = None
