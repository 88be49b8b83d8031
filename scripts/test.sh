#!/usr/bin/env bash
# The test command: installs what is missing, makes sure PostgreSQL, Redis and Kafka run, type-checks
# the workspace, then runs every project's tests (unit and integration, real infrastructure).
# Ends with one line "Tests: N passed, N failed".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/project-node.sh
source scripts/lib/project-node.sh
use_project_node
bash scripts/setup.sh

echo "[test] type-checking the workspace"
npm run -s typecheck  # the workspace (Node) and the dashboard page (DOM)

echo "[test] linting and format check"
npx eslint apps libs bench --no-warn-ignored
npx prettier --check . --log-level warn

echo "[test] running jest (all apps and libs)"
report="$(mktemp)"
status=0
npx jest --ci --maxWorkers="${JEST_WORKERS:-2}" --json --outputFile="$report" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`Test suites: ${r.numPassedTestSuites} passed, ${r.numFailedTestSuites + r.numRuntimeErrorTestSuites} failed`);
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' "$report"
rm -f "$report"
exit $status
