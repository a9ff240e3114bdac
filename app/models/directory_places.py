"""Where and when a directory service runs, how to reach it and what it costs (ORUK 3.0 tables)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db


class Location(db.Model):
    __tablename__ = "location"
    __table_args__ = (CheckConstraint("location_type IN ('physical', 'postal', 'virtual')", name="type_known"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    location_type: Mapped[str] = mapped_column(String(10), default="physical")
    name: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    addresses: Mapped[list[Address]] = relationship(cascade="all, delete-orphan", order_by="Address.id")


class Address(db.Model):
    __tablename__ = "address"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"), index=True)
    attention: Mapped[str | None] = mapped_column(String(200))
    address_1: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    state_province: Mapped[str] = mapped_column(String(100), default="")
    postal_code: Mapped[str] = mapped_column(String(10))
    country: Mapped[str] = mapped_column(String(2), default="GB")
    address_type: Mapped[str] = mapped_column(String(10), default="physical")

    @property
    def one_line(self) -> str:
        return ", ".join(part for part in (self.address_1, self.city, self.postal_code) if part)


class ServiceAtLocation(db.Model):
    __tablename__ = "service_at_location"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("location.id"), index=True)

    service: Mapped["Service"] = relationship(back_populates="service_at_locations")  # noqa: F821
    location: Mapped[Location] = relationship()
    schedules: Mapped[list[Schedule]] = relationship(
        cascade="all, delete-orphan", order_by="Schedule.id",
        primaryjoin="ServiceAtLocation.id == Schedule.service_at_location_id")


class Schedule(db.Model):
    """ORUK's iCal-style schedule: freq WEEKLY or MONTHLY, byday like "MO,TH" or "2MO",
    opens_at/closes_at as local (Europe/London) "HH:MM"."""
    __tablename__ = "schedule"
    __table_args__ = (CheckConstraint("freq IS NULL OR freq IN ('WEEKLY', 'MONTHLY')", name="freq_known"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    service_id: Mapped[str | None] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    service_at_location_id: Mapped[str | None] = mapped_column(
        ForeignKey("service_at_location.id", ondelete="CASCADE"), index=True)
    # The owning service, also for schedules held by a service-at-location: "open now" is one EXISTS.
    owner_service_id: Mapped[str | None] = mapped_column(String(36), index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    dtstart: Mapped[date | None] = mapped_column(Date)
    freq: Mapped[str | None] = mapped_column(String(8))
    interval: Mapped[int | None] = mapped_column(Integer)
    byday: Mapped[str | None] = mapped_column(String(60))
    bymonthday: Mapped[str | None] = mapped_column(String(60))
    opens_at: Mapped[str | None] = mapped_column(String(5))
    closes_at: Mapped[str | None] = mapped_column(String(5))
    description: Mapped[str | None] = mapped_column(Text)
    # Free text in ORUK ("in person or remotely by video…"): the standard's own example is longer than 40.
    attending_type: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)


class ServiceContact(db.Model):
    """ORUK's contact. The table is directory_contact, not ORUK's "contact": the support record's
    contacts with a person (app.models.contact) already own that name."""
    __tablename__ = "directory_contact"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))

    phones: Mapped[list[Phone]] = relationship(cascade="all, delete-orphan", order_by="Phone.id")


class Phone(db.Model):
    __tablename__ = "phone"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contact_id: Mapped[str] = mapped_column(ForeignKey("directory_contact.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    description: Mapped[str | None] = mapped_column(Text)


class CostOption(db.Model):
    __tablename__ = "cost_option"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    option: Mapped[str | None] = mapped_column(String(200))
    amount: Mapped[float | None] = mapped_column(Float)
    amount_description: Mapped[str | None] = mapped_column(String(200))

    @property
    def in_words(self) -> str:
        if self.amount is None or self.amount == 0:
            price = "Free" if self.amount == 0 else ""
        else:
            price = f"£{self.amount:,.2f}".replace(".00", "")
        if price and self.option and price.lower() in self.option.lower():
            price = ""
        parts = [part for part in (self.option, price, self.amount_description) if part]
        return ", ".join(parts) or "Ask the service"


class ServiceArea(db.Model):
    """Where the service is available; a name that matches a locality links the service to it."""
    __tablename__ = "service_area"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    service_area: Mapped[str | None] = mapped_column(Text)
    extent: Mapped[str | None] = mapped_column(Text)
    extent_type: Mapped[str | None] = mapped_column(String(40))
    uri: Mapped[str | None] = mapped_column(String(500))
