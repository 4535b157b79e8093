"""The plans' domain errors, each with a stable code and a Latvian message."""

from django.utils.translation import gettext_lazy as _

from atbalsts.core.errors import DomainError


class PlanNotDraft(DomainError):
    code = "plan_not_draft"
    default_message = _(
        "Labot var tikai plāna melnrakstu. Saskaņotu vai spēkā esošu versiju mainīt nevar — "
        "izveidojiet jaunu versiju."
    )


class PlanNotAgreed(DomainError):
    code = "plan_not_agreed"
    default_message = _(
        "Plānu nevar ieviest, kamēr persona vai tās pārstāvis to nav saskaņojusi un parakstījusi."
    )


class PlanWrongStatus(DomainError):
    code = "plan_wrong_status"
    default_message = _("Šajā plāna statusā šo darbību veikt nevar.")


class PlanExists(DomainError):
    code = "plan_exists"
    default_message = _("Klientam jau ir atbalsta plāns; veidojiet tā jaunu versiju.")


class DraftExists(DomainError):
    code = "draft_exists"
    default_message = _("Šim plānam jau ir melnraksts; turpiniet to vai pabeidziet.")


class BudgetExceeded(DomainError):
    code = "budget_exceeded"
    default_message = _("Individuālā budžeta daļa pārsniedz indikatīvo budžetu.")


class NoBudgetPeriod(DomainError):
    code = "no_budget_period"
    default_message = _("Individuālā budžeta pakalpojumam šajos mēnešos nav budžeta perioda.")


class NotBudgetFundable(DomainError):
    code = "not_budget_fundable"
    default_message = _("Šo pakalpojumu nevar apmaksāt no individuālā budžeta.")


class NoPriceForBudget(DomainError):
    code = "no_price_for_budget"
    default_message = _(
        "Pakalpojumam nav noteiktas cenas, tāpēc no individuālā budžeta to apmaksāt nevar "
        "(ja vien tam nav DI vienības izmaksu)."
    )
