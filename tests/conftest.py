"""Fixtures: an app per test on a fresh database — SQLite always, PostgreSQL too when
TEST_DATABASE_URL is set — plus a client, a CLI runner and sign-in helpers."""
from __future__ import annotations

import contextvars
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

# Tasks run at once, in memory: no test touches the task queue's file in instance/ (app/tasks.py).
os.environ.setdefault("HUEY_IMMEDIATE", "1")
# What the app generates for development (keys, the task queue's file) goes to a folder of the
# run's, not the checkout's instance/, which `make run` uses: made by the first process to load
# this file (pytest-xdist's workers inherit it) and removed by it at the end (pytest_unconfigure).
if not os.environ.get("HEARTHLINK_INSTANCE_DIR"):
    os.environ["HEARTHLINK_INSTANCE_DIR"] = _RUN_INSTANCE_DIR = tempfile.mkdtemp(prefix="hearthlink-instance-")
else:
    _RUN_INSTANCE_DIR = None

from flask import has_app_context  # noqa: E402
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, text

from app import collector, create_app
from app.analytics import records
from app.extensions import db
from tests import factories, todays_dates

pytest_plugins = ["tests.memory_guard"]  # names the test if a process outgrows its memory

_postgres_schema_ready: dict[str, str] = {}  # database -> its reset script


def _psycopg_url(url: str) -> str:
    for bare in ("postgres://", "postgresql://"):
        if url.startswith(bare):
            return "postgresql+psycopg://" + url[len(bare):]
    return url


def _worker_postgres_url(url: str) -> str:
    """Under pytest-xdist each worker empties and refills its own database, so workers never
    see each other's rows: TEST_DATABASE_URL's database for the first, `<name>_gwN` beside it for
    the others (created here, dropped by .ci/run)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or worker in ("", "gw0"):
        return url
    base, name = url.rsplit("/", 1)
    name, _, query = name.partition("?")
    own = f"{name}_{worker}"
    admin = create_engine(_psycopg_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own}).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{own}"'))
    admin.dispose()
    return f"{base}/{own}" + (f"?{query}" if query else "")


POSTGRES_URL = _worker_postgres_url(os.environ.get("TEST_DATABASE_URL", ""))


def pytest_generate_tests(metafunc):
    if "database_engine" in metafunc.fixturenames:
        metafunc.parametrize("database_engine", ["sqlite", "postgresql"], indirect=True)


def _require_engine(engine: str) -> str:
    """Skip a PostgreSQL test when no PostgreSQL is given (fail it in CI, which must have one)."""
    if engine == "postgresql" and not POSTGRES_URL:
        if os.environ.get("HEARTHLINK_REQUIRE_POSTGRES"):
            pytest.fail("CI requires PostgreSQL but TEST_DATABASE_URL is not set")
        pytest.skip("PostgreSQL: TEST_DATABASE_URL is not set")
    return engine


@pytest.fixture
def database_engine(request):
    return _require_engine(request.param)


def _reset_postgres(app) -> None:
    """Every table emptied and every id counting from 1 again, in one round trip. DELETE, children
    first, where TRUNCATE ... RESTART IDENTITY took ~0.1-0.5 s a test: PostgreSQL truncates by
    making each of the ~60 tables a new file, however few rows it holds. The sequences restart
    through setval(..., 1, false), which rewrites each in place: ALTER SEQUENCE ... RESTART gives
    each a new file too, and the ~40 of them took 18 ms of the reset's 19 ms."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url not in _postgres_schema_ready:
        db.drop_all()
        db.create_all()
        with db.engine.connect() as connection:
            sequences = connection.execute(text(
                "SELECT quote_literal(quote_ident(schemaname) || '.' || quote_ident(sequencename)) FROM pg_sequences"
                " WHERE schemaname = current_schema()")).scalars().all()
        deletes = [f'DELETE FROM "{t.name}"' for t in reversed(db.metadata.sorted_tables)]
        restarts = [f"SELECT {', '.join(f'setval({name}, 1, false)' for name in sequences)}"] if sequences else []
        _postgres_schema_ready[url] = ";\n".join(deletes + restarts)
        return
    with db.engine.begin() as connection:
        connection.exec_driver_sql(_postgres_schema_ready[url])


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, as a real server does.

    The test keeps an app context open for its factories; without this, Flask would reuse
    it for every request and `g` (where Flask-Login caches the user) would leak between
    requests and between clients, hiding authorisation bugs.
    """

    def open(self, *args, **kwargs):
        if not has_app_context():  # a redirect being followed, already isolated
            return super().open(*args, **kwargs)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()  # the test's session sees what the request committed
        return response


class _SharedBytecode(BytecodeCache):
    """Compiled templates kept in memory for the whole run. Every test makes its own app, and so
    its own Jinja environment; without this each one parsed and compiled every template it drew
    (a third of a typical page test's time). A bucket's key is the template's name and file, and
    its checksum is the source's, so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


_JINJA_BYTECODE = _SharedBytecode()


WERKZEUG_COMPILE = None  # Werkzeug's own Rule.compile, which tests/test_shared_rules.py compares with


def _share_compiled_rules() -> None:
    """Every test makes its own app, and Werkzeug compiles each of its ~110 URL rules afresh: parses
    the rule's text into parts and converters, and writes, parses and compiles two Python functions
    for it (the builders behind url_for), about 9 ms of the 15 ms it took to create the app. What
    compiling gives depends only on the rule's text, host or subdomain, slash merging, defaults and
    the map's converter classes, so what the first app's rule was given is given to every later
    app's rule with the same key: its parts, its variables and their converters (which keep nothing
    of a request), and its builders (each called with the rule it serves). Test-only: a real
    server makes its app once."""
    from werkzeug.routing.rules import Rule

    global WERKZEUG_COMPILE
    compile_rule = WERKZEUG_COMPILE = Rule.compile
    made: dict[tuple, tuple] = {}

    def shared(rule: Rule) -> None:
        key = (rule.rule, rule.host, rule.subdomain, rule.map.host_matching, rule.merge_slashes,
               repr(sorted((rule.defaults or {}).items())), tuple(sorted(rule.map.converters.items())))
        if key not in made:
            compile_rule(rule)
            made[key] = (rule._parts, rule._trace, rule._converters, rule._build.__func__, rule._build_unknown.__func__)
            return
        parts, trace, converters, build, build_unknown = made[key]
        rule._parts, rule._trace, rule._converters = list(parts), list(trace), dict(converters)
        rule.arguments |= set(converters)
        rule._build, rule._build_unknown = build.__get__(rule, None), build_unknown.__get__(rule, None)

    Rule.compile = shared


_share_compiled_rules()

#: One iteration of PBKDF2 instead of scrypt: hashing a password per factory user and checking one
#: per sign-in cost ~0.1-0.5 s each. Production never sets PASSWORD_HASH_METHOD (app/models/org.py).
TEST_PASSWORD_HASH = "pbkdf2:sha256:1"


#: PostgreSQL does not wait for its write-ahead log at each of the suite's tens of thousands of
#: commits: what a test sees is the same, only a crash of the server could lose the last moments'
#: rows, and a test database is thrown away anyway. (The per-test SQLite files sit in memory for
#: the same reason: see pytest_configure.)
TEST_POSTGRES_OPTIONS = {"pool_pre_ping": True, "connect_args": {"options": "-c synchronous_commit=off"}}


def make_app(url: str, **overrides):
    settings = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret",
                "DASHBOARD_BACKGROUND_REFRESH": False, "PASSWORD_HASH_METHOD": TEST_PASSWORD_HASH,
                **({"SQLALCHEMY_ENGINE_OPTIONS": TEST_POSTGRES_OPTIONS} if url.startswith("postgresql") else {}),
                **overrides}
    application = create_app(settings)
    application.test_client_class = IsolatedClient
    application.jinja_env.bytecode_cache = _JINJA_BYTECODE
    return application


def pytest_configure(config) -> None:
    """Each test's SQLite file, and every other tmp_path, in memory (/dev/shm) where the machine
    has it: SQLite makes and syncs a journal file at each commit, about 16 ms on this machine's
    disk, and a test makes dozens. The files are the same; only the disk is faster. Removed when
    the run ends (pytest_unconfigure); an explicit --basetemp is left alone."""
    if config.option.basetemp or os.environ.get("PYTEST_XDIST_WORKER"):
        return  # chosen by hand, or a worker: xdist gives each its own folder inside the run's
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        config.option.basetemp = str(Path(tempfile.mkdtemp(prefix="hearthlink-pytest-", dir=shm)))
        config._hearthlink_shm_basetemp = config.option.basetemp


def pytest_unconfigure(config) -> None:
    folder = getattr(config, "_hearthlink_shm_basetemp", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
    if _RUN_INSTANCE_DIR:
        shutil.rmtree(_RUN_INSTANCE_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """An empty SQLite database with every table, made once per worker: each test starts from a
    copy of the file, which is far cheaper than create_all's hundreds of statements per test."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    application = make_app(f"sqlite:///{path}")
    with application.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    return path


def _fresh_app(engine: str, folder: Path, sqlite_template: Path):
    """An app on an empty database of `engine`, inside its app context (a generator for fixtures):
    PostgreSQL emptied in place, SQLite a copy of the worker's empty file in `folder`."""
    if engine == "postgresql":
        application = make_app(_psycopg_url(POSTGRES_URL))
    else:
        shutil.copyfile(sqlite_template, folder / "test.db")
        application = make_app(f"sqlite:///{folder / 'test.db'}")
    with application.app_context():
        if engine == "postgresql":
            _reset_postgres(application)
        # Each test's database starts afresh at the same address: records kept by the dashboard
        # for an earlier test's data could share its fingerprint (app.analytics.records).
        records.forget()
        yield application
        records.forget()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(database_engine, tmp_path, request):
    yield from _fresh_app(database_engine, tmp_path, request.getfixturevalue("sqlite_template"))


def _prepare_landing_view_only(patch) -> None:
    from app.analytics.figures import warm_views
    from seed import dashboard_first

    patch.setattr(dashboard_first, "warm_views", lambda: warm_views()[:1])


@pytest.fixture
def landing_view_only(monkeypatch):
    """`flask demo load` prepares the dashboard's 32 one-click views, and the tests' task queue
    (HUEY_IMMEDIATE) computes them all before the command returns: about 10 s a load (a load of 30
    people 15-18 s with them, 6.5 s without), for tests about the demo's data that never open them.
    With this fixture the command prepares only the landing view; a view a test does open is
    computed when it is opened, as for any visitor. (tests/test_demo_fast_load.py checks the
    whole preparation.)"""
    _prepare_landing_view_only(monkeypatch)


def postgres_app_of_its_own():
    """An app on a fresh PostgreSQL schema, inside its app context (a generator), for a
    module-scoped fixture that fills it once for its read-only tests (the query plans). The next
    test's own fixture empties the tables again."""
    _require_engine("postgresql")
    application = make_app(_psycopg_url(POSTGRES_URL))
    with application.app_context():
        db.drop_all()
        db.create_all()
        yield application
        db.session.remove()
        db.engine.dispose()


def demo_loaded_once(engine: str, tmp_path_factory, sqlite_template, *load_args: str):
    """An app on a database holding `flask demo load <load_args>`, for a module whose tests only
    read the demo (a load is 10-20 s): use it from a module-scoped fixture parametrised by engine.
    Loaded as for a newcomer, but preparing only the landing view (as `landing_view_only`)."""
    _require_engine(engine)
    with pytest.MonkeyPatch.context() as patch:
        _prepare_landing_view_only(patch)
        for application in _fresh_app(engine, tmp_path_factory.mktemp("demo"), sqlite_template):
            result = application.test_cli_runner().invoke(args=["demo", "load", *load_args])
            assert result.exit_code == 0, result.output
            application.config["DEMO_LOAD_OUTPUT"] = result.output
            yield application


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def no_csrf(app):
    """Most tests post forms directly; the CSRF tests switch it back on."""
    app.config["WTF_CSRF_ENABLED"] = False
    return app


class SignIn:
    """Sign a test client in as a user made by the factories."""

    def __init__(self, client):
        self.client = client

    def as_user(self, user, password: str = factories.PASSWORD):
        page = self.client.get("/login")
        token = _csrf_token(page.get_data(as_text=True))
        response = self.client.post("/login", data={"email": user.email, "password": password,
                                                     "csrf_token": token})
        assert response.status_code in (302, 303), f"sign-in failed for {user.email}"
        return user

    def as_role(self, role: str, **kwargs):
        return self.as_user(factories.user(role=role, **kwargs))

    def out(self):
        page = self.client.get("/", follow_redirects=True).get_data(as_text=True)
        self.client.post("/logout", data={"csrf_token": _csrf_token(page)})


def _csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def csrf_token_from(client, path: str) -> str:
    return _csrf_token(client.get(path).get_data(as_text=True))


@pytest.fixture
def sign_in(client):
    return SignIn(client)



#: Files whose tests are spread over the xdist workers one by one; every other file stays whole on
#: one worker, as --dist loadfile keeps it. The accessibility walk (every page for every role, axe
#: at two widths) took ~8 minutes on one worker; its module-scoped world is built once per worker.
#: (--dist loadgroup would be the usual tool, but pytest-xdist 3.8 renames items through
#: `item._nodeid`, which pytest 9 no longer reads, so its groups are silently ignored.)
SPREAD_FILES = {"tests/browser/test_accessibility.py"}


def pytest_collection_modifyitems(config, items) -> None:
    """The accessibility walk's tests, minutes each, first: handed out last (as pytest-xdist's
    reordering by file size did), one worker was left walking alone while the other stood idle."""
    items.sort(key=lambda item: item.nodeid.split("::", 1)[0] not in SPREAD_FILES)  # stable: the rest keep their order


def pytest_collection_finish(session) -> None:
    """Once the tests are collected (each xdist worker collects its own), what is loaded is kept
    out of the garbage collector's sight and it runs a tenth as often (app/collector.py): at its
    default thresholds it took 17 s of 54 s over seven of the suite's files (38 s after; peak
    memory 446 -> 550 MB)."""
    collector.settle_after_start()


@pytest.fixture(autouse=True)
def _todays_dates_are_today():
    """The test modules' dates of today are today's when each test starts, even in a run that
    crosses midnight (tests/todays_dates.py): the test's own module's and those of every other
    test module loaded, whose helpers it may call."""
    todays_dates.refresh_loaded()


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    config.option.loadscopereorder = False  # keep the order above: longest first

    class FilesWithSpreadTests(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return nodeid if path in SPREAD_FILES else path

    return FilesWithSpreadTests(config, log)
