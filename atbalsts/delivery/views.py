"""Pages of delivery. Thin: forms check shape, services decide, selectors read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atbalsts.core.audit import AuditEventType
from atbalsts.core.errors import DomainError
from atbalsts.core.forms import apply_domain_error
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.read_audit import read_record
from atbalsts.core.views import form_page, require
from atbalsts.people import selectors as people_selectors
from atbalsts.people.models import Client
from atbalsts.plans.models import GuaranteeLetter
from atbalsts.plans.policies import plan_policy

from . import selectors, services
from .evidence import content_type_of
from .forms import (
    EmergencyEndForm,
    EmergencyForm,
    NoShowRuleForm,
    ReasonForm,
    SessionForm,
)
from .goals import session_goal_texts
from .grid_groups import group_sessions
from .models import EmergencySituation, Session
from .policies import delivery_policy, municipal_rule_policy
from .session_fields import session_field_needs


def _is_provider(request: AuthedHttpRequest) -> bool:
    return delivery_policy.is_provider_staff(request.user)


# --- the provider's clients and a client's delivery page ------------------------------------


@login_required
def my_clients(request: AuthedHttpRequest) -> HttpResponse:
    if not delivery_policy.serves_clients(request.user):
        raise PermissionDenied
    return render(
        request,
        "delivery/my_clients.html",
        {"entries": selectors.my_clients(user=request.user)},
    )


def _client_for(request: AuthedHttpRequest, pk: int) -> tuple[Client, list[GuaranteeLetter]]:
    """The client and the letters the user works under: provider staff only for their own
    clients (404 otherwise), the municipality's staff through the people register."""
    if _is_provider(request):
        entry = selectors.provider_client_get(user=request.user, pk=pk)
        return entry.client, entry.letters
    client = people_selectors.client_get(user=request.user, pk=pk)
    require(delivery_policy.can(request.user, Action.VIEW, client))
    letters = plan_policy.visible_letters(
        request.user,
        GuaranteeLetter.objects.filter(version__plan__client=client, status="issued"),
    ).select_related("provider")
    return client, list(letters)


@login_required
def client_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    client, letters = _client_for(request, pk)
    today = timezone.localdate()
    context = {
        "client": client,
        "letters": [
            {
                "letter": letter,
                "lines": list(enumerate(letter.lines, start=1)),
                "can_record": selectors.letter_open_for(request.user, letter, today),
            }
            for letter in letters
        ],
        "sessions": selectors.session_list(user=request.user, client=client)[:100],
        "card": selectors.client_card(user=request.user, client=client),
        "is_provider": _is_provider(request),
    }
    _record_conclusions(request, client, context["card"])
    return render(request, "delivery/client_detail.html", context)


def _record_conclusions(request: AuthedHttpRequest, client: Client, card: Any) -> None:
    """The card's entries whose notes are shown are an audit event (their session ids; a
    provider reads others' notes here); others' conclusions are logged as read, too."""
    with_notes = [e.session.pk for e in card if e.notes_visible or e.conclusion_visible]
    if with_notes:
        read_record(
            actor=request.user,
            event=AuditEventType.CARD_READ,
            subject_type="delivery.session",
            ids=with_notes,
            client=client,
        )
    shown = [
        e.session.pk
        for e in card
        if e.conclusion_visible and not delivery_policy.provider_wrote(request.user, e.session)
    ]
    services.conclusion_view_record(actor=request.user, client=client, session_ids=shown)


# --- sessions --------------------------------------------------------------------------------


def _letter_for_recording(request: AuthedHttpRequest, pk: int) -> GuaranteeLetter:
    letter = selectors.letter_for_sessions(user=request.user, pk=pk)
    require(selectors.letter_open_for(request.user, letter, timezone.localdate()))
    return letter


def _chosen_line(request: AuthedHttpRequest, letter: GuaranteeLetter) -> str | None:
    """The letter line the form is for: sent, asked for (`?line_key=`), or the only one."""
    source = request.POST if request.method == "POST" else request.GET
    chosen = source.get("line_key")
    if not chosen and len(letter.lines) == 1:
        chosen = letter.lines[0]["key"]
    return str(chosen) if chosen else None


@login_required
def session_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    letter = _letter_for_recording(request, pk)
    social = delivery_policy.is_social_service(request.user)
    today = timezone.localdate()
    line_key = _chosen_line(request, letter)
    form = SessionForm(
        request.POST or None,
        request.FILES or None,
        letter=letter,
        social_service=social,
        needs=session_field_needs(user=request.user, letter=letter, line_key=line_key, today=today),
        refresh_url=reverse("delivery:session_create", args=[letter.pk]),
        initial={"date": today, "line_key": line_key},
    )
    return form_page(
        request,
        form,
        template="delivery/session_form.html",
        context={"letter": letter, "client": selectors.letter_client(letter)},
        data=lambda f: f.service_data(),
        save=lambda data: services.session_record(actor=request.user, letter=letter, data=data),
        success_message=_("Nodarbība reģistrēta."),
        success_url=lambda s: s.get_absolute_url(),
    )


@login_required
def session_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    consent = selectors.has_conclusion_consent(session.client)
    access = selectors.card_access(request.user, session, consent=consent)
    can_decide = delivery_policy.can(request.user, Action.DECIDE, session)
    if (
        access.conclusion
        and session.conclusion
        and not delivery_policy.provider_wrote(request.user, session)
    ):
        services.conclusion_view_record(
            actor=request.user, client=session.client, session_ids=[session.pk]
        )
    context = {
        "session": session,
        "access": access,
        "can_change": delivery_policy.can(request.user, Action.CHANGE, session)
        and selectors.letter_open_for(request.user, session.letter, timezone.localdate()),
        "can_decide": can_decide,
        "reason_form": ReasonForm(),
        "plan_goals": session_goal_texts(session),
        "group": group_sessions(user=request.user, session=session),
    }
    return render(request, "delivery/session_detail.html", context)


@login_required
def session_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    require(delivery_policy.can(request.user, Action.CHANGE, session))
    letter = _letter_for_recording(request, session.letter_id)
    social = delivery_policy.is_social_service(request.user)
    initial = {
        name: getattr(session, name)
        for name in (
            "date",
            "start_time",
            "duration_minutes",
            "status",
            "mode",
            "signed_by",
            "signer_note",
            "evidence_protocol",
            "no_evidence_reason",
            "duration_difference_reason",
            "goals_worked_on",
            "techniques",
            "conclusion",
            "ticket_amount",
        )
    }
    initial["line_key"] = str(session.line_key)
    initial["recipient"] = str(session.recipient_id or "")
    initial["goal_keys"] = [str(key) for key in session.goal_keys]
    if session.service_type.unit == "km" and session.ticket_amount is None:
        initial["km"] = session.units
    form = SessionForm(
        request.POST or None,
        request.FILES or None,
        letter=letter,
        social_service=social,
        editing=True,
        needs=session_field_needs(
            user=request.user,
            letter=letter,
            line_key=session.line_key,
            today=timezone.localdate(),
            session=session,
        ),
        initial=initial,
    )
    return form_page(
        request,
        form,
        template="delivery/session_form.html",
        context={"letter": letter, "client": session.client, "session": session},
        data=lambda f: f.service_data(),
        save=lambda data: services.session_update(actor=request.user, session=session, data=data),
        success_message=_("Nodarbība saglabāta."),
        success_url=lambda s: s.get_absolute_url(),
    )


def _decision(
    request: AuthedHttpRequest, pk: int, decide: Callable[..., Session], done: str
) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    require(delivery_policy.can(request.user, Action.DECIDE, session))
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            decide(actor=request.user, session=session, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, done)
            return redirect(session.get_absolute_url())
    context = {
        "session": session,
        "access": selectors.card_access(
            request.user, session, consent=selectors.has_conclusion_consent(session.client)
        ),
        "can_decide": True,
        "reason_form": form,
    }
    return render(request, "delivery/session_detail.html", context, status=400)


@login_required
@require_POST
def session_accept_duration(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _decision(
        request, pk, services.session_accept_duration, _("Ilguma atšķirība akceptēta.")
    )


@login_required
@require_POST
def session_accept_no_evidence(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _decision(
        request,
        pk,
        services.session_accept_no_evidence,
        _("Nodarbība apstiprināta bez pierādījumiem."),
    )


@login_required
def session_evidence(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    session = selectors.session_get(user=request.user, pk=pk)
    require(delivery_policy.can(request.user, Action.VIEW_NOTES, session))
    if not session.evidence_file:
        raise Http404
    services.evidence_download_record(actor=request.user, session=session)
    stored = session.evidence_file.name
    ext = stored.rsplit(".", 1)[-1] if "." in stored else "bin"
    response = FileResponse(
        session.evidence_file.open("rb"),
        as_attachment=True,
        filename=f"pieradijums-{session.pk}.{ext}",
        content_type=content_type_of(stored),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def awaiting(request: AuthedHttpRequest) -> HttpResponse:
    require(delivery_policy.is_social_service(request.user))
    sessions = selectors.sessions_awaiting_decision(user=request.user)[:200]
    return render(request, "delivery/awaiting.html", {"sessions": sessions})


# --- calendar and the week ahead -------------------------------------------------------------


@login_required
def calendar(request: AuthedHttpRequest) -> HttpResponse:
    require(delivery_policy.may_see_calendar(request.user))
    client = None
    if request.GET.get("client"):
        client, _letters = _client_for(request, _int_or_404(request.GET["client"]))
    provider_id = None
    if request.GET.get("provider") and not _is_provider(request):
        provider_id = _int_or_404(request.GET["provider"])
    month = selectors.parse_month(request.GET.get("month"), timezone.localdate())
    data = selectors.calendar_month(
        user=request.user, month=month, client=client, provider_id=provider_id
    )
    context = {"calendar": data, "client": client, "provider_id": provider_id}
    template = "delivery/_calendar.html" if request.htmx else "delivery/calendar.html"
    return render(request, template, context)


def _int_or_404(value: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise Http404 from exc


@login_required
def week(request: AuthedHttpRequest) -> HttpResponse:
    require(delivery_policy.is_social_service(request.user))
    return render(request, "delivery/week.html", {"entries": selectors.week_due(user=request.user)})


# --- municipal rules: emergencies and the no-show rule ---------------------------------------


def _municipality(request: AuthedHttpRequest) -> Any:
    municipality = request.user.municipality
    if municipality is None:
        raise PermissionDenied
    return municipality


@login_required
def emergency_list(request: AuthedHttpRequest) -> HttpResponse:
    require(municipal_rule_policy.can(request.user, Action.VIEW))
    municipality = request.user.municipality
    context = {
        "emergencies": selectors.emergency_list(user=request.user),
        "can_declare": municipality is not None
        and municipal_rule_policy.can(request.user, Action.CREATE, municipality),
        "end_form": EmergencyEndForm(initial={"end": timezone.localdate()}),
    }
    return render(request, "delivery/emergency_list.html", context)


@login_required
def emergency_declare(request: AuthedHttpRequest) -> HttpResponse:
    municipality = _municipality(request)
    require(municipal_rule_policy.can(request.user, Action.CREATE, municipality))
    return form_page(
        request,
        EmergencyForm(request.POST or None),
        template="delivery/simple_form.html",
        context={"title": _("Izsludināt ārkārtas situāciju"), "back": "delivery:emergency_list"},
        save=lambda data: services.emergency_declare(
            actor=request.user, municipality=municipality, data=data
        ),
        success_message=_("Ārkārtas situācija izsludināta."),
        success_url=lambda _obj: reverse("delivery:emergency_list"),
    )


@login_required
@require_POST
def emergency_end(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    emergency = municipal_rule_policy.get_visible(
        request.user, EmergencySituation.objects.all(), pk=pk
    )
    require(municipal_rule_policy.can(request.user, Action.CHANGE, emergency))
    form = EmergencyEndForm(request.POST)
    if form.is_valid():
        try:
            services.emergency_end(
                actor=request.user, emergency=emergency, end=form.cleaned_data["end"]
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Ārkārtas situācijas beigas reģistrētas."))
            return redirect("delivery:emergency_list")
    context = {
        "emergencies": selectors.emergency_list(user=request.user),
        "can_declare": True,
        "end_form": form,
        "failed": emergency.pk,
    }
    return render(request, "delivery/emergency_list.html", context, status=400)


@login_required
def no_show_rules(request: AuthedHttpRequest) -> HttpResponse:
    require(municipal_rule_policy.can(request.user, Action.VIEW))
    municipality = request.user.municipality
    can_set = municipality is not None and municipal_rule_policy.can(
        request.user, Action.CREATE, municipality
    )
    if request.method == "POST":
        require(can_set)
    return form_page(
        request,
        NoShowRuleForm(request.POST or None),
        template="delivery/no_show_rules.html",
        context={"rules": selectors.no_show_rule_list(user=request.user), "can_set": can_set},
        save=lambda data: services.no_show_rule_create(
            actor=request.user, municipality=_municipality(request), data=data
        ),
        success_message=_("Neierašanās noteikums saglabāts."),
        success_url=lambda _obj: reverse("delivery:no_show_rules"),
    )
