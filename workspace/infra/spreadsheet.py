"""CSV exports that are safe to open in a spreadsheet."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Text a spreadsheet will not run as a formula: a leading = + - @ gets a quote."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
