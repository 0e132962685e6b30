"""tools/run_tests.py, what `make test` runs: its phases leave no test out and run none twice, and a failing job fails
the whole run."""
import sys
from pathlib import Path

from tools import run_tests

ROOT = Path(__file__).resolve().parents[1]


TAKES_A_VALUE = ("-m", "-p", "-n", "--dist", "--nbval-sanitize-with")


def selections(fast=False, nbval_only=False):
    """{job name: (markers expression, paths, ignored paths)} of every pytest job."""
    found = {}
    for _, phase_jobs in run_tests.jobs(fast, nbval_only):
        for name, command, _ in phase_jobs:
            options = command[3:]                       # after `python -m pytest`
            marker, paths, ignored, skip_next = None, [], [], False
            for previous, arg in zip([None] + options, options):
                if skip_next:
                    skip_next = False
                    marker = arg if previous == "-m" else marker
                elif arg in TAKES_A_VALUE:
                    skip_next = True
                elif arg.startswith("--ignore="):
                    ignored.append(arg.split("=", 1)[1])
                elif not arg.startswith("-"):
                    paths.append(arg)
            found[name] = (marker, paths, ignored)
    return found


def test_every_test_runs_in_exactly_one_job():
    jobs = selections()
    unit = jobs["unit tests"]
    assert unit[0] == "not browser" and unit[1] == ["tests"]
    assert jobs["nbval over solutions/ and notebooks/"][1] == ["solutions", "notebooks"]
    lab, static = jobs["JupyterLab browser tests (alone)"], jobs["browser tests of the built site and decks"]
    # the browser tests: the static pages' files in one job, every other file in the JupyterLab job
    assert static == ("browser", run_tests.STATIC_BROWSER, [])
    assert lab == ("browser", ["tests/browser"], run_tests.STATIC_BROWSER)
    browser_files = {str(path.relative_to(ROOT)) for path in (ROOT / "tests" / "browser").glob("test_*.py")}
    assert set(run_tests.STATIC_BROWSER) < browser_files
    assert len(jobs) == 4


def test_the_playground_rate_is_measured_with_nothing_else_of_ours_running():
    phases = run_tests.jobs()
    alone = [phase_jobs for _, phase_jobs in phases if any("tests/browser" in command for _, command, _ in phase_jobs)]
    assert [len(phase_jobs) for phase_jobs in alone] == [1]       # the JupyterLab job has its phase to itself
    assert "tests/browser/test_playground_browser.py" not in run_tests.STATIC_BROWSER


def test_fast_leaves_out_the_browser_and_the_slow_tests_only():
    jobs = selections(fast=True)
    assert jobs["unit tests (not browser, not slow)"][0] == "not browser and not slow"
    assert jobs["nbval over solutions/ and notebooks/"][1] == ["solutions", "notebooks"]
    assert len(jobs) == 2


def test_make_nbval_runs_the_nbval_job_of_make_test():
    [(_, [nbval])] = run_tests.jobs(nbval_only=True)
    in_make_test = next(job for _, phase_jobs in run_tests.jobs() for job in phase_jobs if job[0] == nbval[0])
    assert nbval == in_make_test and nbval[2] == run_tests.NOTEBOOK_ENV
    assert "--nbval-sanitize-with" in nbval[1] and "--nbval-current-env" in nbval[1]
    single = run_tests.nbval_command(["solutions/08_hardware_jit_devices.ipynb"], two_workers=False)
    assert "-n" not in single and single[-1] == "solutions/08_hardware_jit_devices.ipynb"


def test_a_failing_job_fails_the_run_and_every_output_is_printed(monkeypatch, capsys):
    phases = [("first", [("passes", [sys.executable, "-c", "print('one')"], {}),
                         ("fails", [sys.executable, "-c", "import sys; print('two'); sys.exit(3)"], {})]),
              ("second", [("runs anyway", [sys.executable, "-c", "print('three')"], {})])]
    monkeypatch.setattr(run_tests, "jobs", lambda fast=False, nbval_only=False: phases)
    assert run_tests.main([]) == 1
    out = capsys.readouterr().out
    assert "one" in out and "two" in out and "three" in out
    assert "fails (" in out and "FAILED, exit 3" in out and "total:" in out and "FAILED" in out.splitlines()[-1]
    monkeypatch.setattr(run_tests, "jobs", lambda fast=False, nbval_only=False: phases[1:])
    assert run_tests.main([]) == 0
