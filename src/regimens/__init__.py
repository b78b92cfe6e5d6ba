"""regimens: a unit-aware chemotherapy regimen library and dose calculator.

Clinical decision support only: every dose sheet must be checked by a qualified
professional before use.

Importing this package does no work: modules are loaded when first used, so that the
command line starts fast.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
