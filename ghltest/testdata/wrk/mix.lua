-- wrk script: a read/write mix against cmd/ghl-emulator (see BENCHMARKS.md).
-- Reads GHL_ACCESS_TOKEN, GHL_LOCATION_ID and GHL_CONTACT_ID from the environment.
local token = os.getenv("GHL_ACCESS_TOKEN")
local loc = os.getenv("GHL_LOCATION_ID")
local cid = os.getenv("GHL_CONTACT_ID")
local h = {["Authorization"] = "Bearer " .. token, ["Version"] = "2021-07-28", ["Content-Type"] = "application/json"}
local n = 0

-- 60% get contact, 10% list, 10% search, 10% update contact, 10% create note.
request = function()
  n = n + 1
  local m = n % 10
  if m < 6 then
    return wrk.format("GET", "/contacts/" .. cid, h)
  elseif m < 7 then
    return wrk.format("GET", "/contacts/?locationId=" .. loc .. "&limit=20", h)
  elseif m < 8 then
    return wrk.format("POST", "/contacts/search", h, '{"locationId":"' .. loc .. '","pageLimit":20}')
  elseif m < 9 then
    return wrk.format("PUT", "/contacts/" .. cid, h, '{"city":"Dolomite"}')
  end
  return wrk.format("POST", "/contacts/" .. cid .. "/notes", h, '{"body":"load note"}')
end

done = function(summary, latency, requests)
  io.write(string.format("non-2xx: %d\n", summary.errors.status))
end
