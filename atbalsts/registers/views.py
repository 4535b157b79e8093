"""The registers pages: extracts and their reports, premises' addresses, and the htmx part of
the plan-line form that lists providers near the person's home and proposes the transport."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atbalsts.addresses.policies import address_policy
from atbalsts.catalog.models import LocationKind, Provider, ProviderLocation, ServiceType
from atbalsts.catalog.policies import provider_policy
from atbalsts.core.collation import latvian_key
from atbalsts.core.dates import parse_day
from atbalsts.core.errors import DomainError
from atbalsts.core.forms import apply_domain_error
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.validation import id_or_none
from atbalsts.core.views import require
from atbalsts.plans import services as plan_services
from atbalsts.plans.forms import LineForm
from atbalsts.plans.models import PlanVersion
from atbalsts.plans.policies import plan_policy
from atbalsts.plans.selectors import version_get

from . import selectors
from .forms import PlaceForm, TransportForm, UploadForm
from .models import LocationPlace
from .policies import register_policy
from .progress import extract_start
from .services import location_place_set

KIND_LABELS = {
    "lapsed": gettext_lazy("izslēgts vai beidzies"),
    "gone": gettext_lazy("vairs nav izrakstā"),
    "reinstated": gettext_lazy("atkal reģistrēts"),
    "end_changed": gettext_lazy("mainīts beigu datums"),
    "new": gettext_lazy("jauns"),
    "renamed": gettext_lazy("mainīts nosaukums"),
}
OUTCOME_LABELS = {
    "lapsed": gettext_lazy("izslēgts vai beidzies"),
    "not_found": gettext_lazy("izrakstā nav atrasts — pārbaudiet ar roku"),
    "name": gettext_lazy("reģistrā ar citu nosaukumu"),
    "reinstated": gettext_lazy("atkal reģistrēts"),
    "active": gettext_lazy("reģistrā ir"),
}


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    """The imports, the newest first, and (for heads and the administrator) the upload."""
    require(register_policy.can(request.user, Action.VIEW))
    may_import = register_policy.can(request.user, Action.CREATE) or address_policy.can(
        request.user, Action.CREATE
    )
    form = UploadForm(request.POST or None, request.FILES or None) if may_import else None
    if request.method == "POST":
        if form is None:
            require(False)
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = extract_start(
                    actor=request.user,
                    source=form.cleaned_data["source"],
                    name=upload.name,
                    content=upload.read(),
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Izraksts nodots apstrādei fonā."))
                return redirect("jobs:detail", job_id=job.pk)
    context = {
        "title": _("Valsts reģistri"),
        "imports": selectors.import_list(user=request.user)[:50],
        "form": form,
        "places_allowed": register_policy.can(request.user, Action.CREATE),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "registers/index.html", context, status=status)


@login_required
def import_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    record = selectors.import_get(user=request.user, pk=pk)
    report = record.report or {}
    changes = [
        {**c, "label": KIND_LABELS.get(c["kind"], c["kind"])} for c in report.get("changes", [])
    ]
    providers = [
        {**p, "label": OUTCOME_LABELS.get(p["outcome"], p["outcome"])}
        for p in report.get("providers", [])
    ]
    counts = [(KIND_LABELS[k], n) for k, n in report.get("counts", {}).items() if k in KIND_LABELS]
    context = {
        "title": _("Izraksta imports: %(register)s") % {"register": record.get_source_display()},
        "record": record,
        "first": report.get("first", False),
        "counts": counts,
        "changes": changes,
        "providers": providers,
    }
    return render(request, "registers/import_detail.html", context)


@login_required
def places(request: AuthedHttpRequest) -> HttpResponse:
    """The premises of the providers the user keeps, each pointed at a register address."""
    require(register_policy.can(request.user, Action.CREATE))
    kept = provider_policy.changeable(request.user, Provider.objects.filter(active=True))
    locations = list(
        ProviderLocation.objects.filter(provider__in=kept, kind=LocationKind.PREMISES, active=True)
        .select_related("provider", "municipality")
        .order_by("provider__name", "pk")
    )
    chosen = {
        p.location_id: p.address
        for p in LocationPlace.objects.filter(location__in=locations).select_related("address")
    }
    forms = []
    failed: PlaceForm | None = None
    if request.method == "POST":
        location = get_object_or_404(
            ProviderLocation, pk=request.POST.get("location") or 0, provider__in=kept
        )
        form = PlaceForm(request.POST, prefix=f"l{location.pk}")
        if form.is_valid():
            try:
                location_place_set(
                    actor=request.user, location=location, address=form.cleaned_data["address"]
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Vietas adrese saglabāta."))
                return redirect("registers:places")
        failed = form
    for location in locations:
        address = chosen.get(location.pk)
        form = (
            failed
            if failed is not None and failed.prefix == f"l{location.pk}"
            else PlaceForm(
                prefix=f"l{location.pk}", initial={"address": address.pk if address else None}
            )
        )
        forms.append((location, address, form))
    context = {"title": _("Sniedzēju telpu adreses"), "rows": forms}
    return render(request, "registers/places.html", context, status=400 if failed else 200)


# --- the plan-line form's htmx part ---------------------------------------------------------


def _draft(request: AuthedHttpRequest, pk: int) -> PlanVersion:
    version = version_get(user=request.user, pk=pk)
    require(plan_policy.can(request.user, Action.CHANGE, version))
    return version


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ".").strip())
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() and 0 < value <= 1000 else None


def _day(text: str) -> dt.date:
    """The plan line's start as the form has it, else today (the rate of today)."""
    try:
        return parse_day(text)
    except ValueError:
        return timezone.localdate()


@login_required
def near(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Providers near the person's home for the chosen service, and the transport to the
    chosen provider (round trip × sessions a month × the municipality's rate)."""
    version = _draft(request, pk)
    client = version.plan.client
    params = request.GET if request.method == "GET" else request.POST
    service_id = id_or_none(params.get("service_type"))
    service_type = ServiceType.objects.filter(pk=service_id).first() if service_id else None
    day = _day(params.get("start", ""))
    context: dict[str, Any] = {
        "version": version,
        "client": client,
        "service_type": service_type,
        "home": selectors.client_home(client),
        "start": day.isoformat(),
    }
    if service_type is not None:
        context["near"] = selectors.providers_near(
            user=request.user, client=client, service_type=service_type, day=day
        )
    provider_id = id_or_none(params.get("provider"))
    provider = (
        provider_policy.get_visible(request.user, Provider.objects.all(), pk=provider_id)
        if provider_id
        else None
    )
    if params.get("choose") and provider is not None and service_type is not None:
        # the chosen provider goes into the plan-line form's own select (an htmx oob swap)
        line_form = LineForm(
            initial={"service_type": service_type.pk, "provider": provider.pk}, version=version
        )
        context["oob_provider"] = line_form["provider"].as_widget(attrs={"hx-swap-oob": "true"})
    trips = _decimal(str(params.get("quantity", "")))
    if provider is not None and service_type is not None and trips is not None:
        transport = selectors.transport_to(client=client, provider=provider, trips=trips, day=day)
        if transport is not None:
            carriers = selectors.transport_providers(
                user=request.user, service_type=transport.service_type
            )
            context |= {
                "transport": transport,
                "carriers": sorted(
                    carriers,
                    key=lambda p: (
                        p.municipality_id != client.municipality_id,
                        latvian_key(p.name),
                    ),
                ),
                "provider": provider,
                "months": params.get("months", ""),
                "funding_source": params.get("funding_source", ""),
                "funding_sources": TransportForm.base_fields["funding_source"].choices,  # type: ignore[attr-defined]
            }
    return render(request, "registers/_near.html", context)


def _refused(request: AuthedHttpRequest) -> int:
    """htmx swaps only a 2xx answer: the refusal's messages come as 200 to it, 400 otherwise."""
    return 200 if request.headers.get("HX-Request") else 400


@login_required
def transport_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Add the proposed transport line to the draft; the answer swaps the form's revision."""
    version = _draft(request, pk)
    if request.method != "POST":
        raise Http404()
    form = TransportForm(request.POST)
    context: dict[str, Any] = {"version": version}
    if not form.is_valid():
        context["errors"] = [str(e) for errors in form.errors.values() for e in errors]
        return render(request, "registers/_transport_added.html", context, status=_refused(request))
    data = form.cleaned_data
    client = version.plan.client
    carrier = provider_policy.get_visible(request.user, Provider.objects.all(), pk=data["provider"])
    destination = provider_policy.get_visible(
        request.user, Provider.objects.all(), pk=data["for_provider"]
    )
    transport = selectors.transport_to(
        client=client, provider=destination, trips=data["trips"], day=data["start"]
    )
    if transport is None:
        context["errors"] = [_("Transportu līdz šim sniedzējam aprēķināt nevar.")]
        return render(request, "registers/_transport_added.html", context, status=_refused(request))
    try:
        line = plan_services.line_add(
            actor=request.user,
            version=version,
            revision=data["revision"],
            data={
                "service_type": transport.service_type,
                "provider": carrier,
                "funding_source": data["funding_source"],
                "quantity": transport.km_month,
                "start": data["start"],
                "months": data["months"],
            },
        )
    except DomainError as exc:
        context["errors"] = [m for messages_ in exc.field_errors.values() for m in messages_] or [
            str(exc.message)
        ]
        return render(request, "registers/_transport_added.html", context, status=_refused(request))
    version.refresh_from_db()
    context |= {"line": line, "revision": version.revision}
    return render(request, "registers/_transport_added.html", context)
