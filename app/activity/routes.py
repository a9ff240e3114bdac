from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.activity import bp
from app.activity.forms import ExtractForm
from app.extensions import db
from app.models import ActivityImport, Practice
from app.models.vocab import ActivityType
from app.security import Role, requires
from app.services.activity_import import ExtractRejected, import_extract


def _recent_imports():
    query = select(ActivityImport).options(selectinload(ActivityImport.by), selectinload(ActivityImport.practice)) \
        .order_by(ActivityImport.at.desc()).limit(10)
    if current_user.role == Role.GP_PRACTICE:
        query = query.where(ActivityImport.practice_id == current_user.practice_id)
    return db.session.scalars(query).all()


@bp.route("/", methods=["GET", "POST"])
@requires(Role.GP_PRACTICE, Role.MANAGER)
def upload():
    form = ExtractForm()
    if current_user.role == Role.MANAGER:
        form.practice_id.choices = [(0, "Each row's person's registered practice")] + [
            (p.id, f"{p.name} ({p.ods_code})") for p in db.session.scalars(select(Practice).order_by(Practice.name))]
    problems = []
    if form.validate_on_submit():
        practice = current_user.practice if current_user.role == Role.GP_PRACTICE \
            else db.session.get(Practice, form.practice_id.data or 0)
        upload_file = form.file.data
        try:
            outcome = import_extract(by=current_user, content=upload_file.read(), filename=upload_file.filename or "",
                                     practice=practice)
        except ExtractRejected as error:
            db.session.rollback()
            form.file.errors = [error.message]
            problems = error.problems
        else:
            flash(f"Imported {upload_file.filename}: {outcome}", "success")
            return redirect(url_for("activity.upload"), code=303)
    return render_template("activity/upload.html", form=form, problems=problems, imports=_recent_imports(),
                           activity_types=list(ActivityType))
