"""The test modules' dates of today follow the date in a run that crosses midnight."""
from __future__ import annotations

import sys
import types
from datetime import date, timedelta
from pathlib import Path

from app.models.base import uk_today
from tests import todays_dates

SOURCE = '''
from datetime import date, timedelta
from app.models.base import uk_today
START = date(2026, 3, 1)
TODAY = uk_today()
FIRST = TODAY - timedelta(days=30)
LATER = START + timedelta(days=1)
'''


def _module(tmp_path, name: str) -> types.ModuleType:
    path = tmp_path / f"{name}.py"
    path.write_text(SOURCE)
    module = types.ModuleType(name)
    module.__file__ = str(path)
    sys.modules[name] = module  # inspect reads the source through the module's file
    exec(compile(SOURCE, str(path), "exec"), module.__dict__)
    return module


def test_constants_of_today_are_worked_out_again_when_the_date_moves_on(tmp_path):
    module = _module(tmp_path, "dated_module_for_test")
    module.TODAY, module.FIRST = date(2026, 12, 6), date(2026, 11, 6)  # as if imported the day before
    tomorrow = date(2026, 12, 7)
    assert todays_dates.refresh(module, today=tomorrow) == ["TODAY", "FIRST"]  # its first test
    assert (module.TODAY, module.FIRST) == (uk_today(), uk_today() - timedelta(days=30))
    assert module.START == date(2026, 3, 1) and module.LATER == date(2026, 3, 2)  # fixed dates kept
    assert todays_dates.refresh(module, today=tomorrow) == []  # the same day: nothing again
    assert todays_dates.refresh(module, today=tomorrow + timedelta(days=1)) == ["TODAY", "FIRST"]


def test_every_test_module_with_a_date_of_today_is_covered():
    """The modules named in the run that crossed midnight have statements to work out again."""
    import tests.test_support_bulk_fallbacks as bulk
    import tests.test_support_services as services

    assert [t.id for s in todays_dates.constants_of_today(services) for t in s.targets] == ["TODAY"]
    assert [t.id for s in todays_dates.constants_of_today(bulk) for t in s.targets] == ["TODAY", "FIRST"]


def test_a_helper_modules_dates_follow_the_date_too(tmp_path):
    """A test calling another test module's helper (test_referral_sources calls test_referrals'
    referral_form) gets that module's constants worked out again too."""
    helper = _module(tmp_path, "tests.dated_helper_for_test")
    try:
        helper.TODAY = date(2026, 12, 6)
        todays_dates.refresh_loaded(today=date(2026, 12, 9))
        assert helper.TODAY == uk_today() and helper.FIRST == uk_today() - timedelta(days=30)
    finally:
        del sys.modules["tests.dated_helper_for_test"]


FROZEN = '''
import pytest
from datetime import timedelta
from app.models.base import uk_today
TODAY = uk_today()
FIRST = TODAY - timedelta(days=30)
SOON = 3

def _form(on=TODAY, later=SOON, *, start=FIRST + timedelta(days=2)):
    return on

@pytest.mark.parametrize("on", [FIRST, uk_today()])
def test_something(on, fixed=SOON):
    assert on <= TODAY

class TestGroup:
    @pytest.mark.parametrize("days", [1, 2])
    def test_fine(self, days, on=None):
        assert (on or TODAY) + timedelta(days=days) > FIRST
'''


def test_dates_of_today_worked_out_once_at_definition_are_found():
    assert todays_dates.frozen_uses(FROZEN) == [(9, "FIRST"), (9, "TODAY"), (12, "FIRST"), (12, "uk_today()")]


def test_no_test_module_works_out_a_date_of_today_once_for_all():
    """No parametrize argument or default value in the suite is a date of today: it would be the
    day of collection in a run that crosses midnight. Offsets in days, turned into dates in the
    test, or a default of None, are worked out when the test runs."""
    folder = Path(__file__).parent
    found = [f"{path.relative_to(folder)}:{line} uses {name}" for path in sorted(folder.rglob("*.py"))
             for line, name in todays_dates.frozen_uses(path.read_text())]
    assert found == []
