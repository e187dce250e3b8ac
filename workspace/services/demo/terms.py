"""School terms in England, for placing the demo's CPD days on days teachers are in school.

The dates below are *typical* term dates for English state schools: the autumn, spring and
summer terms, each split by a half-term week, in the pattern most local authorities publish
(autumn from early September to the Friday before Christmas week, a February half term, Easter
holidays of two weeks, a half term in the week of the late-May bank holiday, summer from
early June to about 21 July). They follow no single local authority's published calendar:
schools set their own INSET days and academies may differ. Check your own authority's dates
before planning real sessions. Bank holidays are England's, as GOV.UK lists them (with the
substitute days when Christmas or New Year falls on a weekend).

Extend TERMS and BANK_HOLIDAYS each year: outside the table no day counts as a school day, so
the demo simply places no session there.
"""

from datetime import date, timedelta

# Each academic year: its teaching blocks (half terms), first and last day inclusive.
TERMS: dict[str, list[tuple[date, date]]] = {
    "2025-26": [(date(2025, 9, 3), date(2025, 10, 24)), (date(2025, 11, 3), date(2025, 12, 19)),
                (date(2026, 1, 5), date(2026, 2, 13)), (date(2026, 2, 23), date(2026, 3, 27)),
                (date(2026, 4, 13), date(2026, 5, 22)), (date(2026, 6, 1), date(2026, 7, 21))],
    "2026-27": [(date(2026, 9, 2), date(2026, 10, 23)), (date(2026, 11, 2), date(2026, 12, 18)),
                (date(2027, 1, 4), date(2027, 2, 12)), (date(2027, 2, 22), date(2027, 3, 25)),
                (date(2027, 4, 12), date(2027, 5, 28)), (date(2027, 6, 7), date(2027, 7, 21))],
    "2027-28": [(date(2027, 9, 2), date(2027, 10, 22)), (date(2027, 11, 1), date(2027, 12, 17)),
                (date(2028, 1, 4), date(2028, 2, 11)), (date(2028, 2, 21), date(2028, 4, 7)),
                (date(2028, 4, 24), date(2028, 5, 26)), (date(2028, 6, 5), date(2028, 7, 21))],
}

BANK_HOLIDAYS = frozenset({
    date(2025, 1, 1), date(2025, 4, 18), date(2025, 4, 21), date(2025, 5, 5),
    date(2025, 5, 26), date(2025, 8, 25), date(2025, 12, 25), date(2025, 12, 26),
    date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4),
    date(2026, 5, 25), date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28),
    date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 3),
    date(2027, 5, 31), date(2027, 8, 30), date(2027, 12, 27), date(2027, 12, 28),
    date(2028, 1, 3), date(2028, 4, 14), date(2028, 4, 17), date(2028, 5, 1),
    date(2028, 5, 29), date(2028, 8, 28), date(2028, 12, 25), date(2028, 12, 26),
})


def in_term(day: date) -> bool:
    return any(first <= day <= last for blocks in TERMS.values() for first, last in blocks)


def is_school_day(day: date) -> bool:
    """A weekday in term that is not a bank holiday."""
    return day.weekday() < 5 and day not in BANK_HOLIDAYS and in_term(day)


def school_day_on_or_after(day: date, weekday: int | None = None,
                           within: int = 28) -> date | None:
    """The first school day from `day` (on `weekday`, Monday 0, when given), looking no
    further than `within` days; None when the table has none there."""
    for offset in range(within):
        candidate = day + timedelta(days=offset)
        if is_school_day(candidate) and weekday in (None, candidate.weekday()):
            return candidate
    return None


def spread_days(around: date, weekday: int, *, every_weeks: int, before_weeks: int,
                after_weeks: int) -> list[date]:
    """School days on `weekday`, about every `every_weeks` weeks, from `before_weeks` before
    `around` to `after_weeks` after it (a holiday pushes a day to the next school week)."""
    days: list[date] = []
    for week in range(-before_weeks, after_weeks + 1, every_weeks):
        found = school_day_on_or_after(around + timedelta(weeks=week), weekday)
        if found and found not in days and (not days or found > days[-1]):
            days.append(found)
    return days
