"""Sign-in lockouts key on the user name and the client's own address behind the trusted
reverse proxies: failures from one client lock neither that user name for other clients
nor other user names; the locked-out page says in Latvian how to get back in."""

import pytest
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.urls import reverse

from atbalsts.accounts.tests.factories import PASSWORD
from atbalsts.core.clientip import client_ip

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"
ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"


def _request(remote=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_address_is_the_connection():
    assert client_ip(_request(forwarded="1.2.3.4")) == PROXY


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_client_is_the_last_forwarded_address():
    assert client_ip(_request(forwarded=ATTACKER)) == ATTACKER
    # what the client wrote itself, left of what the proxy appended, is not believed
    assert client_ip(_request(forwarded=f"{OWNER}, {ATTACKER}")) == ATTACKER
    assert client_ip(_request(forwarded="")) == PROXY
    assert client_ip(_request(forwarded="not-an-address")) == PROXY


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_client_is_second_from_the_right():
    assert client_ip(_request(forwarded=f"{OWNER}, {ATTACKER}, 10.0.0.4")) == ATTACKER
    assert client_ip(_request(forwarded="10.0.0.4")) == PROXY


def _post(client, user, password, address):
    return client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, TRUSTED_PROXY_COUNT=1)
def test_failures_from_one_client_behind_the_proxy_do_not_lock_out_the_owner(
    client, social_worker, head
):
    for _ in range(3):
        _post(client, social_worker, "nepareizi", ATTACKER)
    locked = _post(client, social_worker, PASSWORD, ATTACKER)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "uz laiku bloķēta" in page
    assert "Mēģiniet vēlreiz pēc 30 minūtēm." in page
    assert "sistēmas administratora" in page
    # the same proxy, another client: the owner signs in
    owner = client.__class__()
    assert _post(owner, social_worker, PASSWORD, OWNER).status_code == 302
    # the attacker's address, another user name: not locked either
    other = client.__class__()
    assert _post(other, head, PASSWORD, ATTACKER).status_code == 302


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=2, TRUSTED_PROXY_COUNT=1)
def test_an_administrator_lifts_the_lock(client, social_worker):
    for _ in range(2):
        _post(client, social_worker, "nepareizi", ATTACKER)
    assert _post(client, social_worker, PASSWORD, ATTACKER).status_code == 429
    call_command("axes_reset_username", social_worker.username)
    assert _post(client, social_worker, PASSWORD, ATTACKER).status_code == 302
