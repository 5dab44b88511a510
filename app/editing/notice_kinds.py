"""How the review workflow's notices read and where they lead (app/notices/kinds.py)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.notices import kinds


def _case_study(item):
    return "catalog.innovation", {"slug": item.innovation.slug}


def register():
    kinds.register(
        "submitted",
        describe=lambda item: _("%(title)s diajukan untuk ditinjau.", title=item.innovation.title),
        link=_case_study,
        label=_l("Studi kasus diajukan untuk ditinjau (editor)"),
    )
    kinds.register(
        "returned",
        describe=lambda item: _("%(title)s dikembalikan untuk diperbaiki.", title=item.innovation.title),
        link=_case_study,
        label=_l("Studi kasus Anda dikembalikan"),
    )
    kinds.register(
        "published",
        describe=lambda item: _("%(title)s telah terbit.", title=item.innovation.title),
        link=_case_study,
        label=_l("Studi kasus Anda terbit"),
    )
