"""Template context every page needs: the navigation the user's role may use."""

from typing import Any

from django.http import HttpRequest

from .navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav_items": menu_for(request.user, request.path)}
