import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from .portal import TODAY


@pytest.fixture
def today():
    """The portal's pages on a fixed day (20 November 2026), so that "this year" and "ended" hold."""
    moment = dt.datetime(TODAY.year, TODAY.month, TODAY.day, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=False):
        yield TODAY
