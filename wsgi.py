"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""
import sys

from bot.app import create_app
from core.settings import SettingsError
from core.texts import t

try:
    app = create_app()
except SettingsError as exc:
    # An operator's mistake in the settings: one line naming the key, never a traceback.
    print(t("settings.error", detail=exc), file=sys.stderr)
    raise SystemExit(1) from None
