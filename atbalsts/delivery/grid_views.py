"""The provider's attendance grid (a week or a month of many sessions at once) and the group
session page. Thin: the grid reads, the services decide with the single session's rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from atbalsts.core.errors import DomainError
from atbalsts.core.forms import apply_domain_error
from atbalsts.core.http import AuthedHttpRequest
from atbalsts.core.views import require

from . import services
from .forms import GroupSessionForm
from .grid import MONTH, WEEK, grid_around, grid_build, grid_entries, grid_mark_errors
from .grid_groups import group_candidates, group_members, group_services
from .policies import delivery_policy


def _recorded_message(count: int) -> str:
    return ngettext(
        "Reģistrēta %(count)d nodarbība.", "Reģistrētas %(count)d nodarbības.", count
    ) % {"count": count}


@login_required
def grid(request: AuthedHttpRequest) -> HttpResponse:
    """GET shows the week (or month) around `?no=`; POST records the cells filled in, all or
    nothing, and shows the grid again with the new sessions in their cells."""
    require(delivery_policy.serves_clients(request.user))
    today = timezone.localdate()
    view = MONTH if request.GET.get("view") == MONTH else WEEK
    around = grid_around(request.GET.get("no"), today)
    table = grid_build(user=request.user, view=view, around=around, today=today)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        entries, errors = grid_entries(table, request.POST)
        if not errors:
            try:
                recorded = services.sessions_record_many(actor=request.user, entries=entries)
            except DomainError as exc:
                errors = exc.field_errors
            else:
                messages.success(request, _recorded_message(len(recorded)))
                if not request.htmx:
                    return redirect(request.get_full_path())
                table = grid_build(user=request.user, view=view, around=around, today=today)
        if errors:
            problems = grid_mark_errors(table, errors)
            status = 400
    context = {
        "grid": table,
        "problems": problems,
        "other_view": WEEK if view == MONTH else MONTH,
        "here": f"{reverse('delivery:grid')}?view={view}&no={table.first.isoformat()}",
    }
    template = "delivery/_grid.html" if request.htmx else "delivery/grid.html"
    return render(request, template, context, status=status)


def _chosen_service(value: object, offered: list[Any]) -> int | None:
    """The service picked on the page, if it is one the provider can give a group."""
    try:
        pk = int(str(value))
    except ValueError:
        return None
    return pk if any(service.pk == pk for service in offered) else None


@login_required
def group_session(request: AuthedHttpRequest) -> HttpResponse:
    """One group session for several of the provider's clients (same service, day, time):
    GET `?service=` lists who can take part (htmx: the list alone), POST records it."""
    require(delivery_policy.serves_clients(request.user))
    today = timezone.localdate()
    offered = group_services(user=request.user, today=today)
    source = request.POST if request.method == "POST" else request.GET
    chosen = _chosen_service(source.get("service"), offered)
    candidates = (
        group_candidates(user=request.user, service_type_id=chosen, today=today) if chosen else []
    )
    if request.method != "POST":
        form = GroupSessionForm(services=offered, initial={"date": today, "service": chosen})
        context = {"form": form, "candidates": candidates, "chosen": chosen}
        if request.htmx:
            return render(request, "delivery/_group_members.html", context)
        return render(request, "delivery/group_session.html", context)
    form = GroupSessionForm(request.POST, services=offered)
    members = group_members(candidates, request.POST)
    if form.is_valid():
        try:
            recorded = services.group_session_record(
                actor=request.user, data=form.service_data(), members=members
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _recorded_message(len(recorded)))
            return redirect(recorded[0].get_absolute_url())
    context = {"form": form, "candidates": candidates, "chosen": chosen}
    return render(request, "delivery/group_session.html", context, status=400)
