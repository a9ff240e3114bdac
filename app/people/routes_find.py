"""Find a person (/people/find?q=): an officer covering a colleague, or the manager, finds someone
by name or NHS number and opens their support record. Nobody is listed until something is searched
for; each search that lists people is audited with who was shown."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from app import name_search
from app.pagination import page_arg
from app.people import bp, finding
from app.security import Role, requires
from app.services import audit


@bp.get("/find")
@requires(Role.LINK_OFFICER, Role.MANAGER)
def find():
    typed = request.args.get("q", "")
    try:
        wanted, error = name_search.parse(typed), None
    except ValueError as refused:
        wanted, error = None, str(refused)
    page = finding.page_of(wanted, page_arg()) if wanted else None
    html = render_template("people/find.html", typed=typed, search=wanted, search_error=error, page=page,
                           args={"q": typed.strip()} if wanted else {})
    if wanted:
        audit.viewed(by=current_user, action="person.search", subject_type="person_search", subject_id="all",
                     detail=f"searched for {wanted.described()}; "
                     + audit.shown(people=[person.person_id for person in page.items]))
    return html
