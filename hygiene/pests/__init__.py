"""Pest control (除四害): rounds, the supplies ledger, density monitoring and control levels.

So far the pure core: the standards as data (`standards/`), the indices (`indices.py`), the
control levels (`levels.py`) and the ledger rules (`supplies.py`), with no app and no database."""
