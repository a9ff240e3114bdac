"""Verbs that change state. Keyword-only, take the acting user as `by=`, commit once, audit."""
