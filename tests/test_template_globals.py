"""Templates' globals: kept as Jinja keeps them (a template's own over the environment's, read
live), with keys() a set so that each `{% from ... import %}` is cheap (app/templating.py).
Every scenario renders the same with our environment as with Flask's own."""
from __future__ import annotations

import pytest
from flask import Flask
from flask.templating import Environment as FlaskEnvironment
from jinja2 import DictLoader

from app.templating import Environment, TemplateGlobals

TEMPLATES = {
    "macros.html": "{% macro hello() %}{{ greeting }} {{ name }}{% endmacro %}",
    "page.html": '{% from "macros.html" import hello %}{{ hello() }}',
    "with_context.html": '{% from "macros.html" import hello with context %}{{ hello() }}',
    "plain.html": "{{ greeting }} {{ name }}",
}


def make(kind):
    env = kind(Flask(__name__), loader=DictLoader(TEMPLATES), autoescape=True)
    env.globals["greeting"] = "Hello"
    return env


def late_global(env):
    page, plain = env.get_template("page.html"), env.get_template("plain.html")
    first = page.render() + "|" + plain.render()
    env.globals["name"] = "Grace"
    return [first, page.render(), plain.render(), env.get_template("with_context.html").render()]


def own_globals(env):
    with_own = env.get_template("page.html", globals={"name": "Ada"}).render()
    return [with_own, env.get_template("page.html").render(), env.get_template("with_context.html").render(name="Bo"),
            env.get_template("plain.html", globals={"greeting": "Hi"}).render(name="Cy")]


@pytest.mark.parametrize("scenario", [late_global, own_globals])
def test_templates_render_as_they_would_with_flasks_own_environment(scenario):
    ours, flasks = scenario(make(Environment)), scenario(make(FlaskEnvironment))
    assert ours == flasks
    assert any("Grace" in text or "Ada" in text for text in ours)  # the scenarios reach the globals


def test_keys_are_both_layers_read_afresh_and_a_templates_own_global_wins():
    env = make(Environment)
    globals_ = env.make_globals({"greeting": "Hi", "name": "Ada"})
    assert isinstance(globals_, TemplateGlobals)
    assert globals_.keys() == {"greeting", "name"} | set(env.globals)
    env.globals["later"] = 1
    assert "later" in globals_.keys()
    assert globals_["greeting"] == "Hi" and env.globals["greeting"] == "Hello"


def test_the_app_makes_its_templates_with_this_environment(app):
    assert isinstance(app.jinja_env, Environment)
    template = app.jinja_env.get_template("base.html")
    assert isinstance(template.globals, TemplateGlobals)
    assert set(template.globals.keys()) >= set(app.jinja_env.globals)
