# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# shellcheck shell=bash
#
# Start and query the VSS API emulator from an integration target's runme.sh.
# The target's aliases need `needs/target/setup_vss_emulator`; then in runme.sh:
#
#   source ../setup_vss_emulator/emulator.sh
#   start_emulator --images 250 --page-cap 7    # any vss-emulator options
#   ansible-playbook -i "${INVENTORY_PATH}" play.yml "$@"
#   emulator_stats reset=1                      # JSON counters of the requests it served
#
# start_emulator runs `vss-emulator --port 0 ARGS...` in the background, waits for its URL line and
# exports VSS_API_URL and VSS_EMULATOR_URL (that URL) and VSS_API_TOKEN (the first --token given,
# else demo-token). Calling it again replaces the running emulator. An EXIT trap stops it; a runme.sh
# that sets its own EXIT trap must call stop_emulators from it.
#
# start_s3_server runs an S3 server on loopback (python -m vss_emulator.s3_server, moto) and exports
# VSS_S3_SERVER_URL, for `start_emulator --s3-endpoint "${VSS_S3_SERVER_URL}"`; the same trap stops it.

VSS_EMULATOR_PID=""
VSS_EMULATOR_WORKDIR=""
VSS_S3_SERVER_PID=""
VSS_S3_SERVER_WORKDIR=""
VSS_EMULATOR_START_TIMEOUT="${VSS_EMULATOR_START_TIMEOUT:-30}"

_vss_emulator_command() {
    if command -v vss-emulator >/dev/null 2>&1; then
        echo vss-emulator
    elif [[ -n "${ANSIBLE_TEST_PYTHON_INTERPRETER:-}" ]]; then
        echo "${ANSIBLE_TEST_PYTHON_INTERPRETER} -m vss_emulator"
    else
        echo "python3 -m vss_emulator"
    fi
}

stop_emulator() {
    if [[ -n "${VSS_EMULATOR_PID}" ]]; then
        kill "${VSS_EMULATOR_PID}" 2>/dev/null || true
        wait "${VSS_EMULATOR_PID}" 2>/dev/null || true
        VSS_EMULATOR_PID=""
    fi
    if [[ -n "${VSS_EMULATOR_WORKDIR}" ]]; then
        rm -rf "${VSS_EMULATOR_WORKDIR}"
        VSS_EMULATOR_WORKDIR=""
    fi
}

stop_s3_server() {
    if [[ -n "${VSS_S3_SERVER_PID}" ]]; then
        kill "${VSS_S3_SERVER_PID}" 2>/dev/null || true
        wait "${VSS_S3_SERVER_PID}" 2>/dev/null || true
        VSS_S3_SERVER_PID=""
    fi
    if [[ -n "${VSS_S3_SERVER_WORKDIR}" ]]; then
        rm -rf "${VSS_S3_SERVER_WORKDIR}"
        VSS_S3_SERVER_WORKDIR=""
    fi
}

stop_emulators() {
    stop_emulator
    stop_s3_server
}

start_s3_server() {
    local python deadline url=""

    stop_s3_server
    VSS_S3_SERVER_WORKDIR="$(mktemp -d)"
    : >"${VSS_S3_SERVER_WORKDIR}/stdout"
    python="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
    "${python}" -m vss_emulator.s3_server --port 0 >"${VSS_S3_SERVER_WORKDIR}/stdout" 2>"${VSS_S3_SERVER_WORKDIR}/stderr" &
    VSS_S3_SERVER_PID=$!
    trap stop_emulators EXIT

    deadline=$((SECONDS + VSS_EMULATOR_START_TIMEOUT))
    while [[ -z "${url}" ]]; do
        url="$(sed -nE 's/^s3 server listening on (http:\/\/[^[:space:]]+).*$/\1/p' "${VSS_S3_SERVER_WORKDIR}/stdout" | head -n 1)"
        if [[ -n "${url}" ]]; then
            break
        fi
        if ! kill -0 "${VSS_S3_SERVER_PID}" 2>/dev/null || ((SECONDS >= deadline)); then
            echo "the S3 server did not start; its stderr:" >&2
            cat "${VSS_S3_SERVER_WORKDIR}/stderr" >&2
            stop_s3_server
            return 1
        fi
        sleep 0.1
    done
    export VSS_S3_SERVER_URL="${url}"
    echo "S3 server (pid ${VSS_S3_SERVER_PID}) listening on ${url}"
}

start_emulator() {
    local command deadline url="" token="demo-token" argument previous=""

    stop_emulator

    for argument in "$@"; do
        if [[ "${previous}" == "--token" ]]; then
            token="${argument}"
            break
        fi
        previous="${argument}"
    done

    VSS_EMULATOR_WORKDIR="$(mktemp -d)"
    : >"${VSS_EMULATOR_WORKDIR}/stdout" # exists before the loop below reads it, however late the job starts
    command="$(_vss_emulator_command)"
    # word splitting of the command is intended: it may be "python -m vss_emulator"
    # shellcheck disable=SC2086
    ${command} --port 0 "$@" >"${VSS_EMULATOR_WORKDIR}/stdout" 2>"${VSS_EMULATOR_WORKDIR}/stderr" &
    VSS_EMULATOR_PID=$!
    trap stop_emulators EXIT

    deadline=$((SECONDS + VSS_EMULATOR_START_TIMEOUT))
    while [[ -z "${url}" ]]; do
        url="$(sed -nE 's/^vss-emulator listening on (https?:\/\/[^[:space:]]+).*$/\1/p' "${VSS_EMULATOR_WORKDIR}/stdout" | head -n 1)"
        if [[ -n "${url}" ]]; then
            break
        fi
        if ! kill -0 "${VSS_EMULATOR_PID}" 2>/dev/null; then
            echo "vss-emulator exited before listening; its stderr:" >&2
            cat "${VSS_EMULATOR_WORKDIR}/stderr" >&2
            VSS_EMULATOR_PID=""
            return 1
        fi
        if ((SECONDS >= deadline)); then
            echo "vss-emulator printed no URL within ${VSS_EMULATOR_START_TIMEOUT}s; its stderr:" >&2
            cat "${VSS_EMULATOR_WORKDIR}/stderr" >&2
            stop_emulator
            return 1
        fi
        sleep 0.1
    done

    export VSS_EMULATOR_URL="${url}"
    export VSS_API_URL="${url}"
    export VSS_API_TOKEN="${token}"
    echo "vss-emulator (pid ${VSS_EMULATOR_PID}) listening on ${url}"
}

# Print the emulator's request counters as JSON: emulator_stats [reset=1]
emulator_stats() {
    local query="${1:-}"

    [[ -n "${VSS_EMULATOR_URL:-}" ]] || {
        echo "emulator_stats: no emulator started" >&2
        return 1
    }
    "${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" - "${VSS_EMULATOR_URL}/_emulator/stats${query:+?${query}}" <<'PYTHON'
import ssl
import sys
import urllib.request

context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE  # the emulator on loopback may use a throwaway certificate
with urllib.request.urlopen(sys.argv[1], context=context, timeout=10) as response:
    sys.stdout.write(response.read().decode() + "\n")
PYTHON
}

# Print one counter of the stats: emulator_request_count "GET /v2/image"
emulator_request_count() {
    emulator_stats "" | "${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" -c \
        'import json, sys; print(json.load(sys.stdin)["by_route"].get(sys.argv[1], 0))' "$1"
}
