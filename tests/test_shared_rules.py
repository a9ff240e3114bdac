"""The suite's shortcut for making an app per test (tests/conftest.py, _share_compiled_rules) gives a
later app's URL rules just what Werkzeug's own compiling gives them: the same parts, variables and
converters, and URLs built and matched the same way."""
from __future__ import annotations

from flask import url_for

from tests import conftest
from tests.conftest import make_app

SAMPLE = {"IdConverter": 7, "IntegerConverter": 7, "PathConverter": "a/b"}  # any other: "sample"


def test_a_later_apps_rules_are_what_werkzeug_compiles(tmp_path):
    make_app(f"sqlite:///{tmp_path / 'first.db'}")  # the rules' first compiling, kept
    later = make_app(f"sqlite:///{tmp_path / 'later.db'}")
    checked = 0
    for rule in later.url_map.iter_rules():
        own = rule.empty()
        own.map, own.merge_slashes, own.subdomain = later.url_map, rule.merge_slashes, rule.subdomain
        conftest.WERKZEUG_COMPILE(own)
        assert (own._trace, own.arguments) == (rule._trace, rule.arguments), rule.rule
        assert [(p.content, p.static, p.final) for p in own._parts] == [(p.content, p.static, p.final) for p in rule._parts]
        assert {n: type(c) for n, c in own._converters.items()} == {n: type(c) for n, c in rule._converters.items()}
        values = {name: SAMPLE.get(type(converter).__name__, "sample") for name, converter in rule._converters.items()}
        assert own.build(values) == rule.build(values), rule.rule
        with later.test_request_context():
            path = url_for(rule.endpoint, **values)
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        endpoint, matched = later.url_map.bind("localhost").match(path, method=method)
        assert (endpoint, matched) == (rule.endpoint, values), path
        checked += 1
    assert checked > 100
