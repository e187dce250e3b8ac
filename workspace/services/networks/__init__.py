"""Networks of partnerships: who is in them (partners.py) and what is put into them
(content.py)."""
