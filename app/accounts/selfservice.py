"""Accounts people manage themselves: a forgotten password reset by email, and invitations
by which an admin or a coordinator brings someone in (docs/decisions/0045).

Services flush, never commit; the view that calls them commits once, and the email is
queued in that same transaction (app/mail): it goes only if the change is kept.
"""

import secrets
from datetime import UTC, datetime, timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts import lockout, sessions, tokens
from app.accounts.passwords import describe_in_english, password_problems
from app.accounts.services import AccountError, create_user, find_user
from app.mail import outbox
from app.mail.links import absolute_url

# Reset emails to one account within an hour, whoever asks: nobody can flood a mailbox.
MAX_RESETS_PER_HOUR = 3
# Invitations one person may send within a day.
MAX_INVITATIONS_PER_DAY = 50


class InvitationRefused(AccountError):
    """An invitation the rules do not allow; the message says which rule."""


def request_reset(email, now=None):
    """Send a reset link when ``email`` belongs to an active account (and it has not had
    MAX_RESETS_PER_HOUR in the last hour). The caller answers the same either way."""
    now = now or datetime.now(UTC)
    user = find_user(email)
    if user is None or not user.active:
        return None
    if tokens.issued_since(user, "reset", now - timedelta(hours=1)) >= MAX_RESETS_PER_HOUR:
        return None
    raw = tokens.issue(user, "reset", now=now)
    _send(user, "reset", link=absolute_url("selfservice.reset_password", token=raw))
    return user


def set_password_with(token, password, now=None):
    """Set the password of the token's account and spend the token; every sign-in of the
    account ends and the failed logins counted against it are forgiven."""
    user = token.user
    problems = password_problems(password, user.email)
    if problems:
        raise AccountError(describe_in_english(problems[0]))
    if not tokens.use(token, now=now):
        raise AccountError("this link has been used already")
    user.set_password(password)
    sessions.end_all(user)
    lockout.forgive(user.email, None, None)
    return user


def invite(inviter, email, name, roles, networks=(), owner=None, now=None):
    """Create the account of ``email`` with no usable password and email it a link to set one.

    Admins invite anyone; a coordinator invites officials of their networks' members only."""
    now = now or datetime.now(UTC)
    if not inviter.can("users.invite", owner, roles=set(roles), networks=list(networks)):
        raise InvitationRefused(_l("Anda hanya dapat mengundang pejabat dari anggota jaringan yang Anda koordinasi."))
    if find_user(email) is not None:
        raise InvitationRefused(_l("Sudah ada pengguna dengan email ini."), field="email")
    if tokens.invited_by_since(inviter, now - timedelta(days=1)) >= MAX_INVITATIONS_PER_DAY:
        raise InvitationRefused(
            _l("Paling banyak %(count)s undangan sehari. Coba lagi besok.", count=MAX_INVITATIONS_PER_DAY)
        )
    # A long random password nobody knows: the account is usable only through the link.
    user = create_user(email, name, secrets.token_urlsafe(32), roles, networks, owner)
    raw = tokens.issue(user, "invitation", created_by=inviter, now=now)
    _send(user, "invitation", link=absolute_url("selfservice.accept_invitation", token=raw), inviter=inviter)
    return user


def _send(user, kind, **context):
    """The email of ``kind`` in the recipient's language, as text and HTML."""
    language = getattr(user, "language", None) or "id"
    with force_locale(language):
        subjects = {
            "reset": _("Atur ulang kata sandi Suar Anda"),
            "invitation": _("Anda diundang ke Suar"),
        }
        text = render_template(f"mail/{kind}.txt", user=user, **context)
        html = render_template(f"mail/{kind}.html", user=user, **context)
        outbox.queue(user.email, subjects[kind], text, html, kind=kind, user=user)
