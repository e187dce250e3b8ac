"""CSV import of an audit's provision and needs: every row checked, all or nothing.

A file with any bad row imports nothing, and ImportFailed lists "line N: message" for each
bad line (the header is line 1).
"""

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select

from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.infra import text as text_rules
from workspace.models import CatalogueItem, Partnership, User
from workspace.models.audits import AgePhase, ArtForm, Audit, NeedSource, Priority
from workspace.models.catalogue import JobRole
from workspace.services.audits import records

MAX_ROWS = 5000


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str
    example: str


PROVISION_COLUMNS = [
    Column("provider", True, "The organisation that offers it (up to 200 characters).",
           "Riverside Music Service"),
    Column("activity", True, "What is offered (up to 300 characters).",
           "Whole-class ukulele in Year 4"),
    Column("art_form", True, "An art form, e.g. music, dance, drama, visual_arts, or its name "
                             "as shown in the app.", "music_whole_class"),
    Column("phase", True, "early_years, ks1, ks2, ks3, ks4, ks5 or post_16.", "ks2"),
    Column("ward", True, "The ward (up to 120 characters).", "Northgate"),
    Column("setting", False, "The school or setting (never shown for SEND or looked-after "
                             "children).", "Northgate Primary"),
    Column("target_groups", False, "Group names separated by ';' (empty: all children).",
           "SEND; Disadvantaged"),
    Column("children_reached", False, "Whole number of children and young people reached. "
                                      "Counted only in the totals (by ward or above); never "
                                      "shown or exported for a single record.", "28"),
    Column("settings_reached", False, "Whole number of settings.", "1"),
    Column("cost", False, "In pounds, e.g. 1200 or 1200.50.", "1200"),
    Column("funding_source", False, "Who pays (up to 200 characters).", "Hub grant"),
    Column("notes", False, "Anything else.", ""),
    Column("qualifications", False, "Catalogue stable IDs of the delivering staff's "
                                    "qualifications, separated by ';'.", "CME"),
]

NEED_COLUMNS = [
    Column("organisation", False, "The school or organisation that states the need.",
           "Northgate Primary"),
    Column("name", False, "Who said so (up to 120 characters).", "A. Teacher"),
    Column("email", False, "Their email, if they gave one.", ""),
    Column("target_group", False, "One group name (empty: all children).", "SEND"),
    Column("phase", True, "early_years, ks1, ks2, ks3, ks4, ks5 or post_16.", "ks2"),
    Column("art_form", True, "An art form, as for provision.", "music"),
    Column("ward", True, "The ward (up to 120 characters).", "Northgate"),
    Column("setting", False, "The school or setting (never shown for vulnerable groups).", ""),
    Column("priority", True, "high, medium or low.", "high"),
    Column("children", False, "How many children it concerns, if known. Counted only in "
                              "the totals (by ward or above); never shown or exported for a "
                              "single need.", "12"),
    Column("job_role", False, "A job role from the catalogue, by its name.", ""),
    Column("description", False, "What is needed.", "Adapted instruments for pupils with SEND"),
]

COLUMNS = {"provision": PROVISION_COLUMNS, "needs": NEED_COLUMNS}


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def sample_csv(kind: str) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([c.name for c in COLUMNS[kind]])
    writer.writerow([c.example for c in COLUMNS[kind]])
    return out.getvalue()


# --- cell parsers (raise ValueError with the message to show) -------------------------------


def _text(value: str, limit: int, label: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValueError(f"{label} is required")
    if len(value) > limit:
        raise ValueError(f"{label} is longer than {limit} characters")
    problem = (text_rules.one_line_problem(value) if limit <= text_rules.ONE_LINE_MAX
               else text_rules.multi_line_problem(value))
    if problem:
        raise ValueError(f"{label}: {problem[0].lower()}{problem[1:]}")
    return value


def _choice(enum, value: str, label: str):
    wanted = re.sub(r"[\s-]+", "_", (value or "").strip().casefold())
    for member in enum:
        if wanted in (member.value, re.sub(r"[\s-]+", "_", member.label.casefold())):
            return member
    raise ValueError(f"{label} {value!r} is not one of "
                     f"{', '.join(m.value for m in enum)}")


def _count(value: str, label: str, default: int | None = 0) -> int | None:
    value = (value or "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) > records.MAX_CHILDREN:
        raise ValueError(f"{label} must be a whole number from 0 to {records.MAX_CHILDREN}")
    return int(value)


def _pence(value: str) -> int | None:
    value = (value or "").strip().lstrip("£").replace(",", "")
    if not value:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"cost {value!r} is not an amount in pounds") from None
    if amount < 0 or amount > 100_000_000 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"cost {value!r} is not an amount in pounds and pence")
    return int(amount * 100)


def _list(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


class _Lookups:
    def __init__(self, partnership: Partnership):
        groups = records.list_target_groups(partnership)
        self.groups = {g.name.casefold(): g for g in groups}

    def group(self, name: str):
        if name.casefold() in ("all", records.ALL_CHILDREN.casefold()):
            return None
        found = self.groups.get(records.clean_place(name).casefold())
        if found is None:
            raise ValueError(f"no target group is called {name!r}")
        return found

    @staticmethod
    def items(stable_ids: list[str]) -> frozenset[int]:
        ids = set()
        for stable_id in stable_ids:
            item = db.session.scalar(select(CatalogueItem).where(
                CatalogueItem.stable_id == stable_id))
            if item is None:
                raise ValueError(f"no catalogue item has the ID {stable_id!r}")
            ids.add(item.id)
        return frozenset(ids)

    @staticmethod
    def role(name: str) -> int | None:
        if not name.strip():
            return None
        role = db.session.scalar(select(JobRole).where(
            func.lower(JobRole.name) == name.strip().lower()))
        if role is None:
            raise ValueError(f"no job role in the catalogue is called {name!r}")
        return role.id


def _provision_fields(row: dict, lookups: _Lookups) -> records.ProvisionFields:
    groups = [lookups.group(n) for n in _list(row.get("target_groups", ""))]
    return records.ProvisionFields(
        provider_name=_text(row.get("provider"), 200, "provider", True),
        activity=_text(row.get("activity"), 300, "activity", True),
        art_form=_choice(ArtForm, row.get("art_form"), "art form"),
        phase=_choice(AgePhase, row.get("phase"), "phase"),
        ward=_text(row.get("ward"), 120, "ward", True),
        setting=_text(row.get("setting"), 200, "setting"),
        group_ids=frozenset(g.id for g in groups if g is not None),
        children_reached=_count(row.get("children_reached"), "children_reached"),
        settings_reached=_count(row.get("settings_reached"), "settings_reached"),
        cost_pence=_pence(row.get("cost")),
        funding_source=_text(row.get("funding_source"), 200, "funding_source"),
        notes=_text(row.get("notes"), 5000, "notes"),
        qualification_ids=lookups.items(_list(row.get("qualifications", ""))))


def _need_fields(row: dict, lookups: _Lookups) -> records.NeedFields:
    group_name = (row.get("target_group") or "").strip()
    group = lookups.group(group_name) if group_name else None
    email = _text(row.get("email"), 254, "email")
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise ValueError(f"email {email!r} is not an email address")
    return records.NeedFields(
        respondent_organisation=_text(row.get("organisation"), 200, "organisation"),
        respondent_name=_text(row.get("name"), 120, "name"), respondent_email=email,
        target_group_id=group.id if group else None,
        phase=_choice(AgePhase, row.get("phase"), "phase"),
        art_form=_choice(ArtForm, row.get("art_form"), "art form"),
        ward=_text(row.get("ward"), 120, "ward", True),
        setting=_text(row.get("setting"), 200, "setting"),
        priority=_choice(Priority, row.get("priority"), "priority"),
        children=_count(row.get("children"), "children", None),
        job_role_id=lookups.role(row.get("job_role") or ""),
        description=_text(row.get("description"), 5000, "description"))


# --- reading --------------------------------------------------------------------------------


def _rows(text: str, kind: str) -> list[tuple[int, dict]]:
    """(line number, row) for each data row; ImportFailed for a header that is not right."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = [h.strip().casefold() for h in next(reader, [])]
    names = [c.name for c in COLUMNS[kind]]
    errors = [f"line 1: unknown column {h!r}" for h in header if h and h not in names]
    errors += [f"line 1: the required column {c.name!r} is missing"
               for c in COLUMNS[kind] if c.required and c.name not in header]
    if not header:
        errors = ["line 1: the file is empty; it needs a header row"]
    if errors:
        raise ImportFailed(errors)
    rows, start = [], reader.line_num + 1
    for cells in reader:
        if any(c.strip() for c in cells):
            if len(cells) > len(header):
                rows.append((start, {"__extra__": cells}))
            else:
                rows.append((start, dict(zip(header, cells, strict=False))))
        start = reader.line_num + 1
    if len(rows) > MAX_ROWS:
        raise ImportFailed([f"line {rows[MAX_ROWS][0]}: more than {MAX_ROWS} rows; split the "
                            "file"])
    if not rows:
        raise ImportFailed(["line 2: the file has no rows under its header"])
    return rows


def import_csv(partnership: Partnership, audit: Audit, actor: User, kind: str,
               text: str) -> int:
    """Add every row of the file to the audit, or none; the number of rows added."""
    rows = _rows(text, kind)
    lookups = _Lookups(partnership)
    errors: list[str] = []
    for line, row in rows:
        try:
            if "__extra__" in row:
                raise ValueError("more cells than the header has columns")
            if kind == "provision":
                records.build_provision(audit, actor, _provision_fields(row, lookups))
            else:
                records.build_need(audit, _need_fields(row, lookups), NeedSource.IMPORT,
                                   actor)
        except ValueError as error:
            errors.append(f"line {line}: {error}")
        except DomainError as error:
            errors.append(f"line {line}: {error.message}")
    if errors:
        db.session.rollback()
        raise ImportFailed(errors)
    db.session.commit()
    return len(rows)
