"""Factories: build just enough of the world for a test, with obvious values."""
from __future__ import annotations

import itertools

from app.extensions import db
from app.models import Locality, Practice, User
from app.security import Role

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


def locality(name: str | None = None) -> Locality:
    item = Locality(name=name or f"Locality {next(_sequence)}")
    db.session.add(item)
    db.session.commit()
    return item


def practice(ods_code: str | None = None, name: str | None = None, locality_: Locality | None = None) -> Practice:
    number = next(_sequence)
    item = Practice(ods_code=ods_code or f"Y{10000 + number:05d}", name=name or f"Practice {number}",
                    locality=locality_ or locality())
    db.session.add(item)
    db.session.commit()
    return item


def user(role: str = Role.MANAGER, *, email: str | None = None, name: str | None = None,
         practice_: Practice | None = None, locality_: Locality | None = None, active: bool = True,
         password: str = PASSWORD) -> User:
    role = Role(role)
    if role is Role.GP_PRACTICE and practice_ is None:
        practice_ = practice()
    number = next(_sequence)
    item = User(email=email or f"{role.value}{number}@example.nhs.uk", name=name or f"{role.label} {number}",
                role=role.value, practice=practice_, locality=locality_, active=active)
    item.set_password(password)
    db.session.add(item)
    db.session.commit()
    return item
