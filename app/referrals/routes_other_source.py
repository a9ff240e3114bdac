"""The manager enters a referral from another source (/referrals/other-source).

Self-referrals and referrals from family, councils, voluntary organisations, hospitals and other
NHS services arrive by phone, letter or email. The manager types them in here: the same form,
checks, duplicate rule and triage queue as a practice's referral, with who sent it and the
person's registered GP practice, which then sees the referral (marked with its source) and gets
the summary back like any other.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.form_errors import attach_rule_error
from app.models import Practice
from app.models.vocab import need_area_groups
from app.referrals import bp
from app.referrals.forms import OtherSourceReferralForm
from app.security import Role, requires
from app.services import referrals
from app.services.errors import RuleBroken


@bp.route("/other-source", methods=["GET", "POST"])
@requires(Role.MANAGER)
def other_source():
    practices = db.session.scalars(select(Practice).order_by(Practice.name)).all()
    form = OtherSourceReferralForm(practices=[(p.id, f"{p.name} ({p.ods_code})") for p in practices])
    duplicate = None
    if form.validate_on_submit():
        practice = db.session.get(Practice, form.practice_id.data)
        details = form.details()
        try:
            referral = referrals.submit(by=current_user, practice=practice, **details)
        except referrals.DuplicateReferral as error:
            duplicate = error
            attach_rule_error(form, RuleBroken("This person already has an open referral or support episode",
                                               field="nhs_number"))
        except RuleBroken as error:
            attach_rule_error(form, error)
        else:
            flash(f"Referral for {referral.full_name} from {referral.source_description} is in the triage queue",
                  "success")
            return redirect(url_for("triage.decide", referral_id=referral.id), code=303)
    return render_template("referrals/other_source.html", form=form, duplicate=duplicate,
                           need_groups=need_area_groups())
