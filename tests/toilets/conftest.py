"""Fixtures the toilet tests share."""
import pytest

from hygiene.checklists.services import templates_install_builtin


@pytest.fixture
def checklists(app, db):
    """The built-in checklists installed (the acceptance checklists among them)."""
    with app.app_context():
        templates_install_builtin()
        db.session.commit()
