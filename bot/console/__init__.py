"""The operators' console at /admin/: a server-rendered Chinese web back end in the same app."""
from __future__ import annotations

from flask import Flask

from bot.console import routes, security
from bot.services import Services


def init_app(app: Flask, services: Services) -> None:
    """Check the console's settings, then serve it under /admin/ (unless it is disabled)."""
    settings = services.settings
    if not settings.console.enabled:
        return
    security.configure(app, services)
    app.register_blueprint(routes.blueprint())
