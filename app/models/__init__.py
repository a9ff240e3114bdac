"""Database models, one module per aggregate. Importing this package registers them all."""
from app.models.activity import Activity, ActivityImport
from app.models.api_client import ApiClient, InboundMessage  # noqa: F401
from app.models.activity_window import activity_window, activity_window_state  # noqa: F401
from app.models.audit import AuditEvent, AuditMention
from app.models.directory import (DirectoryCorrection, Organization, Service, ServiceLocality,  # noqa: F401
                                  ServiceNeedArea)
from app.models.comparison import (ComparisonActivity, ComparisonCohort, ComparisonMember,  # noqa: F401
                                   ComparisonPerson)
from app.models.contact import Contact, HomeVisit
from app.models.dashboard_cache import DashboardCache  # noqa: F401
from app.models.dashboard_records import DashboardRecords  # noqa: F401
from app.models.deprivation import DeprivationArea  # noqa: F401
from app.models.onward import OnwardReferral, OnwardReferralNeed
from app.models.org import Locality, Practice, User
from app.models.outbox import OutboxMessage  # noqa: F401
from app.models.person import Episode, Person
from app.models.population import PopulationShare  # noqa: F401
from app.models.referral import Referral, ReferralEvent, ReferralNeed, ReferralRisk
from app.models.risk import NoKnownRisks, PersonRisk, SafeguardingConcern  # noqa: F401
from app.models.sign_in import RecoveryCode, SecondFactor, SignInThrottle  # noqa: F401
from app.models.staff_session import StaffSession
from app.models.support import Goal, GoalAction, Need, PeerSupport
from app.models.wellbeing import WellbeingMeasure

__all__ = ["Activity", "ActivityImport", "AuditEvent", "AuditMention", "Episode", "Locality", "OnwardReferral", "OnwardReferralNeed", "Person",
           "Practice", "Referral", "ReferralEvent", "ReferralNeed", "ReferralRisk", "StaffSession", "User",
           "Contact", "Goal", "GoalAction", "HomeVisit", "Need", "PeerSupport", "WellbeingMeasure"]
