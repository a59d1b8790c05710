# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""The one error type of the emulator, and the JSON body every error reply carries."""

from http import HTTPStatus


def error_body(status, message):
    """`{"error", "message", "status"}`: `error` is the snake-case reason phrase of `status`."""
    reason = HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    return {"error": reason, "message": message, "status": status}


class ApiError(Exception):
    """An error reply: `status` and a message that reads `Category: detail`."""

    def __init__(self, status, category, detail, headers=None):
        super().__init__(f"{category}: {detail}")
        self.status = status
        self.message = f"{category}: {detail}"
        self.headers = headers or {}

    def body(self):
        return error_body(self.status, self.message)


def bad_parameter(detail):
    return ApiError(400, "InvalidParameterValue", detail)


def not_found(detail):
    return ApiError(404, "NotFound", detail)
