#!/usr/bin/env bash
# The whole test suite, as the README and CI run it: `npm test`.
# Installs what is missing, then runs lint, the type check and every mocha suite, and ends with
# one line of totals across all of them: "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
results="$root/.test-results"
rm -rf "$results" && mkdir -p "$results"
export TEST_TOTALS_FILE="$results/totals.jsonl"
# fabric-shim logs every refused transaction at error level; the tests assert those refusals.
export CORE_CHAINCODE_LOGGING_LEVEL=critical

step() { printf '\n== %s\n' "$*"; }
took() { printf -- '-- %s took %ss\n' "$1" "$((SECONDS - $2))"; }
# A suite that hangs is stopped and counted as failed, rather than holding CI until its own limit.
SUITE_TIMEOUT=${SUITE_TIMEOUT:-1200}
# `timeout` runs a suite in a process group of its own (so that it stops mocha's children too), which Ctrl-C
# does not reach: the signal is passed on, and the run ends.
suite_pid=""
trap '[ -n "$suite_pid" ] && kill -TERM "$suite_pid" 2>/dev/null; exit 130' INT TERM

# A check that is not a mocha suite (lint, type check) counts as one test.
check() {
    local name=$1
    shift
    step "$name"
    local started=$SECONDS
    if "$@"; then
        echo "{\"suite\":\"$name\",\"passes\":1,\"failures\":0,\"pending\":0}" >>"$TEST_TOTALS_FILE"
    else
        echo "{\"suite\":\"$name\",\"passes\":0,\"failures\":1,\"pending\":0}" >>"$TEST_TOTALS_FILE"
    fi
    took "$name" "$started"
}

# A mocha suite; a suite that crashes before reporting counts as one failure.
suite() {
    local name=$1
    shift
    step "suite: $name"
    local before started=$SECONDS
    before=$(wc -l <"$TEST_TOTALS_FILE")
    TEST_SUITE=$name timeout --kill-after=30 "$SUITE_TIMEOUT" "$@" &
    suite_pid=$!
    wait "$suite_pid"
    suite_pid=""
    if [ "$(wc -l <"$TEST_TOTALS_FILE")" -eq "$before" ]; then
        echo "{\"suite\":\"$name\",\"passes\":0,\"failures\":1,\"pending\":0}" >>"$TEST_TOTALS_FILE"
    fi
    took "$name" "$started"
}

step "install"
bash scripts/install-node-deps.sh || exit 1
took install 0

# Packages import each other's built declarations (the chaincode's model), so build first.
check build npx --no-install tsc --build chaincode ledger-connection event-indexer gateway-api network/gateway
check lint npx --no-install eslint .
check typecheck npx --no-install tsc -p tsconfig.json
check typecheck-bench npx --no-install tsc -p bench/tsconfig.json
suite chaincode-unit npx --no-install c8 --reporter=text-summary --reporter=text --include 'chaincode/src/**' \
    mocha --config .mocharc.yml 'chaincode/test/unit/**/*.test.ts'

suite indexer-unit npx --no-install mocha --config .mocharc.yml 'event-indexer/test/unit/**/*.test.ts'
suite api-unit npx --no-install mocha --config .mocharc.yml 'gateway-api/test/unit/**/*.test.ts'
suite ledger-connection-unit npx --no-install mocha --config .mocharc.yml 'ledger-connection/test/unit/**/*.test.ts'
suite gateway-service-unit npx --no-install mocha --config .mocharc.yml 'network/gateway/test/unit/**/*.test.ts'

step "network"
network_started_here=0
if ! ./test-network.sh status >/dev/null 2>&1; then
    network_started_here=1
    started=$SECONDS
    ./test-network.sh up || echo '{"suite":"network-up","passes":0,"failures":1,"pending":0}' >>"$TEST_TOTALS_FILE"
    took "network up" "$started"
fi
suite network-integration npx --no-install mocha --config .mocharc.yml 'network/test/integration/**/*.test.ts'
suite chaincode-integration npx --no-install mocha --config .mocharc.yml 'chaincode/test/integration/**/*.test.ts'
suite indexer-integration npx --no-install mocha --config .mocharc.yml 'event-indexer/test/integration/**/*.test.ts'
suite api-integration npx --no-install mocha --config .mocharc.yml 'gateway-api/test/integration/**/*.test.ts'
# Last on the running product: it SIGKILLs each kind of process under load and brings it back with `up`.
suite faults npx --no-install mocha --config .mocharc.yml 'gateway-api/test/faults/**/*.test.ts'
# A network this run started is taken down with --clean, which its last test checks leaves nothing behind.
if [ "$network_started_here" -eq 1 ]; then
    suite network-teardown npx --no-install mocha --config .mocharc.yml 'network/test/teardown/**/*.test.ts'
    ./test-network.sh down --clean >/dev/null 2>&1
fi

step "totals"
took "the whole run" 0
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
let passed = 0, failed = 0, pending = 0;
for (const s of lines) {
    console.log(`${s.suite}: ${s.passes} passed, ${s.failures} failed${s.pending ? `, ${s.pending} pending` : ""}`);
    passed += s.passes; failed += s.failures; pending += s.pending;
}
console.log(`${passed} passed, ${failed} failed${pending ? `, ${pending} skipped` : ""}`);
process.exitCode = failed > 0 ? 1 : 0;
' "$TEST_TOTALS_FILE"
