"""The 5/10/5 working-day deadlines of the pilot plan, computed only here and only through workdays.

- acceptance decision (受理/不予受理) or the one-time correction notice: 5 working days after receipt;
- approval (审批): 10 working days after receipt of complete materials;
- issuance of the certificate (颁发证书): 5 working days after approval.

Counting starts the day after the event; the deadline is the end of the Nth working day.
A due date that counts through a year whose schedule is not yet published is provisional
(`workdays.working_days.is_provisional`, shown beside it); it is recomputed when the calendar changes.
"""

import datetime as dt

from workdays.working_days import add_working_days

ACCEPTANCE_WORKING_DAYS = 5
APPROVAL_WORKING_DAYS = 10
ISSUANCE_WORKING_DAYS = 5


def acceptance_due(received_on: dt.date) -> dt.date:
    return add_working_days(received_on, ACCEPTANCE_WORKING_DAYS)


def approval_due(complete_on: dt.date) -> dt.date:
    return add_working_days(complete_on, APPROVAL_WORKING_DAYS)


def issuance_due(approved_on: dt.date) -> dt.date:
    return add_working_days(approved_on, ISSUANCE_WORKING_DAYS)
