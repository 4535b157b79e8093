"""The refusals of the assessment services, each with a stable code for pages and the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from atbalsts.core.errors import DomainError


class AssessmentCompleted(DomainError):
    code = "assessment_completed"
    default_message = _(
        "Pabeigtu izvērtējumu labot nevar. Ja vajadzības ir mainījušās, veiciet atkārtotu "
        "izvērtēšanu."
    )


class PeriodOverlap(DomainError):
    code = "period_overlap"


class RuleOverlap(DomainError):
    code = "rule_overlap"


class RuleInUse(DomainError):
    code = "rule_in_use"
    default_message = _(
        "Ar šo noteikumu jau aprēķināti budžeti, tāpēc to mainīt nevar. Izveidojiet jaunu "
        "noteikumu, kas stājas spēkā no vēlamā datuma; šis beigsies dienu iepriekš."
    )


class OverridePending(DomainError):
    code = "override_pending"
    default_message = _("Šim budžetam jau ir iesniegta summas maiņa, kas gaida lēmumu.")


class SelfApproval(DomainError):
    code = "override_self_approval"
    default_message = _("Par summas maiņu lemj cits darbinieks, nevis tas, kurš to ierosināja.")
