from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import false, select

from app import name_search as search
from app.converters import int_arg
from app.extensions import db
from app.form_errors import attach_rule_error
from app.models import Practice
from app.models.base import utcnow
from app.models.referral import ReferralStatus
from app.models.vocab import need_area_groups
from app.navigation import came_from
from app.pagination import page_arg, paginate
from app.referrals import bp, queries
from app.referrals.forms import AnswerForm, ReferralForm
from app.security import Role, requires
from app.services import audit, referrals
from app.services.audit import audited_view
from app.services.errors import RuleBroken
from app.triage.forms import AllocateForm

CARRY_OVER = "referral_meeting"  # session key: what "Save and refer another" keeps


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@bp.route("/new", methods=["GET", "POST"])
@requires(Role.GP_PRACTICE)
def new():
    form = ReferralForm()
    if request.method == "GET" and session.get(CARRY_OVER):
        carried = session[CARRY_OVER]
        form.referrer_name.data, form.referrer_role.data = carried["name"], carried["role"]
        form.mdt_meeting_date.process(None, date.fromisoformat(carried["date"]))
    duplicate = None
    if form.validate_on_submit():
        try:
            referral = referrals.submit(by=current_user, practice=current_user.practice, **form.details())
        except referrals.DuplicateReferral as error:
            duplicate = error  # says only whether the open referral is this practice's own
            attach_rule_error(form, error)
        except RuleBroken as error:
            attach_rule_error(form, error)
        else:
            return _after_submit(referral, another="another" in request.form)
    return render_template("referrals/new.html", form=form, duplicate=duplicate, need_groups=need_area_groups())


def _after_submit(referral, *, another: bool):
    flash(f"Referral for {referral.full_name} sent to the link service", "success")
    if another:
        session[CARRY_OVER] = {"name": referral.referrer_name, "role": referral.referrer_role,
                               "date": referral.mdt_meeting_date.isoformat()}
        return redirect(url_for("referrals.new"), code=303)
    session.pop(CARRY_OVER, None)
    return redirect(url_for("referrals.show", referral_id=referral.id), code=303)


@bp.route("/")
@requires(Role.GP_PRACTICE, Role.MANAGER)
def index():
    status = request.args.get("status") or None
    status = status if status in {s.value for s in ReferralStatus} else None
    meeting = _parse_date(request.args.get("meeting"))
    practice_id = int_arg("practice") if current_user.role == Role.MANAGER else None
    typed = request.args.get("q", "")
    try:
        wanted, search_error = search.parse(typed), None
    except ValueError as error:
        wanted, search_error = None, str(error)
    listed = queries.filtered(queries.visible_referrals(current_user), status=status, meeting=meeting,
                              practice_id=practice_id, search=wanted)
    if search_error:  # shown by the field, with what was typed; nobody is listed
        listed = listed.where(false())
    page = paginate(listed, page=page_arg(), per_page=queries.PAGE_SIZE)
    # What changed since the last look is shown, and the look recorded, on the first page only:
    # paging on through the list must not hide the changes before they were seen.
    first_page = page.page == 1
    changes = queries.changed_since(current_user, current_user.referrals_seen_at) if first_page else {}
    practices = db.session.scalars(select(Practice).order_by(Practice.name)).all() \
        if current_user.role == Role.MANAGER else []
    # Rendered before the commit below, which would expire the page's rows (one reload each).
    html = render_template("referrals/index.html", page=page, changes=changes,
                           last_seen=current_user.referrals_seen_at, status=status, meeting=meeting,
                           practice_id=practice_id, practices=practices, statuses=list(ReferralStatus),
                           changes_shown=queries.CHANGES_SHOWN, typed=typed, search=wanted,
                           search_error=search_error,
                           args={name: value for name, value in (("q", typed.strip() if wanted else None),
                                 ("status", status), ("practice", practice_id),
                                 ("meeting", meeting.isoformat() if meeting else None)) if value})
    if first_page:
        current_user.referrals_seen_at = utcnow()
    audit.record(by=current_user, action="referral.list", subject_type="referral_list",
                 subject_id=f"practice {current_user.practice_id}" if current_user.role == Role.GP_PRACTICE else "all",
                 detail=(f"searched for {wanted.described()}; " if wanted else "")
                 + audit.shown(referrals=[referral.id for referral in page.items] + list(changes)))
    db.session.commit()
    return html


@bp.route("/<int:referral_id>")
@requires(Role.GP_PRACTICE, Role.MANAGER)
@audited_view("referral.view")
def show(referral_id: int):
    referral = queries.referral_for(current_user, referral_id)
    answer_form = AnswerForm(version=str(referral.version))
    allocate_form = None
    if current_user.role == Role.MANAGER and referral.episode and referral.episode.is_open:
        from app.triage.routes import officer_choices

        allocate_form = AllocateForm(version=str(referral.version))
        allocate_form.officer_id.choices = officer_choices()
    same_meeting = queries.meeting_count(referral.practice_id, referral.mdt_meeting_date)
    return render_template("referrals/show.html", referral=referral, answer_form=answer_form,
                           allocate_form=allocate_form, same_meeting=same_meeting, back=_back_to_list())


def _back_to_list() -> str:
    """The referral list as the user left it (its search, filters and page) when they came from it;
    otherwise the list itself."""
    return came_from("referrals.index") or url_for("referrals.index")


@bp.route("/<int:referral_id>/answer", methods=["POST"])
@requires(Role.GP_PRACTICE)
def answer(referral_id: int):
    referral = queries.referral_for(current_user, referral_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            referrals.answer_question(by=current_user, referral=referral, answer=form.answer.data,
                                      version=form.version.data)
        except RuleBroken as error:
            attach_rule_error(form, error)
        else:
            flash("Your answer has been sent to the link service", "success")
            return redirect(url_for("referrals.show", referral_id=referral.id), code=303)
    same_meeting = queries.meeting_count(referral.practice_id, referral.mdt_meeting_date)
    return render_template("referrals/show.html", referral=referral, answer_form=form, allocate_form=None,
                           same_meeting=same_meeting, back=_back_to_list()), 400
