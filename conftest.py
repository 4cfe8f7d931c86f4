"""Test runs never touch a learner's progress: checks run by the suite (and by the notebook kernels
nbval starts, which inherit this environment) record nothing."""

import os

os.environ["COURSE_PROGRESS"] = "0"
