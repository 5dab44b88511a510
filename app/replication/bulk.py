"""A confirmed CSV of replications, done as a bulk run (docs/decisions/0081): the job reads
the file again, checks every row as the user who sent it, and writes all or nothing."""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.accounts.models import User
from app.extensions import db
from app.replication import csvio, services

KIND = "replications"


def check_allowed(parsed, user):
    """Each row must be one the user may log: a coordinator's rows involve the members of
    their networks (the service checks a named network's members for everyone)."""
    for number, row in enumerate(list(parsed.rows), start=2):
        if not user.can("innovation.log_replication", row["innovation"], adopter=row["adopter"]):
            parsed.problems.append(csvio.RowProblem(number, "adopter", _("Di luar jaringan yang Anda koordinasikan.")))


def run(bulk_run):
    """``("done", counts)`` with the rows written (not committed), or ``("refused",
    {"problems": [[row, column, message], ...]})`` with nothing written."""
    user = db.session.get(User, bulk_run.user_id) if bulk_run.user_id else None
    language = bulk_run.params.get("locale")
    with force_locale(language if language in current_app.config["LANGUAGES"] else "id"):
        if user is None or not user.active or not user.can("replications.import"):
            return "refused", {"problems": [[0, "", _("Akun Anda tidak lagi boleh mengimpor replikasi.")]]}
        parsed = csvio.read(bulk_run.payload)
        check_allowed(parsed, user)
        if not parsed.ok:
            if not parsed.problems:
                return "refused", {"problems": [[0, "", _("Berkas tidak berisi baris replikasi.")]]}
            return "refused", {"problems": [[p.row, p.column, str(p.message)] for p in parsed.problems]}
        bulk_run.rows = len(parsed.rows)
        try:
            counts = csvio.write(parsed, user)
        except services.ReplicationError as error:
            return "refused", {"problems": [[0, "", str(error.message)]]}
    return "done", counts
