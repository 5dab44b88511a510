"""What a page needs of a contact's phone number: its digits in international form, for
``tel:`` and ``https://wa.me/`` links."""

import re


def phone_digits(phone):
    """The number in international form without ``+``: ``0812-0000-0001`` -> ``6281200000001``."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits
