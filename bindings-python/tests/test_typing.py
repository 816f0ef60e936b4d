"""The typed example runs (mypy checks it in scripts/test-python.sh), and the package ships its
type information."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import chamdiem

EXAMPLE = Path(__file__).resolve().parent / "typing" / "api_example.py"


def test_the_typed_example_runs() -> None:
    spec = importlib.util.spec_from_file_location("api_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main()


def test_the_package_ships_its_types() -> None:
    folder = Path(chamdiem.__file__).parent
    assert (folder / "py.typed").exists()
    assert (folder / "_native.pyi").exists()


def test_every_public_class_and_method_has_a_docstring() -> None:
    missing = []
    for name in chamdiem.__all__:
        obj = getattr(chamdiem, name)
        if isinstance(obj, type):
            if not (obj.__doc__ or "").strip():
                missing.append(name)
            for attr, member in vars(obj).items():
                if attr.startswith("_") or not callable(member) and not hasattr(member, "__get__"):
                    continue
                doc = getattr(member, "__doc__", None)
                if not (doc or "").strip():
                    missing.append(f"{name}.{attr}")
        elif callable(obj) and not (obj.__doc__ or "").strip():
            missing.append(name)
    assert missing == []
