"""/activity/comparison/ (manager): import a comparison cohort; how the cohort in use was made.

The page shows counts and settings only — never an NHS number or a pseudonym.
"""
from __future__ import annotations

import json

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.comparison import bp
from app.comparison.forms import CohortForm
from app.extensions import db
from app.models.comparison import ComparisonActivity, ComparisonCohort, ComparisonPerson
from app.security import Role, requires
from app.services.comparison import CohortRejected, import_cohort


def _cohorts():
    query = (select(ComparisonCohort).options(selectinload(ComparisonCohort.by))
             .order_by(ComparisonCohort.id.desc()).limit(10))
    cohorts = db.session.scalars(query).all()
    return [{"record": c, "parameters": json.loads(c.parameters or "{}")} for c in cohorts]


@bp.route("/", methods=["GET", "POST"])
@requires(Role.MANAGER)
def upload():
    form = CohortForm()
    problems = []
    if form.validate_on_submit():
        upload_file = form.file.data
        try:
            outcome = import_cohort(by=current_user, content=upload_file.read(), filename=upload_file.filename or "")
        except CohortRejected as error:
            db.session.rollback()
            form.file.errors = [error.message]
            problems = error.problems
        else:
            flash(f"Imported {upload_file.filename}: {outcome}", "success")
            return redirect(url_for("comparison.upload"), code=303)
    pool = {"people": db.session.scalar(select(func.count(ComparisonPerson.id))),
            "rows": db.session.scalar(select(func.count(ComparisonActivity.id)))}
    return render_template("comparison/upload.html", form=form, problems=problems, cohorts=_cohorts(), pool=pool)
