"""Recording that the person declined social prescribing (manager at triage, officer at first contact)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.form_errors import attach_rule_error
from app.models import Referral
from app.referrals import bp
from app.referrals.forms_person_declined import PersonDeclinedForm
from app.security import Role, requires
from app.services import person_declined as declines
from app.services.audit import audited_view
from app.services.errors import RuleBroken, StaleEdit


def _referral_or_404(referral_id: int) -> Referral:
    """The manager sees every referral; a link officer only those accepted into support."""
    referral = db.session.scalar(select(Referral).where(Referral.id == referral_id)
                                 .options(selectinload(Referral.episode), selectinload(Referral.practice)))
    if referral is None or (current_user.role == Role.LINK_OFFICER and referral.episode is None):
        abort(404)
    return referral


def _back(referral: Referral) -> str:
    if current_user.role == Role.LINK_OFFICER and referral.person_id:
        return url_for("people.view", person_id=referral.person_id)
    if referral.status in ("received", "more_info_requested"):
        return url_for("triage.decide", referral_id=referral.id)
    return url_for("referrals.show", referral_id=referral.id)


@bp.route("/<int:referral_id>/person-declined", methods=["GET", "POST"])
@requires(Role.MANAGER, Role.LINK_OFFICER)
@audited_view("referral.person_declined.view")
def person_declined(referral_id: int):
    referral = _referral_or_404(referral_id)
    back = _back(referral)
    form = PersonDeclinedForm(version=str(referral.version))
    if form.validate_on_submit():
        try:
            declines.record(by=current_user, referral=referral, version=form.version.data,
                                   on=form.on.data, reason=form.reason.data)
        except RuleBroken as error:
            db.session.rollback()
            attach_rule_error(form, error)
            if isinstance(error, StaleEdit):
                form.version.data = str(db.session.get(Referral, referral_id).version)
        else:
            flash(f"Recorded that {referral.full_name} declined social prescribing. The practice can see it.",
                  "success")
            return redirect(back, code=303)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("referrals/person_declined.html", referral=referral, form=form, back=back,
                           allowed=declines.can_record(referral)), status
