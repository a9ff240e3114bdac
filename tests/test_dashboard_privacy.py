"""No personal data, ever: every dashboard page and export, for the demo data, as a commissioner
and as a manager, holds no person's name, NHS number, date of birth, postcode or free text."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Locality, Person, Practice, Referral
from app.models.wellbeing import WellbeingMeasure  # noqa: F401  (support record loaded by the demo)
from tests.conftest import demo_loaded_once

TABLES = ("headline", "referrals_by_month", "needs", "need_pairs", "activity", "savings", "onward_sectors",
          "onward_organisations", "wellbeing", "waits", "estimates", "balance")

# Who the service reaches (issue 15): groups of people, never a person.
TABLES += ("reach_headline", "reach_imd_quintile", "reach_ethnic_group", "reach_sex", "reach_age_band")


def _forbidden() -> dict[str, set[str]]:
    """Everything that identifies a person in the database, in the forms a page could print it."""
    found: dict[str, set[str]] = {"name": set(), "nhs": set(), "dob": set(), "postcode": set(), "text": set()}
    for who in [*db.session.scalars(select(Person)), *db.session.scalars(select(Referral))]:
        found["name"].add(f"{who.given_name} {who.family_name}")
        found["nhs"] |= {who.nhs_number, who.nhs_number_spaced}
        dob = who.date_of_birth
        found["dob"] |= {dob.isoformat(), dob.strftime("%d/%m/%Y"), f"{dob.day} {dob.strftime('%B %Y')}"}
        found["postcode"].add(who.postcode)
        if isinstance(who, Referral):
            found["text"] |= {t for t in (who.concerns, who.address.splitlines()[0] if who.address else "") if len(t) > 12}
    return found


def _readable(response) -> str:
    body = response.get_data()
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            return "".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))
    return body.decode("utf-8-sig")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo_app(request, tmp_path_factory, sqlite_template):
    """The demo loaded once per engine for both roles' walks, which only read it (about 20 s of
    the suite a load); the views walked are made as they are opened, by the first role to ask."""
    yield from demo_loaded_once(request.param, tmp_path_factory, sqlite_template, "--people", "120", "--seed", "7")


@pytest.mark.parametrize("role", ["commissioner", "manager"])
def test_no_persons_data_on_any_dashboard_page_or_export(demo_app, role):
    client = demo_app.test_client()
    forbidden = _forbidden()
    assert forbidden["name"] and forbidden["nhs"] and forbidden["postcode"]
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": f"{role}@hearthlink.example", "password": "hearthlink-demo",
                                "csrf_token": token})
    views = [""] + [f"?locality={name}" for name in db.session.scalars(select(Locality.name))]
    views += [f"?practice={code}" for code in db.session.scalars(select(Practice.ods_code).limit(2))]
    urls = ["/dashboard/methods"]
    for query in views:
        urls += [f"/dashboard/{query}", f"/dashboard/report{query}"]
        urls += [f"/dashboard/export/{t}.{fmt}{query}" for t in TABLES for fmt in ("csv", "xlsx")]
    if role == "manager":
        urls += ["/dashboard/export/caseloads.csv", "/dashboard/export/caseloads.xlsx"]
    checked = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = _readable(response)
        for kind, values in forbidden.items():
            leaked = [value for value in values if value and value in text]
            assert not leaked, f"{url} shows a {kind}: {leaked[:3]}"
        checked += 1
    home = client.get("/dashboard/").get_data(as_text=True)
    assert 'data-figure="referred">' in home and "hl-chart" in home  # the pages did hold figures
    assert checked >= 100
