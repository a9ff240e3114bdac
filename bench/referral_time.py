"""How long a realistic referral takes on a phone: drive the real form in headless Chromium.

    .venv/bin/python bench/referral_time.py [--real-time]

Serves the app from a thread on a throwaway SQLite file, signs in as a practice user, opens
/referrals/new at a 375 x 812 phone viewport and fills the referral an MDT would make (the one the
browser journey test makes): name, date of birth, NHS number, address, postcode, phone, how to
contact them, two need areas, what the practice is worried about, one risk, the referrer and the
meeting date, both consents; then sends it and checks that it arrived.

The form is filled key by key, and the time a person would take is modelled (a keystroke-level
model, Card, Moran and Newell 1980) from what the script did and what the page showed:

- reading: every word the form shows (labels, hints, options, headings; not the contents of a
  closed "details"), at 238 words a minute, the average silent reading rate for non-fiction
  (Brysbaert 2019, Journal of Memory and Language 109);
- each field filled: 1.35 s to decide what goes in it plus 1.1 s to tap it (KLM's M and P);
  the second and third boxes of a date cost only the tap;
- typing: 36 words (180 characters) a minute, 0.33 s a character, the mean of 37,000 people
  typing on phones (Palin et al. 2019, MobileHCI);
- each tick, radio choice, "details" opened and button: 1.1 s to tap;
- each phone screen after the first: 1.0 s to swipe and find one's place.

It prints the modelled time, the phone screens (page height over viewport height) and the
fields shown and in all. --real-time types at 0.33 s a character and waits out the modelled
pauses too, and also prints the wall-clock time (about as long as the model says).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 375, "height": 812}

READING_WPM = 238
THINK_S = 1.35
TAP_S = 1.1
CHAR_S = 60 / (36 * 5)
SCROLL_S = 1.0

# A question is one form group the person sees: a text box, a date, a set of radios or ticks.
FIELD_COUNT_JS = """(form) => {
  const groups = [...form.querySelectorAll('.nhsuk-form-group')].filter(g => !g.parentElement.closest('.nhsuk-form-group'));
  const shown = groups.filter(g => g.checkVisibility());
  return [shown.length, groups.length];
}"""


@dataclass
class Model:
    """What a person does, second by second, as the script does it."""
    real_time: bool
    seconds: dict[str, float] = field(default_factory=lambda: {"reading": 0.0, "fields": 0.0, "typing": 0.0,
                                                                 "taps": 0.0, "scrolling": 0.0})

    def spend(self, kind: str, seconds: float) -> None:
        self.seconds[kind] += seconds
        if self.real_time and kind != "typing":
            time.sleep(seconds)

    def type(self, page, selector: str, text: str, *, think: bool = True) -> None:
        self.spend("fields", (THINK_S if think else 0) + TAP_S)
        page.click(selector)
        page.keyboard.type(text, delay=CHAR_S * 1000 if self.real_time else 0)
        self.seconds["typing"] += len(text) * CHAR_S

    def tick(self, page, selector: str) -> None:
        self.spend("taps", TAP_S)
        page.check(selector)

    def open_details(self, page, summary: str) -> None:
        """Open a closed "details" by its summary text, if the form has one (the optional parts)."""
        details = page.locator("form details", has_text=summary)
        if details.count() and not details.first.get_attribute("open"):
            self.spend("taps", TAP_S)
            details.first.locator("summary").click()

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


def serve(database: Path):
    import logging

    from werkzeug.serving import WSGIRequestHandler, make_server

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "bench-referral",
                      "DASHBOARD_BACKGROUND_REFRESH": False, "RATELIMIT_ENABLED": False})
    logging.getLogger("hearthlink.request").setLevel(logging.WARNING)  # one line a request would bury the result
    with app.app_context():
        db.create_all()

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs) -> None:
            pass

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, server


def practice_user(app) -> tuple[str, str]:
    from tests import factories
    from app.security import Role

    with app.app_context():
        gp = factories.user(Role.GP_PRACTICE)
        return gp.email, factories.PASSWORD


def fill_date(model: Model, page, name: str, day: date) -> None:
    model.type(page, f"input[name='{name}-day']", str(day.day))
    model.type(page, f"input[name='{name}-month']", str(day.month), think=False)
    model.type(page, f"input[name='{name}-year']", str(day.year), think=False)


def fill_referral(model: Model, page) -> None:
    """The referral the browser journey test makes, as a person makes it, top to bottom."""
    model.type(page, "#given_name", "Maureen")
    model.type(page, "#family_name", "Hollis")
    fill_date(model, page, "date_of_birth", date(1948, 3, 27))
    model.type(page, "#nhs_number", "999 000 0018")
    model.type(page, "#address", "12 Canal Street\nBrierley Hill")
    model.type(page, "#postcode", "DY5 3AB")
    model.type(page, "#phone", "01384 456789")
    model.tick(page, "input[name='contact_method'][value='phone']")
    model.tick(page, "input[name='need_areas'][value='loneliness']")
    model.tick(page, "input[name='need_areas'][value='debt']")
    model.type(page, "#concerns", "Sees the GP weekly since her husband died; worried about money.")
    model.tick(page, "input[name='risks'][value='dog']")
    model.type(page, "#referrer_name", "Dr Priya Shah")
    model.type(page, "#referrer_role", "GP partner")
    fill_date(model, page, "mdt_meeting_date", date.today() - timedelta(days=1))
    model.tick(page, "#consent_to_referral")
    model.tick(page, "#consent_to_share")


def measure(base_url: str, email: str, password: str, *, real_time: bool) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport=PHONE, base_url=base_url).new_page()
        page.goto("/login")
        page.fill("#email", email)
        page.fill("#password", password)
        page.click("button:has-text('Sign in')")
        page.wait_for_load_state()
        page.goto("/referrals/new")
        form = page.locator("main form").element_handle()
        height = page.evaluate("document.documentElement.scrollHeight")
        shown, in_all = page.evaluate(FIELD_COUNT_JS, form)
        words = len(page.locator("main").inner_text().split())
        promise = page.locator("main p", has_text="takes about").first.inner_text()

        model = Model(real_time=real_time)
        started = time.perf_counter()
        model.spend("reading", words / READING_WPM * 60)
        fill_referral(model, page)
        model.spend("scrolling", max(height / PHONE["height"] - 1, 0) * SCROLL_S)
        model.spend("taps", TAP_S)
        page.click("button:has-text('Send referral')")
        page.wait_for_load_state()
        sent = page.locator("h1").inner_text() == "Maureen Hollis"
        wall = time.perf_counter() - started
        browser.close()
    return {"model": model, "screens": height / PHONE["height"], "shown": shown, "in_all": in_all,
            "words": words, "sent": sent, "wall": wall, "promise": promise}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-time", action="store_true", help="type and pause at human speed (about 3 minutes)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"Chromium is needed at {CHROMIUM}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        app, server = serve(Path(folder) / "bench.db")
        email, password = practice_user(app)
        try:
            result = measure(f"http://127.0.0.1:{server.server_port}", email, password, real_time=args.real_time)
        finally:
            server.shutdown()
    model = result["model"]
    minutes, seconds = divmod(round(model.total), 60)
    print(f"The page says: {result['promise']!r}")
    print(f"Modelled time to complete a realistic referral on a phone: {minutes} min {seconds:02d} s "
          f"({model.total:.0f} s)")
    print("  " + ", ".join(f"{kind} {value:.0f} s" for kind, value in model.seconds.items()))
    print(f"Phone screens (page height / 812 px): {result['screens']:.1f}")
    print(f"Fields: {result['shown']} shown when the form opens, {result['in_all']} in all; "
          f"{result['words']} words to read")
    if args.real_time:
        print(f"Wall-clock time typing and pausing at human speed: {result['wall']:.0f} s")
    if not result["sent"]:
        print("The referral was not sent: the form refused it", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
