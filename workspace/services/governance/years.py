"""Years as the app names them: a school year "2025/26" (1 September to 31 August, as the
terms of services/cpd/supply) or a calendar year "2026"; and indicator values as numbers."""

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from workspace.clock import LONDON
from workspace.exceptions import DomainError

FIRST_YEAR, LAST_YEAR = 1990, 2100
_YEAR = re.compile(r"(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
MAX_DIGITS = 12  # before the point: Numeric(14, 2)
YEAR_HINT = "Write the year as 2025/26 (a school year) or 2026 (a calendar year)."


def school_year(start: int) -> str:
    """The school year that starts in September of `start`: 2025 -> "2025/26"."""
    return f"{start}/{(start + 1) % 100:02d}"


def school_year_of(day: date) -> int:
    """The year in which the school year holding `day` starts."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_bounds(start: int) -> tuple[datetime, datetime]:
    """The school year as UTC-comparable moments: 1 September, London, to the next."""
    return (datetime.combine(date(start, 9, 1), time(0), LONDON),
            datetime.combine(date(start + 1, 9, 1), time(0), LONDON))


def parse_year(text: str | None, field: str) -> str:
    """A year as typed ("2025/26", "2025-26", "2025/2026", "2026") in its one spelling."""
    match = _YEAR.fullmatch((text or "").strip())
    if match is None:
        raise DomainError(YEAR_HINT, field)
    start = int(match[1])
    if not FIRST_YEAR <= start <= LAST_YEAR:
        raise DomainError(f"Give a year from {FIRST_YEAR} to {LAST_YEAR}.", field)
    if match[2] is None:
        return str(start)
    if int(match[2]) % 100 != (start + 1) % 100:
        raise DomainError(f"A school year runs into the next one: {school_year(start)}.", field)
    return school_year(start)


def year_order(label: str) -> tuple[int, int]:
    """Years in time order: 2025, then 2025/26, then 2026."""
    return int(label[:4]), 1 if "/" in label else 0


def parse_value(text: str | None, field: str) -> Decimal:
    """A number as typed (thousands commas allowed), at most two decimal places."""
    cleaned = (text or "").strip().replace(",", "")
    if not _NUMBER.fullmatch(cleaned):
        raise DomainError("Enter a number, such as 120 or 45.5 (no units or % sign).", field)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise DomainError("Enter a number.", field) from None
    if value != value.quantize(Decimal("0.01")):
        raise DomainError("Use at most two decimal places.", field)
    if abs(value) >= Decimal(10) ** MAX_DIGITS:
        raise DomainError("That number is too large.", field)
    return value


def show_value(value: Decimal | None) -> str:
    """A value without trailing zeros, with thousands commas: 1200.50 -> 1,200.5."""
    if value is None:
        return ""
    text = f"{value.normalize():,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
