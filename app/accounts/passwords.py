"""The password policy: at least 12 characters, not the email, not a common password."""

from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 256  # hashing is deliberately slow; an endless password must not be
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt")


@cache
def common_passwords():
    """The shipped list of common passwords, lower-cased."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


# What is wrong, said to a reader (through the catalogue) and on the command line.
MESSAGES = {
    "short": (
        _l("Kata sandi minimal %(min)s karakter.", min=MIN_LENGTH),
        f"must have at least {MIN_LENGTH} characters",
    ),
    "long": (
        _l("Kata sandi paling banyak %(max)s karakter.", max=MAX_LENGTH),
        f"must have at most {MAX_LENGTH} characters",
    ),
    "email": (_l("Kata sandi tidak boleh memuat alamat email Anda."), "must not contain the email address"),
    "common": (
        _l("Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain."),
        "is too common; choose another",
    ),
}


def password_problems(password, email):
    """Why ``password`` may not be used by the account ``email``: a list of MESSAGES keys."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return ["short"]
    if len(password) > MAX_LENGTH:
        return ["long"]
    folded = password.casefold()
    email = (email or "").strip().casefold()
    local = email.split("@")[0]
    if folded == email or (len(local) >= 4 and local in folded):
        return ["email"]
    if folded in common_passwords():
        return ["common"]
    return []


def describe(problem):
    """The reader's message for a problem key."""
    return MESSAGES[problem][0]


def describe_in_english(problem):
    """The command line's message for a problem key."""
    return "the password " + MESSAGES[problem][1]
