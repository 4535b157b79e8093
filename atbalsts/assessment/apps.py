"""Assessment: needs assessments, allocation rules, budget periods and indicative budgets."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "atbalsts.assessment"
    label = "assessment"
    verbose_name = _("Vajadzību izvērtēšana un budžets")
