"""Writes of the registers app: extract imports and the premises' places."""

from atbalsts.core.extracts import ExtractRejected

from .imports import CHANGE_KINDS, register_import
from .places import location_place_set

__all__ = ["CHANGE_KINDS", "ExtractRejected", "location_place_set", "register_import"]
