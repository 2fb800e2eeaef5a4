"""Imports point one way: kernel <- organisations <- feature apps <- config.

A shared building block that imported a feature app, or a base app that imported a feature
(as load_demo once did), would tie every app to every other; this test reads the source and
fails on the first import that points the wrong way.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
FEATURE_APPS = {"journey", "assessments", "workshops", "champions"}
# What each package may never import, by top-level name.
FORBIDDEN = {
    "kernel": {"organisations", "config", *FEATURE_APPS},
    "organisations": {"config", *FEATURE_APPS},
    **{app: {"config"} for app in FEATURE_APPS},
}


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_it_keeps_imports_pointing_one_way(package):
    wrong = {
        str(path.relative_to(ROOT)): sorted(_imported_packages(path) & FORBIDDEN[package])
        for path in _sources(package)
    }

    assert {path: names for path, names in wrong.items() if names} == {}


def test_it_checks_the_packages_that_exist():
    assert _sources("kernel")
    assert _sources("organisations")
    assert _sources("journey")
