"""The package's shape: layers that import downwards only, no import cycles, request
hooks in their documented order, no hidden module state, and a README that names
every module."""

import ast
import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE = REPO_ROOT / "kiosk"

# Each layer may import its own and the ones before it, never one after it.
LAYERS = ("domain", "data", "services", "web")


def _module_name(path):
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imported(path):
    """The kiosk modules a file imports, wherever the import stands."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            for alias in node.names:
                # `from kiosk.web import caches` imports a module, not a name.
                candidate = f"{module}.{alias.name}"
                found.add(candidate if candidate in MODULES else module)
    # Importing kiosk.web.views.htmx runs kiosk/web/views/__init__.py first, and
    # that file's imports too. (The root package, the app factory, is left out:
    # only wsgi.py and the tests import it.)
    for module in list(found):
        parts = module.split(".")
        found.update(".".join(parts[:end]) for end in range(2, len(parts)))
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: _imported(path) for name, path in MODULES.items()}


def _layer(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_layers_import_only_downwards():
    upward = [
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        for target in targets
        if _layer(module)
        and (
            _layer(target) is None
            or LAYERS.index(_layer(target)) > LAYERS.index(_layer(module))
        )
    ]
    assert upward == []


def test_domain_modules_know_neither_flask_nor_the_database():
    for module, path in MODULES.items():
        if _layer(module) != "domain":
            continue
        text = path.read_text()
        assert not re.search(r"^\s*(from|import) (flask|peewee)\b", text, re.M), module


def test_the_import_graph_has_no_cycles():
    done, on_path, cycles = set(), [], []

    def visit(module):
        if module in on_path:
            cycles.append(on_path[on_path.index(module) :] + [module])
            return
        if module in done:
            return
        on_path.append(module)
        for target in sorted(GRAPH[module]):
            visit(target)
        on_path.pop()
        done.add(module)

    for module in sorted(GRAPH):
        visit(module)
    assert cycles == []


def test_app_code_keeps_no_global_statements():
    offenders = [
        name
        for name, path in MODULES.items()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Global | ast.Nonlocal)
    ]
    assert offenders == []


def test_request_hooks_run_in_the_documented_order(make_app):
    """NUL bytes are refused before anything reads the request; the database,
    office and kiosk are known before the CSRF check and before a view's rate
    limit asks whether the client is a kiosk (no limit applies to every
    request, so the limiter's own check before each one is taken out:
    security.py); security headers are set after every cookie."""

    app = make_app(RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=True)

    def names(functions):
        return [
            getattr(f, "__name__", getattr(f, "func", f).__name__) for f in functions
        ]

    assert names(app.before_request_funcs[None]) == [
        "refuse_nul_bytes",
        "connect",
        "load_office",
        "refuse_unknown_host",
        "identify",
        "allow_file_bodies",
        "refuse_nul_in_forms",
        "csrf_protect",
    ]
    # Flask runs these last registered first: the security headers come last.
    assert names(reversed(app.after_request_funcs[None])) == [
        "__inject_headers",
        "wake_worker",
        "remember_choice",
        "remember",
        "set_security_headers",
    ]
    assert names(app.teardown_appcontext_funcs) == ["close"]


def test_caches_belong_to_their_app(make_app):
    first, second = make_app(), make_app(SETTINGS_CACHE_SECONDS=30)
    assert first.extensions["caches"] is not second.extensions["caches"]
    assert first.extensions["caches"]["office"].seconds == 0
    assert second.extensions["caches"]["office"].seconds == 30


def _readme_layout():
    """Paths named in the README's "Project layout" tree, from its indentation."""
    text = (REPO_ROOT / "README.md").read_text()
    section = text.split("## Project layout", 1)[1]
    block = section.split("```", 2)[1]
    paths, stack = set(), []
    for line in block.splitlines()[1:]:
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip())) // 2
        entry = line.split()[0]
        stack[depth:] = [entry.rstrip("/")]
        paths.add("/".join(stack))
    return paths


@pytest.mark.parametrize("module", sorted(MODULES))
def test_readme_project_layout_names_every_module(module):
    path = MODULES[module].relative_to(REPO_ROOT).as_posix()
    assert path in _readme_layout(), f"README's Project layout lacks {path}"


def test_readme_project_layout_names_no_module_that_is_gone():
    gone = [
        path
        for path in _readme_layout()
        if path.endswith(".py") and not (REPO_ROOT / path).exists()
    ]
    assert gone == []
