"""`flask --app app worker`: the task queue's worker (Huey consumer) for this app.

It delivers messages back to GP systems (first attempt within seconds of the change, retries by
the periodic sweep every minute) and recomputes dashboard figures. `make run` and `make serve`
start it beside the web server; several workers may run against one Redis queue.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 16),
              help="threads taking tasks from the queue")
@with_appcontext
def worker(workers: int) -> None:
    """Run the task queue's worker until stopped (Ctrl-C or SIGTERM)."""
    from app import tasks

    if tasks.huey.immediate:
        raise click.ClickException("HUEY_IMMEDIATE=1 runs tasks in the web process; no worker is needed.")
    tasks.bind(current_app._get_current_object())
    # Poll the queue at least every 2 seconds (Huey's default backs off to 10), so a message back
    # is first attempted within seconds of the change.
    consumer = tasks.huey.create_consumer(workers=workers, worker_type="thread", periodic=True,
                                          initial_delay=0.1, backoff=1.15, max_delay=2.0)
    click.echo(f"Hearthlink worker: {workers} thread(s) on {type(tasks.huey.storage).__name__}")
    tasks.beat()  # web processes hand the dashboard refresh to the queue from now on
    consumer.run()


def register(app) -> None:
    app.cli.add_command(worker)
