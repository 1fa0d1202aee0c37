#!/usr/bin/env python3
# test-devnet.py: tools/devnet starts a chain that answers, stops it cleanly
# (from --stop and from Ctrl-C) and keeps that chain across restarts.
#
# Copyright 2026 Seedreel contributors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Speaks TAP. Every devnet here lives under a temporary XDG_CACHE_HOME on a
# free port, so it never touches a developer's own devnet.

import configparser
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

SOURCE_ROOT = os.environ.get("SEEDREEL_SOURCE_ROOT",
                             os.path.dirname(os.path.dirname(os.path.dirname(
                                 os.path.abspath(__file__)))))
DEVNET = os.path.join(SOURCE_ROOT, "tools", "devnet")
CAST = os.environ.get("SEEDREEL_CAST", os.path.join(
    SOURCE_ROOT, "node_modules/@foundry-rs/cast-linux-amd64/bin/cast"))

ACCOUNT0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
ACCOUNT0_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
ACCOUNT1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
ETH = 10 ** 18


class Devnet:
    """One tools/devnet home: its cache dir and the commands run against it."""

    def __init__(self, tmp):
        self.cache = os.path.join(tmp, "cache")
        self.dir = os.path.join(self.cache, "seedreel", "devnet")
        self.config = os.path.join(tmp, "config")
        self.profile = os.path.join(self.config, "seedreel", "networks", "devnet.ini")
        self.env = dict(os.environ, XDG_CACHE_HOME=self.cache, XDG_CONFIG_HOME=self.config)

    def run(self, *args, timeout=60):
        return subprocess.run([DEVNET, *args], env=self.env, capture_output=True,
                              text=True, timeout=timeout)

    def path(self, name):
        return os.path.join(self.dir, name)

    def pid(self):
        try:
            with open(self.path("anvil.pid")) as f:
                return int(f.read().strip())
        except FileNotFoundError:
            return None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Loopback chains: keep any http_proxy in the environment out of cast's way.
CAST_ENV = dict(os.environ, NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")


def cast(*args):
    out = subprocess.run([CAST, *args], env=CAST_ENV, capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0, f"cast {' '.join(args)} failed: {out.stderr}"
    return out.stdout.strip()


def is_dead(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except FileNotFoundError:
        return True
    return stat[stat.rindex(")") + 2] == "Z"


def wait_dead(pid, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if is_dead(pid):
            return True
        time.sleep(0.02)
    return False


def port_refuses(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def nonce(url, address=ACCOUNT0):
    return int(cast("nonce", "--rpc-url", url, address))


def send_one_ether(url):
    cast("send", "--rpc-url", url, "--private-key", ACCOUNT0_KEY, ACCOUNT1,
         "--value", "1ether")


def start_background(devnet, port, *extra):
    out = devnet.run("--background", "--port", str(port), *extra)
    url = f"http://127.0.0.1:{port}"
    assert out.returncode == 0, f"--background failed ({out.returncode}): {out.stderr}"
    assert out.stdout.strip().splitlines()[-1] == url, f"printed {out.stdout!r}, not {url}"
    return url


def stop(devnet, port):
    pid = devnet.pid()
    assert pid is not None, "no pid file while running"
    out = devnet.run("--stop")
    assert out.returncode == 0, f"--stop failed: {out.stderr}"
    assert is_dead(pid), f"anvil (pid {pid}) still running after --stop returned"
    assert devnet.pid() is None, "pid file left behind"
    # The listening socket may outlive the process by a moment on a loaded
    # machine; anvil is dead already, so give the port a few seconds.
    deadline = time.monotonic() + 10
    while not port_refuses(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert port_refuses(port), f"port {port} still open after --stop"


def test_needs_npm_ci(tmp):
    """Without node_modules it says what to do instead of failing obscurely."""
    bare = os.path.join(tmp, "bare")
    os.makedirs(os.path.join(bare, "tools"))
    shutil.copy(DEVNET, os.path.join(bare, "tools", "devnet"))
    out = subprocess.run([os.path.join(bare, "tools", "devnet"), "--background",
                          "--port", str(free_port())],
                         env=dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "c")),
                         capture_output=True, text=True, timeout=30)
    assert out.returncode != 0, "started without the chain tools"
    assert "npm ci" in out.stderr, f"no hint to run npm ci: {out.stderr!r}"


def test_background_stop_keeps_chain(tmp):
    devnet = Devnet(tmp)
    port = free_port()
    url = start_background(devnet, port)
    pid = devnet.pid()
    with open(f"/proc/{pid}/comm") as f:
        assert f.read().strip() == "anvil"
    assert cast("chain-id", "--rpc-url", url) == "31337"
    assert int(cast("balance", "--rpc-url", url, ACCOUNT1)) == 10000 * ETH
    # Account 0 deployed the contracts: count from its nonce after that.
    deployed = nonce(url)

    send_one_ether(url)
    assert nonce(url) == deployed + 1

    again = devnet.run("--background", "--port", str(port))
    assert again.returncode == 0, f"second --background failed: {again.stderr}"
    assert devnet.pid() == pid, "a second --background started another anvil"
    status = devnet.run("--status")
    assert status.returncode == 0 and status.stdout.strip() == url

    stop(devnet, port)
    with open(devnet.path("state.json")) as f:
        assert json.load(f), "empty state file"
    assert devnet.run("--status").returncode == 3
    assert devnet.run("--stop").returncode == 0, "--stop when stopped must not fail"

    url = start_background(devnet, port)
    assert nonce(url) == deployed + 1, "the restarted chain forgot the transaction"
    assert int(cast("balance", "--rpc-url", url, ACCOUNT1)) == 10001 * ETH
    stop(devnet, port)


def read_until(stream, wanted, seconds):
    """Waits for a line on a pipe; raw reads, since select() cannot see
    what a buffered reader has already pulled in."""
    deadline = time.monotonic() + seconds
    fd = stream.fileno()
    seen = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        seen += chunk
        if wanted.encode() in seen.splitlines():
            return
    raise AssertionError(f"never printed {wanted}; got: {seen[-2000:]!r}")


def test_foreground_ctrl_c(tmp):
    """Ctrl-C (SIGINT to the terminal's process group) saves and stops."""
    devnet = Devnet(tmp)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    errors = open(os.path.join(tmp, "devnet.stderr"), "w+")
    proc = subprocess.Popen([DEVNET, "--port", str(port)], env=devnet.env,
                            stdout=subprocess.PIPE, stderr=errors,
                            start_new_session=True)
    try:
        try:
            read_until(proc.stdout, url, 60)
        except AssertionError:
            errors.seek(0)
            raise AssertionError(f"tools/devnet said: {errors.read()}")
        pid = devnet.pid()
        assert pid is not None, "no pid file in the foreground"
        deployed = nonce(url)
        send_one_ether(url)
        send_one_ether(url)
        assert nonce(url) == deployed + 2

        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=30) == 0, f"exited {proc.returncode} on Ctrl-C"
        assert wait_dead(pid), f"anvil (pid {pid}) outlived Ctrl-C"
        assert devnet.pid() is None, "pid file left behind"
        assert port_refuses(port)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()
        errors.close()

    url = start_background(devnet, port)
    assert nonce(url) == deployed + 2, "the chain was not saved on Ctrl-C"
    stop(devnet, port)

    # --stop from another terminal ends a foreground devnet cleanly too.
    proc = subprocess.Popen([DEVNET, "--port", str(port)], env=devnet.env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        read_until(proc.stdout, url, 60)
        stop(devnet, port)
        assert proc.wait(timeout=30) == 0, f"exited {proc.returncode} after --stop"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()

    url = start_background(devnet, port, "--reset")
    assert nonce(url) == deployed, "--reset kept the old chain"
    stop(devnet, port)


def test_port_taken(tmp):
    """A port held by something else is a clear failure, not a hang."""
    devnet = Devnet(tmp)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        started = time.monotonic()
        out = devnet.run("--background", "--port", str(port))
        assert out.returncode != 0, "claimed to run on a port it cannot have"
        assert time.monotonic() - started < 25, "took too long to give up"
        assert devnet.pid() is None, "pid file left after a failed start"


def read_profile(devnet):
    profile = configparser.ConfigParser(interpolation=None)
    assert profile.read(devnet.profile), f"no network profile at {devnet.profile}"
    return profile["Network"]


DEMO_ACCOUNTS = [ACCOUNT0, ACCOUNT1, "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
                 "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
                 "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"]
NOT_DEMO_ACCOUNT = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"


def seed_balance(url, token, account):
    return int(cast("call", "--rpc-url", url, token, "balanceOf(address)(uint256)",
                    account).split()[0])


def test_contracts_deployed(tmp):
    """A fresh devnet has the token and registry deployed, the demo accounts
    funded, and a network profile the app reads; a restart keeps them."""
    devnet = Devnet(tmp)
    port = free_port()
    url = start_background(devnet, port)
    network = read_profile(devnet)
    assert network["rpc-url"] == url
    assert network["chain-id"] == "31337"
    assert network["name"], "profile without a name"
    token = network["token-address"]
    registry = network["registry-address"]
    for address in (token, registry):
        assert cast("code", "--rpc-url", url, address) not in ("", "0x"), f"no code at {address}"
    assert cast("call", "--rpc-url", url, registry, "token()(address)") == token
    assert cast("call", "--rpc-url", url, token, "symbol()(string)") == '"SEED"'
    for account in DEMO_ACCOUNTS:
        assert seed_balance(url, token, account) == 1_000_000 * ETH, f"{account} not funded"
    assert seed_balance(url, token, NOT_DEMO_ACCOUNT) == 0

    # Spend some SEED, restart: same contracts, the spend kept, no second mint.
    cast("send", "--rpc-url", url, "--private-key", ACCOUNT0_KEY, token,
         "transfer(address,uint256)", NOT_DEMO_ACCOUNT, str(5 * ETH))
    stop(devnet, port)
    os.remove(devnet.profile)
    url = start_background(devnet, port)
    network = read_profile(devnet)
    assert network["token-address"] == token and network["registry-address"] == registry, \
        "contracts deployed again on a kept chain"
    assert seed_balance(url, token, NOT_DEMO_ACCOUNT) == 5 * ETH, "chain state lost"
    assert seed_balance(url, token, ACCOUNT0) == (1_000_000 - 5) * ETH, "demo tokens minted twice"
    stop(devnet, port)

    # A reset chain gets fresh contracts and fresh demo balances.
    url = start_background(devnet, port, "--reset")
    network = read_profile(devnet)
    token = network["token-address"]
    assert cast("code", "--rpc-url", url, network["registry-address"]) not in ("", "0x")
    assert seed_balance(url, token, ACCOUNT0) == 1_000_000 * ETH
    assert seed_balance(url, token, NOT_DEMO_ACCOUNT) == 0
    stop(devnet, port)


TESTS = [test_needs_npm_ci, test_background_stop_keeps_chain,
         test_foreground_ctrl_c, test_port_taken, test_contracts_deployed]


def main():
    print(f"1..{len(TESTS)}", flush=True)
    failed = 0
    for number, test in enumerate(TESTS, 1):
        tmp = tempfile.mkdtemp(prefix="seedreel-test-devnet-")
        devnet = Devnet(tmp)
        try:
            test(tmp)
            print(f"ok {number} - {test.__name__}", flush=True)
        except Exception:
            failed += 1
            print(f"not ok {number} - {test.__name__}", flush=True)
            for line in traceback.format_exc().splitlines():
                print(f"# {line}", flush=True)
        finally:
            pid = devnet.pid()
            if pid is not None and not is_dead(pid):
                os.kill(pid, signal.SIGKILL)
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
