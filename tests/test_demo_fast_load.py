"""A fast demo load is the same demo load: same data for a seed, sign-ins work, the database is
left as safe as before, and the dashboard's landing view is ready when the command returns."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select, text

from app.extensions import db
from app.models import (Contact, Episode, Need, OnwardReferral, PeerSupport, Referral, User,
                        WellbeingMeasure)


def _profile() -> dict:
    """Counts and distributions of what the demo made, without ids or clock times."""
    def grouped(*columns):
        return sorted(tuple(row) for row in db.session.execute(
            select(*columns, func.count()).group_by(*columns)).all())

    return {
        "referrals": grouped(Referral.status),
        "needs": grouped(Need.area, Need.status, Need.severity),
        "contacts": grouped(Contact.kind, Contact.status),
        "onward": grouped(OnwardReferral.sector, OnwardReferral.kind, OnwardReferral.status),
        "peer": grouped(PeerSupport.kind),
        "measures": grouped(WellbeingMeasure.instrument, WellbeingMeasure.stage),
        "episodes": db.session.scalar(select(func.count(Episode.id))),
        "discharged": db.session.scalar(select(func.count(Episode.id)).where(Episode.discharged_on.is_not(None))),
        "people": sorted(db.session.execute(select(Referral.nhs_number, Referral.given_name,
                                                   Referral.family_name, Referral.postcode)).all()),
    }


def test_the_same_seed_gives_the_same_support_and_counts(app, tmp_path):
    from seed import demo
    from tests.conftest import make_app

    demo.load(people=24, seed=7)
    first = _profile()
    assert first["episodes"] and first["contacts"] and first["needs"]
    other = make_app(f"sqlite:///{tmp_path / 'other.db'}")
    with other.app_context():
        db.create_all()
        demo.load(people=24, seed=7)
        second = _profile()
        db.session.remove()
        db.engine.dispose()
    assert first == second


def test_demo_accounts_sign_in_with_the_published_password(app):
    from seed import demo

    demo.load(people=24, seed=4)
    users = db.session.scalars(select(User).where(User.email.like("%@hearthlink.example"))).all()
    assert len(users) == 21
    assert all(user.check_password(demo.DEMO_PASSWORD) for user in users)
    assert not any(user.check_password("not-the-password") for user in users)


def test_demo_load_leaves_sqlite_syncing_every_commit_with_its_journal_on_disk_again(app):
    from seed import demo

    if db.engine.dialect.name != "sqlite":
        # The suite's connections start with synchronous_commit off (tests/conftest.py): this
        # check runs on an app with the engine settings a real server has.
        from tests.conftest import make_app

        served = make_app(db.engine.url.render_as_string(hide_password=False),
                          SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True})
        with served.app_context():
            setting = db.session.scalar(text("SHOW synchronous_commit"))
            demo.load(people=24, seed=4)
            assert db.session.scalar(text("SHOW synchronous_commit")) == setting == "on"
            db.session.remove()
            db.engine.dispose()
        return
    demo.load(people=24, seed=4)
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "delete"


def test_demo_load_command_prepares_the_landing_view_and_queues_the_rest(app, runner, monkeypatch):
    from app import tasks
    from app.analytics import cache
    from app.analytics.filters import Filters

    queued = []
    monkeypatch.setattr(tasks.huey, "immediate", False)
    monkeypatch.setattr(tasks, "enqueue", lambda task, *args: queued.append((task, args)) or True)
    result = runner.invoke(args=["demo", "load", "--people", "6", "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert "prepared for 1 views" in result.output and "31 more views queued" in result.output
    assert len(queued) == 31 and {task for task, _ in queued} == {tasks.refresh_dashboard_view}
    kinds = Counter("practice" if args[0]["practice"] else "locality" if args[0]["locality"] else "all"
                    for _, args in queued)
    assert kinds == {"practice": 24, "locality": 6, "all": 1}
    landing = Filters()
    assert cache.get(cache.cache_key(landing.key(), cache.fingerprint())) is not None


def test_demo_load_in_the_tests_queue_computes_every_view(app, runner):
    from app.analytics import cache
    from app.analytics.figures import warm_views

    result = runner.invoke(args=["demo", "load", "--people", "6", "--seed", "2"])
    assert result.exit_code == 0, result.output
    views = warm_views()
    assert len(views) == 32
    fingerprint = cache.fingerprint()
    assert all(cache.get(cache.cache_key(view.key(), fingerprint)) is not None for view in views)
