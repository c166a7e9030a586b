"""Optional dependencies: a missing one is a one-line error naming the extra that installs it."""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message says how to install it."""


def require(module: str, feature: str, extra: str) -> ModuleType:
    """Import ``module``, or raise :class:`MissingExtra` saying that ``feature`` needs ``coherence[extra]``."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        raise MissingExtra(f'{feature} needs {module}: pip install "coherence[{extra}]"') from exc
