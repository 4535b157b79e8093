"""Pages of the people register. Thin: forms check shape, services decide, selectors read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from atbalsts.core.errors import DomainError
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.read_audit import list_read_record
from atbalsts.core.views import delete_page, form_page, require

from . import selectors, services
from .forms import (
    CaseAssignmentForm,
    CircleFormSet,
    CircleMemberForm,
    ClientFilterForm,
    ClientForm,
    ConsentForm,
    ConsentFormSet,
    ConsentRevokeForm,
    ReferralDecisionForm,
    ReferralForm,
    RepresentativeForm,
    filled_rows,
)
from .models import Client, Consent, Representative, SupportCircleMember
from .policies import client_policy, referral_policy
from .pseudonyms import client_pseudonym

PAGE_SIZE = 25


def _actor_municipality(request: AuthedHttpRequest, data: dict[str, Any]) -> Any:
    return data.pop("municipality", None) or request.user.municipality


def _client_for_change(request: AuthedHttpRequest, pk: int) -> Client:
    client = selectors.client_get(user=request.user, pk=pk)
    require(client_policy.can(request.user, Action.CHANGE, client))
    return client


# --- clients ---------------------------------------------------------------------------------


@login_required
def client_list(request: AuthedHttpRequest) -> HttpResponse:
    require(client_policy.can(request.user, Action.VIEW))
    form = ClientFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    municipality = data.get("municipality")
    filters = selectors.ClientFilters(
        search=data.get("q") or "",
        municipality_id=municipality.pk if municipality else None,
        status=data.get("status") or "",
        target_group=data.get("target_group") or "",
        sort=data.get("sort") or "name",
        worker=data.get("worker") or "",
    )
    if client_policy.pseudonymous_only(request.user):
        return _pseudonym_list(request, form, filters)
    page = Paginator(selectors.client_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    show_identity = client_policy.can(request.user, Action.VIEW_IDENTITY)
    rows = [
        {"client": c, "pseudonym": None if show_identity else client_pseudonym(c.pk)}
        for c in page.object_list
    ]
    if show_identity or filters.search.strip():
        list_read_record(
            actor=request.user,
            subject_type="people.client",
            ids=[c.pk for c in page.object_list],
            search=filters.search,
        )
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "sort": filters.sort,
        "show_identity": show_identity,
        "show_municipality": request.user.municipality_id is None,
        "can_create": client_policy.can(request.user, Action.CREATE),
    }
    template = "people/_client_table.html" if request.htmx else "people/client_list.html"
    return render(request, template, context)


def _pseudonym_list(
    request: AuthedHttpRequest, form: ClientFilterForm, filters: selectors.ClientFilters
) -> HttpResponse:
    """The analyst's list: pseudonyms of consenting clients, by pseudonym, no links."""
    rows = selectors.client_pseudonym_rows(user=request.user, filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": page.object_list,
        "pseudonymous": True,
        "show_municipality": True,
    }
    template = "people/_pseudonym_table.html" if request.htmx else "people/client_list.html"
    return render(request, template, context)


@login_required
def client_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    client = selectors.client_get(user=request.user, pk=pk)
    user = request.user
    show_identity = client_policy.can(user, Action.VIEW_IDENTITY, client)
    if show_identity:
        services.client_view_record(actor=user, client=client)
    context = {
        "client": client,
        "pseudonym": client_pseudonym(client.pk),
        "show_identity": show_identity,
        "show_notes": client_policy.can(user, Action.VIEW_NOTES, client),
        "can_change": client_policy.can(user, Action.CHANGE, client),
        "can_delete": client_policy.can(user, Action.DELETE, client),
        "can_assign": client_policy.can(user, Action.ASSIGN, client),
        "can_audit": client_policy.can(user, Action.VIEW_AUDIT, client),
        "assignment": selectors.client_current_assignment(client=client),
        "assignments": client.assignments.select_related("social_worker"),
        "representatives": client.representatives.all() if show_identity else [],
        "circle": client.circle_members.all() if show_identity else [],
        "consents": selectors.consent_current(client=client),
        "reminder_choice": services.reminder_choice_active(client) if show_identity else None,
        "today": timezone.localdate(),
    }
    return render(request, "people/client_detail.html", context)


@login_required
def client_create(request: AuthedHttpRequest) -> HttpResponse:
    require(client_policy.can(request.user, Action.CREATE))
    form = ClientForm(request.POST or None, user=request.user)

    def save(data: dict[str, Any]) -> Client:
        municipality = _actor_municipality(request, data)
        return services.client_create(actor=request.user, municipality=municipality, data=data)

    return form_page(
        request,
        form,
        template="people/client_form.html",
        context={"title": _("Jauns klients")},
        save=save,
        success_message=_("Klients reģistrēts."),
        success_url=lambda obj: obj.get_absolute_url(),
    )


@login_required
def client_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    client = _client_for_change(request, pk)
    form = ClientForm(
        request.POST or None, instance=Client.objects.get(pk=client.pk), user=request.user
    )

    def save(data: dict[str, Any]) -> Client:
        data.pop("municipality", None)
        return services.client_update(actor=request.user, client=client, data=data)

    return form_page(
        request,
        form,
        template="people/client_form.html",
        context={"title": _("Labot klienta datus"), "client": client},
        save=save,
        success_message=_("Izmaiņas saglabātas."),
        success_url=lambda obj: client.get_absolute_url(),
    )


@login_required
def client_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    client = selectors.client_get(user=request.user, pk=pk)
    require(client_policy.can(request.user, Action.DELETE, client))
    return delete_page(
        request,
        delete=lambda: services.client_delete(actor=request.user, client=client),
        title=_("Dzēst klientu"),
        question=_("Vai tiešām dzēst klientu %(name)s? To nevar atsaukt.")
        % {"name": client.full_name},
        cancel_url=client.get_absolute_url(),
        deleted_message=_("Klients dzēsts."),
        success_url="people:client_list",
    )


@login_required
def client_audit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    client = selectors.client_get(user=request.user, pk=pk)
    require(client_policy.can(request.user, Action.VIEW_AUDIT, client))
    page = Paginator(selectors.client_audit_events(client=client), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "people/client_audit.html", {"client": client, "page": page})


# --- representatives, circle, consent, assignment ---------------------------------------------


def _child_page(
    request: AuthedHttpRequest,
    client: Client,
    form: Any,
    *,
    title: str,
    save: Callable[[dict[str, Any]], Any],
    success_message: str,
) -> HttpResponse:
    """A form about something of the client's (a representative, consent, the case); back to
    the client's card when saved."""
    return form_page(
        request,
        form,
        template="people/child_form.html",
        context={"client": client, "title": title},
        save=save,
        success_message=success_message,
        success_url=lambda obj: client.get_absolute_url(),
    )


def _child_delete(
    request: AuthedHttpRequest,
    client: Client,
    *,
    delete: Callable[[], object],
    deleted_message: str,
    title: str,
    question: str,
) -> HttpResponse:
    """Confirm, then delete something of the client's; back to the client's card, where a
    refusal is shown too."""
    return delete_page(
        request,
        delete=delete,
        title=title,
        question=question,
        cancel_url=client.get_absolute_url(),
        deleted_message=deleted_message,
        success_url=client.get_absolute_url(),
    )


@login_required
def representative_form(
    request: AuthedHttpRequest, pk: int, rep_pk: int | None = None
) -> HttpResponse:
    client = _client_for_change(request, pk)
    rep = get_object_or_404(Representative, pk=rep_pk, client=client) if rep_pk else None

    def save(data: dict[str, Any]) -> Representative:
        if rep is None:
            return services.representative_create(actor=request.user, client=client, data=data)
        return services.representative_update(actor=request.user, representative=rep, data=data)

    return _child_page(
        request,
        client,
        RepresentativeForm(request.POST or None, instance=rep),
        title=_("Pārstāvis"),
        save=save,
        success_message=_("Pārstāvis saglabāts."),
    )


@login_required
def representative_delete(request: AuthedHttpRequest, pk: int, rep_pk: int) -> HttpResponse:
    client = _client_for_change(request, pk)
    rep = get_object_or_404(Representative, pk=rep_pk, client=client)
    return _child_delete(
        request,
        client,
        delete=lambda: services.representative_delete(actor=request.user, representative=rep),
        deleted_message=_("Pārstāvis dzēsts."),
        title=_("Dzēst pārstāvi"),
        question=_("Vai tiešām dzēst pārstāvi %(name)s?") % {"name": rep},
    )


@login_required
def circle_member_form(
    request: AuthedHttpRequest, pk: int, member_pk: int | None = None
) -> HttpResponse:
    client = _client_for_change(request, pk)
    member = (
        get_object_or_404(SupportCircleMember, pk=member_pk, client=client) if member_pk else None
    )

    def save(data: dict[str, Any]) -> SupportCircleMember:
        if member is None:
            return services.circle_member_create(actor=request.user, client=client, data=data)
        return services.circle_member_update(actor=request.user, member=member, data=data)

    return _child_page(
        request,
        client,
        CircleMemberForm(request.POST or None, instance=member),
        title=_("Dabiskā atbalsta loka dalībnieks"),
        save=save,
        success_message=_("Atbalsta loka dalībnieks saglabāts."),
    )


@login_required
def circle_member_delete(request: AuthedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    client = _client_for_change(request, pk)
    member = get_object_or_404(SupportCircleMember, pk=member_pk, client=client)
    return _child_delete(
        request,
        client,
        delete=lambda: services.circle_member_delete(actor=request.user, member=member),
        deleted_message=_("Atbalsta loka dalībnieks dzēsts."),
        title=_("Dzēst atbalsta loka dalībnieku"),
        question=_("Vai tiešām dzēst %(name)s no atbalsta loka?") % {"name": member},
    )


@login_required
def consent_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    client = _client_for_change(request, pk)
    return _child_page(
        request,
        client,
        ConsentForm(
            request.POST or None, client=client, initial={"given_on": timezone.localdate()}
        ),
        title=_("Piekrišana"),
        save=lambda data: services.consent_give(actor=request.user, client=client, data=data),
        success_message=_("Piekrišana reģistrēta."),
    )


@login_required
def consent_revoke(request: AuthedHttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    client = _client_for_change(request, pk)
    consent = get_object_or_404(Consent, pk=consent_pk, client=client)
    return _child_page(
        request,
        client,
        ConsentRevokeForm(request.POST or None, initial={"revoked_on": timezone.localdate()}),
        title=_("Atsaukt piekrišanu: %(purpose)s") % {"purpose": consent.get_purpose_display()},
        save=lambda data: services.consent_revoke(
            actor=request.user,
            consent=consent,
            revoked_on=data["revoked_on"],
            reason=data["reason"],
        ),
        success_message=_("Piekrišana atsaukta."),
    )


@login_required
def case_assign(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    client = selectors.client_get(user=request.user, pk=pk)
    require(client_policy.can(request.user, Action.ASSIGN, client))
    return _child_page(
        request,
        client,
        CaseAssignmentForm(
            request.POST or None, client=client, initial={"start_date": timezone.localdate()}
        ),
        title=_("Piešķirt lietu"),
        save=lambda data: services.case_assign(actor=request.user, client=client, **data),
        success_message=_("Lieta piešķirta."),
    )


# --- intake ----------------------------------------------------------------------------------


@login_required
def referral_list(request: AuthedHttpRequest) -> HttpResponse:
    require(referral_policy.can(request.user, Action.VIEW))
    decision = request.GET.get("decision", "")
    search = request.GET.get("q", "")[:100]
    page = Paginator(
        selectors.referral_list(user=request.user, decision=decision, search=search), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "people/referral_list.html",
        {
            "page": page,
            "decision": decision,
            "q": search,
            "can_decide": referral_policy.can(request.user, Action.DECIDE),
        },
    )


@login_required
def referral_form(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    referral = selectors.referral_get(user=request.user, pk=pk) if pk else None
    require(
        referral_policy.can(request.user, Action.CHANGE if referral else Action.CREATE, referral)
    )
    form = ReferralForm(
        request.POST or None, instance=referral, initial={"referred_on": timezone.localdate()}
    )

    def save(data: dict[str, Any]) -> Any:
        if referral is None:
            municipality = request.user.municipality
            if municipality is None:
                raise DomainError(_("Nosūtījumus reģistrē pašvaldības darbinieki."))
            return services.referral_create(
                actor=request.user, municipality=municipality, data=data
            )
        return services.referral_update(actor=request.user, referral=referral, data=data)

    return form_page(
        request,
        form,
        template="people/referral_form.html",
        context={"title": _("Kandidāts"), "referral": referral},
        save=save,
        success_message=_("Nosūtījums saglabāts."),
        success_url=lambda obj: reverse("people:referral_list"),
    )


@login_required
def referral_decide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_get(user=request.user, pk=pk)
    require(referral_policy.can(request.user, Action.DECIDE, referral))
    form = ReferralDecisionForm(request.POST or None, initial={"decided_on": timezone.localdate()})

    def save(data: dict[str, Any]) -> Any:
        client_data = {"date_of_birth": data["date_of_birth"]} if data.get("date_of_birth") else {}
        decided = services.referral_decide(
            actor=request.user,
            referral=referral,
            decision=data["decision"],
            reason=data["decision_reason"],
            decided_on=data["decided_on"],
            client_data=client_data,
        )
        return decided.client or decided

    return form_page(
        request,
        form,
        template="people/referral_form.html",
        context={
            "title": _("Lēmums par kandidātu %(name)s") % {"name": referral},
            "referral": referral,
        },
        save=save,
        success_message=_("Lēmums saglabāts."),
        success_url=lambda obj: (
            obj.get_absolute_url() if isinstance(obj, Client) else reverse("people:referral_list")
        ),
    )


@login_required
def relations_form(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The representative, support circle members and consents on one page, saved all or
    nothing; a refused row is named in its message and shown on its own fields."""
    client = _client_for_change(request, pk)
    post = request.POST or None
    rep_form = RepresentativeForm(
        post, prefix="rep", empty_permitted=True, use_required_attribute=False
    )
    circle = CircleFormSet(post, prefix="circle")
    consents = ConsentFormSet(post, prefix="consent", form_kwargs={"client": client})
    context = {
        "client": client,
        "rep_form": rep_form,
        "circle": circle,
        "consents": consents,
        "title": _("Pārstāvis, atbalsta loks un piekrišanas"),
    }
    if request.method != "POST":
        return render(request, "people/relations_form.html", context)
    if rep_form.is_valid() and circle.is_valid() and consents.is_valid():
        circle_rows = filled_rows(circle)
        consent_rows = filled_rows(consents)
        try:
            services.relations_add(
                actor=request.user,
                client=client,
                representative=dict(rep_form.cleaned_data) if rep_form.has_changed() else None,
                circle=[row for _i, row in circle_rows],
                consents=[row for _i, row in consent_rows],
            )
        except DomainError as exc:
            _relation_errors(exc, rep_form, circle, consents, circle_rows, consent_rows)
        else:
            messages.success(request, _("Saglabāts."))
            return redirect(client.get_absolute_url())
    return render(request, "people/relations_form.html", context, status=400)


def _relation_errors(
    exc: DomainError,
    rep_form: Any,
    circle: Any,
    consents: Any,
    circle_rows: list[tuple[int, dict[str, Any]]],
    consent_rows: list[tuple[int, dict[str, Any]]],
) -> None:
    """Each error of `services.relations_add` on the field of the row it names."""
    for key, found in exc.field_errors.items():
        part, _dot, rest = key.partition(".")
        form, field = None, rest
        if part == "representative":
            form = rep_form
        elif part in ("circle", "consent"):
            index, _dot, field = rest.partition(".")
            rows = circle_rows if part == "circle" else consent_rows
            formset = circle if part == "circle" else consents
            if index.isdigit() and int(index) < len(rows):
                form = formset.forms[rows[int(index)][0]]
        target = form if form is not None else rep_form
        for message in found:
            target.add_error(field if form is not None and field in form.fields else None, message)
