"""The link officer's caseload: order, the facts on each row, flags, and a manager's view."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.extensions import db
from app.models.base import uk_today, utcnow
from app.security import Role
from app.services import contacts, needs
from app.caseload.queries import bank_holidays, working_days_between
from tests import factories

TODAY = uk_today()


@pytest.fixture
def officer(app):
    return factories.user(role=Role.LINK_OFFICER)


def _episode(officer, name, *, allocated_days_ago=1, seen=True, first_contact_days_ago=None, risks=()):
    referral = factories.referral(status="allocated", given_name=name, family_name="Caseload", risks=risks)
    episode = factories.episode(officer, referral_=referral, seen=seen)
    episode.allocated_at = utcnow() - timedelta(days=allocated_days_ago)
    episode.opened_at = episode.allocated_at
    db.session.commit()
    if first_contact_days_ago is not None:
        contacts.record(by=officer, episode=episode, kind="phone", status="held",
                        on=TODAY - timedelta(days=first_contact_days_ago), duration_minutes=10)
    return episode


def _names_in_order(html: str) -> list[str]:
    return re.findall(r'class="hl-caseload__name"[^>]*>(\w+) Caseload<', html)


def test_newly_allocated_come_first_then_by_next_planned_contact(client, sign_in, officer):
    later = _episode(officer, "Later", first_contact_days_ago=3)
    sooner = _episode(officer, "Sooner", first_contact_days_ago=3)
    unplanned = _episode(officer, "Unplanned", first_contact_days_ago=3)
    _episode(officer, "Newcomer", seen=False)
    contacts.record(by=officer, episode=later, kind="phone", status="planned", on=TODAY + timedelta(days=9))
    contacts.record(by=officer, episode=sooner, kind="home_visit", status="planned", on=TODAY + timedelta(days=2))
    assert unplanned.first_contact_on is not None
    sign_in.as_user(officer)
    html = client.get("/caseload/").get_data(as_text=True)
    assert _names_in_order(html) == ["Newcomer", "Sooner", "Later", "Unplanned"]
    assert "1 newly allocated" in html


def test_officer_sees_only_their_own_caseload(client, sign_in, officer):
    _episode(officer, "Mine")
    _episode(factories.user(role=Role.LINK_OFFICER), "Theirs")
    sign_in.as_user(officer)
    assert _names_in_order(client.get("/caseload/").get_data(as_text=True)) == ["Mine"]


def test_row_shows_last_contact_days_since_and_open_needs(client, sign_in, officer):
    episode = _episode(officer, "Row", first_contact_days_ago=6)
    needs.add(by=officer, episode=episode, area="debt", severity="high")
    met = needs.add(by=officer, episode=episode, area="food", severity="low")
    needs.update(by=officer, need=met, severity="low", status="met", notes="", version=met.version)
    needs.add(by=officer, episode=episode, area="housing", severity="low")
    sign_in.as_user(officer)
    html = client.get("/caseload/").get_data(as_text=True)
    row = html.split("Row Caseload")[1].split("</li>")[0]
    assert "6 days ago" in row
    assert re.search(r'class="hl-case__needs">2<', row), "2 open needs: debt and housing (food is met)"


def test_each_card_prints_its_dates_and_counts_of_days_as_the_officer_reads_them(client, sign_in, officer):
    dated = _episode(officer, "Dated", allocated_days_ago=8, first_contact_days_ago=6)
    contacts.record(by=officer, episode=dated, kind="phone", status="planned", on=TODAY + timedelta(days=5))
    _episode(officer, "Single", allocated_days_ago=4, first_contact_days_ago=3)
    _episode(officer, "Fresh", allocated_days_ago=1)
    sign_in.as_user(officer)
    html = client.get("/caseload/").get_data(as_text=True)
    card = {name: html.split(f"{name} Caseload")[1].split("</li>")[0] for name in ("Dated", "Single", "Fresh")}
    last, planned = TODAY - timedelta(days=6), TODAY + timedelta(days=5)
    assert f"{last:%d/%m/%Y} <span" in card["Dated"] and "6 days ago" in card["Dated"]
    assert "After 2 days</div>" in card["Dated"]
    assert f'{planned:%d/%m/%Y} <span class="hl-muted hl-block">{planned:%A}</span></div>' in card["Dated"]
    assert "Overdue" not in card["Dated"]
    assert "After 1 day</div>" in card["Single"] and "3 days ago" in card["Single"]
    assert "<strong>Waiting 1 day</strong>" in card["Fresh"]
    assert "None yet" in card["Fresh"] and "None planned" in card["Fresh"]


def test_a_card_says_today_and_the_same_day_rather_than_counting_none(client, sign_in, officer):
    """Allocated today: "Allocated today", not "Waiting 0 days"; first contact made on the day of
    allocation and today: "The same day" and "today", not "After 0 days" and "0 days ago"."""
    _episode(officer, "New", allocated_days_ago=0)
    _episode(officer, "Quick", allocated_days_ago=0, first_contact_days_ago=0)
    sign_in.as_user(officer)
    html = client.get("/caseload/").get_data(as_text=True)
    card = {name: html.split(f"{name} Caseload")[1].split("</li>")[0] for name in ("New", "Quick")}
    assert "<strong>Allocated today</strong>" in card["New"]
    assert "The same day</div>" in card["Quick"] and '<span class="hl-muted hl-block">today</span>' in card["Quick"]
    assert "0 day" not in html


def test_a_card_says_when_the_next_planned_contact_is_as_a_week_is_planned(client, sign_in, officer):
    """Beside the next planned contact's date: "tomorrow", the weekday within six days, "in 9 days";
    an overdue one keeps its "Overdue" tag and no such word."""
    for name, days in (("Tomorrow", 1), ("Later", 9), ("Late", -2)):
        episode = _episode(officer, name, allocated_days_ago=20, first_contact_days_ago=10)
        planned = contacts.record(by=officer, episode=episode, kind="phone", status="planned",
                                  on=TODAY + timedelta(days=max(days, 1)))
        if days < 0:  # planned in the past: a contact the officer has not yet recorded as held
            planned.contact_on = TODAY + timedelta(days=days)
            db.session.commit()
    sign_in.as_user(officer)
    html = client.get("/caseload/").get_data(as_text=True)
    card = {name: html.split(f"{name} Caseload")[1].split("</li>")[0] for name in ("Tomorrow", "Later", "Late")}
    assert '<span class="hl-muted hl-block">tomorrow</span>' in card["Tomorrow"]
    assert '<span class="hl-muted hl-block">in 9 days</span>' in card["Later"]
    assert "Overdue</strong></div>" in card["Late"]


@given(st.integers(min_value=-30, max_value=400))
def test_the_next_contact_reads_today_tomorrow_a_weekday_then_in_days(ahead):
    from app.caseload.queries import CaseloadRow

    today = date(2026, 12, 7)  # a Monday
    row = CaseloadRow(episode_id=1, person_id=1, full_name="", place="", is_new=False, allocated_on=today,
                      first_contact_on=today, last_contact_on=None, next_contact_on=today + timedelta(days=ahead),
                      open_needs=0, concern_open=False, risks=(), today=today, no_contact_flag=False,
                      first_contact_flag=False)
    weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    expected = ("" if ahead < 0 else "today" if ahead == 0 else "tomorrow" if ahead == 1
                else weekdays[ahead % 7] if ahead < 7 else f"in {ahead} days")
    assert row.next_contact_when == expected


def test_no_contact_for_more_than_14_days_is_flagged(client, sign_in, officer):
    _episode(officer, "Quiet", allocated_days_ago=30, first_contact_days_ago=15)
    _episode(officer, "Recent", allocated_days_ago=30, first_contact_days_ago=14)
    sign_in.as_user(officer)
    html = client.get("/caseload/").get_data(as_text=True)
    assert "No contact for 15 days" in html.split("Quiet Caseload")[1].split("</li>")[0]
    assert "No contact for" not in html.split("Recent Caseload")[1].split("</li>")[0]


def test_no_contact_flag_days_is_configurable(app, client, sign_in, officer):
    app.config["NO_CONTACT_FLAG_DAYS"] = 7
    _episode(officer, "Week", allocated_days_ago=30, first_contact_days_ago=8)
    sign_in.as_user(officer)
    assert "No contact for 8 days" in client.get("/caseload/").get_data(as_text=True)


def test_first_contact_not_made_after_five_working_days_is_flagged(client, sign_in, officer):
    _episode(officer, "Waiting", allocated_days_ago=10)
    _episode(officer, "Fresh", allocated_days_ago=0)
    sign_in.as_user(officer)
    html = client.get("/caseload/").get_data(as_text=True)
    waiting = html.split("Waiting Caseload")[1].split("</li>")[0]
    assert "First contact not made" in waiting and "Waiting 10 days" in waiting
    assert "First contact not made" not in html.split("Fresh Caseload")[1].split("</li>")[0]


def test_working_days_skip_weekends():
    monday = date(2026, 3, 2)
    assert working_days_between(monday, date(2026, 3, 9)) == 5   # Tue–Fri + Mon
    assert working_days_between(monday, date(2026, 3, 10)) == 6
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1  # Friday to Monday


def test_working_days_skip_bank_holidays_of_the_chosen_nation():
    # Easter 2026: Good Friday 3 April and Easter Monday 6 April are bank holidays in England.
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1  # only Tuesday 7 April
    # Christmas 2026: Friday 25 December, and Boxing Day (a Saturday) observed on Monday 28.
    # New Year's Day (Friday 1 January 2027) is one too: 29, 30, 31 December and 4 January are left.
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 4
    # Easter Monday is not a bank holiday in Scotland; 2 January is (a Saturday, so Monday 4 January instead).
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 7), "SCT") == 2
    assert working_days_between(date(2026, 12, 31), date(2027, 1, 5), "SCT") == 1
    assert working_days_between(date(2026, 12, 31), date(2027, 1, 5)) == 2


@given(start=st.dates(date(2020, 1, 1), date(2030, 12, 31)), length=st.integers(0, 400),
       region=st.sampled_from(["ENG", "WLS", "SCT", "NIR"]))
def test_working_days_equal_counting_day_by_day(start, length, region):
    end = start + timedelta(days=length)
    off = set().union(*(bank_holidays(region, y) for y in range(start.year, end.year + 1)))
    by_hand = sum(1 for k in range(1, length + 1)
                  if (day := start + timedelta(days=k)).weekday() < 5 and day not in off)
    assert working_days_between(start, end, region) == by_hand


def test_an_unknown_bank_holiday_region_is_refused_at_start():
    from app.config import load

    with pytest.raises(ValueError, match="BANK_HOLIDAY_REGION must be one of ENG, WLS, SCT, NIR"):
        load({"BANK_HOLIDAY_REGION": "XX"})


def _risk_tags_by_name(html: str) -> dict[str, list[str]]:
    """Each card's risk tags (the orange ones but "Overdue"), in the order shown, by first name."""
    cards = {}
    for card in re.split(r'<li class="hl-case(?: hl-case--new)?">', html)[1:]:
        name = re.search(r'class="hl-caseload__name"[^>]*>(\w+) Caseload<', card).group(1)
        cards[name] = [tag for tag in re.findall(r'nhsuk-tag--orange">([^<]+)<', card) if tag != "Overdue"]
    return cards


def test_risk_flags_show_on_the_caseload(client, sign_in, officer):
    """Each card shows its person's risks in force, in the order they were recorded, with the
    words given for an "other" risk; ended risks and other people's risks are not shown."""
    from app.models.risk import PersonRisk
    from app.services import risks

    risky = _episode(officer, "Risky", risks=("dog",))
    risks.record(by=officer, person=risky.person, risk="other", other_text="Steep steps & no rail")
    smoking = risks.record(by=officer, person=risky.person, risk="smoking")
    risks.record(by=officer, person=risky.person, risk="aggression")
    risks.end(by=officer, risk=smoking, version=smoking.version, reason="Gave up")
    ended = _episode(officer, "Ended", risks=("access",))
    access = db.session.scalar(db.select(PersonRisk).filter_by(person_id=ended.person_id, risk="access"))
    risks.record(by=officer, person=ended.person, risk="safeguarding")
    risks.end(by=officer, risk=access, version=access.version, reason="Door fixed")
    _episode(officer, "Calm")
    _episode(factories.user(role=Role.LINK_OFFICER), "Theirs", risks=("dog",))
    sign_in.as_user(officer)
    cards = _risk_tags_by_name(client.get("/caseload/").get_data(as_text=True))
    assert cards == {"Risky": ["Dog or other animal in the home", "Steep steps &amp; no rail",
                               "History of aggression or violence"],
                     "Ended": ["Safeguarding concern"], "Calm": []}


def _red_tags_by_name(html: str) -> dict[str, list[str]]:
    cards = {}
    for card in re.split(r'<li class="hl-case(?: hl-case--new)?">', html)[1:]:
        name = re.search(r'class="hl-caseload__name"[^>]*>(\w+) Caseload<', card).group(1)
        cards[name] = re.findall(r'nhsuk-tag--red">([^<]+)<', card)
    return cards


def test_an_open_safeguarding_concern_shows_on_its_card_until_it_is_closed(client, sign_in, officer):
    """The officer and the manager see whose safeguarding concern is still open among the card's
    flags; it is not one of the contact flags the heading counts, and closing it takes it away."""
    from app.services import risks

    worried = _episode(officer, "Worried", first_contact_days_ago=2)
    _episode(officer, "Settled", first_contact_days_ago=2)
    closed = _episode(officer, "Closed", first_contact_days_ago=2)
    concern = risks.raise_concern(by=officer, person=worried.person, raised_on=TODAY, concern="Bruising",
                                  action_taken="Reported to adult social care")
    old = risks.raise_concern(by=officer, person=closed.person, raised_on=TODAY, concern="Debt collector",
                              action_taken="Reported")
    risks.close_concern(by=officer, concern=old, version=old.version, closed_on=TODAY, outcome="Resolved",
                        action_taken="Reported")
    sign_in.as_user(officer)
    html = client.get("/caseload/").get_data(as_text=True)
    assert _red_tags_by_name(html) == {"Worried": ["Open safeguarding concern"], "Settled": [], "Closed": []}
    assert "3 people in support." in " ".join(html.split()) and "overdue for contact" not in html
    sign_in.out()
    sign_in.as_role(Role.MANAGER)
    managers = client.get(f"/caseload/?officer={officer.id}").get_data(as_text=True)
    assert _red_tags_by_name(managers)["Worried"] == ["Open safeguarding concern"]
    risks.close_concern(by=officer, concern=concern, version=concern.version, closed_on=TODAY, outcome="Safe",
                        action_taken="Reported")
    assert _red_tags_by_name(client.get(f"/caseload/?officer={officer.id}").get_data(as_text=True))["Worried"] == []


def test_manager_chooses_an_officer_and_sees_their_caseload(client, sign_in, officer):
    _episode(officer, "Managed", seen=False)
    sign_in.as_role(Role.MANAGER)
    overview = client.get("/caseload/").get_data(as_text=True)
    assert officer.name in overview and f"?officer={officer.id}" in overview
    html = client.get(f"/caseload/?officer={officer.id}").get_data(as_text=True)
    assert _names_in_order(html) == ["Managed"]
    assert f"{officer.name}&#39;s caseload" in html or f"{officer.name}'s caseload" in html


def test_the_managers_overview_counts_each_officers_people_with_an_open_concern(client, sign_in, officer):
    """"Open concerns": people of each officer's open caseload with a safeguarding concern not yet
    closed, counted once however many they have; closed ones, and discharged people's, are not."""
    from app.services import discharge, risks

    colleague = factories.user(role=Role.LINK_OFFICER, name="Zed Colleague")
    twice, once, closed, gone = (_episode(officer, name, first_contact_days_ago=3)
                                 for name in ("Twice", "Once", "Closed", "Gone"))
    _episode(colleague, "Calm", first_contact_days_ago=3)
    for episode, what in ((twice, "Bruising"), (twice, "Money taken"), (once, "Neglect"), (closed, "Debt"),
                          (gone, "Scam")):
        raised = risks.raise_concern(by=officer, person=episode.person, raised_on=TODAY, concern=what,
                                     action_taken="Reported")
        if episode is closed:
            risks.close_concern(by=officer, concern=raised, version=raised.version, closed_on=TODAY,
                                outcome="Resolved", action_taken="Reported")
    discharge.discharge(by=officer, episode=gone, reason="moved_away", on=TODAY, version=gone.version,
                        summary="Moved away")
    sign_in.as_role(Role.MANAGER)
    html = client.get("/caseload/").get_data(as_text=True)
    rows = {name: " ".join(re.sub(r"<[^>]+>", " ", row).split())
            for name, row in re.findall(r'>([^<>]+)</a></td>(.*?)</tr>', html, flags=re.S)}
    assert rows[officer.name].endswith("Open concerns 2")
    assert '<strong class="nhsuk-tag nhsuk-tag--red">2</strong>' in html
    assert rows["Zed Colleague"].endswith("Open concerns 0")


def test_manager_asking_for_a_non_officer_gets_404(client, sign_in):
    manager = sign_in.as_role(Role.MANAGER)
    assert client.get(f"/caseload/?officer={manager.id}").status_code == 404


def test_discharged_people_leave_the_caseload(client, sign_in, officer):
    from app.services import discharge

    episode = _episode(officer, "Gone", first_contact_days_ago=2)
    discharge.discharge(by=officer, episode=episode, reason="moved_away", summary="Moved to Wales.", on=TODAY,
                        version=episode.version)
    sign_in.as_user(officer)
    assert _names_in_order(client.get("/caseload/").get_data(as_text=True)) == []


def test_a_visit_in_progress_heads_the_caseload_until_checked_out(client, sign_in, officer):
    """The caseload's counts ask whether the officer is checked in anywhere (an index probe in the
    same query), and only then is the visit loaded: the callout names the person and links to
    checking out; another officer's visit never shows; after check-out the callout is gone."""
    from app.services import visits

    visited = _episode(officer, "Visited", first_contact_days_ago=3)
    _episode(officer, "Other", first_contact_days_ago=3)
    colleague = factories.user(role=Role.LINK_OFFICER)
    theirs = _episode(colleague, "Theirs", first_contact_days_ago=3)
    visits.check_in(by=colleague, episode=theirs, expected_end_at=utcnow() + timedelta(hours=1))
    sign_in.as_user(officer)
    assert "Home visit in progress" not in client.get("/caseload/").get_data(as_text=True)

    visit = visits.check_in(by=officer, episode=visited, expected_end_at=utcnow() + timedelta(hours=1))
    html = client.get("/caseload/").get_data(as_text=True)
    assert "Home visit in progress" in html
    assert "You are checked in at Visited Caseload's home" in html
    assert f'/people/{visited.person_id}/visits/{visit.id}/check-out"' in html

    visits.check_out(by=officer, visit=visit)
    assert "Home visit in progress" not in client.get("/caseload/").get_data(as_text=True)
