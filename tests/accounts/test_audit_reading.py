"""The auditor reads sign-in, second-factor and account events in Chinese, never as the stored keys."""

import pytest

from audit.describe import summary
from audit.models import Action
from audit.services import audit_log

pytestmark = pytest.mark.django_db

STORED = [
    (Action.LOGIN, {"page": "site"}),
    (Action.LOGIN_FAILED, {"page": "admin"}),
    (Action.LOCKED_OUT, {"page": "site", "reason": "limit_reached"}),
    (Action.LOGOUT, {"reason": "idle_timeout"}),
    (Action.OTP_ENROLLED, {"recovery_codes": 10}),
    (Action.OTP_FAILED, {"kind": "recovery", "throttled": True}),
    (Action.OTP_FAILED, {"step": "enrol"}),
    (Action.OTP_RECOVERY_USED, {"left": 9}),
    (Action.USER_CREATED, {"roles": ["enterprise"], "is_superuser": False, "employer": 3}),
    (Action.USER_CHANGED, {"fields": ["email", "is_active"]}),
    (Action.ROLE_CHANGED, {"roles_before": ["enterprise"], "roles_after": [], "superuser_before": False}),
]
RAW = ["page", "site", "admin", "reason", "idle_timeout", "limit_reached", "recovery_codes", "kind",
       "recovery", "throttled", "step", "enrol", "left", "roles", "is_superuser", "employer", "fields",
       "email", "is_active", "enterprise", "superuser_before", "True", "False"]  # fmt: skip


@pytest.mark.parametrize(("action", "detail"), STORED, ids=[f"{a}-{i}" for i, (a, _d) in enumerate(STORED)])
def test_each_event_reads_in_chinese(action, detail):
    text = summary(audit_log(action=action, actor_label="someone", detail=detail))
    assert text
    assert not [word for word in RAW if word in text], text
