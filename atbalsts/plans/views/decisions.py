"""Pages of a version's decisions and state changes: the head's overrun approval, agreement,
activation, a new version, extension, closing and the review."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from atbalsts.assessment.dates import add_months
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.views import require

from .. import selectors, services
from ..forms import AgreeForm, CloseForm, ExtendForm, OverrunForm, ReviewForm
from ..policies import plan_policy
from .pages import confirm_action, draft_context, plan_form_page, visible_version


@login_required
def overrun_approve(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = visible_version(request, pk)
    require(plan_policy.can(request.user, Action.DECIDE, version))
    form = OverrunForm(
        request.POST or None,
        initial={
            "revision": version.revision,
            "allowance": str(version.overrun_allowance).replace(".", ","),
            "reason": version.overrun_reason,
        },
    )
    context = draft_context(version, _("Apstiprināt budžeta pārsniegumu"))
    context["intro"] = _(
        "Ar šo atļaujat individuālā budžeta daļai katrā budžeta periodā pārsniegt indikatīvo "
        "budžetu ne vairāk kā par norādīto summu. Lēmums tiek ierakstīts audita žurnālā."
    )
    return plan_form_page(
        request,
        form,
        context,
        lambda data: services.overrun_approve(actor=request.user, version=version, **data),
        _("Budžeta pārsniegums apstiprināts."),
        lambda v: v.get_absolute_url(),
    )


@login_required
def version_agree(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = visible_version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    form = AgreeForm(request.POST or None, initial={"revision": version.revision}, version=version)
    context = draft_context(version, _("Saskaņot un parakstīt plānu"))
    context["intro"] = _(
        "Reģistrējiet, ka persona (vai tās pārstāvis) plānu izlasīja, tam piekrita un to "
        "parakstīja. Pēc tam plānu vairs nevar labot, un sniedzējiem tiek izsniegtas "
        "garantijas vēstules."
    )
    context["confirm"] = True
    return plan_form_page(
        request,
        form,
        context,
        lambda data: services.version_agree(actor=request.user, version=version, **data),
        _("Plāns saskaņots; garantijas vēstules izsniegtas."),
        lambda v: v.get_absolute_url(),
    )


@login_required
def version_activate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = visible_version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    return confirm_action(
        request,
        version,
        lambda: services.version_activate(actor=request.user, version=version),
        _("Ieviest plānu"),
        _("Vai ieviest šo plāna versiju? Iepriekšējā spēkā esošā versija tiks aizstāta."),
        _("Ieviest"),
        _("Plāns stājies spēkā."),
    )


@login_required
def version_new(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = visible_version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    return confirm_action(
        request,
        version,
        lambda: services.version_new(actor=request.user, version=version),
        _("Jauna plāna versija"),
        _("Izveidot jaunu melnrakstu, nokopējot šīs versijas mērķus un pakalpojumus?"),
        _("Izveidot"),
        _("Jaunā versija izveidota kā melnraksts."),
    )


@login_required
def version_extend(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = visible_version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    from_date = selectors.respread_default(version) or version.start
    form = ExtendForm(
        request.POST or None,
        initial={"end": add_months(version.end, 3), "from_date": from_date},
    )
    context = draft_context(version, _("Pagarināt plāna periodu"))
    context["intro"] = _(
        "Plāna kopējais individuālais budžets paliek tāds pats. Budžets, kas vēl nav "
        "izmantots, tiek vienmērīgi sadalīts pa atlikušajiem mēnešiem (centu atlikums — "
        "pēdējā mēnesī). Tiek izveidota jauna plāna versija, kurā pakalpojumus var pielāgot."
    )
    return plan_form_page(
        request,
        form,
        context,
        lambda data: services.version_extend(actor=request.user, version=version, **data),
        _("Izveidots pagarinātā plāna melnraksts."),
        lambda v: v.get_absolute_url(),
    )


@login_required
def version_close(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = visible_version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    form = CloseForm(request.POST or None)
    context = draft_context(version, _("Slēgt plānu"))
    context["intro"] = _("Slēgtu plānu vairs nevar ieviest no jauna. Vai tiešām slēgt?")
    context["confirm"] = True
    return plan_form_page(
        request,
        form,
        context,
        lambda data: services.version_close(actor=request.user, version=version, **data),
        _("Plāns slēgts."),
        lambda v: v.get_absolute_url(),
    )


@login_required
def plan_review(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Pārskatīšana: the review of the plan's version in force (or the last one that was)."""
    version = visible_version(request, pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    goals = list(version.goals.all()) if version.status in services.REVIEWABLE else []
    form = ReviewForm(
        request.POST or None, goals=goals, initial={"reviewed_on": timezone.localdate()}
    )
    context = draft_context(version, _("Pārskatīšana"))
    context["intro"] = _(
        "Ierakstiet, kas pārskatīšanā noskaidrots: mērķu rezultāti un pārmaiņas personas dzīvē."
    )

    def save(_data: dict[str, Any]) -> Any:
        return services.plan_review_record(
            actor=request.user, plan=version.plan, **form.review_data()
        )

    return plan_form_page(
        request,
        form,
        context,
        save,
        _("Pārskatīšana saglabāta."),
        lambda _review: version.get_absolute_url(),
    )
