#!/usr/bin/env bash
# Throughput of the emulator with wrk (Debian `wrk`): GET /reservation/available, and
# reserve/release pairs. Pacing is not enforced (bench.json sets a zero interval), no faults.
# Usage: server/bench/run.sh [seconds]   (from the workspace root; builds --release first)
set -euo pipefail
cd "$(dirname "$0")/../.."
secs="${1:-10}"
port=18181
cargo build --release -p hotelband-server
target/release/hotelband-server --addr "127.0.0.1:$port" --config server/bench/bench.json \
  --seed 1 --dist /nonexistent >/dev/null 2>&1 &
server=$!
trap 'kill "$server"' EXIT
sleep 1
echo "== nproc $(nproc); $(grep -m1 'model name' /proc/cpuinfo); load: $(cut -d' ' -f1-3 /proc/loadavg)"
cd server/bench
echo "== GET /hotel/api/reservation/available, 2 threads, 64 connections"
wrk -t2 -c64 -d"${secs}s" -s available.lua "http://127.0.0.1:$port/hotel/api/reservation/available"
echo "== reserve/release pairs, 2 threads, 2 connections (one user and slot per connection)"
wrk -t2 -c2 -d"${secs}s" -s reserve_release.lua "http://127.0.0.1:$port"
echo "== reserve/release pairs, 2 threads, 64 connections (POST and DELETE may overtake: 409s)"
wrk -t2 -c64 -d"${secs}s" -s reserve_release.lua "http://127.0.0.1:$port"
