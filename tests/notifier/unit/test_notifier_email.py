from email import policy
from email.parser import BytesParser

import aiosmtplib

from notifier.channels.email import compose, redacted
from notifier.domain.messages import Message

SENDER = "Sharik <no-reply@sharik.local>"


def test_the_email_is_utf8_in_the_reader_language_with_an_id_derived_from_the_delivery():
    subject = "استطلاع رأي: اختر موضوع منتدى معاً نتقدم"
    raw = compose(SENDER, "citizen@example.om", Message(language="ar", subject=subject, body="نص"), "E1:S1")
    email = BytesParser(policy=policy.default).parsebytes(raw)
    assert email["To"] == "citizen@example.om"
    assert email["Subject"] == subject, "every space between Arabic words survives encoding"
    assert email["Content-Language"] == "ar"
    assert email["Message-ID"] == "<E1.S1@sharik.local>"
    assert email.get_content().strip() == "نص"


def test_errors_never_carry_an_address():
    error = aiosmtplib.SMTPRecipientRefused(550, "mailbox citizen@example.om unknown", "<citizen@example.om>")
    assert "citizen@example.om" not in redacted(error)
    assert "550" in redacted(error)
