"""The organisation: localities, GP practices and the people who sign in."""
from __future__ import annotations

import re
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.base import utcnow
from app.security import Role



def hash_password(password: str) -> str:
    """werkzeug's default, scrypt, unless the app's config names PASSWORD_HASH_METHOD: only the
    tests do (tests/conftest.py), because scrypt per user and per sign-in dominated the suite's
    time; production never sets it (tests/test_password_hash_method.py holds it to scrypt)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD") if has_app_context() else None
    return generate_password_hash(password, method=method) if method else generate_password_hash(password)


# ODS codes for GP practices: one letter then five digits (e.g. M87001).
ODS_PRACTICE_CODE = re.compile(r"^[A-Z][0-9]{5}$")


class Locality(db.Model):
    __tablename__ = "locality"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)

    practices: Mapped[list[Practice]] = relationship(
        back_populates="locality", order_by="Practice.name"
    )

    def __repr__(self) -> str:
        return f"<Locality {self.name}>"


class Practice(db.Model):
    __tablename__ = "practice"

    id: Mapped[int] = mapped_column(primary_key=True)
    ods_code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    locality_id: Mapped[int] = mapped_column(ForeignKey("locality.id"), index=True)

    locality: Mapped[Locality] = relationship(back_populates="practices")

    def __repr__(self) -> str:
        return f"<Practice {self.ods_code}>"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin', 'manager', 'link_officer', 'gp_practice', 'commissioner')",
            name="role_known",
        ),
        CheckConstraint(
            "role <> 'gp_practice' OR practice_id IS NOT NULL", name="practice_user_has_practice"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), index=True)
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("practice.id"), index=True)
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("locality.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    # Bumped on password reset and deactivation so existing sessions stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, server_default=func.now())
    # When a practice user last looked at their referral list: later status changes are shown as new.
    referrals_seen_at: Mapped[datetime | None] = mapped_column(DateTime)

    practice: Mapped[Practice | None] = relationship()
    locality: Mapped[Locality | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
