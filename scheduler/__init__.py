"""Scheduled jobs: thin, idempotent shells over the same domain functions as chat and CLI."""
