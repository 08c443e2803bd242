"""Photos of every domain: intake (`intake.py`, `exif.py`), the store (`store.py`), the Photo
model (`models.py`), attaching photos to records and flagging reuse (`services.py`,
`reuse.py`) and their download (`views.py`, `download.py`).

The names below are re-exported for short imports; this module imports no model, so the
access rules (Scope) and the models may import the parts they need without a cycle.
"""
from hygiene.media.intake import (
    DEFAULT_LIMITS,
    PHOTO_ACCEPT,
    REUSED_PHOTO_DISTANCE,
    PhotoInfo,
    PhotoLimits,
    PhotoRejected,
    perceptual_distance,
    photo_intake,
)
from hygiene.media.store import (
    DISPLAY,
    MARKER,
    ORIGINAL,
    THUMB,
    FileSystemStore,
    PhotoStore,
    StagedStore,
    photo_key,
)

__all__ = [
    "DEFAULT_LIMITS", "DISPLAY", "MARKER", "ORIGINAL", "PHOTO_ACCEPT", "REUSED_PHOTO_DISTANCE", "THUMB",
    "FileSystemStore", "PhotoInfo", "PhotoLimits", "PhotoRejected", "PhotoStore", "StagedStore",
    "perceptual_distance", "photo_intake", "photo_key",
]
