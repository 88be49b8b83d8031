#!/usr/bin/env bash
# Runs node (with the given arguments) on the project's Node: what package.json's scripts use.
set -euo pipefail
# shellcheck source=lib/project-node.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/project-node.sh"
use_project_node
exec node "$@"
