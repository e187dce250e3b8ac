"""Site administration: administrators suspend and restore accounts and partnerships, grant
catalogue editors, centre assessors and administrators; every action is written to the log
(`log.record`) in the transaction that makes it, so that nothing is done unlogged."""
