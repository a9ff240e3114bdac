"""Benchmark the outcomes dashboard on PostgreSQL: 50,000 people, 2,000,000 activity rows.

    .venv/bin/python bench/dashboard_bench.py [--people N] [--rows M] [--runs R] [--reuse] [--comparison C]

Creates (drops first) a database of its own, ``hearthlink_bench``, on the PostgreSQL at
BENCH_PG (default postgresql+psycopg://postgres@127.0.0.1:5432), fills it with COPY (fixed
seed; not through the services — this is volume, not behaviour), builds the kept activity
window sums once (as an import does), then times GET /dashboard/ through the Flask test client
signed in as a commissioner:

* the default view on an empty cache (computed while the visitor waits: the first view ever),
* R requests of the default view (served from the cache),
* filter changes to views nobody has opened (computed while the visitor waits): each
  locality, each financial year, and several practices,
* the default view just after a record changes (the last figures at once, new ones computed
  in the background), and again once the background work is done,
* ``flask outcomes warm-dashboard``, then R filter changes cycling through warmed views,
* the printable report.

``--comparison C`` adds a matched comparison cohort of C people (issue 16), each with as many
activity rows as a referred person on average, so every view also computes the
difference-in-differences estimate beside the plain one.

``--reuse`` keeps an existing bench database instead of rebuilding it (the cache is emptied).
Prints median and p95 of each.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SEED = 20251125
SERVER = os.environ.get("BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
DB_NAME = "hearthlink_bench"
TYPES = np.array(["gp_surgery", "gp_home_visit", "gp_telephone", "practice_nurse", "ae_attendance",
                  "emergency_admission", "outpatient"])
TYPE_P = np.array([0.45, 0.05, 0.2, 0.15, 0.06, 0.03, 0.06])
NEEDS = np.array(["loneliness", "low_mood", "long_term_condition", "navigating_care", "benefits", "debt", "housing",
                  "heating", "food", "family", "bereavement", "carer_support", "physical_activity"])
SECTORS = np.array(["voluntary", "community", "faith", "social_enterprise", "statutory", "private"])
END = np.datetime64("2025-03-31")


def psql(sql: str) -> None:
    host = SERVER.split("@", 1)[1].split(":")[0]
    subprocess.run(["psql", "-h", host, "-U", "postgres", "-d", "postgres", "-q", "-c", sql], check=True)


def copy(cursor, table: str, frame: pd.DataFrame) -> None:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False, na_rep="\\N", sep="\t")
    buffer.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(chr(34) + c + chr(34) for c in frame.columns)}) FROM STDIN") as out:
        while chunk := buffer.read(1 << 20):
            out.write(chunk)


def days(values) -> np.ndarray:
    return np.asarray(values).astype("datetime64[D]")


def build(people: int, rows: int) -> None:
    """Fill the bench database; returns nothing, prints what it made."""
    from app.extensions import db
    from app.models import Locality, Practice, User

    rng = np.random.default_rng(SEED)
    localities = [Locality(name=n) for n in ("Brierley Hill", "Stourbridge", "Halesowen")]
    db.session.add_all(localities)
    practices = [Practice(ods_code=f"M8{i:04d}", name=f"Practice {i}", locality=localities[i % 3]) for i in range(40)]
    db.session.add_all(practices)
    commissioner = User(email="commissioner@bench.example", name="Bench Commissioner", role="commissioner")
    commissioner.set_password("bench-password")
    officers = [User(email=f"officer{i}@bench.example", name=f"Officer {i}", role="link_officer",
                     locality=localities[i % 3], password_hash="x") for i in range(12)]
    db.session.add_all([commissioner, *officers])
    db.session.commit()
    ids = np.arange(1, people + 1)
    practice = rng.integers(1, 41, people)
    received = END - rng.integers(0, 36 * 30, people).astype("timedelta64[D]")
    born = days("1940-01-01") + rng.integers(0, 60 * 365, people).astype("timedelta64[D]")
    started = time.perf_counter()
    connection = db.session.connection().connection.driver_connection
    with connection.cursor() as cur:
        common = dict(given_name="Bench", family_name=[f"Person{i}" for i in ids], date_of_birth=born,
                      address="1 Bench Street", postcode="DY1 1AA", phone="", contact_method="phone",
                      contact_times="", accessibility_needs="", practice_id=practice)
        copy(cur, "person", pd.DataFrame({"id": ids, "nhs_number": [f"{9000000000 + i}" for i in ids], **common,
                                          "created_at": received, "version": 1}))
        discharged = rng.random(people) < 0.6
        first_contact = received + rng.integers(3, 40, people).astype("timedelta64[D]")
        discharge_day = first_contact + rng.integers(60, 300, people).astype("timedelta64[D]")
        discharged &= discharge_day <= END
        status = np.where(discharged, "discharged", "in_support")
        referral = pd.DataFrame({"id": ids, "person_id": ids, "status": status, "received_at": received,
                                 "nhs_number": [f"{9000000000 + i}" for i in ids], **common,
                                 "concerns": "", "risk_notes": "", "referrer_name": "Dr Bench",
                                 "referrer_role": "GP", "mdt_meeting_date": received,
                                 "consent_to_referral": True, "consent_to_share": True, "version": 1})
        copy(cur, "referral", referral.drop(columns=["created_at"], errors="ignore"))
        need_count = rng.integers(1, 5, people)
        copy(cur, "referral_need", pd.DataFrame({"referral_id": np.repeat(ids, need_count),
                                                 "area": rng.choice(NEEDS, need_count.sum())})
             .drop_duplicates())
        copy(cur, "episode", pd.DataFrame({
            "id": ids, "person_id": ids, "referral_id": ids, "officer_id": rng.integers(2, 14, people),
            "opened_at": received, "allocated_at": received, "first_contact_on": first_contact,
            "discharged_on": np.where(discharged, discharge_day, np.datetime64("NaT")),
            "discharge_reason": np.where(discharged, "goals_met", None), "what_matters_to_me": "", "version": 1}))
        per = rows // people + 4  # over-draw, then drop repeats of the natural key
        anchor = np.repeat(received, per)
        who = np.repeat(ids, per)
        when = np.minimum(anchor + rng.integers(-365, 366, len(anchor)).astype("timedelta64[D]"), END)
        activity = pd.DataFrame({"practice_id": practice[who - 1], "person_id": who, "activity_date": when,
                                 "activity_type": rng.choice(TYPES, len(who), p=TYPE_P),
                                 "count": rng.integers(1, 4, len(who))})
        activity = activity.drop_duplicates(["practice_id", "person_id", "activity_date", "activity_type"]).head(rows)
        copy(cur, "activity", activity)
        measured = ids[rng.random(people) < 0.7]
        m = len(measured)
        for instrument in ("ons4", "ucla3"):
            for stage, offset in (("baseline", 0), ("discharge", 150)):
                base = {"episode_id": measured, "instrument": instrument, "stage": stage,
                        "taken_on": first_contact[measured - 1] + np.timedelta64(offset, "D"), "created_at": END}
                if instrument == "ons4":
                    items = {k: rng.integers(2, 10, m) for k in ("life_satisfaction", "worthwhile", "happiness", "anxiety")}
                else:
                    items = {k: rng.integers(1, 4, m) for k in ("ucla_companionship", "ucla_left_out", "ucla_isolated")}
                    items["ucla_total"] = sum(items.values())
                copy(cur, "wellbeing_measure", pd.DataFrame({**base, **items}))
        onward_n = rng.integers(0, 4, people)
        onward_ep = np.repeat(ids, onward_n)
        copy(cur, "onward_referral", pd.DataFrame({
            "episode_id": onward_ep, "organisation_name": [f"Organisation {k}" for k in rng.integers(1, 300, len(onward_ep))],
            "service_name": "", "sector": rng.choice(SECTORS, len(onward_ep), p=[.4, .2, .1, .1, .15, .05]),
            "kind": "linkage", "status": rng.choice(["made", "attending", "completed", "declined"], len(onward_ep)),
            "consent_to_share": False, "accompanied": False, "notes": "", "created_at": END, "version": 1}))
        peer = ids[rng.random(people) < 0.25]
        copy(cur, "peer_support", pd.DataFrame({
            "episode_id": peer, "kind": rng.choice(["peer_activity", "volunteering"], len(peer), p=[.8, .2]),
            "started_on": first_contact[peer - 1] + np.timedelta64(30, "D"), "where": "Bench group", "notes": "",
            "created_at": END}))
        contacts = np.repeat(ids, 3)
        copy(cur, "contact", pd.DataFrame({
            "episode_id": contacts, "kind": "home_visit", "status": "held",
            "contact_on": first_contact[contacts - 1], "duration_minutes": 60, "who_was_there": "", "notes": "",
            "created_at": END, "version": 1}))
        for table in ("person", "referral", "referral_need", "episode", "activity", "wellbeing_measure",
                      "onward_referral", "peer_support", "contact"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    db.session.commit()
    db.session.execute(db.text("ANALYZE"))
    db.session.commit()
    print(f"Loaded {people:,} people and {len(activity):,} activity rows in {time.perf_counter() - started:.1f} s")


def build_comparison(people: int, comparators: int, rows_per_person: int) -> None:
    """A matched comparison cohort of ``comparators`` people (pool = cohort) with their activity."""
    from app.extensions import db

    rng = np.random.default_rng(SEED + 1)
    started = time.perf_counter()
    ids = np.arange(1, comparators + 1)
    matched = rng.integers(1, people + 1, comparators)
    received = np.array([row[0] for row in db.session.execute(db.text("SELECT received_at FROM referral ORDER BY id"))],
                        dtype="datetime64[D]")
    anchor = received[matched - 1]  # each comparator's pseudo-anchor: their referred person's referral date
    connection = db.session.connection().connection.driver_connection
    with connection.cursor() as cur:
        copy(cur, "comparison_person", pd.DataFrame({
            "id": ids, "pseudonym": [f"{i:064x}" for i in ids], "practice_id": rng.integers(1, 41, comparators),
            "sex": rng.choice(["female", "male"], comparators), "year_of_birth": rng.integers(1940, 2000, comparators),
            "created_at": END}))
        copy(cur, "comparison_cohort", pd.DataFrame({
            "id": [1], "kind": ["match"], "created_at": [END], "filename": [""], "parameters": ["{}"],
            "seed": [SEED], "fingerprint": ["bench"], "members": [comparators], "referred_matched": [people],
            "referred_unmatched": [0], "note": [""]}))
        copy(cur, "comparison_member", pd.DataFrame({
            "id": ids, "cohort_id": 1, "comparison_person_id": ids, "anchor_date": anchor, "matched_person_id": matched,
            "distance": rng.random(comparators)}))
        who = np.repeat(ids, rows_per_person + 2)
        when = np.minimum(np.repeat(anchor, rows_per_person + 2)
                          + rng.integers(-365, 366, len(who)).astype("timedelta64[D]"), END)
        activity = pd.DataFrame({"comparison_person_id": who, "activity_date": when,
                                 "activity_type": rng.choice(TYPES, len(who), p=TYPE_P),
                                 "count": rng.integers(1, 4, len(who))})
        activity = activity.drop_duplicates(["comparison_person_id", "activity_date", "activity_type"])
        copy(cur, "comparison_activity", activity)
        for table in ("comparison_person", "comparison_cohort", "comparison_member", "comparison_activity"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    db.session.commit()
    db.session.execute(db.text("ANALYZE"))
    db.session.commit()
    print(f"Loaded a comparison cohort of {comparators:,} people and {len(activity):,} of their activity rows "
          f"in {time.perf_counter() - started:.1f} s")


def timed(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def report(label: str, seconds: list[float]) -> None:
    values = sorted(seconds)
    p95 = float(np.percentile(values, 95)) if len(values) > 1 else values[0]
    print(f"{label:<58} n={len(values):>3}  median {statistics.median(values) * 1000:7.0f} ms"
          f"  p95 {p95 * 1000:7.0f} ms  max {values[-1] * 1000:7.0f} ms")


def fresh_view(client, url: str) -> float:
    """Time a view, checking it was computed for the current records (not the last figures)."""
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200 and b"Records have changed" not in response.data, url
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--comparison", type=int, default=0, help="comparison cohort size (0: none)")
    args = parser.parse_args()
    if not args.reuse:
        psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
        psql(f"CREATE DATABASE {DB_NAME}")
    import pyarrow.parquet  # noqa: F401 - loaded at start by every server process (wsgi.py), so here too
    import scipy.stats  # noqa: F401

    from app import create_app
    from app.analytics import activity_windows, cache, records, refresh
    from app.analytics.filters import Filters
    from app.extensions import db
    from app.models import Contact, DashboardCache, DashboardRecords

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"{SERVER}/{DB_NAME}", "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False, "DASHBOARD_BACKGROUND_REFRESH": True})
    with app.app_context():
        db.create_all()  # with --reuse too: adds any table added since the database was built
        if not args.reuse:
            build(args.people, args.rows)
            if args.comparison:
                build_comparison(args.people, args.comparison, args.rows // args.people)
        db.session.execute(db.delete(DashboardCache))
        db.session.execute(db.delete(DashboardRecords))
        db.session.commit()
        started = time.perf_counter()
        activity_windows.refresh(rebuild=True)
        print(f"activity window sums rebuilt from every row (after an import) in {time.perf_counter() - started:.1f} s")
    localities = ["Brierley Hill", "Stourbridge", "Halesowen"]
    landing = cache.stored_view(Filters().key())  # what the cache's ``filters`` column holds for the landing view
    client = app.test_client()
    response = client.post("/login", data={"email": "commissioner@bench.example", "password": "bench-password"})
    assert response.status_code in (302, 303), "sign-in failed"
    report("default view, empty cache (computed while waiting)", [fresh_view(client, "/dashboard/")])
    report("default view (from the shared cache)", [timed(client, "/dashboard/") for _ in range(args.runs)])
    pending = []
    refresh.wait(timeout=300)  # the default view's own background work (its fairer estimate) done first

    def first_view(url: str) -> float:
        """A view nobody has opened; with a comparison cohort its fairer estimate follows from the
        background, and the time until it is stored is noted too."""
        elapsed = fresh_view(client, url)
        started = time.perf_counter()
        refresh.wait(timeout=300)  # returns at once when nothing is being calculated
        pending.append(time.perf_counter() - started)
        return elapsed

    for label, urls in (("a locality", [f"/dashboard/?locality={n.replace(' ', '+')}" for n in localities]),
                        ("a financial year", [f"/dashboard/?period={y}" for y in ("2022-23", "2023-24", "2024-25")]),
                        ("a practice", [f"/dashboard/?practice=M8{i:04d}" for i in range(1, 40, 4)])):
        pending.clear()
        report(f"filter change: {label} nobody has opened", [first_view(url) for url in urls])
        if any(p > 0.05 for p in pending):
            report("  ... then its fairer estimate, from the background", pending)
    # The same views again, as a web process that has not made the landing view itself makes them
    # (under ``make serve`` the worker makes it): no records kept in this process, so they are
    # loaded from the copy the landing view stored (app.analytics.records_store); then again with
    # no stored copy either, every row read from the database.  Each view's figures are dropped
    # first, so it is a view nobody has opened.
    # (Every view from the stored copy first: the second pass deletes it.)
    for how, stored in (("records stored by the landing view", True), ("every row read", False)):
        for label, urls in (("a locality", [f"/dashboard/?locality={n.replace(' ', '+')}" for n in localities]),
                            ("a financial year", [f"/dashboard/?period={y}" for y in ("2022-23", "2023-24",
                                                                                        "2024-25")])):
            seconds = []
            for url in urls:
                with app.app_context():
                    db.session.execute(db.delete(DashboardCache).where(DashboardCache.filters != landing))
                    if not stored:
                        db.session.execute(db.delete(DashboardRecords))
                    db.session.commit()
                records.forget()
                seconds.append(first_view(url))
            report(f"{label} nobody has opened, another process: {how}", seconds)
    after_change = []
    for _ in range(3):
        with app.app_context():
            db.session.add(Contact(episode_id=1, kind="phone", status="held", contact_on=END.astype(object),
                                   duration_minutes=10))
            db.session.commit()
        started = time.perf_counter()
        response = client.get("/dashboard/")
        after_change.append(time.perf_counter() - started)
        assert b"Records have changed" in response.data
        started = time.perf_counter()
        refresh.wait(timeout=300)
        print(f"  new figures computed in the background in {time.perf_counter() - started:.1f} s")
    report("default view just after a record changed (last figures)", after_change)
    report("default view once the new figures are in", [fresh_view(client, "/dashboard/") for _ in range(args.runs)])
    with app.app_context():
        from app.analytics.figures import warm

        count, seconds = warm()
    print(f"outcomes warm-dashboard: {count} views computed in {seconds:.1f} s")
    urls = [f"/dashboard/?locality={n.replace(' ', '+')}" for n in localities]
    urls += [f"/dashboard/?practice=M8{i:04d}" for i in range(0, 40, 4)] + ["/dashboard/"]
    report("filter changes after warm-dashboard (localities, practices)",
           [fresh_view(client, urls[i % len(urls)]) for i in range(max(args.runs, len(urls)))])
    report("printable report, default view", [timed(client, "/dashboard/report") for _ in range(args.runs)])


if __name__ == "__main__":
    main()
