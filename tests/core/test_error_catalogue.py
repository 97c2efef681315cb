"""The error catalogue: every code raised in src is a listed constant with the right status."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from yuantus.core import error_codes as ec
from yuantus.core.errors import YuantusError

SRC = Path(__file__).resolve().parents[2] / "src"
DOC = Path(__file__).resolve().parents[2] / "docs" / "errors.md"


def _error_classes() -> dict[str, type[YuantusError]]:
    """Every YuantusError subclass defined in src, by name (imports every module first)."""
    for path in SRC.rglob("*.py"):
        importlib.import_module(_module_name(path))
    found: dict[str, type[YuantusError]] = {}
    todo: list[type[YuantusError]] = [YuantusError]
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo += cls.__subclasses__()
    return found


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(node: ast.expr, namespace: dict[str, Any]) -> Any:
    """The module-level object a Name or dotted Attribute refers to, else None."""
    if isinstance(node, ast.Name):
        return namespace.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = _resolve(node.value, namespace)
        return getattr(owner, node.attr, None) if owner is not None else None
    return None


def _modules() -> Iterator[tuple[str, ast.Module, dict[str, Any]]]:
    for path in sorted(SRC.rglob("*.py")):
        name = _module_name(path)
        module = importlib.import_module(name)
        yield name, ast.parse(path.read_text(encoding="utf-8")), vars(module)


def _scan() -> tuple[set[str], list[str]]:
    """(codes used in src, problems found at the raise sites)."""
    classes = _error_classes()
    used: set[str] = set()
    problems: list[str] = []
    for name, tree, namespace in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Name | ast.Attribute) and not name.endswith("codes"):
                target = _resolve(node, namespace)
                if isinstance(target, ec.ErrorCode):
                    used.add(str(target))
            if not isinstance(node, ast.Call):
                continue
            where = f"{name}:{node.lineno}"
            callee = node.func.id if isinstance(node.func, ast.Name) else None
            if callee == "not_found" and node.args:
                kind = node.args[0]
                if isinstance(kind, ast.Constant) and isinstance(kind.value, str):
                    used.add(f"{kind.value}_not_found")
                else:
                    problems.append(f"{where}: not_found needs a literal kind")
                continue
            cls = classes.get(callee or "")
            # not_found() builds `<kind>_not_found`; its call sites are checked above
            if cls is None or name == "yuantus.core.errors":
                continue
            code = next((k.value for k in node.keywords if k.arg == "code"), None)
            if code is None:
                default = cls.default_code
                if not isinstance(default, ec.ErrorCode) or default.status != cls.status_code:
                    problems.append(f"{where}: {callee} without a catalogue code")
                continue
            if isinstance(code, ast.Constant | ast.JoinedStr):
                problems.append(f"{where}: a literal code; use a constant")
                continue
            value = _resolve(code, namespace)
            if isinstance(value, ec.ErrorCode) and value.status != cls.status_code:
                problems.append(
                    f"{where}: {value} is {value.status}, {callee} is {cls.status_code}"
                )
    return used, problems


def test_every_raise_site_uses_a_catalogue_code_of_its_status() -> None:
    _used, problems = _scan()
    assert problems == []


def test_every_listed_code_is_used_and_every_used_code_is_listed() -> None:
    used, _problems = _scan()
    listed = {str(c) for c in ec.catalogue()}
    assert sorted(used - listed) == [], "used in src but not in the catalogue"
    assert sorted(listed - used) == [], "in the catalogue but never answered"


def test_every_invalid_state_has_a_specific_code() -> None:
    for code in ec.catalogue():
        assert code != "invalid_state"
    used, _problems = _scan()
    assert "invalid_state" not in used


def test_docs_errors_md_is_the_generated_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert ec.render_doc(text) == text, "run: python -m yuantus.core.error_codes docs/errors.md"


def test_one_code_has_one_status() -> None:
    codes = ec.catalogue()
    assert len({str(c) for c in codes}) == len(codes)
    try:
        ec.ErrorCode("bom_cycle", 422, "something else")
    except ValueError:
        pass
    else:
        raise AssertionError("a second, different declaration must be refused")
