# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Exporting a VM to OVF in the user's VSKEY-STOR space (internal): what the vm_export module does.

Data flows one way: options -> the VM (by id, or by name as the vm module matches names) -> an export
already there (listed, or finished but not yet synced) or still running -> power-off -> export ->
sync -> the image to deploy from. Each write is sent once and waited for before the next.
"""

from urllib.parse import quote

from ansible_collections.utoronto.vss.plugins.module_utils.change_requests import (
    SUCCESS,
    classify_status,
    is_unfinished,
    poll_path,
    request_summary,
    submit_once,
)
from ansible_collections.utoronto.vss.plugins.module_utils.errors import (
    VssHTTPError,
    VssOptionError,
    VssRequestError,
)
from ansible_collections.utoronto.vss.plugins.module_utils.image_sync import PERSONAL_IMAGES, ChangeRun
from ansible_collections.utoronto.vss.plugins.module_utils.vm import (
    candidates_text,
    in_folder,
    name_filter,
    names_match,
    resolve_folder,
)

POWERED_OFF = "poweredOff"
EXPORT_REQUESTS = "v2/request/export"
CHANGE_REQUESTS = "v2/request/change"


def path_names_file(path, relative):
    """True when an image ``path`` is the file ``relative`` to the user's space.

    ``<uuid>/<name>.ovf`` is listed as itself, or behind the space's prefix
    (``[vssUser-xfers] jdoe/<uuid>/<name>.ovf``).
    """
    if not isinstance(path, str) or not relative:
        return False
    return path == relative or path.endswith(("/" + relative, " " + relative))


def export_images(images, vm_uuid, files=()):
    """The listed OVFs of an export of the VM ``vm_uuid``: those of ``files`` if given, else any in its folder."""
    descriptors = [file for file in files if str(file).lower().endswith(".ovf")]
    if descriptors:
        return [image for image in images if any(path_names_file(image.get("path"), f) for f in descriptors)]
    return [
        image
        for image in images
        if str(image.get("path", "")).lower().endswith(".ovf") and f"{vm_uuid}/" in str(image.get("path", ""))
    ]


def image_summary(image):
    return None if image is None else dict(image)


class ExportRun(ChangeRun):
    """One run of the vm_export module."""

    def __init__(self, client, params, *args, **kwargs):
        super().__init__(client, params, *args, **kwargs)
        for option in ("name", "id", "folder"):
            value = params.get(option)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise VssOptionError(option, "must be a non-empty string")
        if params.get("folder") and not params.get("name"):
            raise VssOptionError("folder", "narrows a look-up by name; it goes with 'name', not 'id'")
        self.synced = None

    # Finding things

    def the_vm(self):
        wanted_id = self.params.get("id")
        if wanted_id:
            try:
                return self.client.get(f"v2/vm/{quote(wanted_id.strip(), safe='')}")["data"]
            except VssHTTPError as error:
                if error.status != 404:
                    raise
                raise VssOptionError("id", f"no VM has the moref or uuid {wanted_id!r}") from None

        name = self.params["name"].strip()
        records = self.client.list("v2/vm", {"filter": name_filter("name", name)}, key="moref")
        found = [vm for vm in records if names_match(vm.get("name"), name)]
        if self.params.get("folder"):
            folder = resolve_folder(self.client, self.params["folder"])
            found = [vm for vm in found if in_folder(vm, folder)]
        if len(found) == 1:
            return found[0]
        if found:
            labels = sorted(
                f"{vm.get('name')} ({vm.get('moref')}, {(vm.get('folder') or {}).get('path')})"
                for vm in found
            )
            raise VssOptionError(
                "name",
                f"{len(found)} VMs are called {name!r}: {candidates_text(labels)}",
                "give 'folder', or the VM's moref or uuid as 'id'",
            )
        where = f" in {self.params['folder']!r}" if self.params.get("folder") else ""
        raise VssOptionError("name", f"no VM is called {name!r}{where}")

    def listed_exports(self, vm_uuid, files=()):
        return export_images(self.client.list(PERSONAL_IMAGES, key="path"), vm_uuid, files)

    def export_requests(self, vm):
        """The VM's export requests, newest first."""
        try:
            records = self.client.list(EXPORT_REQUESTS, {"filter": f"vm_uuid,eq,{vm['uuid']}"}, key="id")
        except VssHTTPError as error:
            if error.status != 400:
                raise
            # A server that cannot filter on vm_uuid: every export request, matched here.
            records = self.client.list(EXPORT_REQUESTS, key="id")
        mine = [record for record in records if record.get("vm_uuid") == vm["uuid"]]
        return sorted(mine, key=lambda record: int(record.get("id") or 0), reverse=True)

    # The run

    def execute(self):
        vm = self.the_vm()
        if not vm.get("uuid"):
            raise VssRequestError(
                f"the service reports no uuid for {vm.get('name')}, so its export cannot be found"
            )
        result = dict(
            changed=False, vm=self.vm_result(vm), files=[], image=None, path=None, powered_off=False
        )

        requests = self.export_requests(vm)
        pending = next((record for record in requests if is_unfinished(record.get("status"))), None)
        if pending is not None:
            return self.join_pending(vm, pending, result)

        if not self.params["force"]:
            existing = self.existing_export(vm, requests)
            if existing is not None:
                if self.synced is not None:
                    result["sync"] = self.synced
                return dict(
                    result,
                    image=image_summary(existing),
                    path=existing.get("path"),
                    msg=f"{vm.get('name')} is already exported as {existing.get('path')} (force=true exports it again)",
                )

        return self.export(vm, result)

    def existing_export(self, vm, requests):
        """A listed OVF of an earlier export; an export finished but not listed yet is synced first."""
        listed = self.listed_exports(vm["uuid"])
        if listed:
            return sorted(listed, key=lambda image: str(image.get("updated_on") or ""))[-1]
        finished = next((r for r in requests if classify_status(r.get("status")) == SUCCESS), None)
        if finished is None or not self.params["sync"] or self.check_mode:
            return None
        self.synced = self.sync()
        listed = self.listed_exports(vm["uuid"], finished.get("files") or ())
        return listed[-1] if listed else None

    def join_pending(self, vm, pending, result):
        """An export of this VM still running (an earlier run's): wait for it rather than export again."""
        if self.check_mode:
            return dict(
                result,
                msg=f"export request {pending.get('id')} for {vm.get('name')} is {pending.get('status')}",
                request=request_summary(pending),
            )
        path = poll_path(
            self.client, (pending.get("_links") or {}).get("self"), EXPORT_REQUESTS, pending.get("id")
        )
        done = self.wait(path, f"the export of {vm.get('name')}")
        return self.finish(vm, done, dict(result, changed=False), "submitted earlier, has finished")

    def export(self, vm, result):
        state = vm.get("power_state")
        must_power_off = state != POWERED_OFF
        if must_power_off and not self.params["power_off"]:
            raise VssOptionError(
                "power_off",
                f"{vm.get('name')} is {state}, and the service exports only powered-off VMs",
                "set power_off=true to power it off first, or power it off yourself",
            )
        result = dict(result, changed=True, powered_off=must_power_off)
        if self.diff:
            result["diff"] = dict(
                before=dict(power_state=state, exported=False),
                after=dict(power_state=POWERED_OFF, exported=True),
            )
        if self.check_mode:
            first = "power off and " if must_power_off else ""
            return dict(result, msg=f"would {first}export {vm.get('name')} to OVF")

        key = vm.get("moref") or vm["uuid"]
        if must_power_off:
            self.power_off(vm, key)
        record, link = submit_once(
            self.client, "POST", f"v2/vm/{key}/export", what=f"the export of {vm.get('name')}"
        )
        if record.get("id") is None:
            raise VssRequestError(
                f"the export of {vm.get('name')} was accepted, but the reply names no request"
            )
        result["request"] = request_summary(record)
        done = self.wait(
            poll_path(self.client, link, EXPORT_REQUESTS, record["id"]), f"the export of {vm.get('name')}"
        )
        return self.finish(vm, done, result, "done")

    def power_off(self, vm, key):
        record, link = submit_once(
            self.client,
            "PUT",
            f"v2/vm/{key}/state",
            {"value": POWERED_OFF},
            what=f"powering off {vm.get('name')}",
        )
        if record.get("id") is not None:
            self.wait(
                poll_path(self.client, link, CHANGE_REQUESTS, record["id"]), f"powering off {vm.get('name')}"
            )

    def finish(self, vm, done, result, how):
        files = [str(file) for file in done.get("files") or []]
        result = dict(result, files=files, request=request_summary(done))
        if self.params["sync"]:
            result["sync"] = self.sync()
        listed = self.listed_exports(vm["uuid"], files)
        if listed:
            image = listed[-1]
            return dict(
                result,
                image=image_summary(image),
                path=image.get("path"),
                msg=f"export of {vm.get('name')} {how}: deploy from {image.get('path')}",
            )
        if self.params["sync"]:
            self.warn(f"the export of {vm.get('name')} finished, but its OVF is not listed after the sync")
        return dict(
            result,
            msg=f"export of {vm.get('name')} {how}; its OVF is listed after a sync (utoronto.vss.image_sync)",
        )

    def vm_result(self, vm):
        return dict(
            name=vm.get("name"),
            moref=vm.get("moref"),
            uuid=vm.get("uuid"),
            power_state=vm.get("power_state"),
        )
