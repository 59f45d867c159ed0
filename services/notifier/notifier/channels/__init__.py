"""Channels a message can go out on. Each is a Sender; the worker picks one by the
subscription's channel, so SMS, cell broadcast or webhooks plug in beside email."""

from typing import Protocol

from notifier.domain.messages import Message


class DeliveryError(Exception):
    """The channel did not take the message. The text never contains the address."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        """Retrying cannot help (e.g. the mailbox does not exist)."""


class Sender(Protocol):
    async def send(
        self, *, address: str, message: Message, delivery_id: str, unsubscribe_url: str | None = None
    ) -> tuple[str, ...]:
        """Hand the message over for `address`, or raise DeliveryError. Returns the ids
        the channel gave the message's parts, when it sends receipts for them (SMS)."""
