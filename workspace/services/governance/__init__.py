"""Governance and evaluation: the terms of reference, aims and the outcomes framework
(framework.py), years as the app names them (years.py) and annual reviews drafted from what
the partnership logged (review.py, its figures in figures.py)."""
