# The two set-up commands of README.md: `make demo` and `make test`.
SHELL := /bin/bash
export PATH := $(CURDIR)/tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: demo test dist size-budget toolchain browser-toolchain lint bench

## Builds the page and runs the emulator with it at http://127.0.0.1:8080/
demo: dist
	cargo run --release -p hotelband-server -- --demo

## Every test of the workspace, browser tests included, and the page's size budget.
test: browser-toolchain dist size-budget lint
	cargo test --workspace

toolchain:
	scripts/toolchain.sh

browser-toolchain:
	scripts/toolchain.sh --browser

## The page, as Trunk.toml and index.html say: the wasm-release profile, trunk's wasm-opt (the
## one in tools/, on PATH above), brotli and gzip variants of every file by a post-build hook.
## Trunk runs cargo offline, so the crates are fetched first (a no-op once they are cached).
dist: toolchain
	cargo fetch
	trunk build --release

## The page on the wire against its budget (scripts/size-budget.sh): fails above it.
size-budget: dist
	scripts/size-budget.sh dist

## Formatting, clippy, unused dependencies (cargo-machete), and the core still building for
## the browser: a dependency that needs the OS (tokio, getrandom's OS backend) fails here first.
lint: toolchain
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo machete
	cargo build -p hotelband-core --target wasm32-unknown-unknown

## Figures: the pairing-strategy matrix (writes its section of BENCHMARKS.md and
## bench/charts/*.svg), then in Chromium (printed): the page's time to the first pair and its
## load, and a short soak of a tab left open (the long one: `--minutes 10 --done-minutes 3`).
bench: browser-toolchain dist
	cargo run --release -p hotelband-bench -- --out BENCHMARKS.md
	cargo run --release -p hotelband-e2e --example page_figures
	cargo run --release -p hotelband-e2e --example soak -- --minutes 2 --done-minutes 1
