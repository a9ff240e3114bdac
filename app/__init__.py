"""The Hearthlink application factory."""
from __future__ import annotations

from flask import Flask

from app import config, logging_setup
from app.extensions import csrf, db, limiter, login_manager, migrate


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_path=str(config.INSTANCE_DIR))
    app.config.from_mapping(config.load())
    if overrides:
        app.config.update(overrides)
    logging_setup.configure(app)
    register_templates(app)  # before any extension touches app.jinja_env
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_security_headers(app)
    register_proxies(app)
    return app


def register_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXY_HOPS load balancers, take the client's address (and scheme) from the
    headers they add, so the audit log, session records and the per-address throttle see the person,
    not the proxy. With none, such headers are ignored."""
    hops = app.config.get("TRUSTED_PROXY_HOPS", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (registers the tables with the metadata)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.REPO_ROOT / "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    from app.auth.session import configure_login

    configure_login(app, login_manager)
    from app import tasks

    tasks.configure(app)  # the task queue: at once in tests (TESTING) or with HUEY_IMMEDIATE=1


def register_templates(app: Flask) -> None:
    from app.templating import configure_jinja

    configure_jinja(app)


def register_blueprints(app: Flask) -> None:
    from app.blueprints import ALL_BLUEPRINTS
    from app.converters import register as register_converters
    from app.security import enforce_declared_access

    register_converters(app)  # before the rules: ids beyond what the database holds are 404
    for blueprint in ALL_BLUEPRINTS():
        app.register_blueprint(blueprint)
    app.before_request(enforce_declared_access)
    from app import asset_versions

    asset_versions.register(app)  # after the blueprints: it reads their static folders


def register_errorhandlers(app: Flask) -> None:
    from app.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from app.cli import register

    register(app)


def register_security_headers(app: Flask) -> None:
    from app.security_headers import register

    register(app)
