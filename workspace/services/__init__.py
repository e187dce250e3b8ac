"""Domain rules, as plain functions that views, the CLI and tests share."""
