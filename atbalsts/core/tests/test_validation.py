"""The shared helpers services use to collect field errors."""

import pytest

from atbalsts.core.errors import ValidationFailed
from atbalsts.core.validation import add_error, id_or_none, raise_if_errors, refuse_unknown


def test_add_error_collects_messages_per_field_as_text():
    errors: dict[str, list[str]] = {}
    add_error(errors, "start", "Obligāts lauks.")
    add_error(errors, "start", "Otrs.")
    add_error(errors, "end", 5)
    assert errors == {"start": ["Obligāts lauks.", "Otrs."], "end": ["5"]}


def test_raise_if_errors_is_silent_without_errors():
    raise_if_errors({})


def test_raise_if_errors_carries_every_field():
    with pytest.raises(ValidationFailed) as exc:
        raise_if_errors({"start": ["Obligāts lauks."], "end": ["Nederīgs datums."]})
    assert exc.value.errors == {"start": ["Obligāts lauks."], "end": ["Nederīgs datums."]}
    assert exc.value.field == "start"


def test_refuse_unknown_names_each_unknown_field():
    refuse_unknown({"start": 1}, ("start", "end"))
    with pytest.raises(ValidationFailed) as exc:
        refuse_unknown({"start": 1, "zzz": 2, "aaa": 3}, ("start",))
    assert exc.value.errors == {"aaa": ["Nezināms lauks."], "zzz": ["Nezināms lauks."]}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        (5, 5),
        ("²", None),
        ("١٢", None),
        ("-1", None),
        ("0", None),
        ("1.5", None),
        ("", None),
        (None, None),
        ("9" * 30, None),
        (str(2**63 - 1), 2**63 - 1),
    ],
)
def test_id_or_none_takes_only_an_id_a_query_can_hold(value: object, expected: int | None) -> None:
    assert id_or_none(value) == expected
