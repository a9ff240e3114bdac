"""The list of blueprints the factory registers, in one place."""


def ALL_BLUEPRINTS():  # noqa: N802 - reads like the constant it stands for
    from app.account import bp as account
    from app.activity import bp as activity
    from app.admin import bp as admin
    from app.assets import asset_blueprints
    from app.audit_log import bp as audit
    from app.auth import bp as auth
    from app.caseload import bp as caseload
    from app.comparison import bp as comparison
    from app.dashboard import bp as dashboard
    from app.directory import bp as directory
    from app.fhir_api import bp as fhir_api
    from app.main import bp as main
    from app.openreferral import bp as openreferral
    from app.people import bp as people
    from app.referrals import bp as referrals
    from app.safeguarding import bp as safeguarding
    from app.triage import bp as triage
    from app.visits import bp as visits

    return [main, auth, admin, referrals, triage, activity, comparison, directory, openreferral,
            caseload, people, visits, safeguarding, audit, dashboard, account, fhir_api, *asset_blueprints()]
