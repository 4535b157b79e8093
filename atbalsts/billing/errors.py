"""The billing domain's errors, each with a stable code and a Latvian message."""

from django.utils.translation import gettext_lazy as _

from atbalsts.core.errors import DomainError


class MonthAlreadyInvoiced(DomainError):
    code = "month_already_invoiced"
    default_message = _(
        "Šis sniedzējs par šo mēnesi šai pašvaldībai jau ir iesniedzis rēķinu. Jaunu var "
        "iesniegt tikai tad, ja iepriekšējais ir noraidīts."
    )


class NothingToInvoice(DomainError):
    code = "nothing_to_invoice"
    default_message = _(
        "Šajā mēnesī nav reģistrētu nodarbību, ko varētu iekļaut rēķinā (vai tās jau ir "
        "iekļautas citā rēķinā)."
    )


class InvoiceWrongStatus(DomainError):
    code = "invoice_wrong_status"
    default_message = _("Šajā rēķina statusā šo darbību veikt nevar.")


class InvoiceHasDifferences(DomainError):
    code = "invoice_has_differences"
    default_message = _("Rēķinā ir neatbilstības.")


class SamePerson(DomainError):
    code = "same_person"
    default_message = _(
        "Apmaksu nevar apstiprināt tā pati persona, kas apstiprināja rēķina saturu. "
        "Apmaksu apstiprina cits darbinieks (grāmatvedis)."
    )


class BudgetOverspent(DomainError):
    code = "budget_overspent"
    default_message = _("Apmaksa pārsniegtu klienta individuālo budžetu.")


class MonthNotEnded(DomainError):
    code = "month_not_ended"
    default_message = _(
        "Mēnesis vēl nav beidzies: rēķinu par to var iesniegt, kad mēnesis beidzies (vai, ja "
        "visas sniedzēja garantijas vēstules šajā mēnesī jau beigušās, pēc to beigām)."
    )


class CreditNoteSamePerson(DomainError):
    code = "credit_note_same_person"
    default_message = _(
        "Kredītrēķinu nevar apstiprināt vai noraidīt tā pati persona, kas to sagatavoja. "
        "To izlemj cits darbinieks (grāmatvedis vai sociālā dienesta vadītājs)."
    )


class CreditNoteWrongStatus(DomainError):
    code = "credit_note_wrong_status"
    default_message = _("Izlemt var tikai kredītrēķinu, kas gaida apstiprinājumu.")
