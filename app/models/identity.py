"""Who a person is: the details a referral gives and the person record keeps."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from app.models.vocab import CarerStatus, EthnicCategory, Sex
from app.validators import address_lines


class IdentityDetails:
    """Columns and wording shared by Referral (as the practice gave them) and Person (as held)."""

    given_name: Mapped[str] = mapped_column(String(80))
    family_name: Mapped[str] = mapped_column(String(80))
    date_of_birth: Mapped[date] = mapped_column(Date)
    address: Mapped[str] = mapped_column(Text)
    postcode: Mapped[str] = mapped_column(String(8))
    phone: Mapped[str] = mapped_column(String(30), default="")
    contact_method: Mapped[str] = mapped_column(String(20))
    contact_times: Mapped[str] = mapped_column(String(200), default="")
    accessibility_needs: Mapped[str] = mapped_column(Text, default="")

    # Equality data (CONTRACT §6). Optional everywhere, and "not stated" unless the person said:
    # server defaults too, so rows written before these columns (and bulk inserts) read the same.
    sex: Mapped[str] = mapped_column(String(12), default=Sex.NOT_STATED.value,
                                     server_default=Sex.NOT_STATED.value)
    ethnic_category: Mapped[str] = mapped_column(String(1), default=EthnicCategory.NOT_STATED.value,
                                                 server_default=EthnicCategory.NOT_STATED.value)
    carer: Mapped[str] = mapped_column(String(12), default=CarerStatus.NOT_KNOWN.value,
                                       server_default=CarerStatus.NOT_KNOWN.value)
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    preferred_language: Mapped[str] = mapped_column(String(60), default="", server_default="")
    reasonable_adjustments: Mapped[str] = mapped_column(Text, default="", server_default="")
    reasonable_adjustments_flag: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def take_stated_equality_from(self, other: IdentityDetails) -> None:
        """Copy the equality details `other` states, keeping ours where it says nothing: a new
        referral that leaves them out must not turn what the person told the officer into
        "not stated" (and "not stated" is never replaced by a guess)."""
        if other.sex != Sex.NOT_STATED.value:
            self.sex = other.sex
        if other.ethnic_category != EthnicCategory.NOT_STATED.value:
            self.ethnic_category = other.ethnic_category
        if other.carer != CarerStatus.NOT_KNOWN.value:
            self.carer = other.carer
        if other.interpreter_needed or other.preferred_language:
            self.interpreter_needed = bool(other.interpreter_needed)
            self.preferred_language = other.preferred_language or self.preferred_language
        if other.reasonable_adjustments_flag or other.reasonable_adjustments:
            self.reasonable_adjustments_flag = True
            self.reasonable_adjustments = other.reasonable_adjustments or self.reasonable_adjustments

    @property
    def sex_enum(self) -> Sex:
        return Sex(self.sex)

    @property
    def ethnic_category_enum(self) -> EthnicCategory:
        return EthnicCategory(self.ethnic_category)

    @property
    def carer_enum(self) -> CarerStatus:
        return CarerStatus(self.carer)

    @property
    def address_lines(self) -> list[str]:
        # Read through the normaliser, so addresses stored before it (with CRLF) show well too.
        return address_lines(self.address)

    @property
    def address_one_line(self) -> str:
        """The address and postcode for a single line: "7 Gorsebrook Lane, Netherton, DY1 1AA"."""
        return ", ".join([*self.address_lines, self.postcode] if self.postcode else self.address_lines)

    @property
    def nhs_number_spaced(self) -> str:
        return spaced_nhs_number(self.nhs_number)


def spaced_nhs_number(digits: str) -> str:
    """An NHS number as people read and say it: 999 123 4560."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
