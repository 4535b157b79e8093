"""The type of the user who acts or reads, shared by every service, selector and policy.

Services take `actor: Actor` (a signed-in user); policies and selectors take `user: Viewer`,
which may also be the anonymous user of a request that has not signed in. Core does not import
the accounts app at run time (accounts depends on people, which depends on core): these are
names for the type checker only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from atbalsts.accounts.models import User

Actor: TypeAlias = "User"
Viewer: TypeAlias = "User | AnonymousUser"
