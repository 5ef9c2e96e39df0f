#!/usr/bin/env bash
# Throughput of the emulator with wrk (Debian `wrk`): GET /reservation/available, and
# reserve/release pairs. Pacing is not enforced (bench.json sets a zero interval), no faults.
# Besides wrk's req/s (which depends on what else the machine runs: wrk itself takes a core
# of two) it prints the server's own CPU time per request, read from /proc, which does not.
# Usage: server/bench/run.sh [seconds]   (from anywhere; builds --release first)
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
tick=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }

# run NAME WRK-ARGS...: wrk, then requests per second of server CPU.
run() {
  local name="$1"; shift
  echo "== $name (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  local before out requests after
  before=$(cpu_ticks)
  out=$(wrk "$@")
  after=$(cpu_ticks)
  echo "$out"
  requests=$(echo "$out" | awk '/requests in/ { print $1 }')
  awk -v r="$requests" -v t="$((after - before))" -v hz="$tick" 'BEGIN {
    s = t / hz; printf "server CPU: %.2f s for %d requests = %.0f requests per CPU-second\n", s, r, r / s }'
}

echo "== nproc $(nproc); $(grep -m1 'model name' /proc/cpuinfo)"
cd server/bench
run "GET /hotel/api/reservation/available, 2 threads, 64 connections" \
  -t2 -c64 -d"${secs}s" -s available.lua "http://127.0.0.1:$port/hotel/api/reservation/available"
run "reserve/release pairs, 2 threads, 2 connections (one user and slot per connection)" \
  -t2 -c2 -d"${secs}s" -s reserve_release.lua "http://127.0.0.1:$port"
run "reserve/release pairs, 2 threads, 64 connections (POST and DELETE may overtake: 409s)" \
  -t2 -c64 -d"${secs}s" -s reserve_release.lua "http://127.0.0.1:$port"
