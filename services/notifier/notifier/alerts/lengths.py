"""How much text fits where an alert is shown. A cell broadcast page carries 93 GSM-7
characters or 41 UCS-2 ones, and a message is at most 15 pages (so Arabic, which GSM-7
cannot carry, gets 615 characters); handsets that show only a short alert get the
90- or the 360-character rendering."""

from dataclasses import dataclass
from typing import Literal

import gsm0338  # noqa: F401 - registers the "gsm03.38" codec

Encoding = Literal["gsm7", "ucs2"]

GSM7_PAGE = 93
UCS2_PAGE = 41
MAX_PAGES = 15
SHORT_LIMITS = {"text_90": 90, "text_360": 360}


def encoding_of(text: str) -> Encoding:
    try:
        text.encode("gsm03.38")
    except UnicodeEncodeError:
        return "ucs2"
    return "gsm7"


def units(text: str, encoding: Encoding) -> int:
    """Characters as the network counts them: a GSM-7 extension character (€, {, […])
    takes two septets, a UCS-2 character outside the basic plane two code units."""
    if encoding == "gsm7":
        return len(text.encode("gsm03.38"))
    return len(text.encode("utf-16-be")) // 2


@dataclass(frozen=True)
class BroadcastLength:
    encoding: Encoding
    characters: int
    pages: int
    max_characters: int

    @property
    def fits(self) -> bool:
        return self.pages <= MAX_PAGES


def broadcast_length(text: str) -> BroadcastLength:
    encoding = encoding_of(text)
    page = GSM7_PAGE if encoding == "gsm7" else UCS2_PAGE
    characters = units(text, encoding)
    return BroadcastLength(
        encoding=encoding,
        characters=characters,
        pages=max(1, -(-characters // page)),
        max_characters=page * MAX_PAGES,
    )
