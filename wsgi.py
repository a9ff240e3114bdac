"""Entry point for gunicorn: `gunicorn wsgi:app`."""
from app import create_app

app = create_app()

# Load the statistics library behind the dashboard's figures, the Parquet reader of its stored
# records (app.analytics.records_store) and the directory search's stemmer, now, in each server
# process, rather than on the first request that needs them (about 0.7 s, 0.2 s and 0.17 s).
import pyarrow.parquet  # noqa: E402,F401
import scipy.stats  # noqa: E402,F401
import snowballstemmer  # noqa: E402,F401

# What is loaded by now lives as long as the process: kept out of the garbage collector's sight,
# which then runs a tenth as often (app/collector.py).
from app.collector import settle_after_start  # noqa: E402

settle_after_start()
