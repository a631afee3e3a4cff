#!/usr/bin/env bash
# Gradescope setup for examples/run_autograder: installs the Rust toolchain
# from the system's packages if it is missing, then `gradient-oracle` from this
# repository, which Gradescope unpacks into /autograder/source (set SOURCE to
# install from elsewhere, e.g. a checkout of the repository).
set -euo pipefail
SOURCE="${SOURCE:-/autograder/source}"
if ! command -v cargo > /dev/null 2>&1; then
  apt-get update
  apt-get install -y cargo
fi
cargo install --locked --path "$SOURCE" --bin gradient-oracle
install -m 755 "$HOME/.cargo/bin/gradient-oracle" /usr/local/bin/gradient-oracle
