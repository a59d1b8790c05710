# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Deploying several VMs in one run (internal): what the utoronto.vss.vm_batch module does.

Every VM is checked first, against the server too (folder, OS, networks, image), and nothing is sent
while any of them is wrong. Then every missing VM is submitted, and only then are the requests waited
for, against one deadline: N deploys take about as long as the slowest one. Folders, networks,
operating systems and images are listed once for all the VMs.
"""

import json
import time

from ansible_collections.utoronto.vss.plugins.module_utils.errors import VssError, VssOptionError
from ansible_collections.utoronto.vss.plugins.module_utils.vm import (
    VmRun,
    base_name,
    check_options,
    resolve_folder,
    vm_argument_spec,
)

# The listings every VM of a batch reads alike.
SHARED_LISTINGS = ("v2/folder", "v2/network", "v2/os", "v2/image", "v2/user/image/vm")
# What the batch decides for all its VMs at once.
BATCH_OPTIONS = ("state", "wait", "wait_timeout", "poll_interval")


class SharedListings:
    """A client whose listings of folders, networks, OSes and images are read once per run."""

    def __init__(self, client):
        self._client = client
        self._listings = {}

    def list(self, path, params=None, **kwargs):
        if path not in SHARED_LISTINGS:
            return self._client.list(path, params, **kwargs)
        key = (path, json.dumps(params or {}, sort_keys=True), json.dumps(kwargs, sort_keys=True))
        if key not in self._listings:
            self._listings[key] = self._client.list(path, params, **kwargs)
        return [dict(record) for record in self._listings[key]]

    def __getattr__(self, name):
        return getattr(self._client, name)


def vm_options_spec():
    """The options one VM of a batch may set: the vm module's, less those the batch sets for all."""
    spec = vm_argument_spec()
    for option in BATCH_OPTIONS:
        spec.pop(option)
    return spec


def check_vm_entry(entry, batch):
    """One entry of ``vms``, checked as the vm module checks its options; the spec VmRun takes.

    ``batch`` holds the options that apply to every VM (``wait``, ``wait_timeout``, ``poll_interval``).
    Raises ``VssOptionError`` or ``EntryProblem``, naming the option within the entry.
    """
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    if not isinstance(entry, dict):
        raise EntryProblem(f"must be a dict of vm options, got {type(entry).__name__}")
    spec = vm_options_spec()
    unknown = sorted(set(entry) - set(spec))
    if unknown:
        raise EntryProblem(f"unknown option(s) {', '.join(unknown)}; allowed: {', '.join(sorted(spec))}")
    validated = ArgumentSpecValidator(spec).validate(entry)
    if validated.error_messages:
        raise EntryProblem(validated.error_messages[0])  # names the option already
    return check_options(dict(validated.validated_parameters, state="present", **batch))


class EntryProblem(Exception):
    """An entry of ``vms`` that Ansible's own checks of the vm options refuse; the text names the option."""


def entry_label(position, entry):
    """``VM 'web03'`` for the VM of an entry, or ``vms[2]`` when it has no name."""
    name = entry.get("name") if isinstance(entry, dict) else None
    return f"VM {name!r}" if isinstance(name, str) and name else f"vms[{position}]"


class BatchRun:
    """One run of the vm_batch module: VM entries, a client, and the module's switches."""

    def __init__(
        self,
        client,
        entries,
        batch,
        check_mode=False,
        diff=False,
        warn=None,
        clock=time.monotonic,
        sleep=time.sleep,
    ):
        self.client = SharedListings(client)
        self.entries = entries
        self.batch = batch
        self.check_mode = check_mode
        self.diff = diff
        self.warn = warn or (lambda message: None)
        self.clock = clock
        self.sleep = sleep

    def execute(self):
        """``dict(changed, vms=[per-VM result], failed=[names])``, the results in the order of the entries."""
        runs = self.check_all()
        results, waits = [], []
        for run, folder, payload in runs:
            try:
                result, wait = self.start(run, folder, payload)
            except VssError as error:
                result, wait = failure(run, folder, error), None
            results.append(result)
            waits.append(wait)

        if self.batch["wait"] and not self.check_mode:
            deadline = self.clock() + self.batch["wait_timeout"]
            for position, wait in enumerate(waits):
                if wait is None:
                    continue
                run, folder, _payload = runs[position]
                try:
                    results[position] = wait(deadline)
                except VssError as error:
                    results[position] = failure(run, folder, error, results[position])

        for (run, _folder, _payload), result in zip(runs, results):
            result.setdefault("failed", False)
            result["name"] = run.name
        return dict(
            changed=any(result["changed"] for result in results),
            vms=results,
            failed=[result["name"] for result in results if result["failed"]],
        )

    def start(self, run, folder, payload):
        """``(result, wait)``: the VM as found or as submitted, and what waits for it (None: nothing to wait for)."""
        vm, pending = run.find(folder)
        if vm is not None:
            return run.exists(folder, vm), None
        if pending is not None:
            result = run.pending_result(folder, pending)
            return result, (lambda deadline: run.finish_pending(folder, pending, result, deadline))
        result = run.deploy_result(folder, payload)
        if self.check_mode:
            return result, None
        result, path = run.deploy(folder, payload, result)
        return result, (lambda deadline: run.finish_deploy(folder, path, result, deadline))

    def check_all(self):
        """``[(VmRun, folder, payload)]``; a VssOptionError naming every bad VM before anything is sent."""
        names, runs, problems = set(), [], []
        for position, entry in enumerate(self.entries):
            try:
                spec = check_vm_entry(entry, self.batch)
                if base_name(spec["name"]) in names:
                    raise VssOptionError(
                        "name",
                        "is given to another VM of the batch too (with or without the service's prefix)",
                    )
                names.add(base_name(spec["name"]))
                run = VmRun(self.client, spec, self.check_mode, self.diff, self.warn, self.clock, self.sleep)
                folder = resolve_folder(self.client, spec["folder"])
                runs.append((run, folder, run.payload(folder)))
            except (VssOptionError, EntryProblem) as error:
                problems.append(f"{entry_label(position, entry)}: {error}")
        if problems:
            raise VssOptionError(
                "vms",
                f"{len(problems)} of {len(self.entries)} VMs cannot be deployed (none was deployed): "
                + "; ".join(problems),
            )
        return runs


def failure(run, folder, error, result=None):
    """A failed VM's result: its one-line message, and the request when one was made."""
    changed = bool((result or {}).get("changed")) or getattr(error, "changed", False)
    result = dict(result or {}, changed=changed, failed=True, msg=str(error))
    result.setdefault("vm", run.vm_result(folder))
    if getattr(error, "request", None):
        result["request"] = error.request
    return result
