# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The VSS API routes, on FastAPI."""

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from vss_emulator import __version__
from vss_emulator.errors import ApiError, bad_parameter, error_body
from vss_emulator.gateway import Gateway, RequestStats, access_logger
from vss_emulator.listing import FILTER_OPERATORS, ListShape, Resource, list_reply
from vss_emulator.storage import Storage
from vss_emulator.store import REQUEST_KINDS, Store
from vss_emulator.validation import OPTIONAL_FIELDS, REQUIRED_FIELDS, validate_deploy

TOKEN_LIFETIME = 24 * 3600
IMAGE_FIELDS = {"id": "int", "name": "str", "path": "str", "created_on": "str", "updated_on": "str"}
REQUEST_FIELDS = {
    "id": "int",
    "status": "str",
    "task_id": "str",
    "user": "str",
    "created_on": "str",
    "updated_on": "str",
}
VM_REQUEST_FIELDS = {**REQUEST_FIELDS, "vm_name": "str", "vm_moref": "str", "vm_uuid": "str"}

IMAGES = Resource("image", IMAGE_FIELDS, "id", description="OVA/OVF images available to deploy from")
PERSONAL_IMAGES = Resource(
    "user/image/vm", IMAGE_FIELDS, "id", description="OVA/OVF files in the user's VSKEY-STOR space"
)
OPERATING_SYSTEMS = Resource(
    "os", {"id": "int", "guest_id": "str", "full_name": "str"}, "id", "full_name", "guest operating systems"
)
FOLDERS = Resource(
    "folder",
    {"moref": "str", "name": "str", "path": "str", "parent": "str"},
    "moref",
    description="VM folders the user may deploy to",
)
NETWORKS = Resource(
    "network", {"moref": "str", "name": "str", "description": "str"}, "moref", description="networks"
)
VIRTUAL_MACHINES = Resource(
    "vm",
    {
        "moref": "str",
        "uuid": "str",
        "name": "str",
        "power_state": "str",
        "source_image": "str",
        "os": "str",
        "cpu": "int",
        "memory": "int",
        "usage": "str",
        "client": "str",
        "description": "str",
        "firmware": "str",
        "storage_type": "str",
        "request_id": "int",
        "created_on": "str",
        "updated_on": "str",
        "folder.moref": "str",
        "folder.name": "str",
        "folder.path": "str",
    },
    "moref",
    description="the user's virtual machines",
)
REQUEST_RESOURCES = {
    "new": Resource(
        "request/new",
        {
            **VM_REQUEST_FIELDS,
            "built_from": "str",
            "source_image": "str",
            "os": "str",
            "folder": "str",
            "usage": "str",
            "client": "str",
            "description": "str",
            "cpu": "int",
            "memory": "int",
            "power_on": "bool",
        },
        "id",
        "vm_name",
        "requests to deploy a VM",
    ),
    "export": Resource(
        "request/export", VM_REQUEST_FIELDS, "id", "vm_name", "requests to export a VM to OVF"
    ),
    "change": Resource(
        "request/change",
        {**VM_REQUEST_FIELDS, "attribute": "str", "value": "str"},
        "id",
        "vm_name",
        "requests to change or remove a VM",
    ),
    "image_sync": Resource(
        "request/image_sync", REQUEST_FIELDS, "id", None, "syncs of the personal image space"
    ),
}


@dataclass
class Settings:
    """What the emulator serves; the command line fills it."""

    tokens: tuple = ("demo-token",)
    user: str = "demo"
    password: str = "demo-password"
    otp: str = None
    images: int = 0
    extra_images: list = field(default_factory=list)
    page_cap: int = 100
    request_delay: float = 2.0
    faults: list = field(default_factory=list)
    log_file: str = None
    path_prefix: str = ""
    storage: object = None  # a StorageSettings: keep the user's space in an S3 server


class Tokens:
    """The bearer tokens accepted: those given on the command line, and those handed out (for 24 h)."""

    def __init__(self, fixed):
        self.fixed = set(fixed)
        self.issued = {}
        self.secret = os.urandom(32)

    def issue(self, user):
        def encode(part):
            text = json.dumps(part, separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(text).rstrip(b"=").decode()

        issued_at = int(time.time())
        header = encode({"alg": "HS256", "typ": "JWT"})
        claims = encode(
            {"sub": user, "iat": issued_at, "exp": issued_at + TOKEN_LIFETIME, "jti": secrets.token_hex(8)}
        )
        signature = hmac.new(self.secret, f"{header}.{claims}".encode(), hashlib.sha256).digest()
        token = f"{header}.{claims}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"
        self.issued[token] = issued_at + TOKEN_LIFETIME
        return token

    def accepts(self, token):
        if any(hmac.compare_digest(token, known) for known in self.fixed):
            return True
        expiry = self.issued.get(token)
        return expiry is not None and expiry > time.time()


def same_text(given, expected):
    return hmac.compare_digest(given.encode(), expected.encode())


def basic_credentials(request):
    scheme, _space, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        user, separator, password = (
            base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
        )
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if separator else None


def unauthorized(detail):
    return ApiError(401, "Unauthorized", detail, headers={"WWW-Authenticate": "Bearer"})


def api_url(request):
    return f"{request.base_url}v2/"


def reply(request, data, meta=None, status=200, links=None):
    started = request.scope.get("vss.started", time.perf_counter())
    body = {
        "_links": {"api": api_url(request), "self": str(request.url), **(links or {})},
        "data": data,
        "meta": {
            "time": f"{time.perf_counter() - started:.5f}s",
            "user": request.app.state.store.user,
            **(meta or {}),
        },
    }
    return JSONResponse(body, status_code=status)


def request_reply(request, kind, record):
    """202 for an accepted request, with the URL to poll it at."""
    link = f"{api_url(request)}request/{kind}/{record['id']}"
    data = {
        "_links": {"request": link},
        "message": "Request has been accepted for processing",
        "name": "Accepted",
        "request": {"id": record["id"], "status": record["status"], "task_id": record["task_id"]},
        "status": 202,
    }
    return reply(request, data, status=202, links={"request": link})


def describe(resource, methods):
    """What OPTIONS answers: the methods and the query parameters of a list endpoint."""
    parameters = {
        "name": "case-insensitive substring of the name (the original page's filter)",
        "sort": "field[,asc|desc][;field[,asc|desc]...]; the page's form sort=name|path also works",
        "filter": f"field,op,value[;field,op,value...]; op one of {', '.join(FILTER_OPERATORS)}",
        "expand": "1 for objects; without it data lists item URLs (current dialect only)",
        "page": "page number, from 1",
        "per_page": "items per page (default 10, capped by the server)",
    }
    description = {
        "resource": f"/v2/{resource.path}",
        "description": resource.description,
        "methods": methods,
        "parameters": parameters,
        "fields": resource.fields,
    }
    if "POST" in methods:
        description["payload"] = {"required": list(REQUIRED_FIELDS), "optional": list(OPTIONAL_FIELDS)}
    return description


def create_app(settings, stats):
    """The FastAPI application for `settings`; `stats` counts the requests the gateway lets through."""
    app = FastAPI(
        title="VSS API emulator", version=__version__, docs_url=None, redoc_url=None, openapi_url=None
    )
    storage = Storage(settings.storage, settings.user) if settings.storage is not None else None
    store = Store(
        settings.user, settings.request_delay, settings.images, settings.extra_images, storage=storage
    )
    tokens = Tokens(settings.tokens)
    app.state.store = store

    @app.exception_handler(ApiError)
    async def api_error(_request, exc):
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request, exc):
        if exc.status_code == 404:
            message = f"NotFound: no resource at {request.url.path}"
        elif exc.status_code == 405:
            message = f"MethodNotAllowed: {request.method} is not allowed on {request.url.path}"
        else:
            message = f"Error: {exc.detail}"
        return JSONResponse(
            error_body(exc.status_code, message), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request, exc):
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
        return JSONResponse(error_body(400, f"InvalidParameterValue: {problems}"), status_code=400)

    def authorize(request):
        scheme, _space, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthorized("a bearer token is required (Authorization: Bearer <token>)")
        if not tokens.accepts(token.strip()):
            raise unauthorized("the token is not valid or has expired; request a new one")

    async def json_body(request):
        raw = await request.body()
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise ApiError(400, "InvalidPayload", "the body is not valid JSON") from None

    def list_route(resource, records_of, methods=("GET", "OPTIONS")):
        async def listing(request: Request):
            authorize(request)
            store.advance()
            shape = ListShape(**request.scope.get("vss.list_shape", {"page_cap": settings.page_cap}))
            base_url = str(request.url.replace(query=""))
            data, meta = list_reply(
                dict(request.query_params), resource, records_of(), shape, base_url, api_url(request)
            )
            return reply(request, data, {"count": len(data), **meta})

        async def options(request: Request):
            allowed = ", ".join(methods)
            response = reply(request, describe(resource, list(methods)))
            response.headers["Allow"] = allowed
            return response

        app.add_api_route(f"/v2/{resource.path}", listing, methods=["GET"])
        app.add_api_route(f"/v2/{resource.path}", options, methods=["OPTIONS"])

    def item_route(resource, find):
        async def item(request: Request, key: str):
            authorize(request)
            store.advance()
            return reply(request, find(key))

        app.add_api_route(f"/v2/{resource.path}/{{key}}", item, methods=["GET"])

    def by_key(records_of, key_name, resource_name):
        def find(key):
            for record in records_of():
                if str(record[key_name]) == key:
                    return record
            raise ApiError(404, "NotFound", f"no {resource_name} {key!r}")

        return find

    @app.post("/auth/request-token")
    async def request_token(request: Request):
        credentials = basic_credentials(request)
        if credentials is None:
            raise unauthorized("HTTP Basic username and password are required")
        user, password = credentials
        if not (same_text(user, settings.user) and same_text(password, settings.password)):
            raise unauthorized("invalid username or password")

        if settings.otp is not None:
            body = await json_body(request)
            otp = body.get("otp") if isinstance(body, dict) else None
            if not isinstance(otp, str) or not same_text(otp, settings.otp):
                raise ApiError(401, "InvalidParameterValue", "otp is missing or wrong for this user")

        return reply(request, {"token": tokens.issue(user)})

    @app.get("/v2/user")
    async def user(request: Request):
        authorize(request)
        return reply(request, {"username": store.user, "email": f"{store.user}@utoronto.ca"})

    @app.get("/v2/ping")
    async def ping(request: Request):
        return reply(request, {"message": "pong"})

    @app.get("/v2/status")
    async def status(request: Request):
        return reply(
            request, {"status": "operational", "name": "VSS API emulator", "api_version": __version__}
        )

    @app.get("/v2/status/stor")
    async def storage_status(request: Request):
        authorize(request)
        if storage is None:
            raise ApiError(404, "NotFound", "no VSKEY-STOR storage is configured for this account")
        return reply(request, {"service": "vskey-stor", "status": "operational", "s3": storage.description()})

    list_route(IMAGES, lambda: store.images)
    item_route(IMAGES, by_key(lambda: store.images, "id", "image"))
    list_route(PERSONAL_IMAGES, lambda: store.personal_images, ("GET", "PATCH", "OPTIONS"))

    @app.patch("/v2/user/image/vm")
    async def sync_personal_images(request: Request):
        authorize(request)
        return request_reply(request, "image_sync", store.sync_images())

    item_route(PERSONAL_IMAGES, by_key(lambda: store.personal_images, "id", "personal image"))
    for resource, records_of in (
        (OPERATING_SYSTEMS, lambda: store.operating_systems),
        (FOLDERS, lambda: store.folders),
        (NETWORKS, lambda: store.networks),
    ):
        list_route(resource, records_of)
        item_route(resource, by_key(records_of, resource.item_key, resource.path))

    list_route(VIRTUAL_MACHINES, lambda: list(store.vms.values()), ("GET", "POST", "OPTIONS"))

    @app.post("/v2/vm")
    async def deploy(request: Request):
        authorize(request)
        payload = await json_body(request)
        store.advance()
        spec = validate_deploy(payload, store)
        return request_reply(request, "new", store.deploy(spec))

    item_route(VIRTUAL_MACHINES, store.vm)

    @app.delete("/v2/vm/{key}")
    async def delete_vm(request: Request, key: str):
        authorize(request)
        store.advance()
        return request_reply(request, "change", store.delete_vm(key))

    @app.get("/v2/vm/{key}/state")
    async def power_state(request: Request, key: str):
        authorize(request)
        store.advance()
        return reply(request, {"value": store.vm(key)["power_state"]})

    @app.put("/v2/vm/{key}/state")
    async def set_power_state(request: Request, key: str):
        authorize(request)
        payload = await json_body(request)
        if not isinstance(payload, dict) or not isinstance(payload.get("value"), str):
            raise bad_parameter('the body must be {"value": "poweredOn" | "poweredOff" | ...}')
        store.advance()
        return request_reply(request, "change", store.set_power(key, payload["value"]))

    @app.post("/v2/vm/{key}/export")
    async def export_vm(request: Request, key: str):
        authorize(request)
        store.advance()
        return request_reply(request, "export", store.export_vm(key))

    for kind in REQUEST_KINDS:
        resource = REQUEST_RESOURCES[kind]
        list_route(resource, lambda kind=kind: list(store.requests[kind].values()))
        item_route(resource, lambda key, kind=kind: store.request(kind, parse_request_id(key)))

    @app.get("/_emulator/stats")
    async def emulator_stats(reset: str = "0"):
        return stats.snapshot(reset=reset.lower() in ("1", "true", "yes", "on"))

    return app


def parse_request_id(key):
    try:
        return int(key)
    except ValueError:
        raise bad_parameter(f"a request id is an integer, got {key!r}") from None


def build_server_app(settings):
    """The whole ASGI application: the gateway (faults, counting, access log) in front of the routes."""
    stats = RequestStats()
    app = create_app(settings, stats)
    log = access_logger(settings.log_file) if settings.log_file else None
    return Gateway(app, settings.faults, stats, settings.page_cap, log, settings.path_prefix)
