"""The ceiling for `make bench-pages`: a bare Flask + SQLAlchemy page reading 66 rows.

    DATABASE_URL=postgresql+psycopg://... gunicorn --workers 2 bench.bare_app:app

It reads the bench officer's 66 open episodes with their people from the same database as the
Hearthlink pages and renders them as a plain HTML table: no sign-in, no session, no audit, no
design-system macros. What a page costs beyond this is what Hearthlink adds.
"""
from __future__ import annotations

import os

from flask import Flask, render_template_string
from sqlalchemy import create_engine, text

OFFICER = os.environ.get("BENCH_OFFICER", "officer66@bench.example")
QUERY = text("""
    SELECT p.id, p.given_name, p.family_name, e.allocated_at, e.first_contact_on
    FROM episode e JOIN person p ON p.id = e.person_id JOIN user_account u ON u.id = e.officer_id
    WHERE u.email = :email AND e.discharged_on IS NULL ORDER BY e.allocated_at, e.id LIMIT 66""")
PAGE = """<!doctype html><html lang="en"><head><title>Caseload</title></head><body><h1>Caseload</h1>
<table><thead><tr><th>Person</th><th>Allocated</th><th>First contact</th></tr></thead><tbody>
{% for row in rows %}<tr><td><a href="/people/{{ row.id }}">{{ row.given_name }} {{ row.family_name }}</a></td>
<td>{{ row.allocated_at.strftime("%d %b %Y") }}</td><td>{{ row.first_contact_on or "" }}</td></tr>{% endfor %}
</tbody></table></body></html>"""

app = Flask(__name__)
engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)


@app.get("/")
def caseload():
    with engine.connect() as connection:
        rows = connection.execute(QUERY, {"email": OFFICER}).all()
    assert len(rows) == 66, len(rows)
    return render_template_string(PAGE, rows=rows)
