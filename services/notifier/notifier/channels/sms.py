"""SMS: the message in the reader's language only, cut to fit a few parts, submitted
over the SMPP connection; its parts' ids are kept for their delivery receipts."""

from dataclasses import dataclass

from notifier.domain.messages import SEPARATOR, Message
from notifier.sms.smpp import SmppConnection

MAX_PARTS_TEXT = 4 * 67
"""Four UCS-2 parts: a message longer than that is cut (the email carries the rest)."""


def sms_text(message: Message, unsubscribe_url: str | None) -> str:
    """The reader's language of the message (the other follows in email only)."""
    text = message.body.split(SEPARATOR)[0].strip()
    tail = f"\n{unsubscribe_url}" if unsubscribe_url else ""
    room = MAX_PARTS_TEXT - len(tail)
    if len(text) > room:
        text = text[: room - 1].rstrip() + "…"
    return text + tail


@dataclass
class SmsSender:
    connection: SmppConnection

    async def send(
        self, *, address: str, message: Message, delivery_id: str, unsubscribe_url: str | None = None
    ) -> tuple[str, ...]:
        return await self.connection.submit(address.removeprefix("+"), sms_text(message, unsubscribe_url))
