"""The ``contacts:`` of a case study (content-format.md): the people to talk to about it,
checked for files, the web form and restored versions alike.

A contact is personal data (UU 27/2022, docs/decisions/0060): the rules keep it to what
the work needs and refuse what could not be a name, an address or a number.
"""

import re
from datetime import date

from app.catalog.contacts import phone_digits
from app.catalog.models import CONTACT_LIMITS

MAX_CONTACTS = 10
FIELDS = ("name", "position", "unit", "email", "phone", "whatsapp", "confirmed_on")
TEXT_FIELDS = ("name", "position", "unit")
FIRST_CONFIRMED = date(2000, 1, 1)
# One address, no spaces, quotes, angle brackets or separators that could start a second one.
_EMAIL = re.compile(r"^[^@\s<>\"'(),;:\\\[\]]+@[^@\s<>\"'(),;:\\\[\]]+\.[^@\s<>\"'(),;:\\\[\].]+$")
# An Indonesian number: +62 or 0, then digits with spaces, dashes, dots or brackets between.
_PHONE = re.compile(r"^(?:\+62|\(?0)[0-9 ()\-.]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Control characters, and the angle brackets of markup: no name, position or unit has them.
_NOT_TEXT = re.compile(r"[\x00-\x1f\x7f<>]")


def check_contacts(value, problem, today=None):
    """A list of contacts, checked: ``[{name, position, unit, email, phone, whatsapp,
    confirmed_on}]`` with only the fields given (``confirmed_on`` as ``YYYY-MM-DD`` text).
    ``problem(message)`` hears what is wrong, each message starting ``contact N:`` when it
    concerns one contact."""
    today = today or date.today()
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        problem(f"must be a list of {{{', '.join(FIELDS)}}}")
        return []
    if len(value) > MAX_CONTACTS:
        problem(f"lists {len(value)} contacts; at most {MAX_CONTACTS}")
        return []
    contacts = []
    for number, item in enumerate(value, start=1):
        contact = _contact(item, lambda message, n=number: problem(f"contact {n}: {message}"), today)
        if contact is not None:
            contacts.append(contact)
    return contacts if len(contacts) == len(value) else []


def _contact(item, problem, today):
    ok = True
    extra = sorted(set(item) - set(FIELDS), key=str)
    if extra:
        problem(f"{', '.join(map(str, extra))} is not a field of a contact ({', '.join(FIELDS)})")
        ok = False
    contact = {}
    for key in ("name", "position", "unit", "email", "phone"):
        text = item.get(key)
        if text is None:
            continue
        if isinstance(text, bool) or not isinstance(text, str | int):
            problem(f"{key} must be text")
            ok = False
            continue
        text = " ".join(str(text).split())
        if len(text) > CONTACT_LIMITS[key]:
            problem(f"{key} is {len(text)} characters long; at most {CONTACT_LIMITS[key]}")
            ok = False
        elif text and key in TEXT_FIELDS and _NOT_TEXT.search(item[key] if isinstance(item[key], str) else text):
            problem(f"{key} must not contain < > or control characters")
            ok = False
        elif text and key == "email" and not _EMAIL.match(text):
            problem(f"email {text!r} is not an email address")
            ok = False
        elif text and key == "phone" and not _valid_phone(text):
            problem(f"phone {text!r} is not an Indonesian phone number (+62... or 0...)")
            ok = False
        elif text:
            contact[key] = text
    if "name" not in contact and ok:
        problem("name is required")
        ok = False
    if ok and not ({"email", "phone"} & set(contact)):
        problem("needs an email or a phone number")
        ok = False
    whatsapp = item.get("whatsapp", False)
    if not isinstance(whatsapp, bool):
        problem(f"whatsapp must be true or false, not {whatsapp!r}")
        ok = False
    elif whatsapp and "phone" not in contact:
        if ok:
            problem("whatsapp needs a phone number")
        ok = False
    elif whatsapp:
        contact["whatsapp"] = True
    confirmed = _confirmed(item.get("confirmed_on"), problem, today)
    if confirmed is False:
        ok = False
    elif confirmed:
        contact["confirmed_on"] = confirmed
    return {key: contact[key] for key in FIELDS if key in contact} if ok else None


def _valid_phone(text):
    digits = re.sub(r"\D", "", text)
    return bool(_PHONE.match(text)) and 8 <= len(phone_digits(text)) <= 15 and len(digits) >= 8


def _confirmed(value, problem, today):
    """The ISO date, None when not given, or False after reporting a problem."""
    if value is None or value == "":
        return None
    if type(value) is date:  # a YAML date (a date with a time is not one)
        day = value
    elif isinstance(value, str) and _DATE.match(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            day = None
    else:
        day = None
    if day is None:
        problem(f"confirmed_on must be a date YYYY-MM-DD, not {value!r}")
        return False
    if not FIRST_CONFIRMED <= day <= today:
        problem(f"confirmed_on {day.isoformat()} is not between {FIRST_CONFIRMED.isoformat()} and today")
        return False
    return day.isoformat()
