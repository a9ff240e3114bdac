"""The officer corrects the person's address, phone and equality details (/people/<id>/about)."""
from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_login import current_user

from app.extensions import db
from app.models import Person
from app.people import bp, record
from app.people.forms_about import AboutPersonForm
from app.people.routes import SUPPORT_STAFF, refused, section
from app.security import requires
from app.services import equality
from app.services.audit import audited_view
from app.services.errors import RuleBroken


@bp.route("/<int:person_id>/about", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.details.view")
def edit_about(person_id: int):
    episode = record.current_episode_or_404(person_id)
    person = db.session.get(Person, person_id) or abort(404)
    form = AboutPersonForm(obj=person)
    if request.method == "GET":
        form.version.data = str(person.version)
    elif form.validate_on_submit():
        try:
            equality.update_person(by=current_user, person=person, version=form.version.data,
                                   address=form.address.data, postcode=form.postcode.data,
                                   phone=form.phone.data or "", **form.equality_details())
        except RuleBroken as error:
            db.session.rollback()
            refused(form, error, db.session.get(Person, person_id).version)
        else:
            flash(f"{person.given_name}'s details are saved", "success")
            return section(person_id, "about")
    return render_template("people/about_edit.html", form=form, episode=episode, person=person)
