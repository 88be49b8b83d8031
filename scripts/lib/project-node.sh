# Sourced by the project's scripts: puts a Node that satisfies package.json "engines" (>=22.12)
# first on PATH. A machine whose own Node is older (Debian's Node 20, past end of life) gets the
# pinned Node 22 LTS from the npm registry's official binary package, once, under .tools/.
# Everything started after this (npm ci, jest, the apps, child processes) runs on that Node.
PROJECT_NODE_VERSION=22.23.5

project_node_satisfies() {
  node -e 'const [a, b] = process.versions.node.split(".").map(Number);
    process.exit(a > 22 || (a === 22 && b >= 12) ? 0 : 1)' 2>/dev/null
}

use_project_node() {
  local root dir arch tmp
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  dir="$root/.tools/node-v$PROJECT_NODE_VERSION"
  if [ -x "$dir/bin/node" ]; then
    export PATH="$dir/bin:$PATH"
    return 0
  fi
  project_node_satisfies && return 0
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "[node] no Node $PROJECT_NODE_VERSION package for $(uname -m); install Node >= 22.12" >&2; return 1 ;;
  esac
  echo "[node] installing Node $PROJECT_NODE_VERSION into .tools/ (this machine has $(node --version 2>/dev/null || echo none))" >&2
  tmp="$(mktemp -d)"
  if ! (cd "$tmp" && npm pack "node-linux-$arch@$PROJECT_NODE_VERSION" --silent >/dev/null); then
    rm -rf "$tmp"
    echo "[node] could not download node-linux-$arch@$PROJECT_NODE_VERSION from the npm registry" >&2
    return 1
  fi
  mkdir -p "$dir.partial"
  tar -xzf "$tmp"/node-linux-*.tgz -C "$dir.partial" --strip-components=1
  rm -rf "$tmp"
  mv "$dir.partial" "$dir"
  export PATH="$dir/bin:$PATH"
  echo "[node] using $(node --version)" >&2
}
