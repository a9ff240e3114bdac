"""The data set behind `make bench-pages` (CONTRACT.md §7): 50,000 people, 500,000 contacts.

Built on the dashboard benchmark's builder (people, referrals, episodes, activity, measures,
onward and peer support, by COPY with a fixed seed), then made into a service's working life:

* contacts: the builder's three per person replaced by `contacts` rows spread over every episode
  (held in the past, some cancelled, open episodes with planned ones ahead);
* needs from the holistic assessment (1-4 per episode), referral history events (one per status
  move), risk flags on a tenth of referrals, 40 referrals waiting for triage, and an audit log of
  about 8 events per person;
* bench users who can sign in with a password (REQUIRE_MFA=0 on the bench server): a link officer
  with exactly 66 open episodes (`officer66@bench.example`), a manager and a practice user, all
  with the password ``bench-password``.

This is volume, not behaviour: rows are what the services would have written, not written by
them. `grow()` adds history for the 10x growth check: contacts on every episode except the bench
officer's 66, whose pages are the ones measured (their own record stays the same size).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard_bench import END, NEEDS, copy  # noqa: E402
from dashboard_bench import build as build_base  # noqa: E402

SEED = 20261202
PASSWORD = "bench-password"
OFFICER = "officer66@bench.example"
MANAGER = "manager@bench.example"
PRACTICE = "practice@bench.example"
KINDS = np.array(["home_visit", "phone", "video", "community_venue", "accompanied_visit", "group_session"])
TODAY = np.datetime64("today", "D")
# What services/casework.py keeps on each episode as contacts are logged.
LAST_CONTACT = ("UPDATE episode SET last_contact_on = last.last_on FROM (SELECT episode_id, max(contact_on) AS last_on "
                "FROM contact WHERE status = 'held' GROUP BY episode_id) last WHERE last.episode_id = episode.id "
                "AND episode.last_contact_on IS DISTINCT FROM last.last_on")


def vacuum(tables: str = "") -> None:
    """VACUUM ANALYZE (outside a transaction), as autovacuum would after a bulk load: fresh
    visibility maps for index-only scans, no dead rows from the bulk updates, fresh statistics."""
    from app.extensions import db

    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f"VACUUM ANALYZE {tables}".strip())


TABLES = ("contact", "need", "referral_event", "referral_risk", "person_risk", "audit_event", "referral",
          "user_account")


def _contacts(rng, episodes: pd.DataFrame, total: int, start_id: int, planned: bool) -> pd.DataFrame:
    """`total` contacts spread over `episodes` (rows with id, first_contact_on, discharged_on)."""
    weights = rng.gamma(2.0, 1.0, len(episodes))
    counts = rng.multinomial(total, weights / weights.sum())
    ep = np.repeat(episodes["id"].to_numpy(), counts)
    first = np.repeat(episodes["first_contact_on"].to_numpy().astype("datetime64[D]"), counts)
    last = np.repeat(episodes["discharged_on"].fillna(pd.Timestamp(TODAY)).to_numpy().astype("datetime64[D]"), counts)
    span = np.maximum((last - first).astype(int), 1)
    when = first + (rng.random(len(ep)) * span).astype(int).astype("timedelta64[D]")
    status = rng.choice(np.array(["held", "cancelled"]), len(ep), p=[0.93, 0.07])
    frame = pd.DataFrame({"id": np.arange(start_id, start_id + len(ep)), "episode_id": ep,
                          "kind": rng.choice(KINDS, len(ep)), "status": status, "contact_on": when,
                          "duration_minutes": np.where(status == "held", rng.integers(10, 120, len(ep)), None),
                          "who_was_there": "", "notes": "Talked about the week ahead.", "created_at": END,
                          "version": 1})
    if planned:  # each open episode: 0-2 planned contacts in the next four weeks (a few overdue)
        open_eps = episodes[episodes["discharged_on"].isna()]["id"].to_numpy()
        n = rng.integers(0, 3, len(open_eps))
        ids = np.repeat(open_eps, n)
        plan = pd.DataFrame({"id": np.arange(frame["id"].max() + 1, frame["id"].max() + 1 + len(ids)),
                             "episode_id": ids, "kind": rng.choice(KINDS, len(ids)), "status": "planned",
                             "contact_on": TODAY + rng.integers(-5, 28, len(ids)).astype("timedelta64[D]"),
                             "duration_minutes": None, "who_was_there": "", "notes": "", "created_at": END,
                             "version": 1})
        frame = pd.concat([frame.iloc[:total - len(plan)], plan], ignore_index=True)
    return frame


def build(people: int, contacts: int, activity_rows: int) -> None:
    """Fill the (empty, created) bench database. Needs an app context."""
    from app.extensions import db
    from app.models import User

    build_base(people, activity_rows)
    started = time.perf_counter()
    rng = np.random.default_rng(SEED)
    manager = User(email=MANAGER, name="Bench Manager", role="manager")
    practice = User(email=PRACTICE, name="Bench Practice", role="gp_practice", practice_id=1)
    officer = User(email=OFFICER, name="Officer Sixty-Six", role="link_officer", locality_id=1)
    for user in (manager, practice, officer):
        user.set_password(PASSWORD)
    db.session.add_all([manager, practice, officer])
    db.session.commit()
    conn = db.session.connection().connection.driver_connection
    with conn.cursor() as cur:
        # The bench officer takes 66 open episodes (the other officers keep ~1,600 each).
        cur.execute("UPDATE episode SET officer_id = %s WHERE id IN (SELECT id FROM episode "
                    "WHERE discharged_on IS NULL ORDER BY id LIMIT 66)", (officer.id,))
        cur.execute("UPDATE episode SET officer_seen_at = allocated_at WHERE id % 9 <> 0")
        cur.execute("DELETE FROM contact")
        cur.execute("SELECT id, first_contact_on, discharged_on, referral_id FROM episode ORDER BY id")
        episodes = pd.DataFrame(cur.fetchall(), columns=["id", "first_contact_on", "discharged_on", "referral_id"])
        episodes["first_contact_on"] = pd.to_datetime(episodes["first_contact_on"])
        episodes["discharged_on"] = pd.to_datetime(episodes["discharged_on"])
        copy(cur, "contact", _contacts(rng, episodes, contacts, 1, planned=True))
        cur.execute(LAST_CONTACT)
        need_n = rng.integers(1, 5, len(episodes))
        need_ep = np.repeat(episodes["id"].to_numpy(), need_n)
        status = rng.choice(np.array(["identified", "being_addressed", "met", "declined"]), len(need_ep),
                            p=[0.3, 0.3, 0.3, 0.1])
        identified = np.repeat(episodes["first_contact_on"].to_numpy().astype("datetime64[D]"), need_n)
        copy(cur, "need", pd.DataFrame({
            "episode_id": need_ep, "area": rng.choice(NEEDS, len(need_ep)),
            "severity": rng.choice(np.array(["low", "medium", "high"]), len(need_ep)), "status": status,
            "from_referral": False, "identified_on": identified,
            "met_on": np.where(status == "met", identified + np.timedelta64(40, "D"), np.datetime64("NaT")),
            "notes": "", "version": 1}).drop_duplicates(["episode_id", "area"]))
        moves = ["received", "accepted", "allocated", "first_contact", "in_support"]
        cur.execute("SELECT id, received_at, status FROM referral ORDER BY id")
        referrals = pd.DataFrame(cur.fetchall(), columns=["id", "received_at", "status"])
        events = [pd.DataFrame({"referral_id": referrals["id"], "at": referrals["received_at"]
                                + pd.Timedelta(days=3 * step), "from_status": moves[step - 1] if step else None,
                                "to_status": to, "note": ""}) for step, to in enumerate(moves)]
        gone = referrals[referrals["status"] == "discharged"]
        events.append(pd.DataFrame({"referral_id": gone["id"], "at": gone["received_at"] + pd.Timedelta(days=200),
                                    "from_status": "in_support", "to_status": "discharged", "note": "Goals met"}))
        copy(cur, "referral_event", pd.concat(events, ignore_index=True))
        risky = referrals["id"].to_numpy()[rng.random(len(referrals)) < 0.1]
        copy(cur, "referral_risk", pd.DataFrame({"referral_id": risky,
                                                 "risk": rng.choice(np.array(["dog", "smoking", "access"]),
                                                                    len(risky))}))
        # What accepting a referral does (services/risks.py, copy_from_referral): its ticked risks
        # start the person's risk record, which the caseload's cards and the record show.
        cur.execute("INSERT INTO person_risk (person_id, risk, detail, recorded_at, from_referral_id, version) "
                    "SELECT DISTINCT ON (e.person_id, rr.risk) e.person_id, rr.risk, '', r.received_at, r.id, 1 "
                    "FROM referral_risk rr JOIN referral r ON r.id = rr.referral_id "
                    "JOIN episode e ON e.referral_id = r.id ORDER BY e.person_id, rr.risk, r.received_at")
        cur.execute("SELECT max(id) FROM referral")
        top = cur.fetchone()[0]
        waiting = np.arange(top + 1, top + 41)
        copy(cur, "referral", pd.DataFrame({
            "id": waiting, "practice_id": (waiting % 40) + 1, "status": "received",
            "received_at": pd.Timestamp(TODAY) - pd.to_timedelta(waiting % 10, unit="D"),
            "nhs_number": [f"{9100000000 + i}" for i in waiting], "given_name": "Waiting",
            "family_name": [f"Referral{i}" for i in waiting], "date_of_birth": np.datetime64("1950-05-05"),
            "address": "2 Bench Road", "postcode": "DY1 1AA", "phone": "", "contact_method": "phone",
            "contact_times": "", "accessibility_needs": "", "concerns": "Lonely since moving.", "risk_notes": "",
            "referrer_name": "Dr Bench", "referrer_role": "GP", "mdt_meeting_date": END,
            "consent_to_referral": True, "consent_to_share": True, "version": 1}))
        copy(cur, "referral_event", pd.DataFrame({"referral_id": waiting, "to_status": "received", "note": "",
                                                  "at": pd.Timestamp(TODAY)}))
        n_audit = people * 8
        subject = rng.integers(1, people + 1, n_audit)
        copy(cur, "audit_event", pd.DataFrame({
            "at": pd.Timestamp(END) - pd.to_timedelta(rng.integers(0, 1000 * 86400, n_audit), unit="s"),
            "actor_id": rng.integers(2, 14, n_audit), "actor_email": "officer@bench.example",
            "action": "person.view", "subject_type": "person", "subject_id": subject.astype(str),
            "detail": "", "remote_addr": "127.0.0.1"}))
        for table in TABLES:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    db.session.commit()
    vacuum()
    print(f"Bench pages data: {contacts:,} contacts, needs, history, audit in {time.perf_counter() - started:.1f} s")


def grow(extra: int) -> None:
    """Add `extra` contacts of history to every episode but the bench officer's, then ANALYZE."""
    from app.extensions import db

    started = time.perf_counter()
    rng = np.random.default_rng(SEED + 1)
    conn = db.session.connection().connection.driver_connection
    with conn.cursor() as cur:
        cur.execute("SELECT e.id, e.first_contact_on, e.discharged_on, e.referral_id FROM episode e "
                    "JOIN user_account u ON u.id = e.officer_id WHERE u.email <> %s ORDER BY e.id", (OFFICER,))
        episodes = pd.DataFrame(cur.fetchall(), columns=["id", "first_contact_on", "discharged_on", "referral_id"])
        episodes["first_contact_on"] = pd.to_datetime(episodes["first_contact_on"])
        episodes["discharged_on"] = pd.to_datetime(episodes["discharged_on"])
        cur.execute("SELECT max(id) FROM contact")
        start = cur.fetchone()[0] + 1
        step = 1_000_000
        for offset in range(0, extra, step):
            copy(cur, "contact", _contacts(rng, episodes, min(step, extra - offset), start + offset, planned=False))
        cur.execute("SELECT setval(pg_get_serial_sequence('contact', 'id'), (SELECT max(id) FROM contact))")
        cur.execute(LAST_CONTACT)
    db.session.commit()
    vacuum("contact")
    vacuum("episode")
    print(f"Growth: {extra:,} more contacts in {time.perf_counter() - started:.1f} s")
