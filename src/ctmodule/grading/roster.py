"""A class roster exported from the learning platform, and the rule that matches submissions to students.

**Reading** (:func:`read_roster`). The roster is a CSV as Moodle ("ID number", "Email address",
"First name", "Last name" / "Surname") or Canvas ("Student", "ID", "SIS User ID", "SIS Login ID",
"Section") export it, or a plain file with ``student_id, name, email``. Header names are matched
case-insensitively; the recognised names of each field are in :data:`ALIASES`. A student id column is
required; name and email are optional. The file may be UTF-8 (with or without a byte-order mark) or
UTF-16 with a byte-order mark; anything else (a spreadsheet saved as Windows-1251, say) is an error
that names the first undecodable byte, unless ``encoding=`` says what the file is. Every problem is
reported as ``file:line:column: message`` and all of them are collected before :class:`RosterError`
is raised: a missing id column, an empty or repeated student id, a repeated email, a row with more
cells than the header, a control character in a cell. Cells are kept as text; cells that a
spreadsheet would run as a formula are neutralised only when a file is written
(:func:`ctmodule.grading.safety.csv_cell`).

**Matching** (:func:`match`), the documented rule, in this order:

1. if the roster has a ``submission`` column, a file matches the student whose cell equals the
   file's path relative to the submissions folder, or its name;
2. otherwise a file matches a student when the student's id is one of the *tokens* of the file's
   path (the runs of letters and digits, compared case-insensitively; ``ex01_S1024.ipynb`` holds the
   tokens ``ex01``, ``s1024``, ``ipynb``), or when the student's email appears in the path;
3. ``pattern=`` (a regular expression with a named group ``id`` or ``email``) replaces rule 2.

A file that matches no student is ``unknown``; one that matches two students is ``ambiguous``
(neither gets it); a student with two or more files gets each of them marked ``duplicate``; a
student with none is ``missing``. Nothing is dropped: every file and every student appears in the
result.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

ALIASES: dict[str, tuple[str, ...]] = {
    "student_id": ("student_id", "student id", "id number", "idnumber", "sis user id", "id", "student number"),
    "name": ("name", "student", "student name", "full name", "fullname"),
    "first_name": ("first name", "firstname", "given name"),
    "last_name": ("last name", "lastname", "surname", "family name"),
    "email": ("email", "email address", "e-mail", "e-mail address", "mail"),
    "login": ("sis login id", "login", "username", "login id"),
    "canvas_id": ("canvas id", "canvas user id"),
    "section": ("section", "group", "groups"),
    "submission": ("submission", "submission file", "file"),
}
# When a Canvas export has both "ID" (Canvas's own number) and "SIS User ID", the SIS id is the
# student id and "ID" is kept as the Canvas id.
_CANVAS_ID = "id"



class RosterError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Student:
    student_id: str
    name: str = ""
    email: str = ""
    login: str = ""
    canvas_id: str = ""
    section: str = ""
    submission: str = ""
    line: int = 0


@dataclass
class Roster:
    path: Path
    students: list[Student]
    has_submission_column: bool = False

    def by_id(self) -> dict[str, Student]:
        return {s.student_id: s for s in self.students}


def _decode(path: Path, raw: bytes, encoding: str | None) -> str:
    if encoding:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise RosterError([f"{path}:1:1: cannot read the file as {encoding}: {exc}"]) from None
    if raw.startswith(codecs.BOM_UTF8):
        raw, enc = raw[len(codecs.BOM_UTF8):], "utf-8"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"
    else:
        enc = "utf-8"
    try:
        return raw.decode(enc)
    except UnicodeDecodeError as exc:
        before = raw[:exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise RosterError([f"{path}:{line}:{col}: byte 0x{raw[exc.start]:02x} is not {enc.upper()}; save the "
                           "roster as CSV UTF-8, or name its encoding (--roster-encoding cp1251)"]) from None


def _field_of(header: list[str]) -> dict[str, int]:
    norm = [" ".join(h.strip().lower().replace("_", " ").split()) for h in header]
    found: dict[str, int] = {}
    for fname, names in ALIASES.items():
        for alias in names:
            alias_n = alias.replace("_", " ")
            if alias_n in norm and fname not in found:
                found[fname] = norm.index(alias_n)
                break
    # Canvas: "ID" is Canvas's internal number when "SIS User ID" is present
    if "sis user id" in norm and _CANVAS_ID in norm:
        found["student_id"] = norm.index("sis user id")
        found.setdefault("canvas_id", norm.index(_CANVAS_ID))
    return found


def read_roster(path: Path, encoding: str | None = None) -> Roster:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError([f"{path}:1:1: cannot read the roster: {exc.strerror}"]) from None
    text = _decode(path, raw, encoding)
    if not text.strip():
        raise RosterError([f"{path}:1:1: the roster is empty (expected a header row with a student id column)"])
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delim = dialect.delimiter
    except csv.Error:
        delim = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    problems: list[str] = []
    try:
        header = next(reader)
    except csv.Error as exc:
        raise RosterError([f"{path}:1:1: the header row is not valid CSV ({exc})"]) from None
    cols = _field_of(header)
    if "student_id" not in cols:
        raise RosterError([f"{path}:1:1: no student id column; name one of: "
                           f"{', '.join(repr(a) for a in ALIASES['student_id'])} (found: {', '.join(header)})"])
    students: list[Student] = []
    seen_id: dict[str, int] = {}
    seen_mail: dict[str, int] = {}
    line = reader.line_num
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"{path}:{reader.line_num}:1: not valid CSV ({exc})")
            break
        start, line = line + 1, reader.line_num
        if not any(c.strip() for c in rec):
            continue
        if len(rec) > len(header) and any(c.strip() for c in rec[len(header):]):
            problems.append(f"{path}:{start}:{len(header) + 1}: {len(rec)} cells but the header has {len(header)}")
            continue
        bad = [i for i, c in enumerate(rec) if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in c)]
        if bad:
            problems.append(f"{path}:{start}:{bad[0] + 1}: a control character in the cell")
            continue
        rec = rec + [""] * (len(header) - len(rec))

        def get(fname: str, _rec: list[str] = rec) -> str:
            return _rec[cols[fname]].strip() if fname in cols else ""

        sid = get("student_id")
        if not sid:
            problems.append(f"{path}:{start}:{cols['student_id'] + 1}: empty student id")
            continue
        if sid in seen_id:
            problems.append(f"{path}:{start}:{cols['student_id'] + 1}: student id {sid!r} is repeated "
                            f"(first on line {seen_id[sid]})")
            continue
        seen_id[sid] = start
        email = get("email")
        if email:
            key = email.lower()
            if key in seen_mail:
                problems.append(f"{path}:{start}:{cols['email'] + 1}: email {email!r} is repeated "
                                f"(first on line {seen_mail[key]})")
                continue
            if "@" not in email:
                problems.append(f"{path}:{start}:{cols['email'] + 1}: {email!r} is not an email address")
                continue
            seen_mail[key] = start
        name = get("name") or " ".join(p for p in (get("first_name"), get("last_name")) if p)
        students.append(Student(sid, name, email, get("login"), get("canvas_id"), get("section"),
                                get("submission"), start))
    if problems:
        raise RosterError(problems)
    return Roster(path, students, "submission" in cols)


# ---------------------------------------------------------------------------------------
# matching
# ---------------------------------------------------------------------------------------


@dataclass
class Match:
    """The outcome of matching: one entry per file, one per student without a file."""

    by_file: dict[str, Student | None] = field(default_factory=dict)
    status: dict[str, str] = field(default_factory=dict)   # file -> matched|duplicate|unknown|ambiguous
    reason: dict[str, str] = field(default_factory=dict)
    missing: list[Student] = field(default_factory=list)

    def anomalies(self) -> list[str]:
        out = []
        for f, st in self.status.items():
            if st == "unknown":
                out.append(f"unknown: {f} matches no student on the roster")
            elif st == "ambiguous":
                out.append(f"ambiguous: {f} matches {self.reason[f]}")
            elif st == "duplicate":
                out.append(f"duplicate: {f} is one of several submissions of student {self.by_file[f].student_id}")
        out += [f"missing: student {s.student_id} ({s.name or s.email or 'no name'}) has no submission"
                for s in self.missing]
        return out

    def counts(self) -> dict[str, int]:
        c = {"matched": 0, "duplicate": 0, "unknown": 0, "ambiguous": 0}
        for st in self.status.values():
            c[st] += 1
        c["missing"] = len(self.missing)
        return c


_TOKEN = re.compile(r"[0-9A-Za-z]+")


def match(files: list[str], roster: Roster, pattern: str | None = None) -> Match:
    """Match submission paths (relative, ``/``-separated) to the roster's students (see module docs)."""
    rx = re.compile(pattern) if pattern else None
    if rx is not None and not ({"id", "email"} & set(rx.groupindex)):
        raise ValueError("the pattern needs a named group (?P<id>...) or (?P<email>...)")
    ids = {s.student_id.lower(): s for s in roster.students}
    mails = {s.email.lower(): s for s in roster.students if s.email}
    subs: dict[str, list[Student]] = {}
    for s in roster.students:
        if s.submission:
            subs.setdefault(s.submission.lower(), []).append(s)
    res = Match()
    for f in files:
        low = f.lower()
        cands: list[Student] = []
        if roster.has_submission_column:
            cands = subs.get(low, []) or subs.get(low.rsplit("/", 1)[-1], [])
        elif rx is not None:
            m = rx.search(f)
            if m:
                gd = m.groupdict()
                if gd.get("id") and gd["id"].lower() in ids:
                    cands = [ids[gd["id"].lower()]]
                elif gd.get("email") and gd["email"].lower() in mails:
                    cands = [mails[gd["email"].lower()]]
        else:
            seen: dict[str, Student] = {}
            for tok in _TOKEN.findall(low):
                if tok in ids:
                    seen[ids[tok].student_id] = ids[tok]
            for mail, s in mails.items():
                if mail in low:
                    seen[s.student_id] = s
            cands = list(seen.values())
        if not cands:
            res.by_file[f], res.status[f] = None, "unknown"
        elif len(cands) > 1:
            res.by_file[f], res.status[f] = None, "ambiguous"
            res.reason[f] = "several students: " + ", ".join(s.student_id for s in cands)
        else:
            res.by_file[f], res.status[f] = cands[0], "matched"
    count: dict[str, int] = {}
    for s in res.by_file.values():
        if s is not None:
            count[s.student_id] = count.get(s.student_id, 0) + 1
    for f, s in res.by_file.items():
        if s is not None and count[s.student_id] > 1:
            res.status[f] = "duplicate"
    res.missing = [s for s in roster.students if s.student_id not in count]
    return res


STUDENT_COLUMNS = ["student_id", "name", "email", "login", "canvas_id", "section", "roster"]


def annotate(rows: list[dict], roster: Roster, pattern: str | None, blank: dict) -> tuple[list[dict], Match]:
    """Gradebook rows with the student's columns and a ``roster`` status; one row per missing student.

    ``blank`` is the row to start from for a missing student (its question columns empty).
    """
    m = match([r["submission"] for r in rows], roster, pattern)
    out = []
    for r in rows:
        s = m.by_file[r["submission"]]
        extra = {"student_id": "", "name": "", "email": "", "login": "", "canvas_id": "", "section": ""}
        if s is not None:
            extra = {"student_id": s.student_id, "name": s.name, "email": s.email, "login": s.login,
                     "canvas_id": s.canvas_id, "section": s.section}
        out.append({**r, **extra, "roster": m.status[r["submission"]]})
    for s in m.missing:
        out.append({**blank, "submission": "", "status": "missing", "score": "0",
                    "error": "no submission from this student", "student_id": s.student_id, "name": s.name,
                    "email": s.email, "login": s.login, "canvas_id": s.canvas_id, "section": s.section,
                    "roster": "missing"})
    return out, m


# ---------------------------------------------------------------------------------------
# the hook of ``ctmodule grade --roster``
# ---------------------------------------------------------------------------------------


def add_roster_arguments(parser) -> None:
    parser.add_argument("--roster", type=Path, default=None,
                        help="class roster CSV exported from the learning platform: match files to students")
    parser.add_argument("--roster-encoding", default=None,
                        help="the roster's encoding if it is not UTF-8 (e.g. cp1251)")
    parser.add_argument("--match", default=None, metavar="REGEX",
                        help="regular expression with a group (?P<id>...) or (?P<email>...) that finds the "
                             "student in a file's path (default: any token of the path that is a student id)")


def load_roster_arg(args):
    """The roster named by ``--roster`` (None without one; False after printing its errors)."""
    import sys

    if getattr(args, "roster", None) is None:
        return None
    try:
        if args.match:
            match([], Roster(args.roster, []), args.match)  # check the pattern before grading
        return read_roster(args.roster, args.roster_encoding)
    except RosterError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        print(f"ctmodule grade: {len(exc.problems)} problem(s) in the roster; nothing graded", file=sys.stderr)
        return False
    except (ValueError, re.error) as exc:
        print(f"ctmodule grade: --match: {exc}", file=sys.stderr)
        return False


def apply_roster(args, roster: Roster, header: list[str], rows: list[dict], meta: dict, auto_max: float):
    """Header, rows and metadata of a gradebook with the roster applied; the anomalies printed."""
    import sys

    blank = {h: "" for h in header}
    blank["max_score"] = f"{auto_max:.4g}"
    rows, m = annotate(rows, roster, args.match, blank)
    header = header[:1] + STUDENT_COLUMNS + header[1:]
    counts = m.counts()
    anomalies = m.anomalies()
    meta = {**meta, "roster": {"file": str(roster.path), "students": len(roster.students), **counts,
                               "anomalies": anomalies}}
    print(f"roster: {len(roster.students)} student(s); {counts['matched']} matched, "
          f"{counts['duplicate']} duplicate file(s), {counts['unknown']} unknown file(s), "
          f"{counts['ambiguous']} ambiguous, {counts['missing']} student(s) without a submission",
          file=sys.stderr)
    for a in anomalies:
        print(f"  {a}", file=sys.stderr)
    return header, rows, meta
