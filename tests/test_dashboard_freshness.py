"""After records change, a commissioner sees how old the figures are, and the page learns when new ones are ready."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

from hypothesis import given, strategies as st
from sqlalchemy import select

from app.dashboard.freshness import age_in_words
from app.extensions import db
from app.models.base import utcnow
from app.models.dashboard_cache import DashboardCache
from app.security import Role
from tests import factories
from tests.test_dashboard import service, text_of  # noqa: F401  (service is a fixture)

WINTER_NOW = datetime(2026, 12, 2, 5, 30)  # GMT: UK time is UTC
SUMMER_NOW = datetime(2026, 7, 2, 8, 0)    # BST: UK time is 09:00


def test_figures_minutes_and_hours_old_are_counted_down_to_the_whole_unit():
    assert age_in_words(datetime(2026, 12, 2, 5, 29, 30), WINTER_NOW) == "less than a minute ago"
    assert age_in_words(datetime(2026, 12, 2, 5, 29), WINTER_NOW) == "1 minute ago"
    assert age_in_words(datetime(2026, 12, 2, 4, 45, 1), WINTER_NOW) == "44 minutes ago"
    assert age_in_words(datetime(2026, 12, 2, 4, 30), WINTER_NOW) == "1 hour ago"
    assert age_in_words(datetime(2026, 12, 2, 2, 30), WINTER_NOW) == "3 hours ago"
    # Before midnight but under six hours ago: hours say it better than "yesterday".
    assert age_in_words(datetime(2026, 12, 1, 23, 45), WINTER_NOW) == "5 hours ago"
    assert age_in_words(datetime(2026, 12, 1, 23, 0), WINTER_NOW) == "yesterday at 11pm"


def test_figures_from_yesterday_say_the_uk_clock_time():
    assert age_in_words(datetime(2026, 12, 1, 16, 0), WINTER_NOW) == "yesterday at 4pm"
    assert age_in_words(datetime(2026, 12, 1, 16, 30), WINTER_NOW) == "yesterday at 4:30pm"
    assert age_in_words(datetime(2026, 12, 1, 12, 0), WINTER_NOW) == "yesterday at midday"
    assert age_in_words(datetime(2026, 12, 1, 9, 5), WINTER_NOW) == "yesterday at 9:05am"
    # 15:00 UTC in July is 4pm British Summer Time.
    assert age_in_words(datetime(2026, 7, 1, 15, 0), SUMMER_NOW) == "yesterday at 4pm"


def test_figures_calculated_after_uk_midnight_in_summer_are_from_today():
    # 23:30 UTC on 1 July is 00:30 on 2 July in the UK: today, eight and a half hours ago.
    assert age_in_words(datetime(2026, 7, 1, 23, 30), SUMMER_NOW) == "8 hours ago"


def test_older_figures_say_days_then_the_date():
    assert age_in_words(datetime(2026, 11, 30, 10, 0), WINTER_NOW) == "2 days ago"
    assert age_in_words(datetime(2026, 11, 19, 10, 0), WINTER_NOW) == "13 days ago"
    assert age_in_words(datetime(2026, 11, 3, 16, 0), WINTER_NOW) == "on 3 November 2026"


PHRASE = re.compile(r"less than a minute ago|([1-9]|[1-5]\d) minutes? ago|([1-9]|1\d|2[0-3]) hours? ago"
                    r"|yesterday at (midday|midnight|([1-9]|1[0-2])(:[0-5]\d)?[ap]m)|([2-9]|1[0-3]) days ago"
                    r"|on [1-9]\d? [A-Z][a-z]+ \d{4}")


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1)),
       st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)))
def test_any_age_reads_as_one_plain_phrase(now, age):
    assert PHRASE.fullmatch(age_in_words(now - age, now))


def _status(client, query: str = "") -> dict:
    response = client.get(f"/dashboard/status{query}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("no-store") or "no-store" in response.headers["Cache-Control"]
    return response.get_json()


def test_only_commissioners_and_managers_may_ask_whether_figures_are_ready(client, sign_in, service):
    for role in Role:
        sign_in.as_role(role)
        expected = 200 if role in (Role.COMMISSIONER, Role.MANAGER) else 403
        assert client.get("/dashboard/status").status_code == expected, role
        sign_in.out()


def test_stale_figures_say_their_age_and_the_status_turns_fresh_after_the_background_calculation(
        app, client, sign_in, service):
    from app.analytics import refresh

    app.config["DASHBOARD_BACKGROUND_REFRESH"] = True
    sign_in.as_role(Role.COMMISSIONER)
    client.get("/dashboard/?locality=North")  # never calculated before: calculated while the visitor waits
    assert _status(client, "?locality=North")["fresh"] is True
    # Make the stored figures three hours old, then change the records.
    row = db.session.scalars(select(DashboardCache)).one()
    figures = json.loads(row.figures)
    figures["computed_at"] = (utcnow() - timedelta(hours=3, minutes=5)).isoformat(timespec="seconds")
    row.figures = json.dumps(figures)
    db.session.commit()
    factories.supported_person(service[0].referral.practice, referred_on=date(2024, 2, 1))

    page = text_of(client.get("/dashboard/?locality=North"))
    assert "These figures were calculated 3 hours ago." in page
    assert 'data-hl-status="/dashboard/status?locality=North"' in page
    assert '<a href="/dashboard/?locality=North">reload this view</a>' in page  # without JavaScript
    assert "js/dashboard-refresh.js" in page
    answer = _status(client, "?locality=North")
    assert answer == {"fresh": False, "calculated_at": None}

    assert refresh.wait(timeout=120)
    answer = _status(client, "?locality=North")
    assert set(answer) == {"fresh", "calculated_at"}
    assert answer["fresh"] is True
    calculated = datetime.fromisoformat(answer["calculated_at"])
    assert abs(calculated.replace(tzinfo=None) - utcnow()) < timedelta(minutes=2)
    page = text_of(client.get("/dashboard/?locality=North"))
    assert 'id="stale-note"' not in page and 'data-figure="referred">11<' in page


def test_status_of_a_view_nobody_opened_gets_it_calculated(app, client, sign_in, service):
    from app.analytics import refresh

    app.config["DASHBOARD_BACKGROUND_REFRESH"] = True
    sign_in.as_role(Role.MANAGER)
    assert _status(client, "?practice=M82002") == {"fresh": False, "calculated_at": None}
    assert refresh.wait(timeout=120)
    assert _status(client, "?practice=M82002")["fresh"] is True


def test_with_background_calculation_off_the_page_is_always_fresh_and_shows_no_note(app, client, sign_in, service):
    sign_in.as_role(Role.COMMISSIONER)
    client.get("/dashboard/")
    factories.supported_person(service[0].referral.practice, referred_on=date(2024, 2, 1))
    page = text_of(client.get("/dashboard/"))
    assert 'id="stale-note"' not in page and 'data-figure="referred">17<' in page
    assert _status(client)["fresh"] is True
