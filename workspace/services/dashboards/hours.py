"""CPD hours of the school year so far, per term, from the person's CPD log (sessions attended
and entries of their own). Terms are those of services.cpd.supply, as supply cover counts them."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from workspace.infra.charts import Bar, Chart, Segment, figure_text
from workspace.models import User
from workspace.services.cpd import logbook
from workspace.services.cpd.supply import Term, term_of_day

ZERO = Decimal("0")


@dataclass
class HoursCard:
    year_starts: date  # 1 September of the school year
    total: Decimal  # this school year
    chart: Chart


def school_year_terms(today: date) -> list[Term]:
    """The three terms of the school year `today` falls in, autumn first."""
    year = today.year if today.month >= 9 else today.year - 1
    return [term_of_day(date(year, 9, 1)), term_of_day(date(year + 1, 1, 1)),
            term_of_day(date(year + 1, 4, 1))]


def hours_card(user: User, today: date) -> HoursCard:
    terms = school_year_terms(today)
    by_term = {t: {logbook.SESSION_SOURCE: ZERO, logbook.OWN_SOURCE: ZERO} for t in terms}
    for row in logbook.cpd_log(user):
        if (term := term_of_day(row.day)) in by_term:
            by_term[term][row.source] += row.hours
    bars = tuple(Bar(t.name, tuple(Segment(h, figure_text(h)) for h in parts.values()),
                     note=f"{figure_text(sum(parts.values(), ZERO))} h")
                 for t, parts in by_term.items())
    total = sum((sum(p.values(), ZERO) for p in by_term.values()), ZERO)
    chart = Chart(f"hours-{user.id}", "Your CPD hours per term this school year",
                  ("Sessions attended", "Your own entries"), bars,
                  summary=f"{figure_text(total)} hours since {terms[0].starts:%-d %B %Y}.")
    return HoursCard(terms[0].starts, total, chart)
