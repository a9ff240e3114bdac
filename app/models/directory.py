"""The community directory: organisations and the services they run, on the Open Referral UK 3.0
model (the UK profile of HSDS). ORUK's UUIDs are the primary keys, so an entry keeps its identity
through exports, imports and other directories harvesting ours.

On top of ORUK, Hearthlink keeps for each service: the need areas it meets, the localities it
serves, the ways in (access routes), the sector of its organisation and when it was last checked.
Places, schedules, contacts and taxonomies live in the sibling directory_* modules.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import uk_today, utcnow
from app.models.org import Locality
from app.models.vocab import NeedArea, Sector

# An entry not checked for this long is flagged for review.
STALE_AFTER = timedelta(days=365)


class AccessRoute(StrEnum):
    """How a person gets into a service."""
    SELF_REFERRAL = "self_referral"
    LINKAGE = "linkage"
    FORMAL_REFERRAL = "formal_referral"
    DROP_IN = "drop_in"

    @property
    def label(self) -> str:
        return {"self_referral": "Self-referral", "linkage": "Linkage by a link officer",
                "formal_referral": "Formal referral with consent", "drop_in": "Drop-in"}[self.value]


class ServiceStatus(StrEnum):
    """ORUK's service status codelist."""
    ACTIVE = "active"
    INACTIVE = "inactive"
    DEFUNCT = "defunct"
    TEMPORARILY_CLOSED = "temporarily closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


def _known(column: str, enum_class) -> str:
    return f"{column} IN (" + ", ".join(f"'{member.value}'" for member in enum_class) + ")"


class Organization(db.Model):
    __tablename__ = "organization"
    __table_args__ = (CheckConstraint(_known("sector", Sector), name="sector_known"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(500))
    sector: Mapped[str] = mapped_column(String(24), default=Sector.VOLUNTARY.value, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    services: Mapped[list[Service]] = relationship(back_populates="organization", order_by="Service.name")

    @property
    def sector_enum(self) -> Sector:
        return Sector(self.sector)


class Service(db.Model):
    __tablename__ = "service"
    __table_args__ = (
        CheckConstraint(_known("status", ServiceStatus), name="status_known"),
        Index("ix_service_status_name", "status", "name"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(20), default=ServiceStatus.ACTIVE.value)
    minimum_age: Mapped[float | None] = mapped_column(Float)
    maximum_age: Mapped[float | None] = mapped_column(Float)
    alert: Mapped[str | None] = mapped_column(Text)
    # Who it is for, and how to get in, in words (HSDS eligibility_description / application_process).
    eligibility_description: Mapped[str] = mapped_column(Text, default="")
    application_process: Mapped[str] = mapped_column(Text, default="")
    # AccessRoute values, comma-separated in AccessRoute order.
    access_routes: Mapped[str] = mapped_column(String(80), default="")
    # ORUK's assured_date: the day someone last confirmed the entry is right.
    last_checked_on: Mapped[date | None] = mapped_column(Date, index=True)
    last_modified: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Lower-case words from the name, organisation, description, needs, places and terms: the
    # directory search matches against this one indexed-friendly column instead of joining.
    search_text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    organization: Mapped[Organization] = relationship(back_populates="services")
    need_areas: Mapped[list[ServiceNeedArea]] = relationship(
        cascade="all, delete-orphan", order_by="ServiceNeedArea.area")
    localities: Mapped[list[ServiceLocality]] = relationship(cascade="all, delete-orphan")
    service_at_locations: Mapped[list["ServiceAtLocation"]] = relationship(  # noqa: F821
        back_populates="service", cascade="all, delete-orphan", order_by="ServiceAtLocation.id")
    schedules: Mapped[list["Schedule"]] = relationship(  # noqa: F821
        cascade="all, delete-orphan", order_by="Schedule.id",
        primaryjoin="Service.id == Schedule.service_id")
    contacts: Mapped[list["ServiceContact"]] = relationship(  # noqa: F821
        cascade="all, delete-orphan", order_by="ServiceContact.id")
    cost_options: Mapped[list["CostOption"]] = relationship(  # noqa: F821
        cascade="all, delete-orphan", order_by="CostOption.id")
    service_areas: Mapped[list["ServiceArea"]] = relationship(  # noqa: F821
        cascade="all, delete-orphan", order_by="ServiceArea.id")

    # --- Hearthlink's additions, read as the domain's words -------------------------------
    @property
    def need_area_values(self) -> list[str]:
        return [item.area for item in self.need_areas]

    @property
    def need_area_enums(self) -> list[NeedArea]:
        return [NeedArea(item.area) for item in self.need_areas if item.area in NeedArea._value2member_map_]

    @property
    def locality_names(self) -> list[str]:
        return sorted(item.locality.name for item in self.localities)

    @property
    def access_route_enums(self) -> list[AccessRoute]:
        values = [v for v in self.access_routes.split(",") if v]
        return [route for route in AccessRoute if route.value in values]

    def set_access_routes(self, routes) -> None:
        chosen = {str(route) for route in routes}
        self.access_routes = ",".join(route.value for route in AccessRoute if route.value in chosen)

    @property
    def sector(self) -> str:
        return self.organization.sector

    def is_stale(self, today: date | None = None) -> bool:
        """Not checked for 12 months (or never): flagged for review."""
        today = today or uk_today()
        return self.last_checked_on is None or today - self.last_checked_on > STALE_AFTER

    @property
    def phones(self) -> list["Phone"]:  # noqa: F821
        return [phone for contact in self.contacts for phone in contact.phones]


class ServiceNeedArea(db.Model):
    """A need area (vocab.NeedArea) the service meets; published as an ORUK attribute."""
    __tablename__ = "service_need_area"
    __table_args__ = (Index("uq_service_need_area", "service_id", "area", unique=True),
                      Index("ix_service_need_area_area_service", "area", "service_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(String(40))

    @property
    def area_enum(self) -> NeedArea:
        return NeedArea(self.area)


class ServiceLocality(db.Model):
    """A locality the service is open to; published as an ORUK service area."""
    __tablename__ = "service_locality"
    __table_args__ = (Index("uq_service_locality", "service_id", "locality_id", unique=True),
                      Index("ix_service_locality_locality_service", "locality_id", "service_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    locality_id: Mapped[int] = mapped_column(ForeignKey("locality.id"))

    locality: Mapped[Locality] = relationship(lazy="joined")


from app.models.directory_places import (Address, CostOption, Location, Phone, Schedule,  # noqa: E402,F401
                                         ServiceArea, ServiceAtLocation, ServiceContact)
from app.models.directory_taxonomy import Attribute, DirectoryCorrection, Taxonomy, TaxonomyTerm  # noqa: E402,F401
