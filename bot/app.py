"""The Flask app around one set of services: the webhook, the console, the CLI and the scheduler."""
from __future__ import annotations

from flask import Flask

from bot import cli, console, webhook
from bot.logs import setup_logging
from bot.services import Services
from core.settings import Settings, load_settings
from scheduler import app as scheduler


def create_app(settings: Settings | None = None) -> Flask:
    """Build the Flask app around one set of services."""
    setup_logging()
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.wechat.max_body_bytes
    services = app.extensions["youthvoice"] = Services(settings)
    app.before_request(services.say_notices)
    app.register_blueprint(webhook.bp)
    console.init_app(app, services)
    cli.init_app(app)
    scheduler.init_app(app, services)
    return app
