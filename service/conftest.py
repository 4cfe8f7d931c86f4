"""Makes ``import app`` work however pytest is started: from this folder, or from a repository that
contains it (``pytest service/tests``). A project of its own needs only ``pythonpath = ["."]``."""

import sys
from pathlib import Path

SERVICE_DIR = str(Path(__file__).resolve().parent)
if SERVICE_DIR not in sys.path:
    sys.path.insert(0, SERVICE_DIR)
