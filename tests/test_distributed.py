"""Tests of rnn_course.distributed: one KerasTuner search, a chief and two workers.

One tiny search runs once for the module (four processes import TensorFlow:
the chief, two workers and the worker started again), with one worker
killed in the middle of a trial; the other tests read what it left.
"""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from rnn_course.distributed import (
    LocalSearch,
    check_loopback,
    free_port,
    main,
    read_trials,
    search_settings,
    shared_trials_table,
    trial_events,
)
from rnn_course.tuning import hyperband_schedule
from tests.helpers import table_rows

TINY = {"num_words": 200, "maxlen": 10, "n_train": 100, "units": (4,), "batch_sizes": (32,),
        "embedding_dim": 4, "max_epochs": 2, "factor": 2}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has ended; only its exit status is left to collect.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))


def _listening_addresses(port: int) -> set[str]:
    """The local addresses listening on ``port`` (Linux's /proc/net/tcp and tcp6).

    gRPC listens on an IPv6 socket; an IPv4 address then shows as mapped
    (``::ffff:127.0.0.1``), which is reported as the IPv4 address.
    """
    addresses = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) != port or fields[3] != "0A":  # 0A: LISTEN
                continue
            # Each 32-bit word is written in the host's (little-endian) order.
            raw = b"".join(bytes.fromhex(address[i:i + 8])[::-1]
                           for i in range(0, len(address), 8))
            ip = ipaddress.ip_address(raw)
            mapped = getattr(ip, "ipv4_mapped", None)
            addresses.add(str(mapped or ip))
    return addresses


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    directory = tmp_path_factory.mktemp("search")
    data = os.environ.get("RNN_COURSE_DATA")
    os.environ["RNN_COURSE_DATA"] = data or "synthetic"  # the processes inherit it
    search = LocalSearch(directory, search_settings(**TINY), workers=2)
    pids = []
    try:
        search.start()
        pids += [p.pid for p in search.processes.values()]
        ended = search.end_worker("tuner1")
        listening = (_listening_addresses(search.port)
                     if Path("/proc/net/tcp").exists() else None)
        state = search.oracle_state()
        search.restart_worker("tuner1")
        pids.append(search.processes["tuner1"].pid)
        seconds = search.wait(timeout=240)
    finally:
        search.stop()
        if data is None:
            del os.environ["RNN_COURSE_DATA"]
    return {"search": search, "ended": ended, "state": state, "seconds": seconds,
            "listening": listening, "pids": pids, "events": trial_events(directory),
            "trials": read_trials(directory)}


def test_two_worker_search_finishes(finished):
    search = finished["search"]
    assert search.running() == []
    assert all(p.returncode == 0 for name, p in search.processes.items() if name != "chief")
    assert {e["worker"] for e in finished["events"] if e["event"] == "ended"} == {
        "tuner0", "tuner1"}
    assert all(t["status"] == "COMPLETED" and t["score"] is not None
               for t in finished["trials"])


def test_every_trial_recorded_once(finished):
    trials, events = finished["trials"], finished["events"]
    schedule = hyperband_schedule(TINY["max_epochs"], TINY["factor"])
    ids = [t["id"] for t in trials]
    assert len(ids) == len(set(ids)) == sum(r.models for r in schedule)
    ended = [e["trial"] for e in events if e["event"] == "ended"]
    assert sorted(ended) == sorted(ids), "each trial ends once, on one worker"
    rounds: dict[tuple[int, int], int] = {}
    for t in trials:
        rounds[(t["bracket"], t["round"])] = rounds.get((t["bracket"], t["round"]), 0) + 1
    assert rounds == {(r.bracket, r.round): r.models for r in schedule}
    by_id = {t["id"]: t for t in trials}
    for t in trials:  # a promoted trial continues a trial of its own bracket
        if t["continues"] is not None:
            assert by_id[t["continues"]]["bracket"] == t["bracket"]
            assert by_id[t["continues"]]["round"] == t["round"] - 1
    table = shared_trials_table(trials, events)
    assert len(table_rows(table)) == len(trials) + 1
    assert sum(row[0].endswith("*") for row in table_rows(table)) == 1


def test_an_ended_worker_leaves_its_trial_open_and_the_search_finishes(finished):
    ended, state, events = finished["ended"], finished["state"], finished["events"]
    # The oracle keeps the trial of a dead worker running, booked to its id...
    assert state["ongoing"].get("tuner1") == ended
    assert state["trials"][ended] == "RUNNING"
    # ... and gives it back to the worker that returns under that id.
    began = [e["worker"] for e in events if e["event"] == "began" and e["trial"] == ended]
    assert began == ["tuner1", "tuner1"]
    finisher = [e["worker"] for e in events if e["event"] == "ended" and e["trial"] == ended]
    assert finisher == ["tuner1"]
    assert finished["search"].ended == {"tuner1": ended}


def test_no_process_is_left_running(finished):
    assert len(finished["pids"]) == 4
    assert not [pid for pid in finished["pids"] if _alive(pid)]


def test_only_the_loopback_address_is_used(finished):
    search = finished["search"]
    assert search.host == "127.0.0.1"
    for name in ("chief", "tuner0", "tuner1"):
        assert search.environment(name)["KERASTUNER_ORACLE_IP"] == "127.0.0.1"
        assert "127.0.0.1" in search.command(name)
    if finished["listening"] is not None:
        assert finished["listening"] == {"127.0.0.1"}, finished["listening"]


def test_an_error_in_the_with_block_stops_every_process(tmp_path):
    pids = []
    with pytest.raises(KeyError), LocalSearch(tmp_path, search_settings(**TINY)) as search:
        pids += [p.pid for p in search.processes.values()]
        raise KeyError("a cell fails")
    assert len(pids) == 3 and not [pid for pid in pids if _alive(pid)]


def test_processes_end_themselves_when_the_launcher_dies(tmp_path):
    code = (
        "import os, sys, time\n"
        "from rnn_course.distributed import LocalSearch, search_settings\n"
        f"s = LocalSearch({str(tmp_path)!r}, search_settings(n_train=100)).start()\n"
        "print(' '.join(str(p.pid) for p in s.processes.values()), flush=True)\n"
        "time.sleep(1.0)\n"
        "os._exit(0)  # no clean-up at all, as when a kernel is killed\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, env=os.environ.copy())
    pids = [int(p) for p in out.stdout.split()]
    assert len(pids) == 3, out.stderr[-2000:]
    deadline = time.monotonic() + 20
    while [pid for pid in pids if _alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [pid for pid in pids if _alive(pid)]
    for pid in left:  # do not leave them behind even when the test fails
        os.kill(pid, 9)
    assert not left


@pytest.mark.parametrize("host", ["0.0.0.0", "10.0.0.1", "192.168.1.5", "::1", "localhost",
                                  "example.org", ""])
def test_check_loopback_rejects_other_addresses(host):
    with pytest.raises(ValueError, match="loopback") as info:
        check_loopback(host)
    assert "\n" not in str(info.value)


def test_check_loopback_accepts_ipv4_loopback_and_finds_a_port():
    assert check_loopback("127.0.0.1") == "127.0.0.1"
    assert 0 < free_port() < 65536
    with pytest.raises(TypeError):
        check_loopback(127)


@pytest.mark.parametrize("bad, error", [
    ({"n_train": 5}, ValueError), ({"factor": 1}, ValueError), ({"units": ()}, ValueError),
    ({"units": (4, 0)}, ValueError), ({"max_epochs": 2.0}, TypeError),
    ({"cells": ("lstm", "rnn")}, ValueError), ({"learning_rates": (1e-2, 1e-3)}, ValueError),
    ({"project_name": "my project"}, ValueError), ({"seed": -1}, ValueError),
])
def test_search_settings_rejects_bad_values(bad, error):
    with pytest.raises(error) as info:
        search_settings(**bad)
    assert "\n" not in str(info.value)


def test_local_search_rejects_bad_arguments(tmp_path):
    settings = search_settings(**TINY)
    with pytest.raises(ValueError, match="does not exist"):
        LocalSearch(tmp_path / "missing", settings)
    with pytest.raises(ValueError, match="workers"):
        LocalSearch(tmp_path, settings, workers=0)
    with pytest.raises(ValueError, match="loopback"):
        LocalSearch(tmp_path, settings, host="0.0.0.0")
    with pytest.raises(ValueError, match="port"):
        LocalSearch(tmp_path, settings, port=70000)
    with pytest.raises(ValueError, match="settings lack"):
        LocalSearch(tmp_path, {"seed": 1})
    search = LocalSearch(tmp_path, settings)
    with pytest.raises(ValueError, match="name"):
        search.command("tuner7")
    with pytest.raises(ValueError, match="not a running worker"):
        search.end_worker("chief")
    with pytest.raises(ValueError, match="name"):
        search.restart_worker("chief")
    with pytest.raises(RuntimeError, match="no worker"):
        search.wait(timeout=1)
    assert search.running() == [] and not list(tmp_path.glob("*.json"))


def test_main_needs_a_directory_and_the_three_variables(tmp_path, monkeypatch, capsys):
    assert main([]) == 2
    (tmp_path / "search.json").write_text(json.dumps(search_settings(**TINY)))
    for name in ("KERASTUNER_TUNER_ID", "KERASTUNER_ORACLE_IP", "KERASTUNER_ORACLE_PORT"):
        monkeypatch.delenv(name, raising=False)
    assert main([str(tmp_path)]) == 2
    assert "KERASTUNER_TUNER_ID" in capsys.readouterr().err


def test_readers_of_an_empty_directory(tmp_path):
    assert trial_events(tmp_path) == []
    with pytest.raises(ValueError, match="search.json"):
        read_trials(tmp_path)
    with pytest.raises(ValueError, match="empty"):
        shared_trials_table([], [])
    with pytest.raises(TypeError):
        shared_trials_table("trials", [])


def test_check_restarts_accepts_the_right_answer(capsys):
    from rnn_course.checks import check_restarts

    def restarts(ongoing, running):
        return {w: t for w, t in ongoing.items() if w not in running}

    assert check_restarts(restarts)
    assert capsys.readouterr().out.startswith("Correct!")
    assert not check_restarts(lambda ongoing, running: {"tuner0": np.zeros(2)}, verbose=False)
