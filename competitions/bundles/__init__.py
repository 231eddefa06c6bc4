"""Competition bundles: one zip with a YAML manifest that holds a whole competition —
settings, texts, labels, data files, the hidden solution, the gallery and, optionally,
the submissions — to run it again next term under a new slug and new dates.

manifest.py says what the manifest holds (the format is documented in docs/bundles.md),
export.py writes a bundle, importer.py reads one back, atomically; jobs.py runs an import
(of an upload, or *Run again* of a competition) in the background.
"""

from .export import bundle_export
from .importer import bundle_import
from .manifest import BundleRefused

__all__ = ["BundleRefused", "bundle_export", "bundle_import"]
