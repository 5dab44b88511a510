"""How the needs' notices read and where they lead (app/notices/kinds.py)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.notices import kinds


def _suggested(item):
    return _("Studi kasus %(title)s diusulkan untuk kebutuhan Anda: %(need)s.", title=item.innovation.title,
             need=item.need.title)  # fmt: skip


def _need(item):
    return "needs.show", {"need_id": item.need_id}


def register():
    kinds.register(
        "need_suggestion", describe=_suggested, link=_need, label=_l("Studi kasus diusulkan untuk kebutuhan Anda")
    )
