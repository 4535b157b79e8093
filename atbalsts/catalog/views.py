"""Pages of the catalogue and the provider register. Thin: forms check shape, services decide,
selectors read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from atbalsts.core.errors import DomainError, ValidationFailed
from atbalsts.core.forms import apply_domain_error
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.policies import Action
from atbalsts.core.views import delete_page, form_page, require
from atbalsts.people.models import Municipality

from . import exchange, selectors, services
from .forms import (
    ImportForm,
    LocationForm,
    MemberForm,
    MunicipalPriceForm,
    ProviderFilterForm,
    ProviderForm,
    RegistrationForm,
    RetireForm,
    ServiceTypeFilterForm,
    ServiceTypeForm,
    TariffForm,
)
from .models import (
    MunicipalPrice,
    Provider,
    ProviderLocation,
    ProviderMembership,
    ProviderRegistration,
    Tariff,
)
from .policies import municipal_price_policy, provider_policy, service_type_policy
from .quality_views import quality_context

PAGE_SIZE = 25


def _municipality_for_create(request: AuthedHttpRequest, data: dict[str, Any]) -> Municipality:
    municipality = data.pop("municipality", None) or request.user.municipality
    if municipality is None:
        raise ValidationFailed({"municipality": [_("Norādiet pašvaldību.")]})
    return municipality


# --- service types ---------------------------------------------------------------------------


@login_required
def service_type_list(request: AuthedHttpRequest) -> HttpResponse:
    require(service_type_policy.can(request.user, Action.VIEW))
    form = ServiceTypeFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    service_types = selectors.service_type_list(
        user=request.user,
        category=data.get("category") or "",
        include_retired=bool(data.get("retired")),
        search=data.get("q") or "",
    )
    context = {
        "form": form,
        "service_types": service_types,
        "today": timezone.localdate(),
        "can_change": service_type_policy.can(request.user, Action.CHANGE),
    }
    template = (
        "catalog/_service_type_table.html" if request.htmx else "catalog/service_type_list.html"
    )
    return render(request, template, context)


@login_required
def service_type_form(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    service_type = selectors.service_type_get(user=request.user, pk=pk) if pk else None
    require(
        service_type_policy.can(
            request.user, Action.CHANGE if service_type else Action.CREATE, service_type
        )
    )
    form = ServiceTypeForm(
        request.POST or None,
        instance=type(service_type).objects.get(pk=service_type.pk) if service_type else None,
    )

    def save(data: dict[str, Any]) -> Any:
        if service_type is None:
            return services.service_type_create(actor=request.user, data=data)
        return services.service_type_update(
            actor=request.user, service_type=service_type, data=data
        )

    return form_page(
        request,
        form,
        template="catalog/service_type_form.html",
        context={
            "title": service_type.name_lv if service_type else _("Jauns pakalpojuma veids"),
            "service_type": service_type,
            "in_use": service_type is not None
            and selectors.service_type_in_use(service_type=service_type),
            "can_delete": service_type is not None
            and service_type_policy.can(request.user, Action.DELETE, service_type),
            "prices": selectors.municipal_price_list(
                user=request.user, service_type_id=service_type.pk
            )
            if service_type
            else [],
        },
        save=save,
        success_message=_("Pakalpojuma veids saglabāts."),
        success_url=lambda obj: reverse("catalog:service_type_list"),
    )


@login_required
def service_type_retire(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    service_type = selectors.service_type_get(user=request.user, pk=pk)
    require(service_type_policy.can(request.user, Action.CHANGE, service_type))
    form = RetireForm(
        request.POST or None,
        initial={"retired_at": service_type.retired_at or timezone.localdate()},
    )
    return form_page(
        request,
        form,
        template="catalog/form.html",
        context={
            "title": _("Izņemt no lietošanas: %(name)s") % {"name": service_type.name_lv},
            "intro": _(
                "Izņemtu pakalpojumu nevar izvēlēties jaunām plāna rindām un tarifiem no šī "
                "datuma; esošie plāni un vēsture paliek."
            ),
            "cancel_url": service_type.get_absolute_url(),
        },
        save=lambda data: services.service_type_retire(
            actor=request.user, service_type=service_type, retired_at=data["retired_at"]
        ),
        success_message=_("Saglabāts."),
        success_url=lambda obj: reverse("catalog:service_type_list"),
    )


@login_required
def service_type_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    service_type = selectors.service_type_get(user=request.user, pk=pk)
    require(service_type_policy.can(request.user, Action.DELETE, service_type))
    return delete_page(
        request,
        delete=lambda: services.service_type_delete(actor=request.user, service_type=service_type),
        title=_("Dzēst pakalpojuma veidu"),
        question=_("Vai tiešām dzēst pakalpojuma veidu „%(name)s”? To nevar atsaukt.")
        % {"name": service_type.name_lv},
        cancel_url=service_type.get_absolute_url(),
        deleted_message=_("Pakalpojuma veids dzēsts."),
        success_url="catalog:service_type_list",
    )


# --- municipal prices --------------------------------------------------------------------------


@login_required
def price_list(request: AuthedHttpRequest) -> HttpResponse:
    require(municipal_price_policy.can(request.user, Action.VIEW))
    page = Paginator(selectors.municipal_price_list(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "catalog/price_list.html",
        {
            "page": page,
            "today": timezone.localdate(),
            "can_create": municipal_price_policy.can(
                request.user, Action.CREATE, request.user.municipality
            ),
        },
    )


@login_required
def price_form(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    price = selectors.municipal_price_get(user=request.user, pk=pk) if pk else None
    require(
        municipal_price_policy.can(
            request.user,
            Action.CHANGE if price else Action.CREATE,
            price or request.user.municipality,
        )
    )
    form = MunicipalPriceForm(
        request.POST or None,
        instance=MunicipalPrice.objects.get(pk=price.pk) if price else None,
        user=request.user,
        initial={"valid_from": timezone.localdate()},
    )

    def save(data: dict[str, Any]) -> Any:
        if price is not None:
            return services.municipal_price_update(actor=request.user, price=price, data=data)
        municipality = _municipality_for_create(request, data)
        return services.municipal_price_create(
            actor=request.user, municipality=municipality, data=data
        )

    return form_page(
        request,
        form,
        template="catalog/form.html",
        context={
            "title": _("Pašvaldības cena"),
            "intro": _(
                "Pašvaldības cena der, ja sniedzējam nav sava tarifa. Jauna cena no datuma "
                "automātiski noslēdz iepriekšējo beztermiņa cenu ar iepriekšējo dienu."
            ),
            "cancel_url": reverse("catalog:price_list"),
        },
        save=save,
        success_message=_("Cena saglabāta."),
        success_url=lambda obj: reverse("catalog:price_list"),
    )


# --- providers ---------------------------------------------------------------------------------


@login_required
def provider_list(request: AuthedHttpRequest) -> HttpResponse:
    require(provider_policy.can(request.user, Action.VIEW))
    form = ProviderFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    near = data.get("near")
    filters = selectors.ProviderFilters(
        search=data.get("q") or "",
        service_type_id=data["service_type"].pk if data.get("service_type") else None,
        municipality_id=data["municipality"].pk if data.get("municipality") else None,
        near_municipality_id=near.pk if near else None,
        max_km=data.get("max_km"),
        registration_status=data.get("status") or "",
        include_inactive=bool(data.get("inactive")),
        sort=data.get("sort") or ("distance" if near else "name"),
    )
    page = Paginator(
        selectors.provider_list(user=request.user, filters=filters), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "sort": filters.sort,
        "near": near,
        "service_type": data.get("service_type"),
        "can_create": provider_policy.can(request.user, Action.CREATE, request.user.municipality),
    }
    template = "catalog/_provider_table.html" if request.htmx else "catalog/provider_list.html"
    return render(request, template, context)


@login_required
def provider_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    provider = selectors.provider_get(user=request.user, pk=pk)
    today = timezone.localdate()
    can_change = provider_policy.can(request.user, Action.CHANGE, provider)
    context = {
        "provider": provider,
        "today": today,
        "show_identity": provider.kind == "legal"
        or provider_policy.can(request.user, Action.VIEW_IDENTITY, provider),
        "can_change": can_change,
        "flags": selectors.provider_service_flags(provider=provider, day=today),
        "registrations": selectors.provider_registrations(provider=provider),
        "locations": provider.locations.select_related("municipality"),
        "tariffs": selectors.provider_tariffs(provider=provider),
        "members": provider.members.select_related("user") if can_change else [],
    }
    context.update(quality_context(request, provider))
    return render(request, "catalog/provider_detail.html", context)


@login_required
def provider_form(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    provider = selectors.provider_get(user=request.user, pk=pk) if pk else None
    require(
        provider_policy.can(
            request.user,
            Action.CHANGE if provider else Action.CREATE,
            provider or request.user.municipality,
        )
    )
    form = ProviderForm(
        request.POST or None,
        instance=Provider.objects.get(pk=provider.pk) if provider else None,
        user=request.user,
    )

    def save(data: dict[str, Any]) -> Any:
        if provider is not None:
            return services.provider_update(actor=request.user, provider=provider, data=data)
        municipality = _municipality_for_create(request, data)
        return services.provider_create(actor=request.user, municipality=municipality, data=data)

    return form_page(
        request,
        form,
        template="catalog/form.html",
        context={
            "title": provider.name if provider else _("Jauns pakalpojumu sniedzējs"),
            "cancel_url": provider.get_absolute_url()
            if provider
            else reverse("catalog:provider_list"),
        },
        save=save,
        success_message=_("Sniedzēja dati saglabāti."),
        success_url=lambda obj: obj.get_absolute_url(),
    )


def _provider_for_change(request: AuthedHttpRequest, pk: int) -> Provider:
    provider = selectors.provider_get(user=request.user, pk=pk)
    require(provider_policy.can(request.user, Action.CHANGE, provider))
    return provider


def _child_page(
    request: AuthedHttpRequest,
    provider: Provider,
    form: Any,
    *,
    title: str,
    save: Callable[[dict[str, Any]], Any],
    intro: str = "",
) -> HttpResponse:
    return form_page(
        request,
        form,
        template="catalog/form.html",
        context={
            "title": title,
            "intro": intro,
            "provider": provider,
            "cancel_url": provider.get_absolute_url(),
        },
        save=save,
        success_message=_("Saglabāts."),
        success_url=lambda obj: provider.get_absolute_url(),
    )


@login_required
def registration_form(
    request: AuthedHttpRequest, pk: int, item_pk: int | None = None
) -> HttpResponse:
    provider = _provider_for_change(request, pk)
    registration = (
        get_object_or_404(ProviderRegistration, pk=item_pk, provider=provider) if item_pk else None
    )
    form = RegistrationForm(request.POST or None, instance=registration)

    def save(data: dict[str, Any]) -> Any:
        if registration is None:
            return services.registration_create(actor=request.user, provider=provider, data=data)
        return services.registration_update(
            actor=request.user, registration=registration, data=data
        )

    return _child_page(request, provider, form, title=_("Reģistrācija"), save=save)


@login_required
def location_form(request: AuthedHttpRequest, pk: int, item_pk: int | None = None) -> HttpResponse:
    provider = _provider_for_change(request, pk)
    location = (
        get_object_or_404(ProviderLocation, pk=item_pk, provider=provider) if item_pk else None
    )
    form = LocationForm(request.POST or None, instance=location)

    def save(data: dict[str, Any]) -> Any:
        if location is None:
            return services.location_create(actor=request.user, provider=provider, data=data)
        return services.location_update(actor=request.user, location=location, data=data)

    return _child_page(request, provider, form, title=_("Pakalpojuma sniegšanas vieta"), save=save)


@login_required
def tariff_form(request: AuthedHttpRequest, pk: int, item_pk: int | None = None) -> HttpResponse:
    provider = _provider_for_change(request, pk)
    tariff = get_object_or_404(Tariff, pk=item_pk, provider=provider) if item_pk else None
    form = TariffForm(
        request.POST or None,
        instance=Tariff.objects.get(pk=tariff.pk) if tariff else None,
        provider=provider,
        initial={"valid_from": timezone.localdate()},
    )

    def save(data: dict[str, Any]) -> Any:
        if tariff is None:
            return services.tariff_create(actor=request.user, provider=provider, data=data)
        return services.tariff_update(actor=request.user, tariff=tariff, data=data)

    return _child_page(request, provider, form, title=_("Tarifs"), save=save)


@login_required
def member_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    provider = _provider_for_change(request, pk)
    form = MemberForm(request.POST or None)
    return _child_page(
        request,
        provider,
        form,
        title=_("Piesaistīt sniedzēja darbinieku"),
        intro=_("Piesaistītais lietotājs redzēs tikai šī sniedzēja ierakstu un tā klientus."),
        save=lambda data: services.provider_member_add(
            actor=request.user, provider=provider, user=data["user"]
        ),
    )


@login_required
@require_http_methods(["POST"])
def member_remove(request: AuthedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    provider = _provider_for_change(request, pk)
    membership = get_object_or_404(ProviderMembership, pk=item_pk, provider=provider)
    services.provider_member_remove(actor=request.user, membership=membership)
    messages.success(request, _("Darbinieks atsaistīts."))
    return redirect(provider.get_absolute_url())


# --- import and export -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def transfer(request: AuthedHttpRequest) -> HttpResponse:
    """Export links and the import form with its row-by-row error report."""
    require(service_type_policy.may_exchange_files(request.user))
    can_import = service_type_policy.can(request.user, Action.CREATE)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        "form": form,
        "tables": exchange.TABLES,
        "datasets": exchange.DATASETS,
        "can_import": can_import,
        "can_export_register": exchange.can_export_register(request.user),
    }
    if request.method == "POST":
        require(can_import)
        if not form.is_valid():
            return render(request, "catalog/transfer.html", context, status=400)
        upload = form.cleaned_data["file"]
        try:
            result = exchange.catalog_import(
                actor=request.user,
                name=upload.name,
                content=upload.read(exchange.MAX_BYTES + 1),
                dataset=form.cleaned_data["dataset"],
            )
        except exchange.ImportRejected as exc:
            context["import_errors"] = exc.rows
            return render(request, "catalog/transfer.html", context, status=400)
        except DomainError as exc:
            apply_domain_error(form, exc)
            return render(request, "catalog/transfer.html", context, status=400)
        context["result"] = result
    return render(request, "catalog/transfer.html", context)


@login_required
def export(request: AuthedHttpRequest, what: str, fmt: str) -> HttpResponse:
    require(service_type_policy.may_exchange_files(request.user))
    register = what == "register" or what in exchange.DATASETS["register"]
    if register:
        require(exchange.can_export_register(request.user))
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx" and what in exchange.DATASETS:
        content = exchange.export_xlsx(actor=request.user, dataset=what)
        response = HttpResponse(content, content_type=exchange.XLSX_TYPE)
        filename = f"{what}-{stamp}.xlsx"
    elif fmt == "csv" and what in exchange.TABLES:
        content = exchange.export_csv(actor=request.user, table=what)
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        filename = f"{what}-{stamp}.csv"
    else:
        raise PermissionDenied
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
