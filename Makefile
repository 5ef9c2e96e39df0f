# The two set-up commands of README.md: `make demo` and `make test`.
SHELL := /bin/bash
export PATH := $(CURDIR)/tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: demo test dist toolchain browser-toolchain lint bench

## Builds the page and runs the emulator with it at http://127.0.0.1:8080/
demo: dist
	cargo run --release -p hotelband-server -- --demo

## Every test of the workspace, browser tests included.
test: browser-toolchain dist lint
	cargo test --workspace

toolchain:
	scripts/toolchain.sh

browser-toolchain:
	scripts/toolchain.sh --browser

## The page (the wasm optimised, its glue and the css minified by tools/minify.mjs), with
## build-time brotli and gzip variants of every file (served by the emulator).
dist: toolchain
	trunk build --release --offline
	node tools/minify.mjs dist
	scripts/precompress.sh dist

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
