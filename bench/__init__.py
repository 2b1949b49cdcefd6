"""Benchmarks that print the bot's measured speed: webhook, overload and push."""
