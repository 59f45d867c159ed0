"""Text that looks like personal data (Omani phone numbers, email addresses, civil
numbers) is held for a moderator before anyone sees it."""

import re

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Omani numbers: 8 digits, mobiles starting 7 or 9, fixed lines 2, with or without
# the +968 / 00968 prefix and spaces or dashes between groups.
_PHONE = re.compile(r"(?<!\d)(?:(?:\+|00)?968[\s-]?)?[279]\d{3}[\s-]?\d{4}(?!\d)")
# A civil number is a run of 6 to 9 digits on its own.
_CIVIL_NUMBER = re.compile(r"(?<!\d)\d{6,9}(?!\d)")


def personal_data_kinds(text: str) -> list[str]:
    """Which kinds of personal data the text seems to hold (empty when none)."""
    plain = text.translate(_DIGITS)
    kinds = []
    if _EMAIL.search(plain):
        kinds.append("email")
    if _PHONE.search(plain):
        kinds.append("phone")
    elif _CIVIL_NUMBER.search(plain):
        kinds.append("civil_number")
    return kinds
