"""The delivery domain errors, each with a stable code and a Latvian message."""

from django.utils.translation import gettext_lazy as _

from atbalsts.core.errors import DomainError, ValidationFailed


class NoLetter(DomainError):
    code = "no_letter"
    default_message = _(
        "Šim klientam, sniedzējam un pakalpojumam nav spēkā esošas garantijas vēstules."
    )


class OutsideLetterPeriod(DomainError):
    code = "outside_letter_period"
    default_message = _("Datums ir ārpus garantijas vēstules perioda.")


class DuplicateSession(DomainError):
    code = "duplicate_session"
    default_message = _(
        "Šāda nodarbība jau ir reģistrēta (tas pats klients, saņēmējs, pakalpojums, datums un "
        "sākuma laiks)."
    )


class RemoteNotAllowed(DomainError):
    code = "remote_not_allowed"
    default_message = _(
        "Šo pakalpojumu attālināti sniegt nevar, un šajā datumā pašvaldībā nav izsludināta "
        "ārkārtas situācija."
    )


class ImportFailed(ValidationFailed):
    """An import with invalid rows: `rows` lists every problem; nothing was written."""

    code = "import_failed"

    def __init__(self, rows: list[dict[str, object]]) -> None:
        self.rows = rows
        errors: dict[str, list[str]] = {}
        for row in rows:
            errors.setdefault("file", []).append(
                _("%(sheet)s, %(row)s. rinda, lauks „%(field)s”: %(message)s")
                % {
                    "sheet": row["sheet"],
                    "row": row["row"],
                    "field": row["field"],
                    "message": row["message"],
                }
            )
        super().__init__(errors)


class SessionInvoiced(DomainError):
    code = "session_invoiced"
    default_message = _(
        "Nodarbība jau ir iekļauta rēķinā, tāpēc to mainīt nevar. Ja tajā ir kļūda, rēķins "
        "jānoraida; tad nodarbību var labot."
    )
