"""The administrator's view of messages back to GP systems: what waits, what failed and why, and
what was delivered; a failed message can be sent again. No personal data is shown: a message is
named by its referral number, practice and client, never by the person."""
from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.admin import bp
from app.admin.forms import EmptyForm
from app.extensions import db
from app.models import ApiClient, OutboxMessage, Referral
from app.models.base import uk_local
from app.models.outbox import OutboxStatus
from app.security import Role, requires
from app.services import outbox
from app.services.errors import RuleBroken

DELIVERED_SHOWN = 25


def uk_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = uk_local(moment)
    return f"{local.day} {local:%b %Y}, {local.hour % 12 or 12}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def _messages(status: OutboxStatus, *, newest_first: bool = False, limit: int | None = None) -> list[OutboxMessage]:
    order = OutboxMessage.id.desc() if newest_first else OutboxMessage.id
    query = (select(OutboxMessage).where(OutboxMessage.status == status.value).order_by(order)
             .options(selectinload(OutboxMessage.api_client).selectinload(ApiClient.practice),
                      selectinload(OutboxMessage.referral).selectinload(Referral.practice)))
    return list(db.session.scalars(query.limit(limit) if limit else query))


@bp.get("/outbox")
@requires(Role.ADMIN)
def outbox_index():
    counts = dict(db.session.execute(select(OutboxMessage.status, func.count(OutboxMessage.id))
                                     .group_by(OutboxMessage.status)).all())
    return render_template("admin/outbox.html", failed=_messages(OutboxStatus.FAILED),
                           pending=_messages(OutboxStatus.PENDING),
                           delivered=_messages(OutboxStatus.DELIVERED, newest_first=True, limit=DELIVERED_SHOWN),
                           counts=counts, delivered_shown=DELIVERED_SHOWN, uk_time=uk_time, form=EmptyForm(),
                           max_attempts=outbox.MAX_ATTEMPTS)


@bp.post("/outbox/<int:message_id>/retry")
@requires(Role.ADMIN)
def outbox_retry(message_id: int):
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            outbox.retry(by=current_user, message=message, version=request.form.get("version"))
        except RuleBroken as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(f"Message {message_id} will be sent again within a few seconds.", "success")
    return redirect(url_for("admin.outbox_index"), code=303)
