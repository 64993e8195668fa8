"""The layout one can check: layers, no hidden imports inside functions, honest names."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "notifications",
    "mentorship",
    "pairs",
    "sessions",
    "checkins",
    "insights",
    "api",
)  # lowest first
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
# Names a module of ours must not take: the standard library's and well-known packages'.
# mentorship/celery.py is exempt: it is where Celery's own documentation puts the app.
WELL_KNOWN = set(sys.stdlib_module_names) | {
    "requests", "celery", "django", "numpy", "scipy", "redis", "psycopg", "icalendar",
    "pytest", "htmx", "csp", "whitenoise", "gunicorn",
}  # fmt: skip


def app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def lint_imports(tree):
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def copy_of_the_apps(tmp_path):
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_layer_contracts_hold_and_catch_an_upward_import(copy_of_the_apps):
    kept = lint_imports(copy_of_the_apps)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    outbox = copy_of_the_apps / "notifications" / "outbox.py"
    outbox.write_text(outbox.read_text() + "\nfrom insights import figures  # noqa\n")
    broken = lint_imports(copy_of_the_apps)
    assert broken.returncode == 1 and "notifications.outbox -> insights.figures" in broken.stdout


def test_a_service_importing_its_tasks_breaks_the_contract(copy_of_the_apps):
    lifecycle = copy_of_the_apps / "pairs" / "lifecycle.py"
    lifecycle.write_text(lifecycle.read_text() + "\nfrom pairs import tasks  # noqa\n")
    broken = lint_imports(copy_of_the_apps)
    assert broken.returncode == 1 and "pairs.lifecycle -> pairs.tasks" in broken.stdout


def function_level_imports_without_a_reason(path, root=ROOT):
    """Imports inside functions with no comment on the line(s) just above or beside them."""
    lines = path.read_text().splitlines()
    found = []
    for function in ast.walk(ast.parse("\n".join(lines))):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            above = node.lineno - 2
            while above >= 0 and lines[above].strip().startswith(("from ", "import ")):
                above -= 1  # an import block shares the comment above its first line
            said = "#" in lines[node.lineno - 1] or lines[above].strip().startswith("#")
            if not said:
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_no_import_inside_a_function_without_a_comment_saying_why():
    found = [hit for path in app_modules() for hit in function_level_imports_without_a_reason(path)]
    assert found == []


def test_the_check_finds_an_unexplained_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "def f():\n    x = 1\n    import json\n\n\ndef g():\n    # why\n    import os\n"
    )
    assert function_level_imports_without_a_reason(module, root=tmp_path) == ["m.py:3"]


def test_no_module_is_named_after_the_standard_library_or_a_well_known_package():
    clashes = [
        str(path.relative_to(ROOT))
        for path in app_modules()
        if path.stem in WELL_KNOWN and path.relative_to(ROOT) != Path("mentorship/celery.py")
    ]
    assert clashes == []
