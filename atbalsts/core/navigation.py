"""The main menu: each item is shown only to the roles that can use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .actors import Viewer
from .policies import role_of
from .roles import Role

_ALL_STAFF = frozenset(Role) - {Role.PROVIDER}


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[Role]


MENU = (
    NavItem(_("Sākums"), "reporting:home", frozenset(Role)),
    NavItem(_("Klienti"), "people:client_list", _ALL_STAFF),
    NavItem(
        _("Kandidāti"),
        "people:referral_list",
        frozenset({Role.SOCIAL_WORKER, Role.HEAD, Role.ADMIN}),
    ),
    NavItem(
        _("Budžeta noteikumi"),
        "assessment:rule_list",
        frozenset({Role.SOCIAL_WORKER, Role.HEAD, Role.ADMIN, Role.AUDITOR}),
    ),
    NavItem(_("Katalogs"), "catalog:service_type_list", _ALL_STAFF),
    NavItem(_("Mani klienti"), "delivery:my_clients", frozenset({Role.PROVIDER})),
    NavItem(_("Apmeklējuma tabula"), "delivery:grid", frozenset({Role.PROVIDER})),
    NavItem(
        _("Sniegšana"),
        "delivery:week",
        frozenset({Role.SOCIAL_WORKER, Role.HEAD, Role.ADMIN}),
    ),
    NavItem(
        _("Atceltās nodarbības"),
        "delivery:cancellations",
        frozenset({Role.SOCIAL_WORKER, Role.HEAD, Role.PROVIDER, Role.ADMIN}),
    ),
    NavItem(
        _("Pakalpojumu sniedzēji"),
        "catalog:provider_list",
        frozenset({Role.SOCIAL_WORKER, Role.HEAD, Role.ACCOUNTANT, Role.AUDITOR, Role.ADMIN}),
    ),
    NavItem(_("Valsts reģistri"), "registers:index", frozenset({Role.HEAD, Role.ADMIN})),
    NavItem(
        _("Rēķini"),
        "billing:invoice_list",
        frozenset(
            {
                Role.SOCIAL_WORKER,
                Role.HEAD,
                Role.ACCOUNTANT,
                Role.PROVIDER,
                Role.AUDITOR,
                Role.ADMIN,
            }
        ),
    ),
    NavItem(_("Pārskati"), "reporting:pilot_report", _ALL_STAFF),
    NavItem(
        _("Programmas nauda"),
        "programme:programme",
        frozenset({Role.HEAD, Role.ACCOUNTANT, Role.AUDITOR, Role.ANALYST, Role.ADMIN}),
    ),
    NavItem(_("Datu imports"), "bundle:import", frozenset({Role.HEAD, Role.ADMIN})),
    NavItem(_("Datu aizsardzība"), "privacy:record", frozenset({Role.HEAD, Role.ADMIN})),
    NavItem(_("Mani fona darbi"), "jobs:list", frozenset(Role)),
)


def menu_for(user: Viewer, path: str) -> list[dict[str, Any]]:
    role = role_of(user)
    if role is None:
        return []
    items = []
    for item in MENU:
        if role not in item.roles:
            continue
        url = reverse(item.url_name)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return items
