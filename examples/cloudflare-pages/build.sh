#!/usr/bin/env bash
# Cloudflare Pages build command: `bash build.sh`; build output directory: `public`.
# Cloudflare's build image has no Rust toolchain, so install one with rustup first.
set -euo pipefail
if ! command -v cargo >/dev/null; then
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  . "$HOME/.cargo/env"
fi
cargo install --locked --git https://github.com/kbgen/kbgen kbgen
# CF_PAGES_URL is this deployment's address; use it for preview branches.
if [ "${CF_PAGES_BRANCH:-main}" != "main" ] && [ -n "${CF_PAGES_URL:-}" ]; then
  kbgen build --base-url "$CF_PAGES_URL"
else
  kbgen build
fi
