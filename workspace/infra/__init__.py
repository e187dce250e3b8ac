"""Plumbing the services use: mail, stored files, spreadsheets and the live event log.

No domain rules live here; it imports only models, extensions and the clock."""
