"""Reading the field form: one block of inputs per checklist item, named by the item's id."""
from __future__ import annotations

from werkzeug.datastructures import FileStorage, MultiDict


def parse_answers(form: MultiDict, item_ids: list[int]) -> list[dict]:
    """The answers posted for each item, as keyword arguments for answer_save."""
    return [{
        "item_id": item_id,
        "result": form.get(f"result_{item_id}") or None,
        "findings": form.get(f"findings_{item_id}") or 0,
        "grade": form.get(f"grade_{item_id}") or None,
        "note": form.get(f"note_{item_id}", ""),
    } for item_id in item_ids if any(f"{name}_{item_id}" in form
                                     for name in ("result", "findings", "grade", "note"))]


def posted_photos(files: MultiDict, item_ids: list[int]) -> list[tuple[int | None, FileStorage]]:
    """Photos posted with the form, each with its item (None for the whole inspection)."""
    found = [(item_id, f) for item_id in item_ids for f in files.getlist(f"photo_{item_id}")]
    found += [(None, f) for f in files.getlist("photo_general")]
    return [(item_id, f) for item_id, f in found if f and f.filename]
