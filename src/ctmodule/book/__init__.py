"""What the Sphinx build and the book's pages use.

- :mod:`~ctmodule.book.sphinxext`: pages generated at build time (glossary, data dictionary);
- :mod:`~ctmodule.book.offline`: the guard that no page loads anything from another site;
- :mod:`~ctmodule.book.figures`: figures glued onto a page with their caption and alt text;
- :mod:`~ctmodule.book.glossary`: the glossary from ``glossary/*.yml``;
- :mod:`~ctmodule.book.quiz`: the self-check quizzes from ``quizzes/*.json``;
- :mod:`~ctmodule.book.slides`: a reveal.js slide deck for every chapter, written into the built
  site (``slides/``) when the build has finished;
- :mod:`~ctmodule.book.assessment`: the assessment page (rubric, weights, exemplars) read back and
  checked, and the rubric pointers in the exercise masters' hand-marked questions;
- :mod:`~ctmodule.book.classroom`: the classroom simulations' handouts, and the checks of their pages;
- :mod:`~ctmodule.book.translations`: translated quizzes (``quizzes/<chapter>.<lang>.json``) checked
  against the English files and the terminology (``locales/terminology.csv``), and the catalogs' messages
  against the terminology;
- :mod:`~ctmodule.book.prose`: English prose and labels left in the built pages of another edition
  (``_build/html/ru``), with the allowances for code, citations, names and quoted titles.

This part may import :mod:`ctmodule.data`, :mod:`ctmodule.analysis` and :mod:`ctmodule.explorers`,
never :mod:`ctmodule.grading`.
"""

# In a notebook (IPython), the tables a code cell shows are written in every language of the book
# (:mod:`ctmodule.book.frames`); outside IPython this does nothing.
from ctmodule.book import frames as _frames  # noqa: E402

_frames.install()
