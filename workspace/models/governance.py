"""Governance and evaluation (seed 002): the partnership's terms of reference, its aims and
their priorities, an outcomes framework of indicators with yearly values, and annual reviews
drafted from what the partnership logged.

Years are named as the app names them elsewhere: a school year "2025/26" (1 September to
31 August, the English school year of services/cpd/supply) or a calendar year "2026". An
annual review is of a school year, kept by the year it starts in.
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.accounts import User
from workspace.models.base import UTCDateTime

VALUE = Numeric(14, 2)  # an indicator's value: counts, percentages, pounds...


class TermsOfReference(db.Model):
    """The partnership's terms of reference, as Markdown; one per partnership."""

    __tablename__ = "terms_of_reference"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), unique=True)
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()


class Aim(db.Model):
    __tablename__ = "aim"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    priorities: Mapped[list["AimPriority"]] = relationship(
        back_populates="aim", cascade="all, delete-orphan", order_by="AimPriority.id")


class AimPriority(db.Model):
    """A priority under an aim: what the partnership will concentrate on to meet it."""

    __tablename__ = "aim_priority"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    aim_id: Mapped[int] = mapped_column(ForeignKey("aim.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(300))

    aim: Mapped[Aim] = relationship(back_populates="priorities")


class Indicator(db.Model):
    """A measure of the outcomes framework, with its baseline and target."""

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("partnership_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(60), default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    aim_id: Mapped[int | None] = mapped_column(
        ForeignKey("aim.id", ondelete="SET NULL"), index=True)
    baseline_value: Mapped[Decimal | None] = mapped_column(VALUE)
    baseline_year: Mapped[str] = mapped_column(String(7), default="")
    target_value: Mapped[Decimal | None] = mapped_column(VALUE)
    target_year: Mapped[str] = mapped_column(String(7), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    aim: Mapped[Aim | None] = relationship()
    values: Mapped[list["IndicatorValue"]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan",
        order_by="IndicatorValue.year")


class IndicatorValue(db.Model):
    """An indicator's value for one year, once per year."""

    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("indicator_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    year: Mapped[str] = mapped_column(String(7))
    value: Mapped[Decimal] = mapped_column(VALUE)
    note: Mapped[str] = mapped_column(String(300), default="")

    indicator: Mapped[Indicator] = relationship(back_populates="values")


class AnnualReview(db.Model):
    """The review of a school year (`year` is the year it starts in): a draft that steering
    members and leads read, until the leads publish it to every member."""

    __tablename__ = "annual_review"
    __table_args__ = (UniqueConstraint("partnership_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    published: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()
    sections: Mapped[list["ReviewSection"]] = relationship(
        back_populates="review", cascade="all, delete-orphan",
        order_by="ReviewSection.position")


class ReviewSection(db.Model):
    """A section of an annual review: drafted from the data, then the leads' own words."""

    __tablename__ = "review_section"
    __table_args__ = (UniqueConstraint("annual_review_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    annual_review_id: Mapped[int] = mapped_column(
        ForeignKey("annual_review.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, default=0)
    heading: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[AnnualReview] = relationship(back_populates="sections")
