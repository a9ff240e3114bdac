"""Settings, read once from the environment (CONTRACT.md §1)."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = REPO_ROOT / "instance"
#: The UK nations whose bank holidays are not working days (England, Wales, Scotland, Northern Ireland).
BANK_HOLIDAY_REGIONS = ("ENG", "WLS", "SCT", "NIR")


class InsecureConfiguration(RuntimeError):
    """Raised when production is asked to start with development defaults."""


def _development_secret_key() -> str:
    """Generate the development key once and keep it in instance/ so sessions survive restarts."""
    INSTANCE_DIR.mkdir(exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def database_url(env: dict[str, str]) -> str:
    url = env.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'hearthlink.db'}"
    # Accept the bare scheme people paste from their hosting provider; we drive psycopg 3.
    for bare in ("postgres://", "postgresql://"):
        if url.startswith(bare):
            url = "postgresql+psycopg://" + url[len(bare):]
    return url


def load(env: dict[str, str] | None = None) -> dict:
    """Build the Flask config mapping from environment variables."""
    env = dict(os.environ if env is None else env)
    production = env.get("HEARTHLINK_ENV", "development") == "production"
    secret_key = env.get("SECRET_KEY")
    if not secret_key:
        if production:
            raise InsecureConfiguration(
                "SECRET_KEY must be set when HEARTHLINK_ENV=production; refusing to start."
            )
        secret_key = _development_secret_key()
    url = database_url(env)
    region = env.get("BANK_HOLIDAY_REGION", "ENG")
    if region not in BANK_HOLIDAY_REGIONS:
        raise ValueError(f"BANK_HOLIDAY_REGION must be one of {', '.join(BANK_HOLIDAY_REGIONS)}, not {region!r}")
    if production and url.startswith("sqlite") and env.get("HEARTHLINK_ALLOW_SQLITE") != "1":
        raise InsecureConfiguration(
            "HEARTHLINK_ENV=production needs a PostgreSQL DATABASE_URL "
            "(set HEARTHLINK_ALLOW_SQLITE=1 to run a single-machine service on SQLite)."
        )
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return {
        "HEARTHLINK_ENV": "production" if production else "development",
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=10),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "OPENREFERRAL_RATE_LIMIT": env.get("OPENREFERRAL_RATE_LIMIT", "120 per minute"),
        "NO_CONTACT_FLAG_DAYS": int(env.get("NO_CONTACT_FLAG_DAYS", "14")),
        "FIRST_CONTACT_WORKING_DAYS": int(env.get("FIRST_CONTACT_WORKING_DAYS", "5")),
        "BANK_HOLIDAY_REGION": region,
        "VISIT_OVERDUE_GRACE_MINUTES": int(env.get("VISIT_OVERDUE_GRACE_MINUTES", "15")),
        "DASHBOARD_BACKGROUND_REFRESH": env.get("DASHBOARD_BACKGROUND_REFRESH", "1") != "0",
        "SHARED_STANDARDS_DIR": env.get(
            "HEARTHLINK_STANDARDS_DIR", str(REPO_ROOT.parent / "shared" / "standards")
        ),
    }
