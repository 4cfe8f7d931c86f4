"""Per-lesson exercise checkers. Each module exposes ``exercises(sandbox)``."""
