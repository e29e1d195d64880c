"""The console output of `shardlab run` fits 100 columns: every stdout line of the CI crash
matrix and of two other CI scenarios under --quick, counted in code points (not bytes).
Progress goes to stderr, and only on a terminal; here stdout and stderr are pipes."""
import pytest

from conftest import SCENARIOS, describe

WIDTH = 100
SCENARIO_FILES = ["crash-matrix.json", "tenants.json", "concurrency.json"]


@pytest.fixture(scope="module")
def outputs(run, tmp_path_factory):
    """name -> CompletedProcess of `shardlab run scenarios/ci/<name> --quick`."""
    done = {}

    def _get(name):
        if name not in done:
            out = tmp_path_factory.mktemp("width") / "out"
            done[name] = run(["run", SCENARIOS / "ci" / name, "--quick", "--out", out])
        return done[name]

    return _get


@pytest.mark.parametrize("name", SCENARIO_FILES)
def test_every_stdout_line_fits_100_columns(outputs, name):
    proc = outputs(name)
    assert proc.returncode == 0, describe(proc)
    lines = proc.stdout.splitlines()
    assert len(lines) >= 3, describe(proc)
    wide = [f"{len(line)} columns: {line}" for line in lines if len(line) > WIDTH]  # str: code points
    assert wide == [], "\n".join(wide)


def test_crash_matrix_is_an_aligned_table(outputs):
    proc = outputs("crash-matrix.json")
    assert proc.returncode == 0, describe(proc)
    lines = proc.stdout.splitlines()
    header = [i for i, line in enumerate(lines) if line.split()[:2] == ["strategy", "journal"]]
    assert len(header) == 1, describe(proc)
    head = lines[header[0]]
    rows = [l for l in lines[header[0] + 1:] if l.startswith("    ") and not l.startswith("      ")]
    assert len(rows) == 12, describe(proc)  # 2 strategies x 2 journal modes x 3 faults
    # The counts are right-aligned under their headers: every row ends where the header does.
    assert all(len(r) == len(head) for r in rows), describe(proc)
    assert "simulated" in proc.stdout
