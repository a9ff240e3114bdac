"""The flask commands of CONTRACT.md §2: clear one-line errors, and no change on bad input."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Locality, Practice, User
from tests import factories


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_practices_create_makes_the_practice_and_its_new_locality(app, runner):
    result = runner.invoke(args=["practices", "create", "--ods", "m87001", "--name", "Canal Street Surgery",
                                 "--locality", "Brierley Hill"])
    assert result.exit_code == 0, result.output
    practice = db.session.scalars(select(Practice)).one()
    assert (practice.ods_code, practice.locality.name) == ("M87001", "Brierley Hill")
    again = runner.invoke(args=["practices", "create", "--ods", "M87002", "--name", "Second",
                                "--locality", "brierley hill"])
    assert again.exit_code == 0
    assert _count(Locality) == 1


def test_practices_create_refuses_a_bad_ods_code_and_changes_nothing(app, runner):
    result = runner.invoke(args=["practices", "create", "--ods", "12345", "--name", "X", "--locality", "New Place"])
    assert result.exit_code != 0
    assert "ODS code" in result.output and len(result.output.strip().splitlines()) == 1
    assert _count(Practice) == 0 and _count(Locality) == 0


def test_users_create_reads_the_password_from_stdin(app, runner):
    practice = factories.practice(ods_code="M87001")
    result = runner.invoke(args=["users", "create", "--email", "Reception@Example.nhs.uk", "--name", "Rita Reception",
                                 "--role", "gp_practice", "--practice", "m87001", "--password-stdin"],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User)).one()
    assert user.email == "reception@example.nhs.uk" and user.practice_id == practice.id
    assert user.check_password("a long enough password")


def test_users_create_refuses_bad_input_with_one_line_and_no_change(app, runner):
    factories.practice(ods_code="M87001")
    cases = [
        (["--role", "gp_practice"], "needs a practice"),
        (["--role", "gp_practice", "--practice", "Z99999"], "No practice with ODS code Z99999"),
        (["--role", "manager", "--locality", "Nowhere"], "No locality called Nowhere"),
    ]
    for extra, message in cases:
        result = runner.invoke(args=["users", "create", "--email", "a@example.nhs.uk", "--name", "A",
                                     *extra, "--password-stdin"], input="a long enough password\n")
        assert result.exit_code != 0
        assert message in result.output, result.output
    short = runner.invoke(args=["users", "create", "--email", "a@example.nhs.uk", "--name", "A", "--role", "manager",
                                "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "12 characters or more" in short.output
    bad_role = runner.invoke(args=["users", "create", "--email", "a@example.nhs.uk", "--name", "A", "--role", "boss",
                                   "--password-stdin"], input="a long enough password\n")
    assert bad_role.exit_code != 0
    assert _count(User) == 0


def test_users_create_refuses_a_second_account_with_the_same_email(app, runner):
    factories.user(email="dup@example.nhs.uk")
    result = runner.invoke(args=["users", "create", "--email", "DUP@example.nhs.uk", "--name", "B", "--role",
                                 "manager", "--password-stdin"], input="a long enough password\n")
    assert result.exit_code != 0 and "already exists" in result.output
    assert _count(User) == 1


def _app_without_tables(engine: str, folder):
    """An app on a database `flask db upgrade` has not been run on: a new SQLite file, or a
    PostgreSQL schema of no tables (the connection's search path)."""
    from sqlalchemy import create_engine, text

    from tests.conftest import POSTGRES_URL, _psycopg_url, make_app

    if engine == "sqlite":
        return make_app(f"sqlite:///{folder / 'new.db'}")
    url = _psycopg_url(POSTGRES_URL)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS hl_no_tables CASCADE"))
        connection.execute(text("CREATE SCHEMA hl_no_tables"))
    admin.dispose()
    return make_app(url, SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": "-c search_path=hl_no_tables"}})


def test_a_command_run_before_db_upgrade_says_so_in_one_line(database_engine, tmp_path):
    """`flask demo load` (or creating a user or practice) on a new database, before `flask db
    upgrade`, tells the newcomer what to run, with no traceback, and makes no table."""
    from sqlalchemy import inspect

    application = _app_without_tables(database_engine, tmp_path)
    runner = application.test_cli_runner()
    said = "Error: The database has no tables yet: run `flask db upgrade` first (`make run` does).\n"
    for args, stdin in ((["demo", "load", "--people", "5"], None), (["demo", "load", "--if-empty"], None),
                        (["practices", "create", "--ods", "M12345", "--name", "New Surgery", "--locality", "North"],
                         None),
                        (["users", "create", "--email", "new@example.org", "--name", "New Person", "--role", "admin",
                          "--password-stdin"], "a long enough password\n")):
        result = runner.invoke(args=args, input=stdin)
        assert (result.exit_code, result.output) == (1, said), args
    with application.app_context():
        assert inspect(db.engine).get_table_names() == []
        db.engine.dispose()
