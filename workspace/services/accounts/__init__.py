"""Accounts: registration, log-in, passwords and profiles."""
