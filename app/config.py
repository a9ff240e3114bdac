"""Settings, read once from the environment (CONTRACT.md §1)."""
from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
#: Where development keeps what it generates (keys, the SQLite database, the task queue's file);
#: HEARTHLINK_INSTANCE_DIR moves it (the tests keep theirs in a temporary folder).
INSTANCE_DIR = Path(os.environ.get("HEARTHLINK_INSTANCE_DIR") or REPO_ROOT / "instance")
#: The UK nations whose bank holidays are not working days (England, Wales, Scotland, Northern Ireland).
BANK_HOLIDAY_REGIONS = ("ENG", "WLS", "SCT", "NIR")


#: Anyone who guesses SECRET_KEY can forge sessions; 32 bytes is what `secrets.token_hex(32)` gives as text.
MIN_SECRET_KEY_BYTES = 32


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


def _positive_int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, str(default))
    if not re.fullmatch(r"\s*[0-9]{1,6}\s*", raw) or int(raw) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {raw!r}")
    return int(raw)


def database_url(env: dict[str, str]) -> str:
    url = env.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'hearthlink.db'}"
    # Accept the bare scheme people paste from their hosting provider; we drive psycopg 3.
    for bare in ("postgres://", "postgresql://"):
        if url.startswith(bare):
            url = "postgresql+psycopg://" + url[len(bare):]
    return url


def _proxy_hops(env: dict[str, str]) -> int:
    text = env.get("TRUSTED_PROXY_HOPS", "0")
    if not text.isdecimal() or not 0 <= int(text) <= 5:
        raise ValueError(f"TRUSTED_PROXY_HOPS must be a whole number from 0 to 5, not {text!r}")
    return int(text)


def _sign_in_settings(env: dict[str, str], production: bool) -> dict:
    """Second factor and per-account lock-out (README, "Signing in").

    REQUIRE_MFA defaults to on in production and off elsewhere, so the demo and the tests sign in
    with a password alone; set REQUIRE_MFA=1 or 0 to choose.
    """
    def whole_number(name: str, default: int) -> int:
        raw = env.get(name, str(default)).strip()
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise ValueError(f"{name} must be a whole number of at least 1, not {raw!r}")
        return int(raw)

    require = env.get("REQUIRE_MFA", "1" if production else "0").strip()
    if require not in ("0", "1"):
        raise ValueError(f"REQUIRE_MFA must be 1 or 0, not {require!r}")
    return {
        "REQUIRE_MFA": require == "1",
        "MFA_ISSUER": env.get("MFA_ISSUER", "Hearthlink"),
        # How long the code step, and enrolment forced at sign-in, wait after the password.
        "MFA_PENDING_MINUTES": whole_number("MFA_PENDING_MINUTES", 5),
        "MFA_ENROL_MINUTES": whole_number("MFA_ENROL_MINUTES", 15),
        "SIGN_IN_LOCK_ATTEMPTS": whole_number("SIGN_IN_LOCK_ATTEMPTS", 10),
        "SIGN_IN_LOCK_WINDOW_MINUTES": whole_number("SIGN_IN_LOCK_WINDOW_MINUTES", 15),
        "SIGN_IN_LOCK_MINUTES": whole_number("SIGN_IN_LOCK_MINUTES", 15),
    }


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
    elif production and len(secret_key.encode()) < MIN_SECRET_KEY_BYTES:
        raise InsecureConfiguration(
            f"SECRET_KEY is {len(secret_key.encode())} bytes long; production needs at least "
            f"{MIN_SECRET_KEY_BYTES} random bytes (make one with: python -c "
            "'import secrets; print(secrets.token_hex(32))'). Refusing to start."
        )
    idle_minutes = _positive_int(env, "SESSION_IDLE_MINUTES", 30)
    absolute_hours = _positive_int(env, "SESSION_ABSOLUTE_HOURS", 10)
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
        # The server ends a session after this idle time or this age (app/auth/session.py);
        # the cookie's own lifetime is only a backstop.
        "SESSION_IDLE_MINUTES": idle_minutes,
        "SESSION_ABSOLUTE_HOURS": absolute_hours,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=absolute_hours),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # How many reverse proxies (load balancers) stand in front of the app and append to
        # X-Forwarded-For. 0 believes no such header: anyone can send one, so trusting it by
        # default would let a client choose the address the audit log and the throttle see.
        "TRUSTED_PROXY_HOPS": _proxy_hops(env),
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute"),
        **_sign_in_settings(env, production),
        "OPENREFERRAL_RATE_LIMIT": env.get("OPENREFERRAL_RATE_LIMIT", "120 per minute"),
        # The FHIR API (/fhir/): requests per client (per address without a token), and the
        # largest message body accepted (a referral with every part is a few kilobytes).
        "FHIR_RATE_LIMIT": env.get("FHIR_RATE_LIMIT", "300 per minute"),
        "FHIR_MAX_BODY_BYTES": int(env.get("FHIR_MAX_BODY_BYTES", str(1024 * 1024))),
        "NO_CONTACT_FLAG_DAYS": int(env.get("NO_CONTACT_FLAG_DAYS", "14")),
        "FIRST_CONTACT_WORKING_DAYS": int(env.get("FIRST_CONTACT_WORKING_DAYS", "5")),
        "BANK_HOLIDAY_REGION": region,
        "VISIT_OVERDUE_GRACE_MINUTES": int(env.get("VISIT_OVERDUE_GRACE_MINUTES", "15")),
        # A manager's page left open asks again this often whether a visit has become overdue.
        "OVERDUE_ALERT_POLL_SECONDS": int(env.get("OVERDUE_ALERT_POLL_SECONDS", "60")),
        "DASHBOARD_BACKGROUND_REFRESH": env.get("DASHBOARD_BACKGROUND_REFRESH", "1") != "0",
        # Messages back to GP systems: where they say they come from, and the task queue mode.
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        "SERVICE_NAME": env.get("SERVICE_NAME", "Hearthlink social prescribing service"),
        "HUEY_IMMEDIATE": env.get("HUEY_IMMEDIATE", "0") == "1",
        # Who runs this installation and how people report an accessibility problem (/accessibility).
        "SERVICE_OPERATOR": env.get("SERVICE_OPERATOR", "the organisation that runs this Hearthlink service"),
        "ACCESSIBILITY_CONTACT_EMAIL": env.get("ACCESSIBILITY_CONTACT_EMAIL", "accessibility@example.org"),
        "ACCESSIBILITY_CONTACT_PHONE": env.get("ACCESSIBILITY_CONTACT_PHONE", ""),
        "SHARED_STANDARDS_DIR": env.get(
            "HEARTHLINK_STANDARDS_DIR", str(REPO_ROOT.parent / "shared" / "standards")
        ),
    }
