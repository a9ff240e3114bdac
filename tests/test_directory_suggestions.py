"""Suggestions on the support record: services for the person's open needs, ranked."""
from __future__ import annotations

from flask import render_template

from app.extensions import db
from app.models.base import uk_today
from app.models.onward import OnwardReferral
from app.security import Role
from app.services.suggestions import open_need_areas, preferred_times, suggest_for
from tests import factories


def _person_in(locality, *, needs=("debt",), contact_times: str = ""):
    officer = factories.user(Role.LINK_OFFICER)
    practice = factories.practice(locality_=locality)
    episode = factories.episode(officer, referral_=factories.referral(practice, needs=needs))
    episode.person.contact_times = contact_times
    db.session.commit()
    return episode


def _referral(episode, service, status):
    db.session.add(OnwardReferral(episode=episode, service_id=service.id, organisation_name=service.organization.name,
                                  service_name=service.name, sector="voluntary", kind="linkage", status=status))
    db.session.commit()


def test_ranked_by_needs_met_then_locality_then_colleagues_success(app):
    here, there = factories.locality("Stourbridge"), factories.locality("Halesowen")
    episode = _person_in(here, needs=("debt", "benefits"))
    factories.directory_service("Both, far away", need_areas=("debt", "benefits"), localities=[there])
    debt_here = factories.directory_service("Debt, here", need_areas=("debt",), localities=[here])
    debt_here_proven = factories.directory_service("Debt, here, proven", need_areas=("debt",), localities=[here])
    factories.directory_service("Walking", need_areas=("physical_activity",), localities=[here])
    colleague_episode = _person_in(here)
    for status in ("attending", "completed", "declined"):
        _referral(colleague_episode, debt_here_proven, status)
    _referral(colleague_episode, debt_here, "did_not_attend")
    suggestions = suggest_for(episode)
    assert [s.service.name for s in suggestions] == ["Both, far away", "Debt, here, proven", "Debt, here"]
    top, proven, plain = suggestions
    assert [n.value for n in top.matched_needs] == ["benefits", "debt"] and not top.in_locality
    assert (proven.successes, proven.outcomes) == (2, 3) and proven.in_locality
    assert (plain.successes, plain.outcomes) == (0, 1)
    assert "2 of 3 colleagues' referrals ended attending or completed" in proven.reason


def test_services_already_referred_to_and_closed_ones_are_left_out(app):
    here = factories.locality("Brierley Hill")
    episode = _person_in(here)
    used = factories.directory_service("Already linked", need_areas=("debt",))
    closed = factories.directory_service("Closed for now", need_areas=("debt",), status="temporarily closed")
    _referral(episode, used, "made")
    assert [s.service.name for s in suggest_for(episode)] == []
    assert closed.status == "temporarily closed"


def test_open_needs_come_from_the_assessment_once_it_records_any(app):
    here = factories.locality("Sedgley")
    episode = _person_in(here, needs=("debt",))
    assert open_need_areas(episode) == ["debt"]
    try:
        from app.models.support import Need
    except ImportError:
        return
    db.session.add_all([Need(episode_id=episode.id, area="food", severity="high", status="identified",
                             identified_on=uk_today()),
                        Need(episode_id=episode.id, area="debt", severity="low", status="met",
                             identified_on=uk_today(), met_on=uk_today())])
    db.session.commit()
    assert open_need_areas(episode) == ["food"]


def test_times_that_suit_the_person_break_ties(app):
    here = factories.locality("Coseley")
    episode = _person_in(here, contact_times="Weekday mornings please")
    factories.directory_service("Evening debt clinic", need_areas=("debt",), schedule="TU 18:00-20:00", localities=[here])
    factories.directory_service("Morning debt clinic", need_areas=("debt",), schedule="WE 09:30-11:30", localities=[here])
    suggestions = suggest_for(episode)
    assert [s.service.name for s in suggestions] == ["Morning debt clinic", "Evening debt clinic"]
    assert [s.times_suit for s in suggestions] == [True, False]
    assert preferred_times("Saturday afternoons") == ({"SA"}, [("12:00", "17:00")])


def test_suggestions_partial_offers_linkage_and_formal_referral(app):
    here = factories.locality("Wordsley")
    episode = _person_in(here)
    service = factories.directory_service("Debt clinic", need_areas=("debt",))
    with app.test_request_context():
        html = render_template("directory/_suggestions.html", suggestions=suggest_for(episode), episode=episode)
    assert "Debt clinic" in html and f"/directory/services/{service.id}" in html
    if "people.new_onward" in app.view_functions:
        assert "kind=formal_referral" in html and "kind=linkage" in html and f"service_id={service.id}" in html


def test_each_suggestions_actions_name_its_service_to_a_screen_reader(app):
    """Five cards each with "Make a linkage": in a screen reader's list of links, each names its
    service (hidden from sight), escaped like any other text."""
    episode = _person_in(factories.locality("Wordsley"))
    factories.directory_service("Debt <b>clinic</b>", need_areas=("debt",))
    factories.directory_service("Money advice", need_areas=("debt",))
    with app.test_request_context():
        html = render_template("directory/_suggestions.html", suggestions=suggest_for(episode), episode=episode)
    assert "people.new_onward" in app.view_functions  # the support record is installed here
    for name in ("Debt &lt;b&gt;clinic&lt;/b&gt;", "Money advice"):
        for action in ("Make a linkage", "Make a formal referral"):
            assert f'{action}<span class="nhsuk-u-visually-hidden"> to {name}</span></a>' in html


def test_suggestions_cost_the_same_however_many_services_are_ranked(app):
    """Every candidate is loaded with what ranks it; the organisation, contacts and phones the cards
    print are loaded for the shown five only, into the same objects (nothing loads lazily later)."""
    from sqlalchemy import event, inspect

    from app.models.directory import Service

    here = factories.locality("Gornal")

    ranked: list[Service] = []  # every service the ranking loaded, kept from the garbage collector

    def statements_for(episode) -> tuple[int, list]:
        seen = []
        listen = lambda *args: seen.append(args[2])  # noqa: E731
        keep = lambda service, _context: ranked.append(service)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        event.listen(Service, "load", keep)
        try:
            shown = suggest_for(episode, limit=5)
            printed = [(s.service.organization.name, [p.number for p in s.service.phones], s.reason) for s in shown]
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
            event.remove(Service, "load", keep)
        return len(seen), printed

    few = _person_in(here, needs=("housing",))
    for i in range(2):
        factories.directory_service(f"Housing advice {i}", need_areas=("housing",), localities=[here])
    many = _person_in(here, needs=("debt",))
    for i in range(12):
        factories.directory_service(f"Debt service {i:02}", need_areas=("debt",), localities=[here])
    db.session.expunge_all()
    few_count, few_printed = statements_for(db.session.merge(few))
    db.session.expunge_all()
    ranked.clear()
    many_count, many_printed = statements_for(db.session.merge(many))
    assert len(few_printed) == 2 and len(many_printed) == 5
    assert all(name == "Dudley Befriending" and phones == ["01384 000111"] for name, phones, _ in many_printed)
    assert few_count == many_count
    shown = {name for name in (f"Debt service {i:02}" for i in range(5))}
    assert len(ranked) == 12 and {s.name for s in ranked if "contacts" in inspect(s).dict} == shown
