# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The user's VSKEY-STOR space in an S3 server (`--s3-endpoint`): what a sync lists and an export writes.

The space is the key prefix `<user>/` in the bucket (`ut-vss` by default). A file at key `K` there is
listed as the personal image with path `[vssUser-xfers] K`. Needs boto3.
"""

from dataclasses import dataclass
from xml.sax.saxutils import escape

PATH_PREFIX = "[vssUser-xfers] "
IMAGE_SUFFIXES = (".ova", ".ovf")
REGION = "us-east-1"


@dataclass
class StorageSettings:
    endpoint: str
    bucket: str = "ut-vss"
    access_key: str = "vss-emulator"
    secret_key: str = "vss-emulator-secret"


class Storage:
    """The bucket, through boto3; made once at start-up, when the bucket is created if missing."""

    def __init__(self, settings, user):
        import boto3
        from botocore.config import Config

        self.settings = settings
        self.prefix = f"{user}/"
        self.client = boto3.client(
            "s3",
            endpoint_url=settings.endpoint,
            aws_access_key_id=settings.access_key,
            aws_secret_access_key=settings.secret_key,
            region_name=REGION,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
        )
        existing = {bucket["Name"] for bucket in self.client.list_buckets().get("Buckets", [])}
        if settings.bucket not in existing:
            self.client.create_bucket(Bucket=settings.bucket)

    def description(self):
        """What `/v2/status/stor` hands out."""
        return {
            "endpoint": self.settings.endpoint,
            "bucket": self.settings.bucket,
            "prefix": self.prefix,
            "region": REGION,
            "access_key": self.settings.access_key,
            "secret_key": self.settings.secret_key,
        }

    def image_keys(self):
        """Keys of the OVA and OVF files in the user's space, sorted."""
        keys = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.settings.bucket, Prefix=self.prefix):
            keys.extend(
                entry["Key"]
                for entry in page.get("Contents", [])
                if entry["Key"].lower().endswith(IMAGE_SUFFIXES)
            )
        return sorted(keys)

    def write_export(self, folder, name, disk_count):
        """Write `<folder>/<name>.ovf` and its disks; their paths relative to the user's space."""
        disks = [f"{name}-{position}.vmdk" for position in range(1, disk_count + 1)]
        descriptor = ovf_descriptor(name, disks).encode()
        for disk in disks:
            self.put(f"{folder}/{disk}", f"emulated disk {disk}\n".encode())
        self.put(f"{folder}/{name}.ovf", descriptor)
        return [f"{folder}/{name}.ovf", *(f"{folder}/{disk}" for disk in disks)]

    def put(self, relative_key, body):
        self.client.put_object(Bucket=self.settings.bucket, Key=self.prefix + relative_key, Body=body)


def ovf_descriptor(name, disks):
    """A small OVF 1.0 envelope naming `disks` in its References."""
    files = "".join(
        f'    <File ovf:href="{escape(disk)}" ovf:id="file{position}"/>\n'
        for position, disk in enumerate(disks, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" '
        'xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">\n'
        f"  <References>\n{files}  </References>\n"
        f'  <VirtualSystem ovf:id="{escape(name)}"><Info>{escape(name)}</Info></VirtualSystem>\n'
        "</Envelope>\n"
    )
