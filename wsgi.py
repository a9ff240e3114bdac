"""Entry point for gunicorn: `gunicorn wsgi:app`."""
from app import create_app

app = create_app()

# Load the statistics library behind the dashboard's figures now, in each server process, rather
# than on the first dashboard request it serves (about 0.7 s).
import scipy.stats  # noqa: E402,F401
