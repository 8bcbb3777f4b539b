#!/usr/bin/env bash
# Mutation testing of the pure Go rule packages with gremlins (go-gremlins), not run in CI: it
# takes minutes. Prints each package's killed/lived counts and efficacy; every surviving mutant
# must be killed by a test or explained in pkg/README.md ("Mutation testing").
# Usage: bash scripts/mutation-go.sh   (from datasource-plugin/)
set -euo pipefail
cd "$(dirname "$0")/.."
GREMLINS_VERSION=v0.6.0
PACKAGES=(./pkg/resources/vmrules ./pkg/apierr)
run() {
  if command -v gremlins >/dev/null 2>&1; then
    gremlins "$@"
  else
    go run "github.com/go-gremlins/gremlins/cmd/gremlins@${GREMLINS_VERSION}" "$@"
  fi
}
status=0
for pkg in "${PACKAGES[@]}"; do
  echo "== ${pkg}"
  out=$(run unleash --workers 1 --test-cpu 1 --timeout-coefficient 5 --threshold-efficacy 100 "${pkg}" 2>&1) || status=1
  echo "${out}" | grep -E "LIVED|NOT COVERED|Killed:|Timed out:|Test efficacy|Mutator coverage|No results" || true
done
exit ${status}
