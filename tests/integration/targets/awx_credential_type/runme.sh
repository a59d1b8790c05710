#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
# The AWX credential type of extensions/awx/credential_type.yml as a job template would use it: its
# injectors are rendered from a credential's inputs as AWX renders them (awx_inject.py), and the
# playbook runs with only those variables for the collection: a token, then a user name, password
# and one-time code, then credentials the service refuses or that hold no secret.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_vss_emulator/emulator.sh
source ../setup_vss_emulator/emulator.sh

python="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
OUTPUT_DIR="${OUTPUT_DIR:-$(mktemp -d)}"
export OUTPUT_DIR

credential_type=""
IFS=: read -r -a collection_roots <<<"${ANSIBLE_COLLECTIONS_PATH:-}"
for root in "${collection_roots[@]}"; do
    if [[ -f "${root}/ansible_collections/utoronto/vss/extensions/awx/credential_type.yml" ]]; then
        credential_type="${root}/ansible_collections/utoronto/vss/extensions/awx/credential_type.yml"
        break
    fi
done
[[ -n "${credential_type}" ]] || {
    echo "extensions/awx/credential_type.yml not found under ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-}" >&2
    exit 1
}

# job INPUTS_JSON PLAYBOOK [ansible-playbook options...]
job() {
    local inputs="$1" playbook="$2"
    shift 2
    "${python}" awx_inject.py "${credential_type}" "${inputs}" -- \
        ansible-playbook -i "${INVENTORY_PATH}" "${playbook}" "$@"
}

token="awx-token-$$-${RANDOM}${RANDOM}"
start_emulator --token "${token}"
url="${VSS_EMULATOR_URL}"

echo "== a credential with a token"
job "{\"api_url\": \"${url}\", \"token\": \"${token}\"}" list_images.yml "$@"

echo "== a credential with a user name, password and one-time code"
start_emulator --token "${token}" --user awx-user --password "awx-password-$$" --otp 424242
url="${VSS_EMULATOR_URL}"
job "{\"api_url\": \"${url}\", \"username\": \"awx-user\", \"password\": \"awx-password-$$\", \"otp\": \"424242\"}" \
    list_images.yml "$@"

echo "== a wrong one-time code is refused"
job "{\"api_url\": \"${url}\", \"username\": \"awx-user\", \"password\": \"awx-password-$$\", \"otp\": \"000000\"}" \
    refused.yml -e "expected_message='one-time code'" "$@"

echo "== a token the service does not know is refused, and never shown"
wrong="awx-wrong-token-$$-${RANDOM}${RANDOM}"
job "{\"api_url\": \"${url}\", \"token\": \"${wrong}\"}" refused.yml -e "expected_message='HTTP 401'" -vvv "$@" \
    >"${OUTPUT_DIR}/refused.out" 2>&1 || {
    cat "${OUTPUT_DIR}/refused.out"
    exit 1
}
if grep -qF -- "${wrong}" "${OUTPUT_DIR}/refused.out"; then
    echo "the credential's token appeared in the job output" >&2
    exit 1
fi
grep -q "VSS_API_TOKEN=(set)" "${OUTPUT_DIR}/refused.out" || {
    echo "the wrong token was not injected: the check above proved nothing" >&2
    exit 1
}

echo "== a credential with only a URL: the calling shell's token does not fill in"
[[ -n "${VSS_API_TOKEN:-}" ]] || {
    echo "start_emulator exported no VSS_API_TOKEN: this case would prove nothing" >&2
    exit 1
}
job "{\"api_url\": \"${url}\"}" refused.yml -e "expected_message='no credentials found'" "$@"
