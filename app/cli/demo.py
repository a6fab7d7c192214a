from __future__ import annotations

import logging
import os
import threading
import time

import click
from flask import Flask

from app import db


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Only create or update the demo data.")
@click.option("--no-documents", is_flag=True, help="Reference data and users only, no consignments.")
@click.option(
    "--sweep-every",
    type=click.FloatRange(min=0),
    default=60,
    show_default=True,
    help="While serving, check deadlines every SECONDS as `hoatoc sweep --every` does (0: never).",
)
def demo(host: str, port: int, no_serve: bool, no_documents: bool, sweep_every: float) -> None:
    """Set up Điện Biên demo data on the default database and serve it."""
    from app import create_app, migrate
    from app import demo as demo_data
    from app.db import get_database
    from app.demo_documents import load_documents

    # The demo is a development server by definition; a secret is made up if none is set.
    app = create_app(
        {
            "HOATOC_ENV": "development",
            "SECRET_KEY": os.environ.get("HOATOC_SECRET_KEY") or os.urandom(32).hex(),
        }
    )
    with app.app_context():
        migrate.upgrade(get_database().engine)
        passwords = demo_data.load(db.session, os.environ.get("HOATOC_DEMO_PASSWORD"))
        db.session.commit()
        click.echo(f"Database: {app.config['DATABASE_URL']}")
        if not no_documents:
            click.echo("Văn bản mẫu đang gửi / demo documents on their way …")
            made = load_documents(db.session)
            db.session.commit()
            click.echo(f"  {made} bưu gửi mới / new consignments" if made else "  đã có / already there")
        click.echo("Demo users (tên đăng nhập / mật khẩu):")
        for username, password in passwords.items():
            click.echo(f"  {username:<18} {password}")
    if no_serve:
        return
    if sweep_every:
        # Alerts open and resolve as time passes and as people scan, as with a sweep beside the service.
        threading.Thread(
            target=_sweep_forever, args=(app, sweep_every), name="demo-sweep", daemon=True
        ).start()
    click.echo(f"Serving on http://{host}:{port}/  (Ctrl+C to stop)")
    # Not app.run(): inside Flask's own command line it refuses to start a server.
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


def _sweep_forever(app: Flask, every: float) -> None:
    from app.cli.sweep import run_round

    while True:
        time.sleep(every)
        try:
            with app.app_context():
                run_round()
        except Exception:  # the demo keeps serving and sweeping; the error is shown, not swallowed
            logging.getLogger("hoatoc.sweep").exception("demo sweep round failed")


COMMANDS = [demo]
