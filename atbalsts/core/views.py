"""The one way pages hand a form (or a deletion) to a service and show what went wrong."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .errors import DomainError
from .forms import apply_domain_error


def require(allowed: bool) -> None:
    """403 for an action the user may not take on something they can see."""
    if not allowed:
        raise PermissionDenied


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    template: str,
    context: dict[str, Any],
    save: Callable[[dict[str, Any]], Any],
    success_message: str,
    success_url: Callable[[Any], str],
    data: Callable[[Any], dict[str, Any]] | None = None,
) -> HttpResponse:
    """Validate the form, hand its data to a service, redirect on success.

    `save` gets a copy of `form.cleaned_data`, or what `data(form)` returns for a form that
    shapes its own service data (e.g. `data=lambda f: f.service_data()`). Invalid input or a
    refused rule re-renders the form with the messages on their fields and status 400; nothing
    has been written, because the service's transaction rolled back.
    """
    if request.method == "POST":
        if form.is_valid():
            try:
                obj = save(data(form) if data is not None else dict(form.cleaned_data))
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, success_message)
                return redirect(success_url(obj))
        return render(request, template, {**context, "form": form}, status=400)
    return render(request, template, {**context, "form": form})


def delete_page(
    request: HttpRequest,
    *,
    delete: Callable[[], object],
    title: str,
    question: str,
    cancel_url: str,
    deleted_message: str,
    success_url: str,
) -> HttpResponse:
    """Ask `question`, then on POST delete through the service and go to `success_url` (a URL
    or a URL name). A refusal is shown as a message on the page Cancel leads to."""
    if request.method == "POST":
        try:
            delete()
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect(cancel_url)
        messages.success(request, deleted_message)
        return redirect(success_url)
    return render(
        request,
        "confirm_delete.html",
        {"title": title, "question": question, "cancel_url": cancel_url},
    )
