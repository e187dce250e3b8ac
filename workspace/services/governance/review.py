"""Annual reviews: a draft of each section written from the partnership's figures for a school
year (figures.py), which the leads then edit, re-draft from the data, publish to every member
and export as Markdown or PDF.

A draft says only what the data says: each sentence is built from a figure, and a section
with nothing logged says so rather than inventing activity.
"""

import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workspace.clock import london_today
from workspace.exceptions import DomainError, NotFound
from workspace.extensions import db
from workspace.infra.pdf import Document
from workspace.models import Partnership, User
from workspace.models.governance import AnnualReview, ReviewSection
from workspace.services.governance import figures as figures_service
from workspace.services.governance import framework
from workspace.services.governance.figures import Figures
from workspace.services.governance.years import (
    FIRST_YEAR,
    school_year,
    school_year_of,
    show_value,
)

SECTIONS = (  # key, heading, in the order of the review
    ("introduction", "About this review"),
    ("members", "Members and sectors"),
    ("cpd", "CPD sessions and reach"),
    ("audits", "Audits and gaps"),
    ("actions", "Steering actions"),
    ("outcomes", "Outcomes framework"),
)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _day(moment: datetime) -> str:
    return f"{london_today(moment):%-d %B %Y}"


def introduction(f: Figures) -> str:
    last = f.end - timedelta(seconds=1)  # the end is the first moment after the year
    so_far = "" if f.complete else " (the year is not over yet)"
    lines = [f"This review covers the school year {f.label}, from {_day(f.start)} "
             f"to {_day(last)}{so_far}, for {f.partnership.name}."]
    if f.aims:
        lines += ["", "The partnership's aims:", ""]
        lines += [f"{n}. {aim.title}" for n, aim in enumerate(f.aims, start=1)]
    else:
        lines += ["", "The partnership has not recorded its aims yet."]
    return "\n".join(lines)


def members(f: Figures) -> str:
    roles = ", ".join(f"{label.lower()}s: {n}" for label, n in f.members_by_role)
    lines = [f"The partnership has {_plural(f.members, 'member')} ({roles}). "
             f"In {f.label}, {f.joined} joined and {f.left} left or were removed."]
    if f.sectors:
        lines += ["", f"{_plural(f.organisations, 'member organisation')} by sector:", ""]
        lines += [f"- {label}: {n}" for label, n in f.sectors]
    else:
        lines += ["", "No member organisations are recorded."]
    return "\n".join(lines)


def cpd(f: Figures) -> str:
    c = f.cpd
    if not c.held:
        return f"No CPD sessions were held in {f.label}."
    lines = [f"{_plural(c.held, 'CPD session')} were held, with {_plural(c.places, 'place')} "
             f"taken. Registers mark {_plural(c.attended, 'attendance')} by "
             f"{_plural(c.people, 'person', 'different people')}: "
             f"{show_value(c.hours) or 0} learning hours delivered."]
    if c.by_network:
        lines += ["", "Sessions by network:", ""]
        lines += [f"- {name}: {n}" for name, n in c.by_network]
    return "\n".join(lines)


def audits(f: Figures) -> str:
    if not f.audits:
        lines = [f"No provision audit covers {f.label}."]
    else:
        lines = [f"{_plural(len(f.audits), 'audit')} cover the year:", ""]
        lines += [f"- {a.audit.title}: {_plural(a.provision, 'provision record')} reaching "
                  f"{a.reach.words} children and young people; "
                  f"{_plural(a.needs, 'stated need')}; "
                  f"{_plural(a.open_gaps, 'gap')} still open in its gap view."
                  for a in f.audits]
    done = f.gap_actions_done
    lines += ["", f"{_plural(len(done), 'action')} taken on audit gaps "
                  f"{'was' if len(done) == 1 else 'were'} completed in the year"
                  + (":" if done else ".")]
    if done:
        lines += [""] + [f"- {a.title}" for a in done]
    return "\n".join(lines)


def actions(f: Figures) -> str:
    done = f.actions_done
    pilots = [a for a in done if a.is_pilot]
    lines = [f"{_plural(len(done), 'other steering action')} "
             f"{'was' if len(done) == 1 else 'were'} completed in {f.label}"
             + (f", {_plural(len(pilots), 'pilot project')} among them" if pilots else "")
             + (":" if done else ".")]
    if done:
        lines += [""] + [f"- {a.title}" + (" (pilot project)" if a.is_pilot else "")
                         for a in done]
    lines += ["", f"{_plural(f.open_actions, 'action')} {'is' if f.open_actions == 1 else 'are'}"
                  " open or in progress now."]
    return "\n".join(lines)


def _point(value, year: str, unit: str) -> str:
    return f"{show_value(value)}{' ' + unit if unit else ''} ({year})" if year else "none set"


def outcomes(f: Figures) -> str:
    if not f.indicators:
        return "The partnership has no indicators in its outcomes framework yet."
    lines = ["| Indicator | Baseline | Target | " + f.label + " |", "| --- | --- | --- | --- |"]
    for row in f.indicators:
        i, unit = row.indicator, row.indicator.unit
        value = (f"{show_value(row.value.value)}{' ' + unit if unit else ''}"
                 if row.value else "not recorded")
        lines.append(f"| {_cell(i.name)} | {_cell(_point(i.baseline_value, i.baseline_year, unit))}"
                     f" | {_cell(_point(i.target_value, i.target_year, unit))} | {_cell(value)} |")
    return "\n".join(lines)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


WRITERS = {"introduction": introduction, "members": members, "cpd": cpd, "audits": audits,
           "actions": actions, "outcomes": outcomes}


def drafts(f: Figures) -> dict[str, str]:
    """Each section's draft from the figures."""
    return {key: WRITERS[key](f) for key, _ in SECTIONS}


# --- reviews ---------------------------------------------------------------------------------


def list_reviews(partnership: Partnership, published_only: bool) -> list[AnnualReview]:
    query = select(AnnualReview).where(AnnualReview.partnership_id == partnership.id)
    if published_only:
        query = query.where(AnnualReview.published.is_(True))
    return list(db.session.scalars(query.order_by(AnnualReview.year.desc())))


def find_review(partnership: Partnership, year: int) -> AnnualReview | None:
    return db.session.scalar(
        select(AnnualReview).options(selectinload(AnnualReview.sections))
        .where(AnnualReview.partnership_id == partnership.id, AnnualReview.year == year))


def get_review(partnership: Partnership, year: int) -> AnnualReview:
    review = find_review(partnership, year)
    if review is None:
        raise NotFound()
    return review


def check_year(year: int | None, now: datetime) -> int:
    """A school year that has begun: its review can be drafted."""
    current = school_year_of(london_today(now))
    if year is None or not FIRST_YEAR <= year <= current:
        raise DomainError(f"Choose a school year from {school_year(FIRST_YEAR)} to "
                          f"{school_year(current)}: a year that has begun.", "year")
    return year


def draft_review(partnership: Partnership, year: int, actor: User, now: datetime
                 ) -> AnnualReview:
    """A new review of the year, each section drafted from the data; one review a year."""
    check_year(year, now)
    if find_review(partnership, year) is not None:
        raise DomainError(f"There is a review of {school_year(year)} already.", "year")
    review = AnnualReview(partnership_id=partnership.id, year=year, drafted_at=now,
                          updated_at=now, updated_by_id=actor.id)
    texts = drafts(figures_service.gather(partnership, year, now))
    review.sections = [ReviewSection(partnership_id=partnership.id, key=key, position=n,
                                     heading=heading, body=texts[key])
                       for n, (key, heading) in enumerate(SECTIONS)]
    db.session.add(review)
    framework.commit_unique(f"There is a review of {school_year(year)} already.", "year")
    return review


def redraft_review(partnership: Partnership, review: AnnualReview, actor: User,
                   now: datetime) -> None:
    """Every section written again from today's data (the leads' edits are replaced)."""
    texts = drafts(figures_service.gather(partnership, review.year, now))
    for section in review.sections:
        section.body = texts.get(section.key, section.body)
    review.drafted_at = review.updated_at = now
    review.updated_by_id = actor.id
    db.session.commit()


def save_section(section: ReviewSection, body: str, actor: User, now: datetime) -> None:
    section.body = body.strip()
    section.review.updated_at, section.review.updated_by_id = now, actor.id
    db.session.commit()


def set_published(review: AnnualReview, published: bool, actor: User, now: datetime) -> None:
    review.published = published
    review.updated_at, review.updated_by_id = now, actor.id
    db.session.commit()


def as_markdown(partnership: Partnership, review: AnnualReview) -> str:
    """The whole review as one Markdown document."""
    parts = [f"# {partnership.name}: annual review {school_year(review.year)}"]
    for section in review.sections:
        parts += [f"## {section.heading}", section.body or "(This section is empty.)"]
    return "\n\n".join(parts) + "\n"


def as_pdf(partnership: Partnership, review: AnnualReview) -> bytes:
    """The review as a PDF: each section's Markdown as plain paragraphs, lists and tables."""
    title = f"{partnership.name}: annual review {school_year(review.year)}"
    document = Document(title)
    document.heading(title, size=18)
    for section in review.sections:
        document.paragraph(section.heading, size=14, bold=True)
        for kind, block in _blocks(section.body):
            if kind == "table":
                width = len(block[0])
                document.table(block[0], [(row + [""] * width)[:width] for row in block[1:]])
            else:
                document.paragraph("\n".join(block), size=11)
    return document.output()


def _blocks(body: str) -> list[tuple[str, list]]:
    """Markdown cut into paragraphs (lines) and tables (rows of cells), emphasis dropped."""
    blocks: list[tuple[str, list]] = []
    for line in body.splitlines():
        line = line.strip().replace("**", "").replace("__", "")
        kind = "table" if line.startswith("|") else "text"
        if not line or (kind == "table" and set(line) <= set("|-: ")):
            if not line:
                blocks.append(("gap", []))
            continue
        if not blocks or blocks[-1][0] != kind:
            blocks.append((kind, []))
        blocks[-1][1].append(_cells(line) if kind == "table" else _bullet(line))
    return [(kind, block) for kind, block in blocks if block]


def _cells(line: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [cell.strip().replace("\\|", "|") for cell in cells]


def _bullet(line: str) -> str:
    return "\u2022 " + line[2:] if line[:2] in ("- ", "* ") else line.lstrip("#").strip()
