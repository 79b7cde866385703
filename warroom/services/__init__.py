"""Use cases: each public method is one transaction and returns domain objects."""

from warroom.services.container import Services, build_services

__all__ = ["Services", "build_services"]
