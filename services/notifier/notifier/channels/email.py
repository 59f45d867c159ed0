"""Email over SMTP (aiosmtplib): one plain-text UTF-8 message per delivery."""

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

import aiosmtplib

from notifier.channels import DeliveryError
from notifier.domain.messages import Message

TIMEOUT_SECONDS = 30.0
SUBJECT_MAX_CHARS = 150

# Python's header folding drops the space between two encoded words (an Arabic subject
# came out as "موضوعمنتدى"), so headers are not folded; a short subject keeps its single
# encoded line far below SMTP's 998-character limit.
UNFOLDED = policy.SMTP.clone(max_line_length=None)

_ANY_ADDRESS = re.compile(r"[^\s<>@\"']+@[^\s<>@\"']+")


@dataclass(frozen=True)
class EmailSender:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False

    async def send(
        self, *, address: str, message: Message, delivery_id: str, unsubscribe_url: str | None = None
    ) -> tuple[str, ...]:
        """Send `message` to `address`; DeliveryError (permanent on 5xx) when refused.
        Email has no receipts: no part ids."""
        try:
            await aiosmtplib.send(
                compose(self.sender, address, message, delivery_id, unsubscribe_url=unsubscribe_url),
                sender=parseaddr(self.sender)[1],
                recipients=[address],
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self.password,
                start_tls=self.starttls,
                timeout=TIMEOUT_SECONDS,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            permanent = all(refusal.code >= 500 for refusal in error.recipients)
            raise DeliveryError(redacted(error), permanent=permanent) from None
        except aiosmtplib.SMTPResponseException as error:
            raise DeliveryError(redacted(error), permanent=error.code >= 500) from None
        except (aiosmtplib.SMTPException, OSError) as error:
            raise DeliveryError(redacted(error)) from None
        return ()


def compose(
    sender: str, address: str, message: Message, delivery_id: str, *, unsubscribe_url: str | None = None
) -> bytes:
    """The email for one delivery: plain UTF-8 text, tagged with the reader's language,
    with one-click unsubscribe (RFC 8058) when the subscriber can leave."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = address
    email["Subject"] = message.subject[:SUBJECT_MAX_CHARS]
    email["Date"] = formatdate(usegmt=True)
    # Derived from the delivery, so a resend after an unclear failure carries the same
    # id and mail systems can drop the duplicate.
    domain = parseaddr(sender)[1].rpartition("@")[2] or "sharik.local"
    email["Message-ID"] = f"<{delivery_id.replace(':', '.')}@{domain}>"
    email.set_content(message.body, charset="utf-8")
    # After set_content, which replaces the Content-* headers.
    email["Content-Language"] = message.language
    if unsubscribe_url:
        email["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return email.as_bytes(policy=UNFOLDED)


def redacted(error: Exception) -> str:
    """The error without any address in it: it goes to logs and to a public event."""
    text = f"{type(error).__name__}: {error}"
    return _ANY_ADDRESS.sub("<address>", text)[:500]
