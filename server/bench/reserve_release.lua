-- Reserve/release pairs: each wrk thread is its own user (bench-<n>) with its own slot (n+1),
-- and alternates POST and DELETE of that slot. With one connection per thread (-c equal to -t)
-- every reply is 200; with more connections a thread's POST and DELETE may overtake each other
-- and some replies are 409, which `done` reports (the server did the same work either way).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  token = "Bearer bench-token-" .. id
  path = "/hotel/api/reservation/" .. (id + 1)
  reserve = true
  statuses = {}
end

function request()
  local method = reserve and "POST" or "DELETE"
  reserve = not reserve
  return wrk.format(method, path, { ["Authorization"] = token })
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do
      total[code] = (total[code] or 0) + n
    end
  end
  for code, n in pairs(total) do
    io.write(string.format("status %d: %d\n", code, n))
  end
end
