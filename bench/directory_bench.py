"""Directory search benchmark: build a 5,000-service directory and time the search page's query.

    .venv/bin/python bench/directory_bench.py [--services 5000] [--runs 200] [--database-url URL]

Uses a throwaway SQLite file unless --database-url (or BENCH_DATABASE_URL) names a PostgreSQL
database, whose directory tables it empties first. Prints the median and 95th percentile time of
a mix of searches (words, need area, locality, sector, open now, and combinations), each fetching
the count and one page of 20 results with their children, as /directory/ does. Target: median < 100 ms.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = ["debt", "advice", "walking", "carers", "food", "bank", "befriending", "warm", "space", "digital", "skills",
         "bereavement", "housing", "peer", "support", "volunteering", "singing", "lunch", "club", "coffee"]
SECTORS = ["voluntary", "community", "faith", "social_enterprise", "statutory", "private"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def build(app, count: int, rng: random.Random) -> None:
    from app.extensions import db
    from app.models import Locality
    from app.models.directory import Organization, Service, ServiceLocality, ServiceNeedArea
    from app.models.directory_places import Schedule
    from app.models.vocab import NeedArea

    with app.app_context():
        db.create_all()
        for table in ("schedule", "service_need_area", "service_locality", "service", "organization"):
            db.session.execute(db.metadata.tables[table].delete())
        localities = []
        for name in ("Brierley Hill", "Stourbridge", "Halesowen", "Dudley", "Sedgley"):
            loc = db.session.query(Locality).filter_by(name=name).first() or Locality(name=name)
            db.session.add(loc)
            localities.append(loc)
        db.session.commit()
        needs = list(NeedArea)
        orgs = [{"id": str(uuid.UUID(int=rng.getrandbits(128))), "name": f"Organisation {i}", "description": "",
                 "sector": rng.choice(SECTORS), "version": 1} for i in range(count // 5)]
        services, need_rows, locality_rows, schedules = [], [], [], []
        for i in range(count):
            sid = str(uuid.UUID(int=rng.getrandbits(128)))
            org = rng.choice(orgs)
            words = " ".join(rng.sample(WORDS, 4))
            chosen = rng.sample(needs, rng.randint(1, 3))
            place = rng.sample(localities, rng.randint(1, 2))
            name = f"{words.split()[0].title()} {words.split()[1]} service {i}"
            description = f"A {words} service for people in the borough."
            text = " ".join([name, org["name"], description] + [n.label for n in chosen] + [p.name for p in place])
            services.append({"id": sid, "organization_id": org["id"], "name": name, "description": description,
                             "status": "active", "eligibility_description": "", "application_process": "",
                             "access_routes": "self_referral", "last_checked_on": date.today(),
                             "last_modified": datetime.now(), "search_text": text.lower(), "version": 1})
            need_rows += [{"service_id": sid, "area": n.value} for n in chosen]
            locality_rows += [{"service_id": sid, "locality_id": p.id} for p in place]
            opens = rng.randint(8, 16)
            schedules.append({"id": str(uuid.UUID(int=rng.getrandbits(128))), "service_id": sid,
                              "owner_service_id": sid, "freq": "WEEKLY",
                              "byday": ",".join(sorted(rng.sample(DAYS, rng.randint(1, 3)), key=DAYS.index)),
                              "opens_at": f"{opens:02d}:00", "closes_at": f"{opens + rng.randint(1, 4):02d}:00"})
        db.session.execute(Organization.__table__.insert(), orgs)
        db.session.execute(Service.__table__.insert(), services)
        db.session.execute(ServiceNeedArea.__table__.insert(), need_rows)
        db.session.execute(ServiceLocality.__table__.insert(), locality_rows)
        db.session.execute(Schedule.__table__.insert(), schedules)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()


def queries(rng: random.Random, locality_ids: list[int], runs: int):
    from app.models.vocab import NeedArea
    from app.services.directory_search import DirectoryQuery

    mix = []
    for _ in range(runs):
        kind = rng.randrange(6)
        query = DirectoryQuery()
        if kind in (0, 4, 5):
            query.words = rng.choice(WORDS)
        if kind in (1, 4):
            query.need_area = rng.choice(list(NeedArea)).value
        if kind in (2, 4, 5):
            query.locality_id = rng.choice(locality_ids)
        if kind == 3:
            query.sector = rng.choice(SECTORS)
        if kind == 5:
            query.open_now = True
            query.at = datetime(2025, 3, rng.randint(3, 9), rng.randint(8, 18), 30)
        mix.append(query)
    return mix


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    args = parser.parse_args()
    from app import create_app
    from app.extensions import db
    from app.models import Locality
    from app.services.directory_search import search

    workdir = tempfile.mkdtemp(prefix="hearthlink-bench-")
    url = args.database_url or f"sqlite:///{workdir}/directory.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    rng = random.Random(2014)
    started = time.perf_counter()
    build(app, args.services, rng)
    print(f"Built {args.services} services on {url.split(':')[0]} in {time.perf_counter() - started:.1f} s")
    with app.app_context():
        locality_ids = [loc.id for loc in db.session.query(Locality)]
        timings, found = [], []
        for query in queries(rng, locality_ids, args.runs):
            db.session.expire_all()
            start = time.perf_counter()
            page = search(query)
            [s.organization.name for s in page.services]  # noqa: B018 - rendered by the page
            timings.append((time.perf_counter() - start) * 1000)
            found.append(page.total)
    timings.sort()
    median, p95 = statistics.median(timings), timings[int(0.95 * (len(timings) - 1))]
    print(f"{len(timings)} searches; results per search: median {statistics.median(found):.0f}")
    print(f"search median {median:.1f} ms, p95 {p95:.1f} ms (target: median < 100 ms)")
    return 0 if median < 100 else 1


if __name__ == "__main__":
    raise SystemExit(main())
