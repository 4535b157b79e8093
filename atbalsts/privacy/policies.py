"""Who may read the record of processing (docs/user-guide/datu-aizsardziba.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from atbalsts.core.policies import role_of
from atbalsts.core.roles import Role

if TYPE_CHECKING:
    from atbalsts.core.actors import Viewer

_RECORD_READERS = frozenset({Role.HEAD, Role.ADMIN})


class PrivacyPolicy:
    """The record of processing is for those who answer for it: the head of social service
    and the system administrator."""

    def may_view_record(self, user: Viewer) -> bool:
        return role_of(user) in _RECORD_READERS


privacy_policy = PrivacyPolicy()
