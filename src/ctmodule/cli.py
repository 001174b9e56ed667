"""The ``ctmodule`` command line.

Subcommands are registered in ``_COMMANDS`` as ``name -> "module:function"``;
each module provides ``add_arguments(parser)`` and ``run(args) -> int``.
Modules are imported only when their command runs, so ``ctmodule --help``
stays fast and a missing optional dependency only affects its own command.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ctmodule import __version__

# name: (module, one-line help)
_COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("ctmodule.data.validate", "check the data package against its schema"),
    "release": ("ctmodule.grading.release", "write student and autograder folders for exercises (otter assign)"),
    "grade": ("ctmodule.grading.grade", "grade a folder or zip of submitted notebooks into a CSV gradebook"),
    "export-written": ("ctmodule.grading.feedback", "collect the answers to hand-graded questions, one file per question"),
    "merge-marks": ("ctmodule.grading.marks", "merge marks for hand-graded questions into a gradebook"),
    "export-grades": ("ctmodule.grading.export", "write a gradebook as Moodle's or Canvas's grade import CSV"),
    "hub-link": ("ctmodule.grading.hub", "print nbgitpuller links that open a chapter or exercise on a JupyterHub"),
    "i18n": ("ctmodule.book.i18n", "the editions in other languages: update and check the message catalogs, build"),
    "pdf": ("ctmodule.book.pdf", "build and check the print edition (the book and the instructor's guide as PDF)"),
    "check-translations": ("ctmodule.book.translations",
                           "check the terminology and the translated quizzes and glossaries against the English"),
    "check-prose": ("ctmodule.book.prose", "list the English prose left in the built pages of the other editions"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ctmodule",
        description=(
            "Tools for the teaching module on terrorism, counter-terrorism and "
            "securitisation in Central Asia: validate the data, release exercises, grade submissions."
        ),
    )
    parser.add_argument("--version", action="version", version=f"ctmodule {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in _COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(_module=module)
        # argument definitions live with the command; importing them is cheap
        importlib.import_module(module).add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    module = importlib.import_module(args._module)
    try:
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
