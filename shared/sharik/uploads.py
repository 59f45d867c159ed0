"""Reading an uploaded text file (a voters' roll CSV, a pabulib .pb): UTF-8, lines ended
by LF or CRLF, no control characters; anything else is refused naming its line, before
a parser sees it."""

import re

from sharik.errors import Invalid

# A lone carriage return (old Mac line ends) breaks the csv module; NUL and the other
# controls are nothing a person types in a name or a wilayat.
_FORBIDDEN = re.compile("\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def upload_text(body: bytes, what: str) -> str:
    """The file's text; Invalid naming the first line that is not UTF-8 or holds a
    control character (a byte-order mark at the start is dropped)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        line = body[: error.start].count(b"\n") + 1
        raise Invalid(f"{what}: line {line} is not UTF-8 text", details=[{"line": line}]) from None
    text = text.removeprefix("\ufeff")
    if found := _FORBIDDEN.search(text):
        line = text.count("\n", 0, found.start()) + 1
        character = "a lone carriage return" if found.group() == "\r" else f"the control character {found.group()!r}"
        raise Invalid(f"{what}: line {line} holds {character}", details=[{"line": line}])
    return text
