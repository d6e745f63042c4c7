"""Changing one's own password, on the site's page or the admin's: checked by the policy, recorded once."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from audit.models import Action, AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW = "Harbin-Songhua#2027"


@pytest.mark.parametrize(
    ("role", "url", "done"),
    [
        (Role.ENTERPRISE, "password_change", "password_change_done"),
        (Role.ASSOCIATION, "admin:password_change", "admin:password_change_done"),
    ],
)
def test_ones_own_password_change_is_recorded_and_the_session_stays(client, role, url, done):
    user = UserFactory(role=role)
    client.force_login(user)
    response = client.post(
        reverse(url), {"old_password": "correct-horse-battery", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(done)
    user.refresh_from_db()
    assert user.check_password(NEW)
    events = AuditEvent.objects.filter(action=Action.PASSWORD_CHANGED, target_id=str(user.pk))
    assert [(e.actor_id, e.detail) for e in events] == [(user.pk, {})]
    assert client.get(reverse(done)).status_code == 200  # still signed in


def test_a_weak_new_password_is_refused_and_nothing_recorded(client):
    user = UserFactory(role=Role.ENTERPRISE)
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "correct-horse-battery", "new_password1": "zxmvnbqw", "new_password2": "zxmvnbqw"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery")
    assert not AuditEvent.objects.filter(action=Action.PASSWORD_CHANGED).exists()
