"""The public feedback form (/feedback/): no sign-in, rate-limited per client address, a honeypot and a
signed sum against bots; a refused post saves nothing. The tracking code opens the submitter's own
feedback only."""

import datetime as dt

import pytest
from django.core import signing
from django.urls import reverse

from supervision import services
from supervision.challenge import SALT
from supervision.models import Feedback

from .desk import fixed_day  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/feedback/"


def shown_form(client):
    """GET the form: (its signed token, the right answer)."""
    response = client.get(URL)
    assert response.status_code == 200
    challenge = response.context["form"].challenge
    a, b = (int(n) for n in challenge.question.split(" = ")[0].split(" + "))
    return challenge.token, a + b


def post(client, today, *, wait=10, **overrides):
    token, answer = shown_form(client)
    today.shift(dt.timedelta(seconds=wait))
    data = {
        "topic": "system",
        "message": "希望核验页面支持英文。",
        "name": "",
        "contact": "１３９ ０４５１ ２２３３",
        "website": "",
        "answer": str(answer),
        "token": token,
        **overrides,
    }
    return client.post(URL, data)


def test_the_url_is_the_public_form():
    assert reverse("public_feedback:form") == URL


def test_a_person_sends_feedback_and_reads_the_answer_with_the_code(client, today, association_user):
    response = post(client, today)
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.contact == "13904512233"
    sent = client.get(response["Location"])
    assert feedback.tracking_code in sent.text
    assert client.get(response["Location"]).status_code == 302  # the code is shown once
    status_url = reverse("public_feedback:status", args=[feedback.tracking_code])
    page = client.get(status_url)
    assert 'data-testid="no-answer"' in page.text
    assert "13904512233" not in page.text
    services.feedback_answer(feedback=feedback, by=association_user, answer="下一版本支持。")
    page = client.get(status_url)
    assert "下一版本支持。" in page.text
    assert client.get(status_url.lower()).status_code == 200  # typed in lower case


def test_a_code_opens_only_its_own_feedback_and_unknown_codes_are_404(client, today):
    mine = services.feedback_submit(topic="other", message="我的留言")
    other = services.feedback_submit(topic="other", message="别人的留言")
    page = client.get(reverse("public_feedback:status", args=[mine.tracking_code])).text
    assert "我的留言" in page
    assert "别人的留言" not in page
    assert other.tracking_code not in page
    assert client.get(reverse("public_feedback:status", args=["A" * 16])).status_code == 404
    assert client.get("/feedback/%20/").status_code == 404


def test_a_portal_feedback_has_no_public_page(client, today, enterprise_user):
    services.feedback_submit(by=enterprise_user, topic="other", message="企业留言")
    assert client.get(reverse("public_feedback:status", args=["NONE"])).status_code == 404


def test_the_honeypot_refuses_and_saves_nothing(client, today):
    response = post(client, today, website="http://spam.example")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "wait"),
    [
        ({"answer": "999"}, 10),
        ({"answer": "abc"}, 10),
        ({}, 1),  # faster than a person
        ({}, 3601),  # the form was open for more than an hour
        ({"token": "tampered"}, 10),
    ],
)
def test_a_wrong_late_early_or_forged_answer_refuses_and_saves_nothing(client, today, overrides, wait):
    response = post(client, today, wait=wait, **overrides)
    assert response.status_code == 200
    assert response.context["form"].errors["answer"]
    assert not Feedback.objects.exists()


def test_a_forged_token_with_another_answer_is_refused(client, today):
    forged = signing.dumps({"a": 1, "t": 0, "n": "x"}, salt="another.salt")
    response = post(client, today, token=forged, answer="1")
    assert response.context["form"].errors["answer"]
    assert not Feedback.objects.exists()
    assert SALT  # the form's own salt signs the real tokens


def test_a_refused_form_asks_a_new_question_and_keeps_the_message(client, today):
    response = post(client, today, answer="999")
    html = response.content.decode()
    assert "希望核验页面支持英文。" in html
    assert (
        'name="answer" id="id_answer" maxlength="10" inputmode="numeric" autocomplete="off" required>' in html
    )
    assert response.context["form"].challenge.token in html


def test_too_many_posts_from_one_address_get_a_chinese_429_and_save_nothing(client, today, settings):
    settings.REGISTRY_FEEDBACK_RATE = "2/h"
    assert post(client, today).status_code == 302
    assert post(client, today).status_code == 302
    response = post(client, today)
    assert response.status_code == 429
    assert "过多" in response.content.decode()
    assert "最多等待 60 分钟" in response.content.decode()
    assert Feedback.objects.count() == 2
    # Another client is not affected.
    token, answer = shown_form(client)
    today.shift(dt.timedelta(seconds=10))
    other = client.post(
        URL,
        {"topic": "other", "message": "另一处", "answer": answer, "token": token},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 302
