"""Limits on guessing tracking codes and secrets: failures per client address are
counted in fixed windows, so every replica sees the same count in the store."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Window:
    start: int
    """Epoch seconds where the window begins; part of the counter's key."""
    retry_after: int
    """Seconds until the next window, for the Retry-After header."""


def window_of(now: datetime, seconds: int) -> Window:
    """The fixed window `now` falls in."""
    epoch = int(now.timestamp())
    start = epoch - epoch % seconds
    return Window(start=start, retry_after=max(1, start + seconds - epoch))
