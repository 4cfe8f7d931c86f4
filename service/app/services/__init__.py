"""Business logic, in plain Python: no Kafka and no HTTP here, so it is tested without either.

IN-MEMORY STAND-INS: each module keeps its data in a module-level dict or list and has a
``clear()`` for tests. A real service replaces the bodies (an email provider, a database) and
keeps the function signatures, so nothing in ``events/`` or ``routes.py`` changes.
"""
