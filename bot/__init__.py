"""The 青年之声 WeChat official-account bot."""
from __future__ import annotations

from flask import Flask

from core.settings import Settings, load_settings


def create_app(settings: Settings | None = None) -> Flask:
    """Build the Flask app around one set of services."""
    from bot import cli, console, webhook
    from bot.logs import setup_logging
    from bot.services import Services
    from scheduler import app as scheduler

    setup_logging()
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.wechat.max_body_bytes
    app.extensions["youthvoice"] = Services(settings)
    app.register_blueprint(webhook.bp)
    console.init_app(app, app.extensions["youthvoice"])
    cli.init_app(app)
    scheduler.init_app(app, app.extensions["youthvoice"])
    return app
