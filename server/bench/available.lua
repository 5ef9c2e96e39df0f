-- GET /hotel/api/reservation/available as bench-0 (see bench.json).
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer bench-token-0"
