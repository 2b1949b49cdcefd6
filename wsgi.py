"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""
from bot import create_app

app = create_app()
