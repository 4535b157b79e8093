"""Latvian alphabetical order for lists of names, on PostgreSQL and on SQLite.

`latvian("last_name")` is an expression to order by (`.desc()` for the reverse):

- on PostgreSQL it is `COLLATE "lv-x-icu"`, ICU's Latvian collation (PostgreSQL built with ICU
  has it; migration core 0003 creates it where it is missing);
- on SQLite it is `COLLATE "latvian"`, a collation registered on every new connection
  (`register`, connected to `connection_created` in `CoreConfig.ready`) that compares
  `latvian_key`s.

`latvian_key(text)` is the same order in Python (for lists sorted after the query). It follows
ICU's Latvian rules: č, ģ, ķ, ļ, ņ, š and ž are letters of their own right after c, g, k, l, n, s
and z (Cālītis, Celms, Čakste); ā, ē, ī, ū (and y) count as a, e, i, u, and decide only between
words otherwise the same (Abele, Ābele, Ābols, Avotiņa); case decides last, small letters first.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F
from django.db.models.functions import Collate

POSTGRES_COLLATION = "lv-x-icu"
SQLITE_COLLATION = "latvian"

# Letters of their own, sorted right after the base letter.
_OWN_LETTER = {"č": "c", "ģ": "g", "ķ": "k", "ļ": "l", "ņ": "n", "š": "s", "ž": "z"}
# The same letter as the base one: they decide only between otherwise equal words.
_SAME_LETTER = {"ā": "a", "ē": "e", "ī": "i", "ū": "u", "ō": "o", "ŗ": "r", "y": "i"}

Key = tuple[tuple[tuple[int, int], ...], tuple[int, ...], tuple[int, ...]]


@lru_cache(maxsize=4096)
def latvian_key(text: str) -> Key:
    """A sort key in Latvian alphabetical order (see the module's docstring)."""
    primary: list[tuple[int, int]] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for char in unicodedata.normalize("NFC", text):
        small = char.lower()
        tertiary.append(0 if small == char else 1)
        if small in _OWN_LETTER:
            primary.append((ord(_OWN_LETTER[small]), 1))
            secondary.append(0)
        elif small in _SAME_LETTER:
            primary.append((ord(_SAME_LETTER[small]), 0))
            secondary.append(1)
        else:
            base = unicodedata.normalize("NFD", small)[0] or small
            primary.append((ord(base), 0))
            secondary.append(0 if base == small else 2)
    return tuple(primary), tuple(secondary), tuple(tertiary)


def _compare(left: str, right: str) -> int:
    a, b = latvian_key(left), latvian_key(right)
    return (a > b) - (a < b)


def register(sender: Any = None, connection: BaseDatabaseWrapper | None = None, **_: Any) -> None:
    """`connection_created` receiver: SQLite connections learn the "latvian" collation."""
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, _compare)


class Latvian(Collate):
    """ORDER BY in Latvian order: the ICU collation on PostgreSQL, our own on SQLite."""

    def __init__(self, expression: Any) -> None:
        super().__init__(expression, POSTGRES_COLLATION)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        extra_context["collation"] = connection.ops.quote_name(SQLITE_COLLATION)
        return self.as_sql(compiler, connection, **extra_context)


def latvian(field: str) -> Latvian:
    """The text field `field` (a lookup path such as "municipality__name") in Latvian order."""
    return Latvian(F(field))


# The text fields of a user's name, for `latvian_order(..., text=USER_NAMES)`.
USER_NAMES = ("last_name", "first_name", "username")


def latvian_order(*fields: str, text: tuple[str, ...] = ()) -> list[Any]:
    """order_by() arguments: the names in `text` (with or without "-") in Latvian order, the
    others as they are. `latvian_order("-last_name", "-id", text=("last_name",))`."""
    order: list[Any] = []
    for name in fields:
        bare = name.removeprefix("-")
        if bare not in text:
            order.append(name)
        elif name.startswith("-"):
            order.append(latvian(bare).desc())
        else:
            order.append(latvian(bare).asc())
    return order
