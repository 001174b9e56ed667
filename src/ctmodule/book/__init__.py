"""What the Sphinx build and the book's pages use.

- :mod:`~ctmodule.book.sphinxext`: pages generated at build time (glossary, data dictionary);
- :mod:`~ctmodule.book.offline`: the guard that no page loads anything from another site;
- :mod:`~ctmodule.book.figures`: figures glued onto a page with their caption and alt text;
- :mod:`~ctmodule.book.glossary`: the glossary from ``glossary/*.yml``;
- :mod:`~ctmodule.book.quiz`: the self-check quizzes from ``quizzes/*.json``;
- :mod:`~ctmodule.book.translations`: translated quizzes and glossaries (``quizzes/ru/``, ``glossary/ru/``)
  checked against the English files and the terminology.

This part may import :mod:`ctmodule.data`, :mod:`ctmodule.analysis` and :mod:`ctmodule.explorers`,
never :mod:`ctmodule.grading`.
"""
