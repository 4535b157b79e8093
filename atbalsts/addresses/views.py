"""The address search the picker asks as one types: the options of its select."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from atbalsts.core.http import AuthedHttpRequest

from .selectors import address_get, address_search


@login_required
def search(request: AuthedHttpRequest) -> HttpResponse:
    field = request.GET.get("field", "")
    query = request.GET.get(f"{field}_q", "") if field else request.GET.get("q", "")
    current = address_get(user=request.user, pk=request.GET.get(field)) if field else None
    found = address_search(user=request.user, query=query[:100])
    context = {
        "current": current,
        "found": [a for a in found if current is None or a.pk != current.pk],
        "searched": bool(query.strip()),
    }
    return render(request, "registers/_address_options.html", context)
