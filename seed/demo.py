"""Load the demo data set through the same services the app uses, from a fixed seed.

Loading twice changes nothing: every step looks up what it would create first.
"""
from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import dataclass, field

from faker import Faker
from sqlalchemy import select

from app.extensions import db
from app.models import Locality, Practice, User
from app.security import Role
from app.services import audit, org
from seed import population
from seed.quick_commits import quick_commits

DEMO_PASSWORD = "hearthlink-demo"
LOCALITIES = ["Brierley Hill", "Stourbridge", "Halesowen"]


class DemoRefused(RuntimeError):
    pass


@dataclass
class DemoSummary:
    localities: int = 0
    practices: int = 0
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (role, email, where)
    extra: list[str] = field(default_factory=list)

    def describe(self) -> str:
        lines = [f"Demo data: {self.localities} localities, {self.practices} practices, {len(self.users)} users.",
                 *self.extra, "", f"Demo sign-ins (password for all: {DEMO_PASSWORD}):"]
        shown_practices = 0
        for role, email, where in self.users:
            if role == Role.GP_PRACTICE:
                shown_practices += 1
                if shown_practices > 3:
                    continue
            lines.append(f"  {role:<13} {email:<40} {where}")
        if shown_practices > 3:
            lines.append(f"  … and {shown_practices - 3} more gp_practice users, one per practice (see /admin/)")
        return "\n".join(lines)


def _person_name(fake: Faker) -> str:
    """A plain first and last name (Faker's name() sometimes adds titles such as "Dr")."""
    return f"{fake.first_name()} {fake.last_name()}"


def describe_logins() -> str:
    """The demo sign-ins that exist in this database."""
    users = db.session.scalars(select(User).where(User.email.like("%@hearthlink.example"))
                               .order_by(User.role, User.email)).all()
    summary = DemoSummary(users=[(u.role, u.email, u.practice.name if u.practice else
                                  (u.locality.name if u.locality else "")) for u in users])
    return summary.describe().split("\n", 1)[1].lstrip("\n")


def _practice_code(rng: random.Random, used: set[str]) -> str:
    while True:
        code = f"M{rng.randint(80000, 89999)}"
        if code not in used:
            used.add(code)
            return code


_DEMO_PASSWORD_HASH: dict[str, str] = {}  # DEMO_PASSWORD -> its hash, made once per process


@contextmanager
def _one_demo_password_hash():
    """Every demo account has the same published password; hash it once, not 21 times.

    A password hash is deliberately slow (scrypt: about 0.1 s here, a second on a busy
    machine), which was a large part of a demo load.  The accounts share one genuine hash of
    DEMO_PASSWORD (one salt): signing in checks it exactly as it checks any other.
    """
    from app.models import org as org_models

    real = org_models.generate_password_hash
    hashed = _DEMO_PASSWORD_HASH

    def once(password: str, *args, **kwargs) -> str:
        if password != DEMO_PASSWORD:
            return real(password, *args, **kwargs)
        if password not in hashed:
            hashed[password] = real(password, *args, **kwargs)
        return hashed[password]

    org_models.generate_password_hash = once
    try:
        yield
    finally:
        org_models.generate_password_hash = real


def _ensure_user(summary: DemoSummary, *, email: str, name: str, role: Role, where: str = "",
                 practice: Practice | None = None, locality: Locality | None = None) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        with _one_demo_password_hash():
            user = org.create_user(by=None, email=email, name=name, role=role.value, password=DEMO_PASSWORD,
                                   practice=practice, locality=locality, commit=False)
    summary.users.append((role.value, email, where))
    return user


def load_organisation(rng: random.Random, fake: Faker, summary: DemoSummary) -> dict:
    """Three localities, twelve practices, and the staff who use Hearthlink."""
    localities = [org.find_or_create_locality(by=None, name=name) for name in LOCALITIES]
    used_codes: set[str] = set()
    practices: list[Practice] = []
    for index in range(12):
        locality = localities[index % 3]
        code = _practice_code(rng, used_codes)
        name = f"{fake.last_name()} {rng.choice(['Medical Practice', 'Surgery', 'Health Centre', 'Family Practice'])}"
        practice = db.session.scalar(select(Practice).where(Practice.ods_code == code))
        if practice is None:
            practice = Practice(ods_code=code, name=name, locality=locality)
            db.session.add(practice)
        practices.append(practice)
    db.session.flush()
    _ensure_user(summary, email="admin@hearthlink.example", name=_person_name(fake), role=Role.ADMIN)
    _ensure_user(summary, email="manager@hearthlink.example", name=_person_name(fake), role=Role.MANAGER)
    _ensure_user(summary, email="commissioner@hearthlink.example", name=_person_name(fake), role=Role.COMMISSIONER)
    officers = []
    for index in range(6):
        locality = localities[index % 3]
        officers.append(_ensure_user(summary, email=f"officer{index + 1}@hearthlink.example", name=_person_name(fake),
                                     role=Role.LINK_OFFICER, locality=locality, where=locality.name))
    practice_users = []
    for practice in practices:
        practice_users.append(_ensure_user(
            summary, email=f"gp.{practice.ods_code.lower()}@hearthlink.example", name=_person_name(fake),
            role=Role.GP_PRACTICE, practice=practice, where=f"{practice.name} ({practice.locality.name})"))
    summary.localities, summary.practices = len(localities), len(practices)
    return {"localities": localities, "practices": practices, "officers": officers,
            "practice_users": practice_users}


@quick_commits()  # thousands of service commits: none waits for the disk (seed/quick_commits.py)
def load(*, people: int = 240, seed: int = 2014, force: bool = False) -> DemoSummary:
    """Load the demo set; refuse if people already exist unless forced."""
    if population.has_people() and not force:
        raise DemoRefused("The database already has people in it; use --force to load the demo data anyway.")
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    summary = DemoSummary()
    try:
        # Thousands of audit events, each written with the others at the end of the block
        # (app/services/audit.py held_in_bulk): the same events, a fraction of the statements.
        with audit.held_in_bulk():
            world = load_organisation(rng, fake, summary)
            population.load(seed=seed, world=world, people=people, summary=summary)
        db.session.commit()
        from seed import comparison_demo  # last: matching needs everyone's recorded sex

        comparison_demo.load(summary=summary)
    except Exception:
        db.session.rollback()
        raise
    return summary
