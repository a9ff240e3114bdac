"""Lone working: check-in shows the risks first, check-out logs the visit, and the manager's
panel shows visits in progress with the overdue ones first."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Contact, HomeVisit, User
from app.models.base import long_date, uk_local, utcnow
from app.security import Role
from app.services import visits
from app.services.errors import RuleBroken
from tests import factories


@pytest.fixture
def officer(app):
    return factories.user(role=Role.LINK_OFFICER, name="Olive Officer")


@pytest.fixture
def episode(officer):
    referral = factories.referral(status="allocated", risks=("aggression",), given_name="Vera")
    referral.risk_notes = "Son can be verbally aggressive; visit in pairs if he is home."
    db.session.commit()
    return factories.episode(officer, referral_=referral)


def test_check_in_page_shows_the_risks_before_the_button(client, sign_in, officer, episode):
    sign_in.as_user(officer)
    html = client.get(f"/people/{episode.person_id}/visits/check-in").get_data(as_text=True)
    risks_at = html.index("History of aggression or violence")
    assert "visit in pairs" in html
    assert risks_at < html.index(">Check in<")


def test_check_in_needs_an_expected_end_and_confirmation(client, sign_in, no_csrf, officer, episode):
    sign_in.as_user(officer)
    response = client.post(f"/people/{episode.person_id}/visits/check-in", data={"note": "Back door"})
    html = response.get_data(as_text=True)
    assert "Enter the time you expect to leave" in html
    assert "Confirm you have read the risk information" in html
    assert 'value="Back door"' in html
    assert db.session.scalar(select(HomeVisit)) is None


def test_officer_checks_in_and_out_and_the_visit_is_logged(client, sign_in, no_csrf, officer, episode):
    sign_in.as_user(officer)
    end = uk_local(utcnow() + timedelta(hours=1))  # after 23:00 UK time, tomorrow's
    response = client.post(f"/people/{episode.person_id}/visits/check-in",
                           data={"expected_end": end.strftime("%H:%M"), "risks_read": "y"})
    assert response.status_code == 303
    visit = db.session.scalar(select(HomeVisit))
    assert visit.checked_out_at is None
    response = client.post(f"/people/{episode.person_id}/visits/{visit.id}/check-out",
                           data={"notes": "Talked about the garden", "who_was_there": "Vera"})
    assert response.status_code == 303
    db.session.refresh(visit)
    contact = db.session.get(Contact, visit.contact_id)
    assert (contact.kind, contact.status, contact.notes) == ("home_visit", "held", "Talked about the garden")
    assert contact.duration_minutes >= 1


def test_manager_panel_shows_overdue_visits_first_and_in_progress(client, sign_in, officer, episode):
    now = utcnow()
    visits.check_in(by=officer, episode=episode, expected_end_at=now - timedelta(minutes=30),
                    now=now - timedelta(hours=2))
    colleague = factories.user(role=Role.LINK_OFFICER, name="Colin Colleague")
    visits.check_in(by=colleague, episode=episode, expected_end_at=now + timedelta(minutes=30), now=now)
    sign_in.as_role(Role.MANAGER)
    html = client.get("/visits/").get_data(as_text=True)
    assert "1 overdue visit" in html
    overdue_section, rest = html.split("<h2>In progress</h2>")
    assert "Olive Officer" in overdue_section and "Overdue by 30 min" in overdue_section
    assert "Record Olive Officer as safe</a>" in overdue_section  # whom the link is for, read out alone
    assert "Colin Colleague" in rest.split("Visit history")[0] and "as safe" not in rest.split("Visit history")[0]


def test_a_visit_overdue_over_an_hour_says_hours_and_a_late_check_out_says_how_late(client, sign_in, officer,
                                                                                    episode):
    """"Overdue by 1 hr 33 min", not "93 min"; in the history, a visit checked out after it had become
    overdue says how long after its expected end (one within the grace says nothing)."""
    now = utcnow()
    other = factories.episode(officer)
    done = visits.check_in(by=officer, episode=other, expected_end_at=now - timedelta(hours=5),
                           now=now - timedelta(hours=6))
    visits.check_out(by=officer, visit=done, notes="Fine", now=now - timedelta(hours=3, minutes=50))  # 70 min late
    colleague = factories.user(role=Role.LINK_OFFICER, name="Colin Colleague")
    in_grace = visits.check_in(by=colleague, episode=other, expected_end_at=now - timedelta(hours=7),
                               now=now - timedelta(hours=8))
    visits.check_out(by=colleague, visit=in_grace, now=now - timedelta(hours=7) + timedelta(minutes=10))
    visits.check_in(by=officer, episode=episode, expected_end_at=now - timedelta(minutes=93, seconds=20),
                    now=now - timedelta(hours=3))
    sign_in.as_role(Role.MANAGER)
    html = client.get("/visits/").get_data(as_text=True)
    assert "Overdue by 1 hr 33 min" in html and "93 min" not in html
    history = [" ".join(re.sub(r"<[^>]+>", " ", item).split())
               for item in html.split("Visit history")[1].split('<li class="hl-contact">')[1:]]
    assert len(history) == 2
    assert "Olive Officer" in history[0] and "Checked out 1 hr 10 min late" in history[0]
    assert "Colin Colleague" in history[1] and "Checked out" not in history[1]


def test_within_the_grace_a_late_visit_is_not_yet_overdue(app, client, sign_in, officer, episode):
    now = utcnow()
    visits.check_in(by=officer, episode=episode, expected_end_at=now - timedelta(minutes=10),
                    now=now - timedelta(hours=1))
    sign_in.as_role(Role.MANAGER)
    html = client.get("/visits/").get_data(as_text=True)
    assert "No overdue visits" in html
    app.config["VISIT_OVERDUE_GRACE_MINUTES"] = 5
    assert "1 overdue visit" in client.get("/visits/").get_data(as_text=True)


def test_manager_can_record_an_overdue_officer_as_safe(client, sign_in, no_csrf, officer, episode):
    now = utcnow()
    visit = visits.check_in(by=officer, episode=episode, expected_end_at=now - timedelta(minutes=40),
                            now=now - timedelta(hours=1))
    manager = sign_in.as_role(Role.MANAGER)
    response = client.post(f"/people/{episode.person_id}/visits/{visit.id}/check-out",
                           data={"notes": "Phoned Olive, she is fine"})
    assert response.status_code == 303
    db.session.refresh(visit)
    assert visit.checked_out_by_id == manager.id
    assert "after confirming the officer was safe" in visit.contact.notes


def test_visit_history_lists_finished_visits(client, sign_in, officer, episode):
    start = utcnow() - timedelta(hours=3)
    visit = visits.check_in(by=officer, episode=episode, expected_end_at=start + timedelta(hours=1), now=start)
    visits.check_out(by=officer, visit=visit, now=start + timedelta(minutes=50))
    sign_in.as_role(Role.MANAGER)
    html = client.get("/visits/").get_data(as_text=True)
    history = html.split("Visit history")[1]
    assert "Olive Officer" in history and "No overdue visits" in html


def _alert(html: str) -> str | None:
    """The overdue-visit alert's words, or None where the page has none."""
    marker = 'class="nhsuk-notification-banner hl-overdue-alert"'
    if marker not in html:
        return None
    banner = html.split(marker, 1)[1].split("</div>\n</div>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", banner.split(">", 1)[1]).split())


def test_a_manager_sees_an_overdue_visit_on_every_page_not_only_the_visits_panel(client, sign_in, officer, episode):
    now = utcnow()
    visit = visits.check_in(by=officer, episode=episode, expected_end_at=now - timedelta(minutes=40, seconds=20),
                            now=now - timedelta(hours=2))
    end = uk_local(visit.expected_end_at).strftime("%H:%M")
    sign_in.as_role(Role.MANAGER)
    for path in ("/triage/", "/referrals/", "/caseload/", "/safeguarding/", "/people/find", f"/people/{episode.person_id}"):
        html = client.get(path).get_data(as_text=True)
        assert _alert(html) == (f"1 overdue home visit Olive Officer has not checked out of a home visit due to end at"
                                f" {end} (40 min ago). Call the officer first, then follow the lone-working escalation."
                                " See the overdue visit and record an officer as safe"), path
        assert 'class="nhsuk-notification-banner__link" href="/visits/"' in html
    assert _alert(client.get("/visits/").get_data(as_text=True)) is None  # it lists them in full
    assert _alert(client.get("/people/999999").get_data(as_text=True)) is None  # an error page
    visits.check_out(by=officer, visit=visit)
    assert _alert(client.get("/triage/").get_data(as_text=True)) is None


def test_the_alert_lists_several_overdue_officers_longest_first_and_waits_for_the_grace(client, sign_in, officer,
                                                                                     episode):
    now = utcnow()
    colleague = factories.user(role=Role.LINK_OFFICER, name="<b>Colin</b> & Co")
    theirs = factories.episode(colleague)
    visits.check_in(by=officer, episode=episode, expected_end_at=now - timedelta(minutes=10), now=now - timedelta(hours=1))
    sign_in.as_role(Role.MANAGER)
    assert _alert(client.get("/triage/").get_data(as_text=True)) is None  # 10 min: within the 15 min grace
    visits.check_in(by=colleague, episode=theirs, expected_end_at=now - timedelta(hours=1, minutes=5, seconds=30),
                    now=now - timedelta(hours=3))
    html = client.get("/triage/").get_data(as_text=True)
    assert "&lt;b&gt;Colin&lt;/b&gt; &amp; Co" in html and "<b>Colin</b>" not in html
    assert _alert(html).startswith("1 overdue home visit &lt;b&gt;Colin&lt;/b&gt; &amp; Co has not checked out")
    assert "(1 hr 5 min ago)" in _alert(html)
    client.application.config["VISIT_OVERDUE_GRACE_MINUTES"] = 5
    alert = _alert(client.get("/triage/").get_data(as_text=True))
    assert alert.startswith("2 overdue home visits These officers have not checked out of a home visit:"
                            " &lt;b&gt;Colin&lt;/b&gt; &amp; Co, due to end at")
    assert alert.index("Colin") < alert.index("Olive Officer, due to end at") and "(10 min ago)" in alert
    assert "See the overdue visits and record an officer as safe" in alert


def test_a_managers_page_keeps_the_alert_where_its_script_asks_for_it_again(app, client, sign_in, officer,
                                                                           episode):
    """The alert's address answers with the alert as the page draws it (nothing when no visit is
    overdue), never kept by a cache; every manager's page but the visits panel says where and how
    often to ask."""
    sign_in.as_role(Role.MANAGER)
    response = client.get("/visits/alert")
    assert response.get_data(as_text=True).strip() == "" and response.headers["Cache-Control"] == "no-store"
    app.config["OVERDUE_ALERT_POLL_SECONDS"] = 30
    html = client.get("/triage/").get_data(as_text=True)
    assert '<div id="hl-overdue-alert" class="hl-no-print" data-hl-alert="/visits/alert" data-hl-every="30"></div>' in html
    assert '<p class="nhsuk-u-visually-hidden" id="hl-overdue-news" aria-live="polite"></p>' in html
    visits_page = client.get("/visits/").get_data(as_text=True)  # lists them itself: no banner, its own ids
    assert ('data-hl-alert="/visits/alert?board=1" data-hl-every="30" data-hl-listed="" data-hl-open=""></div>'
            in visits_page and _alert(visits_page) is None)
    now = utcnow()
    first = visits.check_in(by=officer, episode=episode, expected_end_at=now - timedelta(minutes=30),
                            now=now - timedelta(hours=1))
    colleague = factories.user(role=Role.LINK_OFFICER, name="Colin Colleague")
    second = visits.check_in(by=colleague, episode=factories.episode(colleague),
                             expected_end_at=now - timedelta(minutes=50), now=now - timedelta(hours=1))
    fragment = client.get("/visits/alert").get_data(as_text=True)
    assert f'data-hl-visits="{second.id},{first.id}"' in fragment  # the longest overdue first
    assert _alert(fragment).startswith("2 overdue home visits") and "<html" not in fragment
    page = client.get("/triage/").get_data(as_text=True)
    assert fragment.strip() in page  # the same markup the script puts in place of the page's own
    visits_page = client.get("/visits/").get_data(as_text=True)
    assert (f'data-hl-listed="{second.id},{first.id}" data-hl-open="{first.id},{second.id}"></div>' in visits_page
            and _alert(visits_page) is None)


def test_the_visits_page_is_told_which_visits_are_under_way_and_no_other_page_is(client, sign_in, officer, episode):
    """Kept open, the Visits page asks with `board=1` and is given the ids of every visit under way
    (overdue or not, in order), so it can open itself again when one starts or ends; the alert on
    every other page asks without it and is given no ids beyond the overdue ones'."""
    sign_in.as_role(Role.MANAGER)
    assert 'data-hl-open=""' in client.get("/visits/alert?board=1").get_data(as_text=True)
    now = utcnow()
    late = visits.check_in(by=officer, episode=episode, expected_end_at=now - timedelta(minutes=30),
                           now=now - timedelta(hours=1))
    colleague = factories.user(role=Role.LINK_OFFICER)
    on_time = visits.check_in(by=colleague, episode=factories.episode(colleague),
                              expected_end_at=now + timedelta(minutes=30), now=now)
    board = client.get("/visits/alert?board=1").get_data(as_text=True)
    assert f'<div hidden data-hl-open="{late.id},{on_time.id}"></div>' in board
    assert f'data-hl-visits="{late.id}"' in board  # the alert itself as before
    for plain in ("/visits/alert", "/visits/alert?board=0", "/visits/alert?board=yes"):
        answer = client.get(plain)
        assert answer.status_code == 200 and "data-hl-open" not in answer.get_data(as_text=True)
    visits.check_out(by=colleague, visit=on_time)
    assert f'data-hl-open="{late.id}"' in client.get("/visits/alert?board=1").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.LINK_OFFICER, Role.GP_PRACTICE, Role.COMMISSIONER, Role.ADMIN])
def test_only_the_manager_may_ask_for_the_alert(client, sign_in, role):
    sign_in.as_role(role)
    assert client.get("/visits/alert").status_code == 403


@pytest.mark.parametrize("role", [Role.LINK_OFFICER, Role.GP_PRACTICE, Role.COMMISSIONER, Role.ADMIN])
def test_only_the_manager_is_alerted(client, sign_in, officer, episode, role):
    now = utcnow()
    visits.check_in(by=officer, episode=episode, expected_end_at=now - timedelta(hours=1), now=now - timedelta(hours=2))
    if role is Role.LINK_OFFICER:
        sign_in.as_user(officer)  # even the officer on the visit: their caseload says so in its own words
    else:
        sign_in.as_role(role)
    html = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "<h1" in html and _alert(html) is None and "hl-overdue-news" not in html  # nor the script's region


def _finished_visits(officer, episode, starts) -> list[HomeVisit]:
    """Finished hour-long visits at each of `starts`, written straight in (the history reads them as
    they are; the service's own check-in and out are tested above)."""
    made = [HomeVisit(episode=episode, officer_id=officer.id, checked_in_at=start,
                      expected_end_at=start + timedelta(hours=1), checked_out_at=start + timedelta(minutes=55),
                      checked_out_by_id=officer.id) for start in starts]
    db.session.add_all(made)
    db.session.commit()
    return made


def _history_people(html: str) -> list[str]:
    """The person linked on each line of the history, in order."""
    history = html.split('id="history"')[1]
    return re.findall(r'<a href="/people/(\d+)#safety">', history)


def test_the_history_shows_twenty_visits_a_page_the_latest_first_and_counts_them_all(client, sign_in, officer):
    now = utcnow().replace(microsecond=0)
    people = [factories.episode(officer) for _ in range(23)]
    for hours_ago, episode_ in enumerate(people, start=1):  # the first person's visit is the latest
        _finished_visits(officer, episode_, [now - timedelta(hours=hours_ago * 6)])
    _finished_visits(officer, people[0], [now - timedelta(days=14, hours=1)])  # too old to show
    sign_in.as_role(Role.MANAGER)
    first = client.get("/visits/").get_data(as_text=True)
    assert "23 visits finished in the last 14 days, the latest first." in first
    assert "Showing 1 to 20 of 23 visits (page 1 of 2)" in first
    assert _history_people(first) == [str(e.person_id) for e in people[:20]]
    assert 'href="/visits/?page=2#history"' in first
    second = client.get("/visits/?page=2").get_data(as_text=True)
    assert _history_people(second) == [str(e.person_id) for e in people[20:]]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "visits.list")
                                .order_by(AuditEvent.id)).all()
    assert [e.detail.split(":")[0] for e in events] == ["20 people", "3 people"]  # only whom each page showed


def test_the_history_shows_one_officers_visits_chosen_from_those_with_visits(client, sign_in, officer, episode):
    now = utcnow().replace(microsecond=0)
    colleague = factories.user(role=Role.LINK_OFFICER, name="Colin Colleague")
    factories.user(role=Role.LINK_OFFICER, name="Idle Ivy")  # no visits: not a choice
    theirs = factories.episode(colleague)
    _finished_visits(officer, episode, [now - timedelta(hours=5), now - timedelta(days=2)])
    _finished_visits(colleague, theirs, [now - timedelta(hours=3)])
    sign_in.as_role(Role.MANAGER)
    html = client.get("/visits/").get_data(as_text=True)
    choices = re.findall(r'<option value="(\d*)"[^>]*>([^<]+)</option>', html.split('id="officer"')[1])
    assert choices == [("", "All officers"), (str(colleague.id), "Colin Colleague"), (str(officer.id), "Olive Officer")]
    assert len(_history_people(html)) == 3
    html = client.get(f"/visits/?officer={officer.id}").get_data(as_text=True)
    assert "2 visits by Olive Officer finished in the last 14 days" in html
    assert _history_people(html) == [str(episode.person_id)] * 2
    assert f'<option value="{officer.id}" selected>' in html and "All officers' visits" in html
    idle = db.session.scalar(select(User.id).where(User.name == "Idle Ivy"))
    for unknown in (str(idle), "999999", "abc", "-1", "1e9"):  # not a choice: every officer's visits
        html = client.get(f"/visits/?officer={unknown}").get_data(as_text=True)
        assert len(_history_people(html)) == 3 and "All officers' visits" not in html, unknown


def test_an_officer_with_no_visits_in_the_fortnight_reads_so(client, sign_in, officer, episode):
    _finished_visits(officer, episode, [utcnow() - timedelta(days=15)])
    sign_in.as_role(Role.MANAGER)
    html = client.get("/visits/").get_data(as_text=True)
    assert "No home visits in the last 14 days." in html and 'id="officer"' not in html


@pytest.mark.parametrize(("checked_out_after", "grace", "expected"), [
    (timedelta(minutes=-20), 15, None), (timedelta(minutes=15), 15, None),
    (timedelta(minutes=15, seconds=1), 15, 15), (timedelta(hours=2, minutes=3, seconds=59), 15, 123),
    (timedelta(minutes=1), 0, 1)])
def test_a_finished_visit_says_how_long_after_its_expected_end_it_was_checked_out(checked_out_after, grace,
                                                                                    expected):
    end = datetime(2026, 12, 7, 10, 0)
    visit = HomeVisit(checked_in_at=end - timedelta(hours=1), expected_end_at=end, checked_out_at=end + checked_out_after)
    assert visit.minutes_overdue_at_check_out(grace) == expected
    assert HomeVisit(checked_in_at=end, expected_end_at=end).minutes_overdue_at_check_out(grace) is None


@pytest.mark.parametrize("role", [Role.LINK_OFFICER, Role.GP_PRACTICE, Role.COMMISSIONER])
def test_only_managers_see_the_visits_panel(client, sign_in, role):
    sign_in.as_role(role)
    assert client.get("/visits/").status_code == 403


@pytest.mark.parametrize(("now", "clock", "expected"), [
    (datetime(2026, 12, 6, 23, 15), time(0, 30), datetime(2026, 12, 7, 0, 30)),  # past midnight: tomorrow's
    (datetime(2026, 12, 6, 23, 15), time(23, 45), datetime(2026, 12, 6, 23, 45)),  # later today
    (datetime(2026, 12, 6, 14, 30), time(14, 0), datetime(2026, 12, 6, 14, 0)),  # just gone: today's
    (datetime(2026, 12, 6, 16, 0), time(0, 1), datetime(2026, 12, 7, 0, 1)),  # 8 h 1 min ahead: tomorrow's
    # British Summer Time: 23:30 on 1 July is 22:30 UTC; 00:45 on 2 July is 23:45 UTC on 1 July.
    (datetime(2026, 7, 1, 22, 30), time(0, 45), datetime(2026, 7, 1, 23, 45)),
])
def test_the_expected_end_is_the_nearer_of_today_and_tomorrow_at_that_uk_time(now, clock, expected):
    assert visits.expected_end_at(clock, now) == expected


@given(now=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)),
       clock=st.times().map(lambda t: t.replace(second=0, microsecond=0)))
def test_the_expected_end_is_today_unless_gone_and_a_time_gone_is_under_half_a_day_ago(now, clock):
    end = visits.expected_end_at(clock, now)
    today, local = uk_local(now).date(), uk_local(end)
    assert local.date() in (today, today + timedelta(days=1))
    if local.date() != today:
        assert visits.local_today_at(clock, now) <= now  # tomorrow's only once today's has gone
    if end <= now:
        assert now - end <= timedelta(hours=12, minutes=30)  # nearer than tomorrow's, 23-25 hours on
    if not time(1) <= clock < time(2):  # the hour the clocks skip in March does not exist
        assert local.time() == clock


def test_an_evening_visit_past_midnight_checks_in_and_a_time_gone_or_too_far_is_refused(officer, episode):
    late = datetime(2026, 12, 6, 23, 15)
    with pytest.raises(RuleBroken, match="later than now"):
        visits.check_in(by=officer, episode=episode, now=datetime(2026, 12, 6, 14, 30),
                        expected_end_at=visits.expected_end_at(time(14, 0), datetime(2026, 12, 6, 14, 30)))
    with pytest.raises(RuleBroken, match="up to 8 hours"):
        visits.check_in(by=officer, episode=episode, now=datetime(2026, 12, 6, 16, 0),
                        expected_end_at=visits.expected_end_at(time(0, 1), datetime(2026, 12, 6, 16, 0)))
    visit = visits.check_in(by=officer, episode=episode, now=late,
                            expected_end_at=visits.expected_end_at(time(0, 30), late))
    assert visit.expected_end_at == datetime(2026, 12, 7, 0, 30)


def test_the_check_in_form_after_11pm_takes_a_time_after_midnight_as_tomorrows(client, sign_in, no_csrf, officer,
                                                                                episode, monkeypatch):
    monkeypatch.setattr(visits, "utcnow", lambda: datetime(2026, 12, 6, 23, 15))
    sign_in.as_user(officer)
    response = client.post(f"/people/{episode.person_id}/visits/check-in",
                           data={"expected_end": "00:30", "risks_read": "y"}, follow_redirects=True)
    assert "Expected end 00:30 tomorrow" in response.get_data(as_text=True)
    assert db.session.scalar(select(HomeVisit.expected_end_at)) == datetime(2026, 12, 7, 0, 30)


def test_the_records_visit_history_reads_one_line_a_visit_on_the_uk_clock(client, sign_in, officer, episode):
    """The record lists each visit as its contacts are listed (it was a five-row stacked table a
    visit on a tablet): the day, from check-in to check-out in UK time (with the day it ended, past
    midnight), who and the expected end; a visit still going says so."""
    summer = datetime(2026, 7, 14, 13, 30)  # 14:30 BST
    done = visits.check_in(by=officer, episode=episode, expected_end_at=summer + timedelta(minutes=90), now=summer)
    visits.check_out(by=officer, visit=done, now=summer + timedelta(minutes=78))
    late = datetime(2026, 11, 24, 23, 10)  # GMT: the UK clock reads the same
    night = visits.check_in(by=officer, episode=episode, expected_end_at=late + timedelta(hours=1), now=late)
    visits.check_out(by=officer, visit=night, now=late + timedelta(minutes=70))
    now = utcnow()
    visits.check_in(by=officer, episode=episode, expected_end_at=now + timedelta(hours=1), now=now)
    sign_in.as_user(officer)
    html = client.get(f"/people/{episode.person_id}").get_data(as_text=True)
    history = html.split("<h3>Visit history</h3>")[1].split("</ul>")[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", history).split())
    assert "14 July 2026 · 14:30 to 15:48 Olive Officer · expected to end by 16:00" in text
    assert "24 November 2026 · 23:10 to 00:20 on 25 November 2026 Olive Officer · expected to end by 00:10" in text
    assert (f"{long_date(uk_local(now).date())} · checked in at {uk_local(now):%H:%M} In progress Olive Officer"
            f" · expected to end by {uk_local(now + timedelta(hours=1)):%H:%M}") in text
    assert "<table" not in history


def _extend_events() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "visit.extend")
                                   .order_by(AuditEvent.id)))


def test_the_officer_staying_longer_changes_the_expected_end_and_the_manager_is_no_longer_alerted(
        client, sign_in, no_csrf, officer, episode):
    now = utcnow()
    visit = visits.check_in(by=officer, episode=episode, expected_end_at=now - timedelta(minutes=20),
                            now=now - timedelta(hours=1))
    sign_in.as_role(Role.MANAGER)
    assert _alert(client.get("/triage/").get_data(as_text=True)) is not None
    sign_in.out()
    sign_in.as_user(officer)
    caseload = client.get("/caseload/").get_data(as_text=True)
    path = f"/people/{episode.person_id}/visits/{visit.id}/expected-end"
    assert f'href="{path}">Staying longer? Change the expected end</a>' in caseload
    assert f'href="{path}"' in client.get(f"/people/{episode.person_id}").get_data(as_text=True)
    form = client.get(path).get_data(as_text=True)
    assert f"expecting to leave by <strong>{uk_local(visit.expected_end_at):%H:%M}</strong>" in form
    new_end = uk_local(now + timedelta(minutes=45)).strftime("%H:%M")
    response = client.post(path, data={"expected_end": new_end}, follow_redirects=True)
    day = " tomorrow" if uk_local(now + timedelta(minutes=45)).date() != uk_local(visit.checked_in_at).date() else ""
    assert f"Expected end changed to {new_end}{day}." in response.get_data(as_text=True)
    db.session.refresh(visit)
    assert uk_local(visit.expected_end_at).strftime("%H:%M") == new_end and visit.checked_out_at is None
    assert len(_extend_events()) == 1 and _extend_events()[0].startswith(f"episode {episode.id}: visit {visit.id}, expected end ")
    sign_in.out()
    sign_in.as_role(Role.MANAGER)
    assert _alert(client.get("/triage/").get_data(as_text=True)) is None


def test_a_new_expected_end_gone_or_missing_is_refused_beside_the_field_and_nothing_changes(
        client, sign_in, no_csrf, officer, episode):
    now = utcnow()
    visit = visits.check_in(by=officer, episode=episode, expected_end_at=now + timedelta(minutes=30),
                            now=now - timedelta(minutes=30))
    end = visit.expected_end_at
    sign_in.as_user(officer)
    path = f"/people/{episode.person_id}/visits/{visit.id}/expected-end"
    html = client.post(path, data={"expected_end": ""}).get_data(as_text=True)
    assert "Enter the time you now expect to leave, like 15:15" in html and "<title>Error:" in html
    gone = uk_local(now - timedelta(minutes=5)).strftime("%H:%M")
    html = client.post(path, data={"expected_end": gone}).get_data(as_text=True)
    assert "The expected end time must be later than now" in html and f'value="{gone}"' in html
    db.session.refresh(visit)
    assert visit.expected_end_at == end and _extend_events() == []


def test_only_the_officer_on_an_unfinished_visit_may_change_its_expected_end(client, sign_in, officer, episode):
    now = utcnow()
    visit = visits.check_in(by=officer, episode=episode, expected_end_at=now + timedelta(minutes=30), now=now)
    path = f"/people/{episode.person_id}/visits/{visit.id}/expected-end"
    colleague = sign_in.as_role(Role.LINK_OFFICER)
    assert client.get(path).status_code == 404
    assert "Change the expected end" not in client.get(f"/caseload/?officer={officer.id}").get_data(as_text=True)
    sign_in.out()
    sign_in.as_role(Role.MANAGER)
    assert client.get(path).status_code == 403
    assert "Change the expected end" not in client.get(f"/people/{episode.person_id}").get_data(as_text=True)
    with pytest.raises(RuleBroken, match="Only the officer on the visit"):
        visits.extend(by=colleague, visit=visit, expected_end_at=now + timedelta(hours=1))
    visits.check_out(by=officer, visit=visit)
    sign_in.out()
    sign_in.as_user(officer)
    assert client.get(path).status_code == 404
    with pytest.raises(RuleBroken, match="already checked out"):
        visits.extend(by=officer, visit=visit, expected_end_at=now + timedelta(hours=1))


@pytest.mark.parametrize(("hours_after_check_in", "allowed"), [(8, True), (8.01, False)])
def test_a_visit_can_be_planned_to_last_up_to_eight_hours_from_its_check_in(officer, episode, hours_after_check_in,
                                                                           allowed):
    start = utcnow() - timedelta(hours=2)
    visit = visits.check_in(by=officer, episode=episode, expected_end_at=start + timedelta(hours=1), now=start)
    new_end = start + timedelta(hours=hours_after_check_in)
    if allowed:
        assert visits.extend(by=officer, visit=visit, expected_end_at=new_end).expected_end_at == new_end
    else:
        with pytest.raises(RuleBroken, match="up to 8 hours from check-in"):
            visits.extend(by=officer, visit=visit, expected_end_at=new_end)


def test_the_caseloads_visit_in_progress_says_when_it_is_overdue_and_offers_what_each_may_do(
        client, sign_in, officer, episode):
    now = utcnow()
    visit = visits.check_in(by=officer, episode=episode, expected_end_at=now - timedelta(minutes=30),
                            now=now - timedelta(hours=1))
    check_out = f'href="/people/{episode.person_id}/visits/{visit.id}/check-out"'
    extend = f'href="/people/{episode.person_id}/visits/{visit.id}/expected-end"'

    def callout(html: str) -> str:
        part = html.split("Home visit in progress", 1)[1].split("</div>\n</div>", 1)[0]
        return " ".join(re.sub(r"<[^>]+>", " ", part).split()), part

    sign_in.as_user(officer)
    words, part = callout(client.get("/caseload/").get_data(as_text=True))
    assert "Your visit is overdue: your manager has been alerted. Check out now, or change the expected end" in words
    assert f"{check_out}>Check out</a>" in part and extend in part
    sign_in.out()
    sign_in.as_role(Role.LINK_OFFICER)  # a colleague covering
    words, part = callout(client.get(f"/caseload/?officer={officer.id}").get_data(as_text=True))
    assert "This visit is overdue: the manager has been alerted." in words and check_out not in part
    sign_in.out()
    sign_in.as_role(Role.MANAGER)
    words, part = callout(client.get(f"/caseload/?officer={officer.id}").get_data(as_text=True))
    assert "This visit is overdue. Call Olive Officer first, then follow the lone-working escalation." in words
    assert f"{check_out}>Record Olive Officer as safe and check out</a>" in part and extend not in part  # not the manager's to move
    visits.extend(by=officer, visit=visit, expected_end_at=utcnow() + timedelta(minutes=30))
    words, part = callout(client.get(f"/caseload/?officer={officer.id}").get_data(as_text=True))
    assert "overdue" not in words


def test_the_records_visit_in_progress_says_when_it_is_overdue_to_whoever_opens_it(client, sign_in, officer, episode):
    """In the caseload's words (templates/macros/visit_in_progress.html): the officer on the visit,
    a colleague and the manager each read what is theirs to do."""
    now = utcnow()
    visit = visits.check_in(by=officer, episode=episode, expected_end_at=now - timedelta(minutes=30),
                            now=now - timedelta(hours=1))

    def callout() -> str:
        html = client.get(f"/people/{episode.person_id}").get_data(as_text=True)
        part = html.split("Visit in progress", 1)[1].split("</div>\n</div>", 1)[0]
        return " ".join(re.sub(r"<[^>]+>", " ", part).split())

    sign_in.as_user(officer)
    assert "Your visit is overdue: your manager has been alerted. Check out now, or change the expected end" in callout()
    sign_in.out()
    sign_in.as_role(Role.LINK_OFFICER)  # a colleague: the caseload's words, and whom to call
    words = callout()
    assert "This visit is overdue: the manager has been alerted." in words
    assert "If you cannot reach Olive Officer, call the service manager." in words and "Check out" not in words
    sign_in.out()
    sign_in.as_role(Role.MANAGER)
    assert "This visit is overdue. Call Olive Officer first, then follow the lone-working escalation." in callout()
    visits.extend(by=officer, visit=visit, expected_end_at=utcnow() + timedelta(minutes=30))
    assert "overdue" not in callout()


def test_the_records_visit_history_says_which_visits_were_checked_out_late(client, sign_in, officer, episode):
    """As the manager's history does: a visit checked out after it had become overdue says by how
    much; one within the grace or early says nothing."""
    start = datetime(2026, 11, 2, 10, 0)  # GMT
    late = visits.check_in(by=officer, episode=episode, expected_end_at=start + timedelta(hours=1), now=start)
    visits.check_out(by=officer, visit=late, now=start + timedelta(hours=2, minutes=5))  # 65 min past the end
    in_grace = visits.check_in(by=officer, episode=episode, expected_end_at=start + timedelta(days=1, hours=1),
                               now=start + timedelta(days=1))
    visits.check_out(by=officer, visit=in_grace, now=start + timedelta(days=1, hours=1, minutes=15))
    sign_in.as_user(officer)
    html = client.get(f"/people/{episode.person_id}").get_data(as_text=True)
    lines = [" ".join(re.sub(r"<[^>]+>", " ", item).split())
             for item in html.split("<h3>Visit history</h3>")[1].split("</ul>")[0].split('<li class="hl-contact">')[1:]]
    assert lines == ["3 November 2026 · 10:00 to 11:15 Olive Officer · expected to end by 11:00",
                     "2 November 2026 · 10:00 to 12:05 Olive Officer · expected to end by 11:00 Checked out 1 hr 5 min late"]


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_from_its_expected_end_the_officer_is_asked_to_check_out_before_the_manager_is_alerted(
        app, client, sign_in, officer, episode):
    """Past the expected end but inside the grace, the officer on the visit (and nobody else) reads
    when it was due and when the manager will be alerted; on the record, at the top of the page."""
    app.config["VISIT_OVERDUE_GRACE_MINUTES"] = 15
    now = utcnow()
    due = now - timedelta(minutes=5)
    visit = visits.check_in(by=officer, episode=episode, expected_end_at=due, now=now - timedelta(hours=1))
    said = (f"Your visit was due to end at {uk_local(due):%H:%M}. Check out, or change the expected end if you are"
            f" staying longer; if you do neither, your manager is alerted at {uk_local(due + timedelta(minutes=15)):%H:%M}.")
    sign_in.as_user(officer)
    caseload = _words(client.get("/caseload/").get_data(as_text=True))
    assert said in caseload and "overdue:" not in caseload
    record = client.get(f"/people/{episode.person_id}").get_data(as_text=True)
    top, _ = record.split('<div class="hl-person-banner">', 1)
    assert 'aria-labelledby="visit-reminder-title"' in top and said in _words(top)  # above the person's banner
    assert f'href="/people/{episode.person_id}/visits/{visit.id}/check-out"' in top
    sign_in.out()
    sign_in.as_role(Role.MANAGER)  # not overdue yet: the manager is told nothing
    for path in (f"/caseload/?officer={officer.id}", f"/people/{episode.person_id}"):
        html = client.get(path).get_data(as_text=True)
        assert "was due to end" not in html and "visit-reminder-title" not in html and "is overdue" not in html


def _reminder(html: str) -> str | None:
    """The words of the reminder to check out at the top of a page, or None when there is none."""
    if html.count('aria-labelledby="visit-reminder-title"') > 1:
        raise AssertionError("the reminder is on the page twice")
    if 'aria-labelledby="visit-reminder-title"' not in html:
        return None
    after = html.split('aria-labelledby="visit-reminder-title"', 1)[1].split(">", 1)[1]
    return _words(after.split("</div>\n</div>", 1)[0])


def test_the_officer_is_reminded_to_check_out_on_every_page_once_past_the_end(client, sign_in, officer, episode):
    """Wherever the officer is working (the directory, finding a person, another person's record, a
    colleague's caseload) the reminder is at the top once their visit has passed its end, naming
    nobody; on the visited person's record once. Not before the end, not on their own caseload
    (which says it in its own words), not above the check-out and expected-end forms it leads to."""
    now = utcnow()
    visit = visits.check_in(by=officer, episode=episode, expected_end_at=now + timedelta(minutes=20),
                            now=now - timedelta(hours=1))
    other = factories.episode(officer, referral_=factories.referral(status="allocated", given_name="Walter"))
    colleague = factories.user(role=Role.LINK_OFFICER)
    check_out = f"/people/{episode.person_id}/visits/{visit.id}/check-out"
    expected_end = f"/people/{episode.person_id}/visits/{visit.id}/expected-end"
    everywhere = ["/directory/", "/people/find", f"/people/{other.person_id}", f"/people/{episode.person_id}",
                  f"/caseload/?officer={colleague.id}", "/account/two-step"]
    sign_in.as_user(officer)
    for path in everywhere + ["/caseload/"]:
        assert _reminder(client.get(path).get_data(as_text=True)) is None, path  # before the end: nowhere
    visit.expected_end_at = now - timedelta(minutes=5)
    db.session.commit()
    for path in everywhere:
        html = client.get(path).get_data(as_text=True)
        banner = _reminder(html)
        assert banner is not None and banner.startswith("Your home visit Your visit was due to end at"), path
        assert "Vera" not in banner and episode.person.family_name not in banner  # names nobody
        assert f'href="{check_out}"' in html and f'href="{expected_end}"' in html, path
    caseload = client.get("/caseload/").get_data(as_text=True)
    assert _reminder(caseload) is None and "Your visit was due to end at" in _words(caseload)
    for path in (check_out, expected_end):
        assert _reminder(client.get(path).get_data(as_text=True)) is None, path
    visit.expected_end_at = now - timedelta(minutes=40)  # overdue now
    db.session.commit()
    banner = _reminder(client.get("/directory/").get_data(as_text=True))
    assert banner.startswith("Your home visit Your visit is overdue: your manager has been alerted.")
    sign_in.out()
    for role in (Role.LINK_OFFICER, Role.MANAGER, Role.GP_PRACTICE, Role.COMMISSIONER, Role.ADMIN):
        sign_in.as_role(role)  # nobody else is reminded of the officer's visit
        page = {Role.LINK_OFFICER: "/directory/", Role.MANAGER: "/triage/", Role.GP_PRACTICE: "/referrals/",
                Role.COMMISSIONER: "/dashboard/", Role.ADMIN: "/admin/"}[role]
        assert _reminder(client.get(page).get_data(as_text=True)) is None, role
        sign_in.out()
    sign_in.as_user(officer)
    visits.check_out(by=officer, visit=visit)
    assert _reminder(client.get("/directory/").get_data(as_text=True)) is None  # checked out: gone


def test_the_record_reminds_only_its_officer_and_only_once_the_visit_has_passed_its_end(
        client, sign_in, officer, episode):
    now = utcnow()
    visit = visits.check_in(by=officer, episode=episode, expected_end_at=now + timedelta(minutes=20),
                            now=now - timedelta(hours=1))
    sign_in.as_user(officer)
    assert "visit-reminder-title" not in client.get(f"/people/{episode.person_id}").get_data(as_text=True)
    visit.expected_end_at = now - timedelta(minutes=40)  # now overdue
    db.session.commit()
    html = client.get(f"/people/{episode.person_id}").get_data(as_text=True)
    banner = _words(html.split('aria-labelledby="visit-reminder-title"', 1)[1].split("</div>\n</div>", 1)[0])
    assert "Your visit is overdue: your manager has been alerted." in banner and "Check out" in banner
    sign_in.out()
    sign_in.as_role(Role.LINK_OFFICER)  # a colleague: the Home visits section, no reminder at the top
    html = client.get(f"/people/{episode.person_id}").get_data(as_text=True)
    assert "visit-reminder-title" not in html and "This visit is overdue: the manager has been alerted." in _words(html)
