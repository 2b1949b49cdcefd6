"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""
import gc
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

# What starting made (the modules, the app, SQLAlchemy's tables and mappers: some 170,000 objects)
# lives as long as the process. Left to the collector, every full collection walks all of it
# again, inside whichever request triggered it: 73 ms of CPU on the bench machine, with the
# requests queued behind it waiting too. Frozen after one last collection, it is never walked
# again, and a full collection costs a fraction of a millisecond (docs/performance.md).
gc.collect()
gc.freeze()
