"""Validation refuses what would only fail at run time (issue 14, item 3): a scenario
name too long for a file name, shards.roots and data_dir that are not legal paths or
leave the data directory, and a run whose estimated footprint (bytes, files, files in
one directory, open descriptors) does not fit the machine. Each is refused by `run` and
`validate` alike, exit 2, before anything is created; the estimate is in the message."""
import os
import re
import subprocess
import uuid

import pytest

from conftest import REPO, describe, small_scenario

HUGE_FREE = 150 * 10**9  # the huge-keys case is estimated at ~200 GB for ci/walk


def run_env(shardlab, args, env_extra=None, timeout=120):
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.run([shardlab] + [str(a) for a in args], cwd=str(REPO), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=timeout, env=env)


def refused(run, tmp_path, path, *extra):
    """Runs and validates `path`: both exit 2, run creates nothing; returns run's stderr lines."""
    out, data = tmp_path / "out", tmp_path / "data"
    proc = run(["run", path, "--out", out, "--data", data, *extra])
    assert proc.returncode == 2, describe(proc)
    assert not out.exists() and not data.exists(), "a refused run must create nothing\n" + describe(proc)
    assert proc.stdout == "", describe(proc)
    set_args = [a for i, a in enumerate(extra) if a == "--set" or (i > 0 and extra[i - 1] == "--set")]
    val = run(["validate", path, *set_args])
    assert val.returncode == 2, describe(val)
    lines = proc.stderr.splitlines()
    for line in lines:
        assert line.startswith(f"{path}: "), "one line per problem, each naming the file\n" + describe(proc)
    return lines


# --- the name -------------------------------------------------------------------------

def test_long_name_is_refused(run, tmp_path, write_scenario):
    path = write_scenario(small_scenario(name="n" * 300))
    lines = refused(run, tmp_path, path)
    assert lines == [f"{path}: name: 300 characters; at most 200 "
                     "(it names the result file and the data directory)"]


def test_name_of_200_characters_runs(run, tmp_path, write_scenario):
    path = write_scenario(small_scenario(name="n" * 200))
    out = tmp_path / "out"
    proc = run(["run", path, "--out", out, "--data", tmp_path / "data", "--quick"])
    assert proc.returncode == 0, describe(proc)
    assert (out / ("n" * 200 + ".json")).is_file()


# --- shards.roots and data_dir ----------------------------------------------------------

@pytest.mark.parametrize("root", ["..", "../elsewhere", "a/../../b", "./a/b/../../.."])
def test_roots_climbing_out_of_the_data_directory_are_refused(run, tmp_path, write_scenario, root):
    path = write_scenario(small_scenario(shards={"count": 4, "roots": ["a", root]}))
    lines = refused(run, tmp_path, path)
    assert len(lines) == 1, lines
    assert "shards.roots[1]: found" in lines[0] and "climbs out of the data directory" in lines[0], lines


@pytest.mark.parametrize("root", ["a/../b", "./x/./y/", "/tmp/../var/tmp/shardlab-roots"])
def test_roots_that_stay_inside_validate(run, write_scenario, root):
    path = write_scenario(small_scenario(shards={"count": 4, "roots": ["a", root]}))
    proc = run(["validate", path])
    assert proc.returncode == 0, describe(proc)


@pytest.mark.parametrize("root,what", [("a\u0000b", "NUL"), ("a\nb", "control character"),
                                      ("tab\there", "control character"), ("del\u007f", "control character")])
def test_roots_with_control_characters_are_refused(run, tmp_path, write_scenario, root, what):
    path = write_scenario(small_scenario(shards={"count": 4, "roots": [root]}))
    lines = refused(run, tmp_path, path)
    assert len(lines) == 1, lines  # the character is escaped: still one line
    # (A NUL is refused in any string, before the roots' own rules look.)
    assert lines[0].startswith(f"{path}: shards.roots[0]: ") and what in lines[0], lines


def test_root_component_longer_than_name_max_is_refused(run, tmp_path, write_scenario):
    path = write_scenario(small_scenario(shards={"count": 4, "roots": ["ok/" + "x" * 256]}))
    lines = refused(run, tmp_path, path)
    assert len(lines) == 1 and "path component of 256 bytes" in lines[0] and "NAME_MAX" in lines[0], lines


def test_root_longer_than_its_share_of_path_max_is_refused(run, tmp_path, write_scenario):
    path = write_scenario(small_scenario(shards={"count": 4, "roots": ["/".join(["d" * 200] * 11)]}))
    lines = refused(run, tmp_path, path)
    assert len(lines) == 1 and "at most 2048" in lines[0], lines


@pytest.mark.parametrize("roots", [["a", "a"], ["a", "./a/"], ["a/b", "a/c/../b"], [".", "x/.."],
                                   ["/tmp/r", "/tmp//r/"]])
def test_duplicate_roots_are_refused(run, tmp_path, write_scenario, roots):
    path = write_scenario(small_scenario(shards={"count": 4, "roots": roots}))
    lines = refused(run, tmp_path, path)
    assert len(lines) == 1 and "shards.roots[1]" in lines[0] and "the same directory as an earlier root" in lines[0], lines


def test_data_dir_with_a_control_character_is_refused(run, tmp_path, write_scenario):
    path = write_scenario(small_scenario(data_dir=str(tmp_path / "d\u0001x")))
    lines = refused(run, tmp_path, path)
    assert len(lines) == 1 and "data_dir: found" in lines[0] and "control character" in lines[0], lines
    assert not (tmp_path / "d\u0001x").exists()


# --- the estimate -----------------------------------------------------------------------

def test_validate_shows_the_estimate(run):
    proc = run(["validate", "scenarios/ci/walk.json"])
    assert proc.returncode == 0, describe(proc)
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("ok  scenarios/ci/walk.json"), describe(proc)
    assert re.match(r"^    estimate: [\d.]+ [KMG]B, 65 files \(at most 64 in one\), [\d,]+ open files at once$",
                    lines[1]), describe(proc)


def test_estimate_grows_with_keys_and_shards(run):
    def estimate(*sets):
        args = ["validate", "scenarios/ci/workload-mix.json"]
        for s in sets:
            args += ["--set", s]
        proc = run(args)
        assert proc.returncode == 0, describe(proc)
        m = re.search(r"estimate: ([\d.]+) (bytes|KB|MB|GB), ([\d,]+) files", proc.stdout)
        scale = {"bytes": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9}[m.group(2)]
        return float(m.group(1)) * scale, int(m.group(3).replace(",", ""))

    small, more_keys, more_shards = estimate(), estimate("keys.count=2000000"), estimate("shards.count=64")
    assert more_keys[0] > 3 * small[0] and more_keys[1] == small[1]
    assert more_shards[1] == 4 * small[1] and more_shards[0] > small[0]


def test_huge_keys_count_is_refused_with_the_estimate(shardlab, tmp_path):
    out, data = tmp_path / "out", tmp_path / "data"
    st = os.statvfs(tmp_path)
    env = {} if st.f_bavail * st.f_frsize < HUGE_FREE else {"SHARDLAB_FREE_BYTES": str(HUGE_FREE // 2)}
    proc = run_env(shardlab, ["run", "scenarios/ci/walk.json", "--set", "keys.count=1000000000", "--out", out,
                              "--data", data], env)
    assert proc.returncode == 2, describe(proc)
    assert not out.exists() and not data.exists(), describe(proc)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, describe(proc)
    assert re.match(r"^scenarios/ci/walk\.json: needs ~\d+ GB and 65 files; .* has [\d.]+ [MGT]?B free "
                    r"\(lower keys\.count or shards\.count\)$", lines[0]), describe(proc)
    val = run_env(shardlab, ["validate", "scenarios/ci/walk.json", "--set", "keys.count=1000000000"], env)
    assert val.returncode == 2 and "needs ~" in val.stderr and val.stdout == "", describe(val)


def test_huge_shards_count_is_refused_with_the_estimate(run, tmp_path):
    out, data = tmp_path / "out", tmp_path / "data"
    proc = run(["run", "scenarios/ci/walk.json", "--set", "shards.count=1000000", "--out", out, "--data", data])
    assert proc.returncode == 2, describe(proc)
    assert not out.exists() and not data.exists(), describe(proc)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, describe(proc)
    # A connection per shard per client thread: far past any RLIMIT_NOFILE (Linux caps it
    # at fs.nr_open, 1,048,576 by default), or past the free space on a small disk.
    assert re.match(r"^scenarios/ci/walk\.json: needs ~[\d,]+ (open files at once|GB).*1,000,000 in one directory",
                    lines[0]), describe(proc)
    val = run(["validate", "scenarios/ci/walk.json", "--set", "shards.count=1000000"])
    assert val.returncode == 2 and val.stderr == proc.stderr, describe(val)


def test_huge_directory_is_a_warning(run, write_scenario):
    # tenants keep one descriptor per cached connection: 200,000 flat files fit the
    # limits here but put 200,000 files in one directory.
    path = write_scenario({"name": "flat-tenants", "kind": "tenants", "shards": {"count": 200000},
                           "keys": {"count": 1}, "tenants": {"packings": False, "preallocation": False}})
    proc = run(["validate", path])
    assert proc.returncode == 0, describe(proc)
    assert proc.stderr == (f"{path}: warning: ~200,000 files in one directory; past 100,000 lookups and listings "
                           "slow down (shards.layout \"digits\" or more shards.roots spread them)\n"), describe(proc)


def test_a_large_run_says_its_estimate_first(run, tmp_path, write_scenario):
    # > 1 GB estimated: the line comes before the run starts (this one then fails at
    # once: its root cannot be created).
    path = write_scenario(small_scenario(keys={"count": 20_000_000}, shards={"count": 4, "roots": ["/proc/shardlab-no"]}))
    proc = run(["run", path, "--out", tmp_path / "out", "--data", tmp_path / "data"])
    assert proc.returncode == 3, describe(proc)
    # (A "note:" about other runs' leftovers may come first.)
    lines = [l for l in proc.stderr.splitlines() if not l.startswith("note: ")]
    assert re.match(r"^estimate: [\d.]+ GB, 4 files in up to 2 directories \(at most 4 in one\), [\d,]+ open files at once$",
                    lines[0]), describe(proc)
    assert lines[1].startswith("running "), describe(proc)


@pytest.fixture
def small_tmpfs(tmp_path):
    mnt = tmp_path / "tmpfs"
    mnt.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", str(mnt)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({proc.stdout.strip()}); SHARDLAB_FREE_BYTES covers the message")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def test_run_into_a_small_tmpfs_is_refused_before_creating_anything(run, tmp_path, small_tmpfs):
    data = small_tmpfs / "data"
    proc = run(["run", "scenarios/ci/ids.json", "--set", "keys.count=300000", "--out", tmp_path / "out",
                "--data", data])
    assert proc.returncode == 2, describe(proc)
    assert os.listdir(small_tmpfs) == [] and not (tmp_path / "out").exists(), describe(proc)
    assert re.match(rf"^scenarios/ci/ids\.json: needs ~[\d.]+ MB and 20 files; {re.escape(str(small_tmpfs))} "
                    r"has 2\d\.\d MB free \(lower keys\.count or shards\.count\)$", proc.stderr), describe(proc)
    # validate checks against the scenario's data_dir: the scenario at its own size fits.
    proc = run(["validate", "scenarios/ci/ids.json", "--set", f"data_dir={small_tmpfs}/d"])
    assert proc.returncode == 0, describe(proc)
    proc = run(["validate", "scenarios/ci/ids.json", "--set", f"data_dir={small_tmpfs}/d",
                "--set", "keys.count=300000"])
    assert proc.returncode == 2 and str(small_tmpfs) in proc.stderr, describe(proc)
    assert os.listdir(small_tmpfs) == []


def test_free_space_override(shardlab, tmp_path):
    proc = run_env(shardlab, ["validate", "scenarios/ci/walk.json"], {"SHARDLAB_FREE_BYTES": "1000000"})
    assert proc.returncode == 2, describe(proc)
    assert "has 1.0 MB free" in proc.stderr, describe(proc)
