"""A short, human name for the browser behind a session ("Chrome on Windows").

Only for showing people where they are signed in; it is never used to decide anything.
"""
from __future__ import annotations

# Order matters: Edge and Samsung Internet also say "Chrome", and Chrome also says "Safari".
BROWSERS = [("Edg/", "Edge"), ("SamsungBrowser/", "Samsung Internet"), ("Firefox/", "Firefox"),
            ("FxiOS/", "Firefox"), ("CriOS/", "Chrome"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
SYSTEMS = [("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("CrOS", "ChromeOS"),
           ("Windows", "Windows"), ("Mac OS X", "Mac"), ("Linux", "Linux")]


def describe(user_agent: str) -> str:
    browser = next((name for marker, name in BROWSERS if marker in user_agent), None)
    system = next((name for marker, name in SYSTEMS if marker in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"
