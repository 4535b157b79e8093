"""How far an import started on the page has got, kept in Django's cache.

The import writes everything in one transaction, so its progress cannot go into the database
where another request could read it (on SQLite the writer even holds the lock). Instead the
page gives each upload form a token; the import's `progress` callback writes to the cache under
that token and the user's id, and the page polls the progress endpoint, which reads it back.

A token is a random nonce followed by an HMAC of the nonce and the user's id: a token made
for one user is refused (404) for any other without looking anything up, and a user can only
ever read and write progress under their own id.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from atbalsts.core.actors import Actor

SALT = "atbalsts.bundle.progress"
TOKEN = re.compile(r"[0-9a-f]{64}")
KEEP_SECONDS = 2 * 60 * 60  # long enough for the largest import, short enough to forget
THROTTLE_SECONDS = 0.5  # the page polls every second; writing more often is wasted work

WAITING = "waiting"  # nothing recorded yet: the files are still being uploaded
CHECKING = "checking"  # the files arrived; reading them and checking every row
WRITING = "writing"  # every row checked; saving them, `done` of `total`
DONE = "done"
REJECTED = "rejected"
PHASES = {
    WAITING: _("Augšupielādē failus"),
    CHECKING: _("Lasa un pārbauda failus"),
    WRITING: _("Saglabā rindas"),
    DONE: _("Imports pabeigts"),
    REJECTED: _("Imports neizdevās"),
}
FINISHED = (DONE, REJECTED)


def _mac(user_id: int, nonce: str) -> str:
    return salted_hmac(SALT, f"{user_id}:{nonce}", algorithm="sha256").hexdigest()[:32]


def new_token(user: Actor) -> str:
    nonce = secrets.token_hex(16)
    return nonce + _mac(user.pk, nonce)


def is_own(user: Actor, token: Any) -> bool:
    """Whether `token` is well formed and was made for `user`."""
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return False
    return constant_time_compare(token[32:], _mac(user.pk, token[:32]))


def _key(user: Actor, token: str) -> str:
    return f"bundle-progress:{user.pk}:{token[:32]}"


@dataclass(frozen=True)
class State:
    phase: str = WAITING
    done: int = 0
    total: int = 0

    @property
    def label(self) -> str:
        return str(PHASES[self.phase])

    @property
    def finished(self) -> bool:
        return self.phase in FINISHED

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def read(user: Actor, token: str) -> State:
    """The progress under `token`; WAITING when nothing is recorded (yet). The token must be
    the user's own (`is_own`)."""
    value = cache.get(_key(user, token))
    if not isinstance(value, dict) or value.get("phase") not in PHASES:
        return State()
    return State(value["phase"], int(value.get("done", 0)), int(value.get("total", 0)))


def write(user: Actor, token: str, state: State) -> None:
    cache.set(
        _key(user, token),
        {"phase": state.phase, "done": state.done, "total": state.total},
        KEEP_SECONDS,
    )


class Tracker:
    """Records one import's progress: `checking()` before it starts, then it is the import's
    `progress(done, total)` callback (written at most every THROTTLE_SECONDS, and always the
    first and the last row), then `finish(phase)`. Without a valid token it records nothing."""

    def __init__(
        self, user: Actor, token: Any, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.user = user
        self.token: str | None = token if is_own(user, token) else None
        self.clock = clock
        self.last_write: float | None = None
        self.done = 0
        self.total = 0

    def _write(self, state: State) -> None:
        if self.token is not None:
            write(self.user, self.token, state)

    def checking(self) -> None:
        self._write(State(CHECKING))

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        now = self.clock()
        first = self.last_write is None
        if first or done >= total or now - (self.last_write or 0.0) >= THROTTLE_SECONDS:
            self.last_write = now
            self._write(State(WRITING, done, total))

    def finish(self, phase: str, rows: int | None = None) -> None:
        if rows is not None:
            self.done = self.total = rows
        self._write(State(phase, self.done, self.total))
