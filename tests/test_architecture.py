"""The package's shape: no import cycles, a short top level, small modules, disciplined imports."""

from __future__ import annotations

import ast
from pathlib import Path

PIPELINE = Path(__file__).resolve().parents[1] / "pipeline"
HEAVY = frozenset(
    {
        "ctranslate2",
        "sentencepiece",
        "polars",
        "markdown_it",
        "yaml",
        "charset_normalizer",
        "rich",
        "rjieba",
        "mdit_py_plugins",
        "feedparser",
        "docx",
        "pdfminer",
        "trafilatura",
        "ray",
    }
)
"""Third-party packages slow enough to import that only the code needing them may load them."""
MAX_LINES = 500
MAX_TOP_LEVEL = 15


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PIPELINE.rglob("*.py")):
        parts = list(path.relative_to(PIPELINE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path) -> list[tuple[ast.Import | ast.ImportFrom, set[str]]]:
    """Every import statement in the module, function bodies included, with its targets."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.append((node, {a.name for a in node.names}))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - node.level + 1], base]).strip(".")
            out.append((node, {base} | {f"{base}.{a.name}" for a in node.names}))
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {
        name: {t for _, targets in _imports(name, path) for t in targets if t in modules} - {name}
        for name, path in modules.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_top_level_stays_short() -> None:
    top = [p for p in PIPELINE.iterdir() if p.suffix == ".py" or (p / "__init__.py").is_file()]
    assert len([p for p in top if p.suffix == ".py"]) <= MAX_TOP_LEVEL, sorted(p.name for p in top)


def test_modules_stay_small() -> None:
    sizes = {name: len(p.read_text().splitlines()) for name, p in _modules().items()}
    assert {n: s for n, s in sizes.items() if s > MAX_LINES} == {}


def test_function_local_imports_are_heavy_packages_or_cli_bodies() -> None:
    """Inside a function only a heavy third-party import (with a comment saying why) or, in the
    CLI, the library itself (so ``zhen --help`` stays fast) may be imported."""
    offenders = []
    for name, path in _modules().items():
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                top = (module or "").split(".")[0]
                in_cli = name.startswith("pipeline.cli.") and top == "pipeline"
                commented = any(
                    "# Lazy:" in lines[i] for i in range(max(0, node.lineno - 4), node.lineno)
                )
                if not ((top in HEAVY or in_cli) and commented):
                    offenders.append(f"{name}:{node.lineno} {module}")
    assert offenders == []


def test_stage_packages_have_a_public_facade() -> None:
    for package in [p for p in PIPELINE.iterdir() if (p / "__init__.py").is_file()]:
        init = (package / "__init__.py").read_text(encoding="utf-8")
        assert ast.get_docstring(ast.parse(init)), f"{package.name}/__init__.py has no docstring"
