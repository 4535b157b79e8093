"""User administration in the admin site is audited like every other write."""

import pytest

from atbalsts.accounts.models import User
from atbalsts.core.audit import AuditEventType
from atbalsts.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_admin_creating_and_changing_a_user_is_audited(client, admin_user, balvi):
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "jauna",
            "password1": "Ļoti-droša-parole-42",
            "password2": "Ļoti-droša-parole-42",
            "usable_password": "true",
            "role": "head",
            "municipality": balvi.pk,
            "first_name": "Jauna",
            "last_name": "Vadītāja",
            "email": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="jauna")
    event = AuditEvent.objects.get(event_type=AuditEventType.USER_CREATED)
    assert event.actor == admin_user and event.subject_id == str(user.pk)
    assert event.extra_data["values"]["role"] == "head"
    assert "Ļoti-droša-parole-42" not in str(event.extra_data)
