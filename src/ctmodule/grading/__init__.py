"""The instructor's workflow: release exercises, grade submissions, feedback, written answers, marks.

- :mod:`~ctmodule.grading.release`: student notebooks and autograder zips from the otter masters;
- :mod:`~ctmodule.grading.grade`: batch grading into a CSV gradebook;
- :mod:`~ctmodule.grading.sandbox`: the worker that runs one submission in isolation;
- :mod:`~ctmodule.grading.feedback`: feedback files and the export of written answers;
- :mod:`~ctmodule.grading.marks`: hand-graded marks merged into a gradebook;
- :mod:`~ctmodule.grading.roster`: the class roster and the rule matching submissions to students;
- :mod:`~ctmodule.grading.export`: a gradebook as Moodle's or Canvas's grade import file;
- :mod:`~ctmodule.grading.hub`: nbgitpuller links that open a chapter or exercise on a JupyterHub;
- :mod:`~ctmodule.grading.common`: what they share (the exercise, reading submissions, atomic writes,
  gradebook metadata), beneath all of them.

This part imports nothing from :mod:`ctmodule.analysis`, :mod:`ctmodule.explorers` or :mod:`ctmodule.book`.
"""
