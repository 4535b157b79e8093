"""Client pseudonyms depend on PSEUDONYM_KEY alone: never on SECRET_KEY, never without a key."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from atbalsts.people.pseudonyms import client_pseudonym


def test_rotating_the_secret_key_keeps_every_pseudonym():
    before = [client_pseudonym(pk) for pk in (1, 2, 3)]
    with override_settings(SECRET_KEY="a-rotated-secret-key-" * 3):
        assert [client_pseudonym(pk) for pk in (1, 2, 3)] == before
    with override_settings(PSEUDONYM_KEY="a-different-key"):
        assert [client_pseudonym(pk) for pk in (1, 2, 3)] != before


@pytest.mark.parametrize("key", ["", None])
def test_no_key_is_a_clear_error(key):
    with (
        override_settings(PSEUDONYM_KEY=key),
        pytest.raises(ImproperlyConfigured, match="PSEUDONYM_KEY is not set"),
    ):
        client_pseudonym(1)
