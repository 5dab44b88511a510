"""How the replication's notices read and where they lead (app/notices/kinds.py)."""

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.notices import kinds
from app.replication.labels import STAGE_LABELS


def _thread(item):
    return "conversation.thread", {"replication_id": item.replication_id}


def _names(item):
    r = item.replication
    return {"adopter": r.adopter.name, "title": r.innovation.title}


def _interest(item):
    return _("%(adopter)s ingin mereplikasi %(title)s.", **_names(item))


def _message(item):
    author = item.message.author.name if item.message and item.message.author else _("Seseorang")
    return _("%(author)s menulis tentang replikasi %(title)s oleh %(adopter)s.", author=author, **_names(item))


def _stage(item):
    stage = STAGE_LABELS[item.replication.stage]
    return _("Replikasi %(title)s oleh %(adopter)s kini pada tahap %(stage)s.", stage=stage, **_names(item))


def _stalled(item):
    since = format_date(item.replication.updated_at, "long")
    return _("Replikasi %(title)s oleh %(adopter)s belum bergerak sejak %(date)s.", date=since, **_names(item))


def register():
    kinds.register("interest", describe=_interest, link=_thread, label=_l("Daerah lain ingin mereplikasi inovasi Anda"))
    kinds.register("message", describe=_message, link=_thread, label=_l("Pesan baru dalam percakapan replikasi"))
    kinds.register("stage", describe=_stage, link=_thread, label=_l("Tahap replikasi berubah"))
    kinds.register("stalled", describe=_stalled, link=_thread, label=_l("Replikasi yang macet"))
