-- wrk script: reads and writes across the catalog against cmd/ghl-emulator's
-- demo account (see BENCHMARKS.md and run.sh, which exports the IDs).
-- 10% each: get contact, get business, get opportunity, search
-- opportunities, conversation messages, calendar events (a week), free slots
-- (a week), users by location, create task, update opportunity.
local e = os.getenv
local token, loc, cid = e("GHL_ACCESS_TOKEN"), e("GHL_LOCATION_ID"), e("GHL_CONTACT_ID")
local biz, opp, conv, cal = e("GHL_BUSINESS_ID"), e("GHL_OPPORTUNITY_ID"), e("GHL_CONVERSATION_ID"), e("GHL_CALENDAR_ID")
local from, to = e("GHL_FROM_MS"), e("GHL_TO_MS")
local h = {["Authorization"] = "Bearer " .. token, ["Version"] = "2021-07-28", ["Content-Type"] = "application/json"}
local n = 0

request = function()
  n = n + 1
  local m = n % 10
  if m == 0 then
    return wrk.format("GET", "/contacts/" .. cid, h)
  elseif m == 1 then
    return wrk.format("GET", "/businesses/" .. biz, h)
  elseif m == 2 then
    return wrk.format("GET", "/opportunities/" .. opp, h)
  elseif m == 3 then
    return wrk.format("GET", "/opportunities/search?location_id=" .. loc .. "&limit=20", h)
  elseif m == 4 then
    return wrk.format("GET", "/conversations/" .. conv .. "/messages?limit=20", h)
  elseif m == 5 then
    return wrk.format("GET", "/calendars/events?locationId=" .. loc .. "&calendarId=" .. cal .. "&startTime=" .. from .. "&endTime=" .. to, h)
  elseif m == 6 then
    return wrk.format("GET", "/calendars/" .. cal .. "/free-slots?startDate=" .. from .. "&endDate=" .. to, h)
  elseif m == 7 then
    return wrk.format("GET", "/users/?locationId=" .. loc, h)
  elseif m == 8 then
    return wrk.format("POST", "/contacts/" .. cid .. "/tasks", h, '{"title":"load task","dueDate":"2030-01-01T10:00:00Z","completed":false}')
  end
  return wrk.format("PUT", "/opportunities/" .. opp, h, '{"monetaryValue":' .. (n % 1000) .. '}')
end

done = function(summary, latency, requests)
  io.write(string.format("non-2xx: %d\n", summary.errors.status))
end
