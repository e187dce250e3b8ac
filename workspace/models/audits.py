"""Provision audits: what is offered (provision), what is asked for (needs), and the target
groups, phases, art forms and places that set one against the other."""

import enum
import secrets
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.accounts import User
from workspace.models.base import UTCDateTime, value_enum
from workspace.models.catalogue import CatalogueItem, JobRole
from workspace.models.partnerships import Organisation


def new_audit_token() -> str:
    return secrets.token_urlsafe(24)


class AuditStatus(enum.Enum):
    DRAFT = "draft"
    COLLECTING = "collecting"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"draft": "Draft", "collecting": "Collecting", "closed": "Closed"}[self.value]


class AgePhase(enum.Enum):
    """Age phases, in the order children move through them."""

    EARLY_YEARS = "early_years"
    KS1 = "ks1"
    KS2 = "ks2"
    KS3 = "ks3"
    KS4 = "ks4"
    KS5 = "ks5"
    POST_16 = "post_16"

    @property
    def label(self) -> str:
        return {"early_years": "Early years", "ks1": "KS1", "ks2": "KS2", "ks3": "KS3",
                "ks4": "KS4", "ks5": "KS5", "post_16": "Post-16"}[self.value]


class ArtForm(enum.Enum):
    """Art forms, and the core and extension roles of the National Plan for Music Education."""

    MUSIC = "music"
    WHOLE_CLASS = "music_whole_class"
    ENSEMBLES = "music_ensembles"
    PROGRESSION = "music_progression"
    SINGING = "music_singing"
    DANCE = "dance"
    DRAMA = "drama"
    VISUAL_ARTS = "visual_arts"
    CRAFT_DESIGN = "craft_design"
    LITERATURE = "literature"
    FILM_DIGITAL = "film_digital"
    HERITAGE = "heritage"
    MUSEUMS = "museums"
    COMBINED_ARTS = "combined_arts"

    @property
    def label(self) -> str:
        return ART_FORM_LABELS[self]


ART_FORM_LABELS = {
    ArtForm.MUSIC: "Music (general)",
    ArtForm.WHOLE_CLASS: "Music: whole-class instrumental teaching",
    ArtForm.ENSEMBLES: "Music: ensembles and performance",
    ArtForm.PROGRESSION: "Music: progression routes",
    ArtForm.SINGING: "Music: singing",
    ArtForm.DANCE: "Dance",
    ArtForm.DRAMA: "Drama and theatre",
    ArtForm.VISUAL_ARTS: "Visual arts",
    ArtForm.CRAFT_DESIGN: "Craft and design",
    ArtForm.LITERATURE: "Literature and creative writing",
    ArtForm.FILM_DIGITAL: "Film and digital media",
    ArtForm.HERITAGE: "Heritage",
    ArtForm.MUSEUMS: "Museums and galleries",
    ArtForm.COMBINED_ARTS: "Combined arts",
}


class Priority(enum.Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def weight(self) -> int:
        return PRIORITY_WEIGHTS[self.value]


PRIORITY_WEIGHTS = {"high": 3, "medium": 2, "low": 1}  # read once a need on the gap pages


class NeedSource(enum.Enum):
    FORM = "form"      # answered through the shared needs form, without an account
    HAND = "hand"      # entered by a lead
    IMPORT = "import"  # imported from CSV


class TargetGroup(db.Model):
    """A group of children and young people that provision and needs are about.

    Each partnership starts with SEND, looked-after children, EAL and disadvantaged, and may
    add its own. A `vulnerable` group's figures are shown at ward level or above only.
    """

    __tablename__ = "target_group"
    __table_args__ = (UniqueConstraint("partnership_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    vulnerable: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Audit(db.Model):
    __tablename__ = "audit"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_in_order"),
        CheckConstraint("suppression_threshold >= 1", name="threshold_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    area: Mapped[str] = mapped_column(Text, default="")  # the wards or settings it covers
    status: Mapped[AuditStatus] = mapped_column(
        value_enum(AuditStatus, "audit_status"), default=AuditStatus.DRAFT)
    suppression_threshold: Mapped[int] = mapped_column(Integer, default=5)
    needs_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_audit_token)
    needs_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    created_by: Mapped[User] = relationship()


class Provision(db.Model):
    """Who offers what, to whom, where, and how many it reaches."""

    __tablename__ = "provision"
    __table_args__ = (
        CheckConstraint("children_reached >= 0", name="children_not_negative"),
        CheckConstraint("settings_reached >= 0", name="settings_not_negative"),
        CheckConstraint("cost_pence >= 0", name="cost_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    audit_id: Mapped[int] = mapped_column(
        ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"))
    provider_name: Mapped[str] = mapped_column(String(200))  # the organisation's, or another
    activity: Mapped[str] = mapped_column(String(300))
    art_form: Mapped[ArtForm] = mapped_column(value_enum(ArtForm, "art_form", 40))
    phase: Mapped[AgePhase] = mapped_column(value_enum(AgePhase, "age_phase"))
    ward: Mapped[str] = mapped_column(String(120))
    setting: Mapped[str] = mapped_column(String(200), default="")
    children_reached: Mapped[int] = mapped_column(Integer, default=0)
    settings_reached: Mapped[int] = mapped_column(Integer, default=0)
    cost_pence: Mapped[int | None] = mapped_column(Integer)
    funding_source: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()
    groups: Mapped[list[TargetGroup]] = relationship(secondary="provision_group")
    qualifications: Mapped[list[CatalogueItem]] = relationship(
        secondary="provision_qualification")


class ProvisionGroup(db.Model):
    __tablename__ = "provision_group"

    provision_id: Mapped[int] = mapped_column(
        ForeignKey("provision.id", ondelete="CASCADE"), primary_key=True)
    target_group_id: Mapped[int] = mapped_column(
        ForeignKey("target_group.id", ondelete="CASCADE"), primary_key=True, index=True)


class ProvisionQualification(db.Model):
    """A qualification (from the catalogue) held by the staff who deliver the provision."""

    __tablename__ = "provision_qualification"

    provision_id: Mapped[int] = mapped_column(
        ForeignKey("provision.id", ondelete="CASCADE"), primary_key=True)
    catalogue_item_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_item.id"), primary_key=True, index=True)


class Need(db.Model):
    """What a school, teacher or young people's organisation says is needed."""

    __tablename__ = "need"
    __table_args__ = (CheckConstraint("children >= 0", name="children_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    audit_id: Mapped[int] = mapped_column(
        ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    source: Mapped[NeedSource] = mapped_column(value_enum(NeedSource, "need_source"))
    respondent_name: Mapped[str] = mapped_column(String(120), default="")
    respondent_organisation: Mapped[str] = mapped_column(String(200), default="")
    respondent_email: Mapped[str] = mapped_column(String(254), default="")
    target_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("target_group.id", ondelete="SET NULL"), index=True)
    phase: Mapped[AgePhase] = mapped_column(value_enum(AgePhase, "age_phase"))
    art_form: Mapped[ArtForm] = mapped_column(value_enum(ArtForm, "art_form", 40))
    ward: Mapped[str] = mapped_column(String(120))
    setting: Mapped[str] = mapped_column(String(200), default="")
    priority: Mapped[Priority] = mapped_column(value_enum(Priority, "need_priority"))
    children: Mapped[int | None] = mapped_column(Integer)  # how many it concerns, if known
    job_role_id: Mapped[int | None] = mapped_column(ForeignKey("job_role.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    target_group: Mapped[TargetGroup | None] = relationship()
    job_role: Mapped[JobRole | None] = relationship()


class AuditChange(db.Model):
    """One change to an audit's settings, provision or needs: who, when, which field, old and
    new. A children figure that must stay hidden is recorded as changed, without values."""

    __tablename__ = "audit_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    audit_id: Mapped[int] = mapped_column(
        ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: the needs form
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    record: Mapped[str] = mapped_column(String(20))  # "audit", "provision" or "need"
    record_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))  # "added", "changed" or "deleted"
    field: Mapped[str] = mapped_column(String(60), default="")
    old: Mapped[str] = mapped_column(Text, default="")
    new: Mapped[str] = mapped_column(Text, default="")
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # withheld

    actor: Mapped[User | None] = relationship()
