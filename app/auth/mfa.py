"""Second factor for staff: time-based one-time passwords (TOTP, RFC 6238) and recovery codes."""
from __future__ import annotations

import hmac
import secrets
import time

import pyotp
import segno
from cryptography.fernet import InvalidToken
from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.auth.keys import recovery_code_hash, secret_box
from app.extensions import db
from app.models import User
from app.models.base import utcnow
from app.models.sign_in import RecoveryCode, SecondFactor
from app.services import audit, staff_sessions
from app.services.errors import RuleBroken

RECOVERY_CODE_COUNT = 10
# 31 letters and digits that cannot be confused with each other (no 0/o, 1/i/l); 12 of them
# carry about 59 bits, far beyond guessing at ten tries per quarter hour.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_CODE_LENGTH = 12


def second_factor(user: User) -> SecondFactor | None:
    return db.session.get(SecondFactor, user.id)


def has_second_factor(user: User) -> bool:
    factor = second_factor(user)
    return factor is not None and factor.confirmed


def users_with_second_factor(users: list[User]) -> set[int]:
    """Which of these users have two-step verification on (one query, for the admin list)."""
    return set(db.session.scalars(select(SecondFactor.user_id).where(
        SecondFactor.user_id.in_([user.id for user in users]), SecondFactor.confirmed_at.is_not(None))))


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def _secret(factor: SecondFactor) -> str | None:
    try:
        return secret_box().decrypt(factor.secret_encrypted).decode()
    except InvalidToken:
        # SECRET_KEY has changed since enrolment: the app can no longer check this user's codes.
        current_app.logger.error("second factor of user %s cannot be decrypted; reset it", factor.user_id)
        return None


def enrolment_secret(user: User) -> str:
    """The secret this user is enrolling, kept until confirmed so a mistyped code shows the same QR
    code again. Commits when it makes a new one."""
    factor = second_factor(user)
    if factor is not None and factor.confirmed:
        raise RuleBroken("Two-step verification is already set up for this account")
    secret = _secret(factor) if factor is not None else None
    if secret is None:
        secret = pyotp.random_base32()
        if factor is None:
            factor = SecondFactor(user_id=user.id)
            db.session.add(factor)
        factor.secret_encrypted = secret_box().encrypt(secret.encode())
        try:
            db.session.commit()
        except IntegrityError:
            # The same person opened the page twice at once: show the secret the other request kept.
            db.session.rollback()
            return enrolment_secret(user)
    return secret


def qr_code_data_uri(user: User, secret: str) -> str:
    """The otpauth:// address as a QR code, drawn here as a PNG data: URI (no third party sees it)."""
    address = pyotp.TOTP(secret).provisioning_uri(name=user.email,
                                                  issuer_name=current_app.config["MFA_ISSUER"])
    return segno.make(address, error="m").png_data_uri(scale=5, border=4)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _matching_step(secret: str, code: str) -> int | None:
    """The time-step (this one, or one either side for clock drift) whose code this is."""
    totp = pyotp.TOTP(secret)
    now = int(time.time() // totp.interval)
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _digits(code: str) -> str:
    return "".join(code.split())


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
             for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=recovery_code_hash(code)) for code in codes)
    return [f"{code[:4]}-{code[4:8]}-{code[8:]}" for code in codes]


def confirm_enrolment(*, user: User, code: str) -> list[str] | None:
    """Turn two-step verification on once the user types a current code from their app.

    Returns their ten new recovery codes (shown once, stored hashed), or None when the code is
    wrong. Commits.
    """
    factor = second_factor(user)
    secret = _secret(factor) if factor is not None and not factor.confirmed else None
    step = _matching_step(secret, _digits(code)) if secret else None
    if step is None:
        return None
    factor.confirmed_at = utcnow()
    factor.last_used_step = step
    codes = _new_recovery_codes(user)
    audit.record(by=user, action="user.second_factor_on", subject_type="user", subject_id=user.id)
    db.session.commit()
    return codes


def use_app_code(*, user: User, code: str) -> bool:
    """Accept a current code from the user's app, once: a code already used (or an older one) is
    refused, even from another app process. Commits."""
    factor = second_factor(user)
    secret = _secret(factor) if factor is not None and factor.confirmed else None
    step = _matching_step(secret, _digits(code)) if secret else None
    if step is None:
        return False
    claimed = db.session.execute(update(SecondFactor).where(
        SecondFactor.user_id == user.id,
        or_(SecondFactor.last_used_step.is_(None), SecondFactor.last_used_step < step),
    ).values(last_used_step=step))
    db.session.commit()
    return claimed.rowcount == 1


def use_recovery_code(*, user: User, code: str) -> bool:
    """Accept one of the user's unused recovery codes and mark it used. Commits."""
    cleaned = "".join(character for character in code.lower() if character.isalnum())
    if len(cleaned) != RECOVERY_CODE_LENGTH or not has_second_factor(user):
        return False
    claimed = db.session.execute(update(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == recovery_code_hash(cleaned),
        RecoveryCode.used_at.is_(None),
    ).values(used_at=utcnow()))
    if claimed.rowcount == 1:
        audit.record(by=user, action="auth.recovery_code_used", subject_type="user", subject_id=user.id,
                     detail=f"{recovery_codes_left(user)} left")
    db.session.commit()
    return claimed.rowcount == 1


def reset(*, by: User, user: User) -> None:
    """An administrator removes a user's second factor (a lost phone): they enrol again, and every
    session they have ends now."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id))
    user.session_version += 1
    staff_sessions.end_all_for(user, reason="second_factor_reset")
    audit.record(by=by, action="user.reset_second_factor", subject_type="user", subject_id=user.id,
                 detail=user.email)
    db.session.commit()
