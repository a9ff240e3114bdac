"""Localities, practices and user accounts."""
from __future__ import annotations

from sqlalchemy import func, select

from app.auth import passwords
from app.extensions import db
from app.models import Locality, Practice, User
from app.models.org import ODS_PRACTICE_CODE
from app.security import Role
from app.services import audit, staff_sessions
from app.services.errors import RuleBroken


def _locality_named(name: str) -> Locality | None:
    return db.session.scalar(select(Locality).where(func.lower(Locality.name) == name.strip().lower()))


def find_or_create_locality(*, by: User | None, name: str) -> Locality:
    """Return the locality with this name (case-insensitive), creating it if new. Does not commit."""
    name = name.strip()
    if not name:
        raise RuleBroken("Enter the locality name", field="locality")
    existing = _locality_named(name)
    if existing:
        return existing
    locality = Locality(name=name)
    db.session.add(locality)
    db.session.flush()
    audit.record(by=by, action="locality.create", subject_type="locality", subject_id=locality.id,
                 detail=name)
    return locality


def create_locality(*, by: User | None, name: str) -> Locality:
    if _locality_named(name):
        raise RuleBroken(f"A locality called {name.strip()} already exists", field="name")
    locality = find_or_create_locality(by=by, name=name)
    db.session.commit()
    return locality


def rename_locality(*, by: User, locality: Locality, name: str) -> None:
    clash = _locality_named(name)
    if clash and clash.id != locality.id:
        raise RuleBroken(f"A locality called {name.strip()} already exists", field="name")
    audit.record(by=by, action="locality.rename", subject_type="locality", subject_id=locality.id,
                 detail=f"{locality.name} -> {name.strip()}")
    locality.name = name.strip()
    db.session.commit()


def normalise_ods(code: str) -> str:
    code = code.strip().upper()
    if not ODS_PRACTICE_CODE.match(code):
        raise RuleBroken(
            "Enter the practice's ODS code: one letter and five digits, like M87001", field="ods_code"
        )
    return code


def create_practice(*, by: User | None, ods_code: str, name: str, locality_name: str) -> Practice:
    """Create a GP practice, and its locality when the name is new. All or nothing."""
    ods_code = normalise_ods(ods_code)
    if not name.strip():
        raise RuleBroken("Enter the practice name", field="name")
    if db.session.scalar(select(Practice).where(Practice.ods_code == ods_code)):
        raise RuleBroken(f"A practice with ODS code {ods_code} already exists", field="ods_code")
    try:
        locality = find_or_create_locality(by=by, name=locality_name)
        practice = Practice(ods_code=ods_code, name=name.strip(), locality=locality)
        db.session.add(practice)
        db.session.flush()
        audit.record(by=by, action="practice.create", subject_type="practice", subject_id=practice.id,
                     detail=f"{ods_code} {practice.name}")
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return practice


def update_practice(*, by: User, practice: Practice, name: str, locality: Locality) -> None:
    if not name.strip():
        raise RuleBroken("Enter the practice name", field="name")
    audit.record(by=by, action="practice.update", subject_type="practice", subject_id=practice.id,
                 detail=f"{practice.name}/{practice.locality.name} -> {name.strip()}/{locality.name}")
    practice.name = name.strip()
    practice.locality = locality
    db.session.commit()


def create_user(*, by: User | None, email: str, name: str, role: str, password: str,
                practice: Practice | None = None, locality: Locality | None = None,
                commit: bool = True) -> User:
    """Create an account. gp_practice users belong to a practice; officers may have a locality."""
    email = User.normalise_email(email)
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise RuleBroken("Enter an email address in the correct format, like name@example.nhs.uk",
                         field="email")
    if not name.strip():
        raise RuleBroken("Enter the person's full name", field="name")
    try:
        role_value = Role(role)
    except ValueError:
        raise RuleBroken(f"Role must be one of: {', '.join(r.value for r in Role)}", field="role")
    if role_value is Role.GP_PRACTICE and practice is None:
        raise RuleBroken("A GP practice user needs a practice", field="practice")
    if role_value is not Role.GP_PRACTICE and practice is not None:
        raise RuleBroken("Only GP practice users belong to a practice", field="practice")
    passwords.check(password, email=email, name=name)
    if db.session.scalar(select(User).where(User.email == email)):
        raise RuleBroken(f"An account with the email {email} already exists", field="email")
    user = User(email=email, name=name.strip(), role=role_value.value, practice=practice,
                locality=locality, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(by=by, action="user.create", subject_type="user", subject_id=user.id,
                 detail=f"{email} as {role_value.value}")
    if commit:
        db.session.commit()
    return user


def set_active(*, by: User, user: User, active: bool) -> None:
    """Deactivate or reactivate an account; deactivation ends its sessions at once."""
    if user.id == by.id and not active:
        raise RuleBroken("You cannot deactivate your own account")
    user.active = active
    user.session_version += 1
    staff_sessions.end_all_for(user, reason="deactivated")
    audit.record(by=by, action="user.activate" if active else "user.deactivate",
                 subject_type="user", subject_id=user.id, detail=user.email)
    db.session.commit()


def reset_password(*, by: User, user: User, password: str) -> None:
    """Set a new password and sign the user out everywhere."""
    passwords.check(password, email=user.email, name=user.name)
    user.set_password(password)
    user.session_version += 1
    staff_sessions.end_all_for(user, reason="password_reset")
    audit.record(by=by, action="user.reset_password", subject_type="user", subject_id=user.id,
                 detail=user.email)
    db.session.commit()
