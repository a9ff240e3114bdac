"""Extension objects, created here and configured by the app factory."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that Alembic migrations are identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@event.listens_for(Engine, "connect")
def _sqlite_functions(dbapi_connection, _record) -> None:
    """SQLite's lower() folds only A to Z; searches by name fold every alphabet (app/name_search.py)."""
    if type(dbapi_connection).__module__ == "sqlite3":
        from app.name_search import SQLITE_LOWER

        dbapi_connection.create_function(SQLITE_LOWER, 1, _lower, deterministic=True)


def _lower(text):
    return text.lower() if isinstance(text, str) else text


@event.listens_for(Engine, "connect")
def _postgres_session_settings(dbapi_connection, _record) -> None:
    """Turn PostgreSQL's JIT compiler off for our connections, and give them our cursor.

    JIT pays off for long analytical scans; our heaviest queries (the dashboard's, over tens of
    thousands of rows) finish in well under a second, and compiling them first added about
    300 ms to each.  Committed at once so that a later rollback does not undo the setting.
    The cursor describes a result's columns only when asked to (app/db_cursor.py).
    """
    if type(dbapi_connection).__module__.startswith("psycopg"):
        from app.db_cursor import Cursor

        dbapi_connection.cursor_factory = Cursor
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()
