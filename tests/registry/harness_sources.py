"""Reading the harness's own sources: its intra-package import graph, and where protocol
names occur.  Plain functions over a source tree, so a test can point them at another
checkout too."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

__all__ = ["find_cycle", "import_graph", "protocol_names_in"]


def _module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(tree: ast.Module, module: str, is_package: bool) -> Iterator[str]:
    """Every module ``module`` imports, anywhere in the file (functions and
    ``TYPE_CHECKING`` blocks too: a circle there is still a circle to a reader)."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            target = node.module or ""
            if node.level:
                target = f"{base}.{target}" if target else base
            yield target
            # "from . import x" imports the submodule x.
            yield from (f"{target}.{alias.name}" for alias in node.names)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules of the same package (``root``, a directory) it imports."""
    paths = {_module_name(root, path): path for path in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for module, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = _imported(tree, module, path.name == "__init__.py")
        graph[module] = {name for name in found if name in paths and name != module}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as ``[a, b, ..., a]``, or None."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        for imported in sorted(graph.get(module, ())):
            if (cycle := visit(imported, [*path, module])) is not None:
                return cycle
        done.add(module)
        return None

    for start in sorted(graph):
        if (cycle := visit(start, [])) is not None:
            return cycle
    return None


def protocol_names_in(path: Path, names: set[str], token: re.Pattern[str]) -> list[str]:
    """Where ``path`` names a protocol in code: a string that is exactly one of ``names``
    (a protocol, scheme or service: "pop3", "smtps") or a fixture of one ("pop3_account"),
    and identifiers matching ``token`` (``SmtpSession``, ``pop3_targets``).  Docstrings
    and help texts are sentences, not names, and are not reported; imports are not
    either (a dependency, not a list)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    prefixes = tuple(f"{name}_" for name in names)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            continue
        line = getattr(node, "lineno", 0)
        text = node.value if isinstance(node, ast.Constant) else None
        if isinstance(text, str) and (text in names or text.startswith(prefixes)):
            found.append(f"{path.name}:{line}: string {text!r}")
        for identifier in _identifiers(node):
            if token.search(identifier):
                found.append(f"{path.name}:{line}: name {identifier}")
    return found


def _identifiers(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        return [node.attr]
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.arg):
        return [node.arg]
    if isinstance(node, ast.keyword) and node.arg is not None:
        return [node.arg]
    return []
