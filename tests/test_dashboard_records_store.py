"""The landing view's records stored for the app's other processes (app.analytics.records_store):
loaded, they are the records that were read, frame by frame; a process that keeps nothing works
out a view nobody has opened from them with exactly the figures of its own queries; only the
newest fingerprint's copy is kept; and a copy that cannot be stored or read only means the view
reads its own rows."""
from __future__ import annotations

import time

import outcomes
import pandas as pd
import pytest
from sqlalchemy import func, select, update

from app.analytics import cache, figures, records, records_store
from app.analytics.figures import compute
from app.analytics.filters import Filters
from app.extensions import db
from app.models import DashboardRecords, Practice, Referral
from tests import factories
from tests.test_dashboard_records import _views, _without_time, varied_service  # noqa: F401 - the fixture


def _kind(value) -> str:
    return "NaN" if isinstance(value, float) and value != value else type(value).__name__


def _stored_keys() -> set[str]:
    return set(db.session.scalars(select(DashboardRecords.key)))


def test_loaded_records_are_the_records_read(varied_service):
    print_ = cache.fingerprint()
    read = records.read(print_)
    assert records_store.save(read)
    loaded = records_store.load(print_)
    assert loaded is not None and loaded.fingerprint == print_ and loaded.as_of == read.as_of
    for name in records.FRAMES:
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(read, name))  # values, index and types
        for column in getattr(read, name).columns:  # a missing value comes back as the same kind (NaN, None)
            assert list(map(_kind, getattr(loaded, name)[column])) == list(map(_kind, getattr(read, name)[column]))
    assert len(loaded.people) == 36 and len(loaded.referrals) > len(loaded.people)  # the waiting ones too
    for name, ids in read.ids.items():
        assert (loaded.ids[name] == ids).all(), name


def test_a_process_keeping_nothing_works_out_views_from_the_stored_records(varied_service):
    print_ = cache.fingerprint()
    compute(Filters(), fingerprint=print_)  # the landing view, made elsewhere (the queue's worker)
    assert _stored_keys() == {records_store.stored_key(print_)}
    assert db.session.scalar(select(func.count()).select_from(DashboardRecords)) == len(records.FRAMES)
    for view in _views():
        records.forget()  # a web process that has not made the landing view
        from_stored = compute(view, fingerprint=print_)
        assert records.kept(print_) is not None  # loaded, and kept for the next view
        assert _without_time(from_stored) == _without_time(compute(view)), view


def test_only_the_newest_records_are_kept_and_an_old_copy_is_never_used(varied_service):
    before = cache.fingerprint()
    compute(Filters(), fingerprint=before)
    factories.referral(db.session.scalar(select(Practice).where(Practice.ods_code == "M80001")))
    after = cache.fingerprint()
    records.forget()
    assert records_store.load(after) is None  # the copy stored is of the records before
    north = Filters(locality="North")
    figures = compute(north, fingerprint=after)  # read from the database: counts the new referral
    assert records.kept(after) is None and _without_time(figures) == _without_time(compute(north))
    compute(Filters(), fingerprint=after)
    assert _stored_keys() == {records_store.stored_key(after)}


def test_unreadable_stored_records_mean_the_view_reads_its_own_rows(varied_service):
    print_ = cache.fingerprint()
    compute(Filters(), fingerprint=print_)
    db.session.execute(update(DashboardRecords).where(DashboardRecords.frame == "measures")
                       .values(data=b"not parquet"))
    db.session.commit()
    records.forget()
    assert records_store.load(print_) is None
    view = Filters(locality="South")
    assert _without_time(compute(view, fingerprint=print_)) == _without_time(compute(view))
    db.session.execute(db.delete(DashboardRecords).where(DashboardRecords.frame == "needs"))
    db.session.commit()
    assert records_store.load(print_) is None  # a frame missing: not a set of records


@pytest.mark.parametrize("odd_sector", [
    lambda i: 1 if i % 2 else "voluntary",  # numbers among text: Parquet cannot hold the column
    lambda i: None if i % 2 else float("nan"),  # two kinds of missing value: it could not give them back
])
def test_records_parquet_cannot_hold_are_not_stored_and_nothing_fails(varied_service, odd_sector):
    print_ = cache.fingerprint()
    read = records.read(print_)
    odd = read.onward.assign(sector=pd.Series([odd_sector(i) for i in range(len(read.onward))], dtype=object,
                                              index=read.onward.index))
    assert not records_store.save(records.assemble(print_, {**{n: getattr(read, n) for n in records.FRAMES},
                                                            "onward": odd}, read.as_of))
    assert _stored_keys() == set()


def test_the_stored_records_name_nobody(varied_service):
    print_ = cache.fingerprint()
    compute(Filters(), fingerprint=print_)
    loaded = records_store.load(print_)
    text = "\n".join(getattr(loaded, name).to_csv() for name in records.FRAMES)
    referrals = db.session.scalars(select(Referral)).all()
    assert len(referrals) >= 40
    for referral in referrals:
        assert referral.nhs_number not in text and referral.family_name not in text
        assert referral.postcode not in text


@pytest.mark.parametrize("frame", records.FRAMES)
def test_every_frame_is_stored_once(varied_service, frame):
    print_ = cache.fingerprint()
    compute(Filters(), fingerprint=print_)
    compute(Filters(), fingerprint=print_)  # made again (another process, the same data): still one copy
    assert db.session.scalar(select(func.count()).select_from(DashboardRecords)
                             .where(DashboardRecords.frame == frame)) == 1


def test_a_view_read_row_by_row_has_the_landing_view_made_again_for_the_next(app, varied_service):
    """After a record changes, the first view nobody has opened is read from the database; the
    landing view is then made again in the background, and it keeps and stores the new records."""
    from app.analytics import refresh
    from app.analytics.figures import figures_for

    app.config["DASHBOARD_BACKGROUND_REFRESH"] = True
    compute(Filters(), fingerprint=cache.fingerprint())
    factories.referral(db.session.scalar(select(Practice).where(Practice.ods_code == "M80001")))
    after = cache.fingerprint()
    records.forget()
    north = figures_for(Filters(locality="North"))  # not opened before: computed now, row by row
    assert refresh.wait(timeout=60)
    assert _stored_keys() == {records_store.stored_key(after)} and records.kept(after) is not None
    assert _without_time(north) == _without_time(compute(Filters(locality="North")))
    south = Filters(locality="South")  # the next one is worked out from them, with the same figures
    assert _without_time(figures_for(south)) == _without_time(compute(south))


def test_a_view_from_kept_records_asks_for_nothing_more(app, varied_service, monkeypatch):
    from app.analytics import refresh
    from app.analytics.figures import figures_for

    app.config["DASHBOARD_BACKGROUND_REFRESH"] = True
    compute(Filters(), fingerprint=cache.fingerprint())
    asked = []
    monkeypatch.setattr(refresh, "request", lambda app_, filters: asked.append(filters))
    figures_for(Filters(locality="North"))
    assert asked == []


def test_the_records_are_stored_while_the_landing_views_figures_are_made(app, varied_service, monkeypatch):
    """Other processes need not wait for the figures (seconds with a comparison cohort): the
    records are stored on a connection of their own meanwhile. Here the engine waits until
    another session sees them; had they been stored only after the figures, it would wait in vain."""
    print_ = cache.fingerprint()
    engine_report = outcomes.compute_report
    seen_while_computing = []

    def report_once_stored(**inputs):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not seen_while_computing:
            with app.app_context():  # another session, as another process would look
                seen_while_computing.extend(_stored_keys())
                db.session.remove()
            time.sleep(0.05)
        return engine_report(**inputs)

    monkeypatch.setattr(figures.outcomes, "compute_report", report_once_stored)
    landing = compute(Filters(), fingerprint=print_)
    assert seen_while_computing == [records_store.stored_key(print_)]
    assert landing["report"] is not None and _stored_keys() == {records_store.stored_key(print_)}
