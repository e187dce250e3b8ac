"""Practitioners' progress: qualifications held, prior learning, enrolments, the whole
record and workforce views."""
