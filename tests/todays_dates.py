"""Test modules name dates relative to today in constants (`TODAY = uk_today()`,
`YESTERDAY = uk_today() - timedelta(days=1)`), worked out when the module is imported. A run
that crosses midnight would leave them a day behind the app, which asks for today's date when it
runs: 42 tests failed in a run started at 23:47 ("The discharge date cannot be before support
began"). `refresh` works those constants out again when the date has changed since, and
`refresh_loaded` does so for every test module loaded, as a test may call another module's helper.

What Python works out once, when a function is defined, cannot be worked out again: a
`parametrize` argument or a default argument value built from such a constant stayed a day
behind (six more failed in a run started at 23:50). `frozen_uses` finds them; a test holds the
suite to none."""
from __future__ import annotations

import ast
import inspect
import sys
from datetime import date
from types import ModuleType

from app.models.base import uk_today

#: Each module seen: the day its constants were last worked out, and their statements.
_seen: dict[str, tuple[date | None, list[ast.Assign]]] = {}


def _calls_today(node: ast.AST) -> bool:
    """Whether `node` asks for today's date: `uk_today()` (the UK's day, as the app counts it)
    or a `.today()` of any kind."""
    return any(isinstance(call, ast.Call) and (
        isinstance(call.func, ast.Name) and call.func.id == "uk_today"
        or isinstance(call.func, ast.Attribute) and call.func.attr in ("today", "uk_today"))
        for call in ast.walk(node))


def constants_of_today(module: ModuleType) -> list[ast.Assign]:
    """The module's top-level assignments whose value asks for today's date, or uses a constant
    that does (`FIRST = TODAY - timedelta(days=30)`), in the module's order."""
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):  # no source to read
        return []
    return _constants_in(tree)


def _constants_in(tree: ast.Module) -> list[ast.Assign]:
    found, names = [], set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and (_calls_today(node.value) or any(
                isinstance(name, ast.Name) and name.id in names for name in ast.walk(node.value))):
            found.append(node)
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return found


def refresh(module: ModuleType, today: date | None = None) -> list[str]:
    """Work the module's constants of today out again if the date may have moved on since they
    were: at its first test (the module was imported at collection, perhaps the day before) and
    whenever the date has changed since. Returns the names set again."""
    today = today or uk_today()
    if module.__name__ not in _seen:
        _seen[module.__name__] = (None, constants_of_today(module))
    day, statements = _seen[module.__name__]
    if day == today or not statements:
        return []
    names = []
    for statement in statements:
        code = compile(ast.Module(body=[statement], type_ignores=[]), module.__file__ or module.__name__, "exec")
        exec(code, module.__dict__)  # noqa: S102 - the module's own statement, read from its source
        names += [target.id for target in statement.targets if isinstance(target, ast.Name)]
    _seen[module.__name__] = (today, statements)
    return names


def refresh_loaded(today: date | None = None) -> None:
    """`refresh` for every test module loaded (`tests.…`): a helper of one module, called from
    another's test, reads its own module's constants."""
    today = today or uk_today()
    for name, module in list(sys.modules.items()):
        if name.startswith("tests.") and module is not None:
            refresh(module, today)


def frozen_uses(source: str) -> list[tuple[int, str]]:
    """The lines where `source` uses a date of today in what Python works out only once, when a
    function is defined: a decorator's arguments (`parametrize`) or a default argument value.
    Each is given as (line, the constant's name, or `uk_today()`)."""
    tree = ast.parse(source)
    names = {target.id for statement in _constants_in(tree) for target in statement.targets
             if isinstance(target, ast.Name)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        evaluated_once = list(node.decorator_list)
        if not isinstance(node, ast.ClassDef):
            evaluated_once += [d for d in node.args.defaults + node.args.kw_defaults if d is not None]
        for expression in evaluated_once:
            for inner in ast.walk(expression):
                if isinstance(inner, ast.Name) and inner.id in names:
                    found.append((inner.lineno, inner.id))
            if _calls_today(expression):
                found.append((expression.lineno, "uk_today()"))
    return sorted(set(found))
