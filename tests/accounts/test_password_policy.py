"""The password policy (MLPS 2.0 level 3): length, three of four character classes, not like the username,
not common; every message Chinese."""

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.passwords import character_classes
from accounts.roles import Role
from tests.factories import UserFactory


def _messages(password: str, user=None) -> list[str]:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        validate_password(password, user)
    return raised.value.messages


def test_the_pen_test_password_zxmvnbqw_is_refused_with_the_reasons_in_chinese():
    messages = _messages("zxmvnbqw")
    assert any("至少" in m and "12" in m for m in messages), messages  # too short
    assert any("3 类" in m for m in messages), messages  # one class only


@pytest.mark.parametrize(
    "password",
    [
        "abcdefghijklmn",  # long, one class
        "abcdefgh123456",  # two classes
        "ABCDEFGH-------",  # two classes
        "123456789012345",  # digits only
        "Ab1!",  # four classes, too short
        "Ab1!Ab1!Ab1",  # eleven characters
        "Ab          ",  # white space is no class
    ],
)
def test_short_or_simple_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize(
    "password",
    [
        "Heilongjiang-2026",
        "songhua-river-2026",
        "SONGHUA RIVER 2026!",
        "Qx7!longer-pass",
        "哈尔滨市Harbin2026",
    ],
)
def test_long_passwords_mixing_three_classes_are_accepted(password):
    validate_password(password)


@pytest.mark.django_db
def test_a_password_like_the_username_is_refused():
    user = User(username="zhangwei2026", first_name="伟", last_name="张")
    assert any("相似" in m for m in _messages("Zhangwei2026!", user))


def test_a_common_password_is_refused_even_when_complex():
    assert any("常见" in m for m in _messages("Password1234"))


def test_character_classes_count_chinese_as_a_symbol_and_spaces_as_nothing():
    assert character_classes("Ab1!") == {"upper", "lower", "digit", "symbol"}
    assert character_classes("计量 ") == {"symbol"}


def test_the_help_texts_state_the_policy_in_chinese():
    with translation.override("zh-hans"):
        texts = " ".join(password_validators_help_texts())
    assert "至少 12 位" in texts or "至少12位" in texts
    assert "3 类" in texts


@pytest.mark.django_db
def test_changing_ones_password_to_a_weak_one_is_refused_and_changes_nothing(client):
    user = UserFactory(role=Role.ENTERPRISE)
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "correct-horse-battery", "new_password1": "zxmvnbqw", "new_password2": "zxmvnbqw"},
    )
    assert response.status_code == 200
    assert "3 类" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery")


@pytest.mark.django_db
def test_the_portal_sign_up_form_states_the_same_policy(client):
    body = client.get(reverse("portal:sign_up")).content.decode()
    assert "至少" in body
    assert "3 类" in body
