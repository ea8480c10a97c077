-- One wrk thread = one keep-alive connection (run with -c equal to -t). The first request of the connection carries the
-- cookie of ARRIVE, so the Sticky Supervisor hands the connection to that worker; every later request names TARGET.
-- ARRIVE == TARGET: every request arrives on the right worker. ARRIVE ~= TARGET: every request after the first is
-- misrouted and forwarded by the ARRIVE worker to the TARGET worker.
local arrive = os.getenv("ARRIVE")
local target = os.getenv("TARGET")
local path = os.getenv("BENCH_PATH") or "/api/whoami"
local first = true

request = function()
  local id = target
  if first then
    first = false
    id = arrive
  end
  return wrk.format("GET", path, { ["Cookie"] = "referenceapp-affinity=" .. id })
end
