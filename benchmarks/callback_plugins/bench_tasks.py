# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Writes how long each task of a playbook took to the JSON file named by BENCH_TASK_LOG."""

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: bench_tasks
type: aggregate
short_description: Seconds spent in each task, for the benchmark
description:
  - Appends nothing to the output; writes a JSON list of tasks, with their seconds and loop items, to the file
    named by the environment variable E(BENCH_TASK_LOG) when the playbook ends.
requirements:
  - enabled in callbacks_enabled (benchmarks/run.py does it)
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_tasks"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tasks = []
        self.current = None

    def _close(self):
        if self.current is not None:
            self.current["seconds"] = time.perf_counter() - self.current.pop("started")
            self.tasks.append(self.current)
            self.current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close()
        self.current = {"task": task.get_name(), "items": 0, "started": time.perf_counter()}

    v2_playbook_on_handler_task_start = v2_playbook_on_task_start

    def _item(self, result):
        if self.current is not None:
            self.current["items"] += 1

    v2_runner_item_on_ok = v2_runner_item_on_failed = v2_runner_item_on_skipped = _item

    def v2_playbook_on_stats(self, stats):
        self._close()
        path = os.environ.get("BENCH_TASK_LOG")
        if path:
            with open(path, "w", encoding="utf-8") as stream:
                json.dump(self.tasks, stream)
