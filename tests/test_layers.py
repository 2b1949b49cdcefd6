"""Which way imports run: the domain loads nothing above it, and no two modules import each other.

See ../shared/ARCHITECTURE.md: core/ at the bottom, models/ on it, then bot/, handlers/ and
scheduler/ above. The cycle check reads the source (ast), so it sees every module-level import
whatever is installed or imported first.
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "models", "bot", "handlers", "scheduler")


def test_import_models_loads_neither_flask_nor_redis_nor_the_bot() -> None:
    """A fresh interpreter imports models (every table and rule) and nothing of the layers above."""
    probe = ("import sys, models\n"
             "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
             "('flask', 'werkzeug', 'redis', 'fakeredis', 'bot', 'handlers', 'scheduler'))\n"
             "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""


def module_name(path: Path) -> str:
    """The dotted name of a project source file."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def module_imports(path: Path, known: set[str]) -> set[str]:
    """The project modules a file imports at module level (imports for type checkers only aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    body = list(tree.body)
    while body:
        node = body.pop(0)
        if isinstance(node, ast.If) and not _is_type_checking(node):
            body += node.body + node.orelse
        elif isinstance(node, ast.Try):
            body += node.body + node.orelse + node.finalbody
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from models import contest` imports the module models.contest; `from models.base
            # import Base` the module models.base.
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
    return {name for name in found if name in known}


def import_graph() -> dict[str, set[str]]:
    """Every project module and the project modules it imports."""
    files = {module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}
    known = set(files)
    return {name: module_imports(path, known) - {name} for name, path in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle (its modules in order), or [] when there is none."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        path.pop()
        return []

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return []


def test_no_import_cycle() -> None:
    """No module imports, directly or through others, a module that imports it."""
    assert find_cycle(import_graph()) == []


def test_the_domain_imports_nothing_above_it() -> None:
    """core/ imports only core/; models/ only core/ and models/."""
    allowed = {"core": ("core",), "models": ("core", "models")}
    for name, imports in import_graph().items():
        layer = name.split(".")[0]
        if layer in allowed:
            assert all(i.split(".")[0] in allowed[layer] for i in imports), (name, imports)


@pytest.mark.parametrize(("graph", "cycle"), [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
    ({"a": {"a2"}, "a2": set(), "x": {"y"}, "y": {"x"}}, ["x", "y", "x"]),
])
def test_the_cycle_finder_finds_cycles(graph: dict[str, set[str]], cycle: list[str]) -> None:
    """The check itself: a chain has no cycle, a loop is reported in order."""
    assert find_cycle(graph) == cycle


def test_imports_are_read_from_the_source(tmp_path: Path) -> None:
    """Module-level, conditional and from-imports count; type checkers' and functions' do not."""
    source = ("from __future__ import annotations\nfrom typing import TYPE_CHECKING\n"
              "import models.accounts\nfrom bot import store\nfrom bot.store import Store\n"
              "if TYPE_CHECKING:\n    from bot.services import Services\n"
              "try:\n    from handlers import contest\nexcept ImportError:\n    pass\n"
              "def f():\n    from scheduler import jobs\n")
    path = tmp_path / "probe.py"
    path.write_text(source, encoding="utf-8")
    known = {"models.accounts", "bot", "bot.store", "bot.services", "handlers", "handlers.contest",
             "scheduler", "scheduler.jobs"}
    assert module_imports(path, known) == {"models.accounts", "bot.store", "handlers.contest"}


def lazy_imports(path: Path) -> list[str]:
    """The project modules a file imports inside a function (where a cycle would hide)."""
    found: list[str] = []
    for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(fn):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            found += [f"{path.relative_to(ROOT)}:{node.lineno} {n}" for n in names
                      if n.split(".")[0] in PACKAGES]
    return found


def test_no_project_module_is_imported_inside_a_function() -> None:
    """Imports of the project's own modules sit at the top of their module, where the cycle
    check sees them; third-party libraries may load late (alembic, fakeredis)."""
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    assert len(files) > 100
    assert [hit for p in files for hit in lazy_imports(p)] == []


def test_the_lazy_import_finder_finds_them(tmp_path: Path) -> None:
    """The check itself: a project import in a function or method is found, a library's is not."""
    path = ROOT / "tests" / f"_probe_{tmp_path.name}.py"
    path.write_text("import models\ndef f():\n    import json\n    from models import accounts\n"
                    "class C:\n    def m(self):\n        import bot.store\n", encoding="utf-8")
    try:
        assert [h.split(" ", 1)[1] for h in lazy_imports(path)] == ["models", "bot.store"]
    finally:
        path.unlink()


CJK = re.compile(r"[\u3400-\u9fff]")
ALIASES = {"Column", "removesuffix", "removeprefix"}  # headers a sheet may use, a suffix it strips
VOCABULARY = {"KINDS", "SUFFIXES", "TAILS"}  # the words an answer or a sheet may use (org kinds, town tails)


def sentences(path: Path) -> list[str]:
    """Chinese strings in a module that are not docstrings nor what it accepts as input (a
    spreadsheet's header aliases, a suffix it strips, the vocabulary it matches answers against):
    text the module would word itself."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ALIASES:
                allowed |= {id(n) for arg in node.args for n in ast.walk(arg)}
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") in VOCABULARY for t in node.targets):
            allowed |= {id(n) for n in ast.walk(node.value)}
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                allowed.add(id(first.value))
    return [f"{path.relative_to(ROOT)}:{n.lineno} {n.value!r}" for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and CJK.search(n.value)
            and id(n) not in allowed]


def test_the_domain_words_nothing() -> None:
    """Models return codes and values (models/refusals.py); every sentence is in the catalog."""
    files = sorted((ROOT / "models").rglob("*.py"))
    assert len(files) > 30
    assert [hit for p in files for hit in sentences(p)] == []


def test_the_sentence_finder_finds_them(tmp_path: Path) -> None:
    """The check itself: a refusal's sentence or an f-string is found; a docstring, a header
    alias or a stripped suffix is not."""
    probe = ROOT / "tests" / f"_probe_{tmp_path.name}.py"
    probe.write_text('"""模块说明"""\nA = Column("name", ("名称", "name"))\n'
                     'def f(x):\n    """函数说明"""\n    x.removesuffix("分")\n'
                     '    raise ValueError(f"{x} 没有大赛")\n'
                     'KINDS = {"青年之家": 1}\nB = "入围名单中有重复的活动"\n', encoding="utf-8")
    try:
        assert sorted(h.split(" ", 1)[1] for h in sentences(probe)) == ["' 没有大赛'", "'入围名单中有重复的活动'"]
    finally:
        probe.unlink()
