"""The practice's downloads: the summary back to the GP as PDF, and its referrals as CSV."""
from __future__ import annotations

import csv
import io

from flask import Response, abort, current_app
from flask_login import current_user

from app.extensions import db
from app.models.base import uk_today
from app.referrals import bp, queries
from app.security import Role, requires
from app.services import audit, gp_summary, referral_export, summary_pdf
from app.services.audit import audited_view


@bp.get("/<int:referral_id>/summary.pdf")
@requires(Role.GP_PRACTICE, Role.MANAGER)
@audited_view("referral.summary_pdf")
def summary_download(referral_id: int):
    """The PRSB-shaped summary at discharge, for every referral (web form ones too)."""
    referral = queries.referral_for(current_user, referral_id)  # a practice's own only
    if referral.status != "discharged" or referral.episode is None or referral.episode.discharged_on is None:
        abort(404)
    pdf = summary_pdf.render_pdf(gp_summary.for_referral(referral),
                                 service_name=current_app.config.get("SERVICE_NAME") or "Hearthlink")
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="social-prescribing-summary-{referral.id}.pdf"',
        "Cache-Control": "no-store"})


@bp.get("/export.csv")
@requires(Role.GP_PRACTICE)
def export_csv():
    """The practice's own referrals, with the SNOMED CT code for its GP record."""
    referrals = referral_export.referrals_of(current_user.practice)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(referral_export.rows(referrals))
    audit.record(by=current_user, action="referral.export", subject_type="referral_list",
                 subject_id=f"practice {current_user.practice_id}",
                 detail=audit.shown(referrals=[referral.id for referral in referrals]))
    db.session.commit()
    return Response(buffer.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="referrals-{current_user.practice.ods_code}-{uk_today()}.csv"',
        "Cache-Control": "no-store"})
