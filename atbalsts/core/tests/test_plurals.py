"""Latvian number agreement for counted words ("1 reizi", "2 reizes", "21 reizi")."""

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import ngettext

from atbalsts.core.plurals import latvian_singular, plural_count


@pytest.mark.parametrize(
    ("count", "singular"),
    [
        (1, True),
        (21, True),
        (101, True),
        (1001, True),
        (Decimal("31"), True),
        ("41", True),
        (Decimal("1.00"), True),  # a stored quantity with its decimals is still one
        (0, False),
        (2, False),
        (5, False),
        (10, False),
        (11, False),
        (111, False),
        (12, False),
        (Decimal("1.5"), False),
        (Decimal("2.5"), False),
        ("nav skaitlis", False),
        ("NaN", False),
    ],
)
def test_latvian_singular(count, singular):
    assert latvian_singular(count) is singular


def _times(count):
    return ngettext("%(n)s reizi", "%(n)s reizes", plural_count(count)) % {"n": count}


def test_ngettext_agrees_on_latvian_pages():
    with translation.override("lv"):
        assert [_times(n) for n in (1, 2, 11, 21, 22, 0)] == [
            "1 reizi",
            "2 reizes",
            "11 reizes",
            "21 reizi",
            "22 reizes",
            "0 reizes",
        ]


def test_other_languages_get_the_count_itself():
    with translation.override("en"):
        assert plural_count(21) == 21
        assert plural_count(1) == 1
        assert plural_count(Decimal("1.5")) == 2
        assert plural_count(Decimal("4.00")) == 4
        assert plural_count("x") == 2
