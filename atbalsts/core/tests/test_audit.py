"""The audit helpers: diffs name only changed fields and never carry personal codes."""

from decimal import Decimal

from atbalsts.core.audit import MASK, diff, masked


def test_diff_lists_changed_fields_only():
    before = {"a": 1, "b": "x", "c": None}
    after = {"a": 1, "b": "y", "c": "2026-01-01"}
    assert diff(before, after) == {
        "b": {"before": "x", "after": "y"},
        "c": {"before": None, "after": "2026-01-01"},
    }


def test_personal_code_is_masked_in_diffs_and_snapshots():
    assert diff({"personal_code": "010190-12349"}, {"personal_code": "010190-12340"}) == {
        "personal_code": {"before": MASK, "after": MASK}
    }
    assert masked({"personal_code": "010190-12349", "x": Decimal("1")}) == {
        "personal_code": MASK,
        "x": Decimal("1"),
    }
    assert masked({"personal_code": ""}) == {"personal_code": ""}
