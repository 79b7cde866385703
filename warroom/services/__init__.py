"""Use cases: each public method is one transaction and returns domain objects.

``Services`` and ``build_services`` are loaded on first use (PEP 562), so that a module of
this package that needs no database engine (the quick reads of the embedded file) can be
imported without paying for SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from warroom.services.container import Services, build_services

__all__ = ["Services", "build_services"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from warroom.services import container

        return getattr(container, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
