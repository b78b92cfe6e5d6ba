"""Turning pydantic's validation errors into the package's own, one line each.

The translation lives with the models (:mod:`regimens._models.validation`), which use
it when built directly; readers use the same one.
"""

from __future__ import annotations

from regimens._models.base import Number, Whole
from regimens._models.validation import own_error

__all__ = ["Number", "Whole", "own_error"]
