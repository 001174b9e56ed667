"""The judge: run the autograder's test cases against a submission's values, in a fresh interpreter.

``python -m ctmodule.grading.judge`` is started by ``ctmodule grade`` for each submission after the
student's notebook has run in its sandbox. The student's code has never run in this process: what it
receives on stdin is the pristine test cases (from the autograder zip, read by the grader) and the
values of the names the tests use, as data (:mod:`ctmodule.grading.datacodec`). A student function is
a proxy: calling it sends the arguments, as data, to the sandbox, which calls the function and sends
the result back as data. So a forged ``__eq__``, a patched ``doctest``, an IPython hook or a shadowed
builtin in the student's notebook cannot change a verdict: none of them exists here.

Protocol (JSON lines): stdin ``{"cases": [...], "values": {...}, "case_timeout": s}``; then, for each
call of a student function, stdout ``{"call": ...}`` and stdin ``{"return": ...}`` or
``{"raise": ...}``; finally stdout ``{"results": [{"question", "index", "passed", "message"}]}``.
"""

from __future__ import annotations

import builtins
import doctest
import inspect
import json
import signal
import sys

from ctmodule.grading import datacodec

MAX_CALLS = 20_000


class _CaseTimeout(BaseException):
    pass


class _Channel:
    def __init__(self, inp, out):
        self.inp, self.out, self.calls = inp, out, 0

    def call(self, name: str, args, kwargs):
        self.calls += 1
        if self.calls > MAX_CALLS:
            raise RuntimeError(f"more than {MAX_CALLS} calls of the student's functions")
        msg = {"call": name, "args": [datacodec.encode(a) for a in args],
               "kwargs": {str(k): datacodec.encode(v) for k, v in kwargs.items()}}
        self.out.write(json.dumps(msg, allow_nan=False) + "\n")
        self.out.flush()
        line = self.inp.readline()
        if not line:
            raise RuntimeError("the sandbox stopped while the student's function ran")
        reply = json.loads(line)
        if "raise" in reply:
            raise StudentError(str(reply["raise"])[:500])
        return datacodec.decode(reply.get("return"))


class StudentError(Exception):
    """An exception raised by the student's function, in the sandbox (only its message arrives)."""


def _proxy(channel: _Channel, name: str):
    def student_function(*args, **kwargs):
        return channel.call(name, args, kwargs)

    student_function.__name__ = student_function.__qualname__ = name
    return student_function


def build_namespace(values: dict, channel: _Channel) -> dict:
    ns: dict = {"__name__": "__main__", "__builtins__": builtins}
    for name, enc in values.items():
        value = datacodec.decode(enc, name=name)
        if isinstance(value, datacodec.Callable):
            value = _proxy(channel, name)
        ns[name] = value
    return ns


class _Runner(doctest.DocTestRunner):
    def report_failure(self, out, test, example, got):
        self._ct_msg = "expected " + example.want.strip() + ", got " + got.strip()

    def report_unexpected_exception(self, out, test, example, exc_info):
        e = exc_info[1]
        if isinstance(e, _CaseTimeout):
            raise e
        msg = str(e).strip()
        self._ct_msg = msg if isinstance(e, AssertionError) and msg else (type(e).__name__ + ": " + msg)


def run_case(case: dict, ns: dict) -> tuple[bool, str]:
    if case.get("format") == "exception":
        local: dict = {}
        exec(compile(case["code"], f"{case['question']}-{case['index']}", "exec"), ns, local)
        func = local[case["function"]]
        kwargs = {a: (ns if a == "env" else ns.get(a)) for a in inspect.signature(func).parameters}
        try:
            func(**kwargs)
        except AssertionError as e:
            return False, str(e) or "test failed"
        except _CaseTimeout:
            raise
        except Exception as e:
            return False, f"{type(e).__name__}: {e}"
        return True, ""
    test = doctest.DocTestParser().get_doctest(case["code"], ns, f"{case['question']}-{case['index']}", None, 0)
    runner = _Runner(verbose=False, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    runner._ct_msg = ""
    runner.run(test, out=lambda s: None, clear_globs=False)
    if runner.failures:
        return False, runner._ct_msg or "test failed"
    return True, ""


def judge(cases: list[dict], values: dict, channel: _Channel, case_timeout: float = 30.0) -> list[dict]:
    def alarm(signum, frame):
        raise _CaseTimeout()

    signal.signal(signal.SIGALRM, alarm)
    results = []
    for case in cases:
        try:
            ns = build_namespace(values, channel)  # a fresh copy of the values for every case
            signal.setitimer(signal.ITIMER_REAL, case_timeout)
            try:
                passed, message = run_case(case, ns)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except _CaseTimeout:
            passed, message = False, f"the test took longer than {case_timeout:g} s"
        except datacodec.CodecError as exc:
            passed, message = False, f"the submission's values could not be read: {exc}"
        except Exception as exc:
            passed, message = False, f"{type(exc).__name__}: {exc}"
        results.append({"question": case["question"], "index": case["index"], "passed": bool(passed),
                        "message": str(message)[:600]})
    return results


def main() -> int:
    out = sys.stdout
    sys.stdout = sys.stderr  # a print in a test must not reach the protocol
    job = json.loads(sys.stdin.readline())
    channel = _Channel(sys.stdin, out)
    results = judge(job["cases"], job.get("values") or {}, channel, float(job.get("case_timeout", 30.0)))
    out.write(json.dumps({"results": results}) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
