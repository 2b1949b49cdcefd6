"""Delivering the outbox: the sender, its rate limit, its error policy and template rendering."""
