"""The repository's own text files: nothing a merge left half done."""

import re
import subprocess

from ctmodule.paths import repo_root

ROOT = repo_root()

# A conflict marker is seven of the same character at the start of a line, followed by a space and a
# label for the outer two (git writes "<<<<<<< HEAD" and ">>>>>>> branch") and alone on its line for
# the middle one.
MARKER = re.compile(r"^(<{7} |>{7} |={7}$)", re.MULTILINE)


def tracked_text_files():
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        path = ROOT / name.decode()
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if b"\0" in raw[:8192]:
            continue  # binary
        yield path, raw.decode("utf-8", errors="replace")


def find_markers(text):
    return [text.count("\n", 0, m.start()) + 1 for m in MARKER.finditer(text)]


def test_no_tracked_file_holds_a_merge_conflict_marker():
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path, text in tracked_text_files()
        for line in find_markers(text)
    ]
    assert not found, "merge conflict markers left in: " + ", ".join(found)


def test_the_check_finds_a_marker():
    text = "a\n<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> other\nb\n"
    assert find_markers(text) == [2, 4, 6]
    assert find_markers("a table rule\n=======  \nand <<<<<<<x\n") == []
