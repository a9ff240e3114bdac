"""Entry point for gunicorn: `gunicorn wsgi:app`."""
from app import create_app

app = create_app()

# Load the statistics library behind the dashboard's figures, and the Parquet reader of its stored
# records (app.analytics.records_store), now, in each server process, rather than on the first
# dashboard request it serves (about 0.7 s and 0.2 s).
import pyarrow.parquet  # noqa: E402,F401
import scipy.stats  # noqa: E402,F401
