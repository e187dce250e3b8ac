"""Partnership spaces: who belongs, with which role, and their member organisations."""
