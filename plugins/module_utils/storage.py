# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Uploading OVA/OVF images to the user's VSKEY-STOR space (internal): what image_upload does.

Data flows one way: options -> local files (an OVA, or an OVF and the files its References name) ->
storage settings (options, else the service's ``/v2/status/stor``) -> each object compared by size
and SHA-256 (kept in the object's metadata) -> the changed ones sent, the descriptor last -> sync ->
the image record to deploy from. Transfers use boto3's managed transfer: parts of ``part_size``
read from the file as they are sent, a failed multipart upload aborted, so no partial object stays.
"""

import hashlib
import os
import re
import tarfile
import traceback
from xml.etree import ElementTree

from ansible_collections.utoronto.vss.plugins.module_utils.errors import (
    VssHTTPError,
    VssOptionError,
    VssStorageError,
)
from ansible_collections.utoronto.vss.plugins.module_utils.image_sync import PERSONAL_IMAGES, ChangeRun
from ansible_collections.utoronto.vss.plugins.module_utils.vm_export import path_names_file

try:
    import boto3
    from boto3.s3.transfer import TransferConfig
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    HAS_BOTO3 = False
    BOTO3_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_BOTO3 = True
    BOTO3_IMPORT_ERROR = None

STORAGE_ENV = {
    "s3_endpoint": ["VSS_S3_API"],
    "s3_access_key": ["VSS_S3_ACCESS_KEY"],
    "s3_secret_key": ["VSS_S3_SECRET_KEY"],
}
STORAGE_STATUS = "v2/status/stor"
DEFAULT_BUCKET = "ut-vss"
DEFAULT_DEST = "images"
DEFAULT_PART_SIZE_MB = 16
MIN_PART_SIZE_MB = 5
MAX_PART_SIZE_MB = 5120
CONCURRENCY = 4
REGION = "us-east-1"
HASH_KEY = "sha256"
READ_CHUNK = 1024 * 1024
MAX_DESCRIPTOR_BYTES = 16 * 1024 * 1024
MIB = 1024 * 1024
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def storage_argument_spec():
    """The options of image_upload that say where and how to store (environment fallbacks included)."""
    from ansible.module_utils.basic import env_fallback

    return dict(
        s3_endpoint=dict(type="str", fallback=(env_fallback, STORAGE_ENV["s3_endpoint"])),
        s3_access_key=dict(type="str", no_log=False, fallback=(env_fallback, STORAGE_ENV["s3_access_key"])),
        s3_secret_key=dict(type="str", no_log=True, fallback=(env_fallback, STORAGE_ENV["s3_secret_key"])),
        bucket=dict(type="str"),
    )


# Local files


def local_files(src):
    """``[(local path, name)]`` to upload for ``src``: the OVA, or the OVF's referenced files then the OVF."""
    if not isinstance(src, str) or not src.strip():
        raise VssOptionError("src", "must be the path of a local .ova or .ovf file")
    if not os.path.isfile(src):
        raise VssOptionError("src", f"{src!r} is not a file")
    name = os.path.basename(src)
    suffix = os.path.splitext(name)[1].lower()
    if suffix == ".ova":
        check_ova(src)
        return [(src, name)]
    if suffix == ".ovf":
        return [*referenced_files(src), (src, name)]
    raise VssOptionError("src", f"{name!r} is neither an .ova nor an .ovf file")


def check_ova(path):
    """An OVA is a tar archive whose first member is the .ovf descriptor; only its first header is read."""
    try:
        with tarfile.open(path, "r:") as archive:
            first = archive.next()
    except (tarfile.TarError, OSError) as error:
        raise VssOptionError(
            "src", f"{os.path.basename(path)!r} is not an OVA (a tar archive): {error}"
        ) from None
    if first is None or not first.name.lower().endswith(".ovf"):
        found = "nothing" if first is None else repr(first.name)
        raise VssOptionError(
            "src",
            f"{os.path.basename(path)!r} is not an OVA: its first member must be the .ovf descriptor, found {found}",
        )


def referenced_files(descriptor):
    """The files an OVF's ``References`` name, as ``[(local path, relative name)]``, each once."""
    if os.path.getsize(descriptor) > MAX_DESCRIPTOR_BYTES:
        raise VssOptionError(
            "src", f"{os.path.basename(descriptor)!r} is larger than an OVF descriptor can be"
        )
    try:
        root = ElementTree.parse(descriptor).getroot()
    except (ElementTree.ParseError, OSError) as error:
        raise VssOptionError(
            "src", f"{os.path.basename(descriptor)!r} is not a readable OVF descriptor: {error}"
        ) from None
    folder = os.path.dirname(os.path.abspath(descriptor))
    found, seen = [], set()
    for element in root.iter():
        if _local(element.tag) != "File":
            continue
        href = next((value for key, value in element.attrib.items() if _local(key) == "href"), None)
        if not href:
            raise VssOptionError("src", f"{os.path.basename(descriptor)!r} has a File without href")
        relative = _safe_relative(href, descriptor)
        if relative in seen:
            continue
        seen.add(relative)
        local = os.path.join(folder, *relative.split("/"))
        if not os.path.isfile(local):
            raise VssOptionError(
                "src",
                f"{os.path.basename(descriptor)!r} references {href!r}, which is not a file beside it ({local})",
            )
        found.append((local, relative))
    stem = os.path.splitext(os.path.basename(descriptor))[0]
    for extra in (f"{stem}.mf", f"{stem}.cert"):
        if extra not in seen and os.path.isfile(os.path.join(folder, extra)):
            found.append((os.path.join(folder, extra), extra))
    return found


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _safe_relative(href, descriptor):
    parts = href.replace("\\", "/").split("/")
    if SCHEME.match(href) or href.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise VssOptionError(
            "src",
            f"{os.path.basename(descriptor)!r} references {href!r}: only plain relative file names can be uploaded",
        )
    return "/".join(parts)


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(READ_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_dest(dest):
    """The folder in the user's space, without leading or trailing slashes."""
    if not isinstance(dest, str):
        raise VssOptionError("dest", "must be a folder such as images")
    parts = dest.strip().strip("/").split("/")
    if not dest.strip().strip("/") or any(part in ("", ".", "..") for part in parts):
        raise VssOptionError(
            "dest", f"must be a relative folder such as images or images/linux, got {dest!r}"
        )
    return "/".join(parts)


def check_part_size(value):
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not MIN_PART_SIZE_MB <= value <= MAX_PART_SIZE_MB
    ):
        raise VssOptionError(
            "part_size",
            f"must be a whole number of MiB from {MIN_PART_SIZE_MB} to {MAX_PART_SIZE_MB}, got {value!r}",
        )
    return value * MIB


# Where the storage is


def storage_settings(client, params):
    """``{endpoint, access_key, secret_key, bucket, prefix}``: options first, the service's status for the rest."""
    settings = dict(
        endpoint=params.get("s3_endpoint"),
        access_key=params.get("s3_access_key"),
        secret_key=params.get("s3_secret_key"),
        bucket=params.get("bucket"),
        prefix=None,
    )
    for option, key in (
        ("s3_endpoint", "endpoint"),
        ("s3_access_key", "access_key"),
        ("s3_secret_key", "secret_key"),
    ):
        if settings[key] is not None and not str(settings[key]).strip():
            raise VssOptionError(option, "must not be empty")
    given = all(settings[key] for key in ("endpoint", "access_key", "secret_key"))
    if given:
        user = client.get("v2/user")["data"]
        username = user.get("username") if isinstance(user, dict) else None
        if not username:
            raise VssStorageError(
                "GET /v2/user names no username, so the user's space in VSKEY-STOR is unknown"
            )
        settings["prefix"] = f"{username}/"
    else:
        served = served_storage(client)
        for key in ("endpoint", "access_key", "secret_key", "bucket"):
            settings[key] = settings[key] or served.get(key)
        settings["prefix"] = served.get("prefix") or ""
    settings["bucket"] = settings["bucket"] or DEFAULT_BUCKET
    if not str(settings["endpoint"]).startswith(("https://", "http://")):
        raise VssOptionError("s3_endpoint", "must be a URL such as https://vskey-stor.example.org")
    return settings


def served_storage(client):
    """What the service's ``/v2/status/stor`` says about the user's storage."""
    missing = ", ".join(f"{option} ({names[0]})" for option, names in STORAGE_ENV.items())
    try:
        data = client.get(STORAGE_STATUS)["data"]
    except VssHTTPError as error:
        if error.status not in (404, 405):
            raise
        raise VssOptionError(
            "s3_endpoint",
            f"the storage settings are not all set ({missing}) and the service hands out none at "
            f"{client.url(STORAGE_STATUS)} (HTTP {error.status})",
        ) from None
    s3 = data.get("s3") if isinstance(data, dict) else None
    if not isinstance(s3, dict) or not all(s3.get(key) for key in ("endpoint", "access_key", "secret_key")):
        raise VssOptionError(
            "s3_endpoint",
            f"the storage settings are not all set ({missing}) and {client.url(STORAGE_STATUS)} lacks them",
        )
    return s3


class Storage:
    """The user's space in the bucket, through boto3 (path-style addressing, the API client's TLS settings)."""

    def __init__(self, settings, verify=True, timeout=30, retries=4, warn=None):
        if not HAS_BOTO3:
            raise VssOptionError(
                "s3_endpoint", "the Python library boto3 is required on the host running this"
            )
        self.endpoint = settings["endpoint"]
        self.bucket = settings["bucket"]
        self.prefix = settings["prefix"]
        self.warn = warn or (lambda message: None)
        options = dict(
            s3={"addressing_style": "path"},
            signature_version="s3v4",
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"max_attempts": retries + 1, "mode": "standard"},
        )
        try:
            config = Config(
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                **options,
            )
        except TypeError:  # botocore before 1.36 sends no extra checksums anyway
            config = Config(**options)
        try:
            self.client = boto3.client(
                "s3",
                endpoint_url=self.endpoint,
                aws_access_key_id=settings["access_key"],
                aws_secret_access_key=settings["secret_key"],
                region_name=REGION,
                verify=verify,
                config=config,
            )
        except ValueError as error:  # botocore's check of the endpoint URL
            raise VssOptionError(
                "s3_endpoint", f"{self.endpoint!r} is not a usable endpoint URL: {error}"
            ) from None

    def key(self, dest, name):
        return f"{self.prefix}{dest}/{name}"

    def where(self, key):
        return f"s3://{self.bucket}/{key} at {self.endpoint}"

    def failure(self, action, key, error):
        if isinstance(error, ClientError):
            info = error.response.get("Error", {})
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            reason = f"HTTP {status} {info.get('Code', '')}: {info.get('Message', '')}".strip(": ")
        else:
            reason = str(error) or type(error).__name__
        return VssStorageError(
            f"{action} {self.where(key)} failed: {reason}", "check s3_endpoint, the keys and bucket"
        )

    def stored(self, key):
        """``{size, sha256}`` of the object at ``key``, or None when there is none."""
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                return None
            raise self.failure("HEAD", key, error) from None
        except BotoCoreError as error:
            raise self.failure("HEAD", key, error) from None
        return dict(size=head.get("ContentLength"), sha256=(head.get("Metadata") or {}).get(HASH_KEY))

    def abort_unfinished(self, key):
        """Abort multipart uploads of ``key`` left by an interrupted run; how many there were."""
        try:
            listing = self.client.list_multipart_uploads(Bucket=self.bucket, Prefix=key)
            uploads = [upload for upload in listing.get("Uploads", []) if upload.get("Key") == key]
            for upload in uploads:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload["UploadId"])
        except (ClientError, BotoCoreError) as error:
            self.warn(
                f"could not look for unfinished uploads of {self.where(key)}: {self.failure('list', key, error)}"
            )
            return 0
        return len(uploads)

    def upload(self, path, key, digest, part_size):
        """Send ``path`` to ``key`` in parts of ``part_size`` bytes; on failure, no partial object stays."""
        transfer = TransferConfig(
            multipart_threshold=part_size,
            multipart_chunksize=part_size,
            max_concurrency=CONCURRENCY,
            use_threads=True,
        )
        try:
            self.client.upload_file(
                path, self.bucket, key, ExtraArgs={"Metadata": {HASH_KEY: digest}}, Config=transfer
            )
        except (
            Exception
        ) as error:  # boto3's transfer re-raises what a part met (S3UploadFailedError, OSError...)
            self.abort_unfinished(key)
            raise self.failure("upload to", key, error) from None


# The run


class UploadRun(ChangeRun):
    """One run of the image_upload module."""

    def __init__(self, client, params, *args, **kwargs):
        super().__init__(client, params, *args, **kwargs)
        self.files = local_files(params["src"])
        self.dest = check_dest(params["dest"])
        self.part_size = check_part_size(params["part_size"])

    def storage(self):
        settings = storage_settings(self.client, self.params)
        return Storage(
            settings, self.client.verify, self.client.timeout, self.params.get("retries", 4), self.warn
        )

    def execute(self):
        storage = self.storage()
        plan = []
        for local, name in self.files:
            key = storage.key(self.dest, name)
            size, digest, stored = os.path.getsize(local), sha256_of(local), storage.stored(key)
            same = stored is not None and stored["size"] == size and stored["sha256"] == digest
            plan.append(dict(src=local, key=key, size=size, sha256=digest, uploaded=not same, before=stored))

        descriptor = plan[-1]["key"]
        result = dict(
            changed=any(entry["uploaded"] for entry in plan),
            bucket=storage.bucket,
            key=descriptor,
            files=[{k: v for k, v in entry.items() if k != "before"} for entry in plan],
            image=None,
            path=None,
        )
        if self.diff:
            result["diff"] = dict(
                before={e["key"]: e["before"] for e in plan if e["before"] is not None},
                after={e["key"]: dict(size=e["size"], sha256=e["sha256"]) for e in plan},
            )
        sending = [entry for entry in plan if entry["uploaded"]]
        if self.check_mode:
            image = self.listed(descriptor) if not sending else None
            return self.finish(
                result,
                image,
                f"would upload {len(sending)} of {len(plan)} files to {storage.where(descriptor)}",
            )

        for entry in sending:
            if storage.abort_unfinished(entry["key"]):
                self.warn(
                    f"aborted an unfinished upload of {storage.where(entry['key'])} left by an earlier run"
                )
            storage.upload(entry["src"], entry["key"], entry["sha256"], self.part_size)

        image = None if sending else self.listed(descriptor)
        if image is None and self.params["sync"]:
            synced = self.sync()
            result["sync"] = synced
            result["changed"] = result["changed"] or bool(synced["added"] or synced["deleted"])
            image = self.listed(descriptor)
            if image is None:
                self.warn(f"{descriptor} was uploaded, but is not listed in /v2/user/image/vm after the sync")
        what = f"uploaded {len(sending)} of {len(plan)} files" if sending else "the files were already there"
        return self.finish(result, image, f"{what} ({storage.where(descriptor)})")

    def listed(self, key):
        images = [
            image
            for image in self.client.list(PERSONAL_IMAGES, key="path")
            if path_names_file(image.get("path"), key)
        ]
        return images[-1] if images else None

    @staticmethod
    def finish(result, image, msg):
        return dict(
            result,
            image=None if image is None else dict(image),
            path=None if image is None else image.get("path"),
            msg=msg,
        )
