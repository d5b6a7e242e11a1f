#!/usr/bin/env bash
# Measures cmd/ghl-emulator with wrk as a separate load generator (apt-get install wrk).
# Usage: bash ghltest/testdata/wrk/run.sh   (from the repository root)
set -euo pipefail
go build -o /tmp/ghl-emulator ./cmd/ghl-emulator
out=$(mktemp)
/tmp/ghl-emulator -addr 127.0.0.1:8091 -contacts 1000 -rate-max 0 -rate-daily 0 > "$out" &
pid=$!
trap 'kill $pid' EXIT
until grep -q '^# ready' "$out"; do sleep 0.1; done
export $(grep '^GHL_' "$out" | xargs)
# first ID of a list: first_id PATH KEY
first_id() {
  curl -s "$GHL_BASE_URL$1" -H "Authorization: Bearer $GHL_ACCESS_TOKEN" -H 'Version: 2021-07-28' |
    python3 -c "import sys, json; print(json.load(sys.stdin)[\"$2\"][0][\"id\"])"
}
export GHL_CONTACT_ID=$(first_id "/contacts/?locationId=$GHL_LOCATION_ID&limit=1" contacts)
echo "== GET /contacts/{id}"
wrk -t1 -c32 -d10s -H "Authorization: Bearer $GHL_ACCESS_TOKEN" -H 'Version: 2021-07-28' "$GHL_BASE_URL/contacts/$GHL_CONTACT_ID"
echo "== mix: 60% get, 10% list, 10% search, 10% update, 10% create note"
wrk -t1 -c32 -d10s -s ghltest/testdata/wrk/mix.lua "$GHL_BASE_URL"

# The demo account's records (cmd/ghl-emulator seeds them by default).
export GHL_BUSINESS_ID=$(first_id "/businesses/?locationId=$GHL_LOCATION_ID" businesses)
export GHL_OPPORTUNITY_ID=$(first_id "/opportunities/search?location_id=$GHL_LOCATION_ID" opportunities)
export GHL_CONVERSATION_ID=$(first_id "/conversations/search?locationId=$GHL_LOCATION_ID" conversations)
export GHL_CALENDAR_ID=$(first_id "/calendars/?locationId=$GHL_LOCATION_ID" calendars)
export GHL_FROM_MS=$(($(date +%s) * 1000)) GHL_TO_MS=$(($(date +%s) * 1000 + 7 * 86400000))
echo "== catalog mix: 10% each of contact, business, opportunity, opportunity search, messages, events, free slots, users, create task, update opportunity"
wrk -t1 -c32 -d10s -s ghltest/testdata/wrk/catalog.lua "$GHL_BASE_URL"
