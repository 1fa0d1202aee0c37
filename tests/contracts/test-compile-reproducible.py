#!/usr/bin/env python3
# test-compile-reproducible.py: tools/compile-contracts gives the same bytes
# every time, wherever the tree lives, with the settings foundry.toml pins.
#
# Copyright 2026 Seedreel contributors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Speaks TAP. Compiles once from the source tree and once from a copy of it
# at another path, into temporary folders, and compares the artifacts.

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback

SOURCE_ROOT = os.environ.get("SEEDREEL_SOURCE_ROOT",
                             os.path.dirname(os.path.dirname(os.path.dirname(
                                 os.path.abspath(__file__)))))
ARTIFACTS = ["SeedreelToken.json", "SeedreelRegistry.json"]


def compile_into(root, out_dir):
    out = subprocess.run([os.path.join(root, "tools", "compile-contracts"), "--out-dir", out_dir],
                         capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, f"compile-contracts failed ({out.returncode}): {out.stderr}"
    return {name: open(os.path.join(out_dir, name), "rb").read() for name in ARTIFACTS}


def copy_of_tree(tmp):
    """The compile script and contract sources at another path, sharing node_modules."""
    root = os.path.join(tmp, "elsewhere", "seedreel")
    os.makedirs(os.path.join(root, "tools"))
    shutil.copy2(os.path.join(SOURCE_ROOT, "tools", "compile-contracts"), os.path.join(root, "tools"))
    os.makedirs(os.path.join(root, "contracts"))
    shutil.copytree(os.path.join(SOURCE_ROOT, "contracts", "src"), os.path.join(root, "contracts", "src"))
    shutil.copy2(os.path.join(SOURCE_ROOT, "contracts", "foundry.toml"), os.path.join(root, "contracts"))
    os.symlink(os.path.join(SOURCE_ROOT, "node_modules"), os.path.join(root, "node_modules"))
    return root


def foundry_setting(key):
    with open(os.path.join(SOURCE_ROOT, "contracts", "foundry.toml")) as f:
        match = re.search(rf"^{key}\s*=\s*\"?([^\"\n]+)\"?", f.read(), re.M)
    assert match, f"foundry.toml has no {key}"
    return match.group(1)


def test_same_bytes_twice_and_elsewhere(tmp):
    first = compile_into(SOURCE_ROOT, os.path.join(tmp, "first"))
    second = compile_into(SOURCE_ROOT, os.path.join(tmp, "second"))
    moved = compile_into(copy_of_tree(tmp), os.path.join(tmp, "moved"))
    for name in ARTIFACTS:
        assert first[name] == second[name], f"{name} differs between two runs"
        assert first[name] == moved[name], f"{name} depends on where the tree is"


def test_artifacts_follow_foundry_toml(tmp):
    artifacts = compile_into(SOURCE_ROOT, os.path.join(tmp, "out"))
    for name in ARTIFACTS:
        artifact = json.loads(artifacts[name])
        assert artifact["contractName"] + ".json" == name
        settings = artifact["compiler"]["settings"]
        assert settings["evmVersion"] == foundry_setting("evm_version")
        assert settings["optimizer"]["enabled"] == (foundry_setting("optimizer") == "true")
        assert settings["optimizer"]["runs"] == int(foundry_setting("optimizer_runs"))
        assert artifact["compiler"]["version"].startswith("0.8.37+"), artifact["compiler"]["version"]
        assert re.fullmatch(r"0x([0-9a-f]{2})+", artifact["bytecode"]), f"{name}: no creation code"
        assert len(artifact["deployedBytecode"]) > 1000, f"{name}: no runtime code"
        functions = {item["name"] for item in artifact["abi"] if item["type"] == "function"}
        wanted = {"SeedreelToken.json": {"mint", "permit", "transferFrom"},
                  "SeedreelRegistry.json": {"publish", "buyView", "buyViewWithPermit", "withdraw",
                                            "claim", "reclaimExpiredPool", "receiptDigest"}}[name]
        assert wanted <= functions, f"{name} lacks {wanted - functions}"


TESTS = [test_same_bytes_twice_and_elsewhere, test_artifacts_follow_foundry_toml]


def main():
    print(f"1..{len(TESTS)}", flush=True)
    failed = 0
    for number, test in enumerate(TESTS, 1):
        tmp = tempfile.mkdtemp(prefix="seedreel-test-compile-")
        try:
            test(tmp)
            print(f"ok {number} - {test.__name__}", flush=True)
        except Exception:
            failed += 1
            print(f"not ok {number} - {test.__name__}", flush=True)
            for line in traceback.format_exc().splitlines():
                print(f"# {line}", flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
