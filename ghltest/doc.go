// Package ghltest is a local, in-memory emulator of the HighLevel
// (GoHighLevel / LeadConnector) API v2, for tests, much as net/http/httptest
// is for HTTP. It follows HighLevel's published OpenAPI specs and platform
// notes, not any client library, so it can serve as an independent witness
// for SDKs (including ghl-go) and for apps that call the API.
//
// # Usage
//
//	srv := ghltest.NewServer()            // 127.0.0.1:<random>, srv.URL
//	defer srv.Close()
//	loc := srv.CreateLocation("Acme")     // a location and a static token
//	srv.SeedContacts(loc.ID, 250)         // realistic, deterministic data
//
//	req, _ := http.NewRequest("GET", srv.URL+"/contacts/?locationId="+loc.ID, nil)
//	req.Header.Set("Authorization", "Bearer "+loc.Token)
//	req.Header.Set("Version", "2021-07-28")
//	resp, _ := http.DefaultClient.Do(req)
//
// State is shared by every request and readable directly for assertions
// ([Server.Contact], [Server.Notes], [Server.Tasks], ...); helpers such as
// [Server.AddContact] write it without HTTP. Resources other than contacts
// live in a generic store, one per location (and per company, for users):
// [Server.Store] reads and writes records of any kind by kind and ID
// (srv.Store(loc.ID).Get("businesses", id), List("workflows"),
// Put("campaigns", map[string]any{"name": "Spring"}), Delete), with the
// spec's field names. [Server.Requests] is a log of
// what the server received (method, path, query, headers, body, Version),
// and [Server.Stats] counts requests, 429s, invalid grants and refreshes.
// The same server runs as a program: see cmd/ghl-emulator.
//
// # Request log
//
// The log keeps the last [DefaultRequestLogLimit] API requests
// ([WithRequestLogLimit]) and the first [DefaultRequestLogBodyLimit] bytes
// (64 KiB) of each body ([WithRequestLogBodyLimit]), so it holds at most
// count × body limit of bodies whatever clients send;
// [RecordedRequest.BodySize] and [RecordedRequest.BodyTruncated] tell what
// was cut. Secrets are redacted when a request is recorded: the
// Authorization header keeps its scheme only ("Bearer [redacted]"; compare
// [RecordedRequest.TokenFingerprint] with [Fingerprint] of a token to know
// which was sent), cookies and API-key or token headers become
// "[redacted]", and so do the values of client_secret, refresh_token, code,
// access_token, id_token and password in form bodies, query strings and
// JSON bodies. See [RecordedRequest] for the exact rules and
// [WithUnredactedRequestLog] to keep everything.
//
// # Covered API
//
// The emulator routes every operation of HighLevel's 41 v2 specs (576
// operations, apps/*.json), from a table generated into routes_gen.go by
// ghltest/internal/routegen (the emulator's own reading of the specs; it
// shares nothing with the SDK's generator). 190 operations work on real
// state:
//
//   - all 32 of apps/contacts.json (contacts CRUD, upsert, search,
//     duplicate lookup, business contacts, tasks, notes, tags, bulk tags,
//     bulk business, followers, campaigns, workflows, appointments);
//   - POST /oauth/token, POST /oauth/locationToken and
//     GET /oauth/installedLocations of apps/oauth.json;
//   - businesses (CRUD, list by location with skip and limit; contacts
//     link to them by businessId, and deleting a business detaches them);
//   - users (CRUD; GET /users/search by companyId with query, locationId,
//     type, role, ids, skip and limit; POST /users/search/filter-by-email;
//     GET /users/?locationId=, the users whose roles.locationIds has it);
//   - GET /workflows/ and GET /campaigns/ (status filter) list what the
//     store holds (seed them with Store.Put); adding a contact to, or
//     removing it from, a workflow or campaign that does not exist in its
//     location answers 404 "Workflow not found" / "Campaign not found";
//   - locations: POST /locations/, GET /locations/search, GET, PUT and
//     DELETE /locations/{locationId} (agency token of the location's
//     company; a location token reads its own location), and their
//     customFields (fieldKey derived from the name, e.g. "contact.pin_code";
//     contacts may refer to it by key), customValues and tags, each CRUD;
//     settings.allowDuplicateContact is the location's duplicate rule
//     ([Server.SetAllowDuplicates]);
//   - GET /companies/{companyId} for the agency token's company;
//   - all 12 of apps/opportunities.json: pipelines with stages ({id, name,
//     position, showInFunnel, showInPieChart}) and lost reasons, seeded per
//     location on first use ([Server.Pipelines]; "Sales Pipeline" and
//     "Onboarding"), opportunities CRUD ([Server.AddOpportunity]; pipeline,
//     stage and contact checked, the contact embedded, monetaryValue a
//     number with cents), PUT .../status (open, won, lost, abandoned),
//     followers add and remove, POST /opportunities/upsert (matches by id,
//     else by pipelineId + contactId, else creates; answers "new"),
//     GET /opportunities/search (snake_case filters, q, order, newest first,
//     limit 20..100, page or the startAfterId/startAfter cursor in meta) and
//     POST /opportunities/search (query, page, searchAfter, filters);
//   - 14 of apps/conversations.json: one conversation per contact
//     ([Server.AddConversation], [Server.AddMessage] with a [MessageSeed],
//     [Server.SeedConversation] for SMS, email and a recorded call),
//     GET /conversations/search ({conversations, total}; contactId, query,
//     status, sort, startAfterDate, limit), POST /conversations/, GET, PUT and
//     DELETE /conversations/{id} (GET answers the type as a number, as the
//     spec does), GET /conversations/{id}/messages (newest first, limit and
//     lastMessageId; nested {"messages":{"lastMessageId","nextPage",
//     "messages"}} as the live API answers), GET /conversations/messages/{id}
//     ({"message":{...}}, as the live API answers), GET
//     /conversations/messages/email/{id}, PUT .../status, POST
//     /conversations/messages (an outbound message in the contact's
//     conversation), the live-chat typing indicator (201 {"success":true}),
//     a call's recording (audio/x-wav, "attachment; filename=audio.wav") and
//     transcription (the spec's single object, and text/plain as
//     transcription.txt); and (conversations_more.go) the other 15:
//     inbound and outbound provider messages, review replies, multipart
//     uploads and the initiate/complete upload pair, message attachments,
//     cancelling a message scheduled with scheduledTimestamp, the
//     location's message export (cursor, total), custom subtypes and a
//     contact's subscription status and changes;
//   - the other 9 of apps/locations.json (locations_more.go): recurring
//     tasks CRUD (creating one gives each of its contacts its first task
//     unless ignoreTaskCreation), POST .../tasks/search over the
//     location's contact tasks, templates (seeded with Store.Put; list by
//     originId, type and deleted with skip/limit, delete), time zones and
//     custom-field file uploads;
//   - all 4 of apps/snapshots.json (snapshots.go), in the company's store:
//     GET /snapshots/ lists the snapshots seeded with
//     Store(companyID).Put("snapshots", ...), POST /snapshots/share/link
//     makes a share link of one, and the push status operations read the
//     "snapshotPushes" records ({snapshotId, locationId, status,
//     completed, pending, dateAdded}) by date range and lastDoc cursor,
//     and the latest for a location.
//   - 34 of apps/calendars.json (all but schedules), described under
//     Calendars below.
//
// Response bodies use the spec's envelope keys, field names and statuses
// exactly, including its spellings "succeded" and "buiseness" and its 200
// for POST /locations/{locationId}/tags. Unknown request fields are
// ignored; known ones are type-checked. A companyId that is not the
// token's company answers 403 {"statusCode":403,"message":"The token does
// not have access to this company"}.
//
// Every other operation answers from the spec, as stripe-mock does for
// Stripe's API, so a test of any operation runs offline. It gets the same
// token, rate-limit and Version checks, then the spec's required query
// parameters and required top-level JSON body fields are checked (present,
// not empty, of their type; 422 worded as below, 400 for malformed JSON),
// and then it answers the spec's success status (its lowest 2xx) with an
// example of the response: the spec's own example where it gives one, else
// one built from the response schema ($refs followed, allOf merged, one
// item per array, an enum's first value, the properties' own examples where
// they fit their type, else a value by format and name: a fixed date-time
// 2024-01-01T00:00:00.000Z, "user@example.com", a 20-character ID,
// "string", 1, false). The answer echoes the request: the path parameters,
// JSON body fields and query parameters replace the fields of the same name
// (and JSON type; query values are converted) at the top level of the
// example and in its single wrapped object, as in {"customMenu":{...}}; a
// path ending in a parameter puts that parameter in the "id" field (GET
// /custom-menus/m1 answers {"customMenu":{"id":"m1",...}}), and a POST to
// a collection whose body has no id gets a fresh one (an ObjectID where the
// example has one). No state is kept: a GET after a POST answers the
// example again. An operation whose spec declares no body answers {} (a
// 204 nothing), and the two non-JSON answers the platform notes record
// have their media types (audio/x-wav, an empty WAV file; text/plain).
// Every API response carries the header [BehaviourHeader]
// (X-Ghltest-Behaviour): "state" for operations with behaviour, "example"
// for these. [WithoutSpecExamples] makes them answer, after the validation,
//
//	501 {"statusCode":501,"message":"ghltest: operation get-agent (GET /conversation-ai/agents/{agentId}) is not emulated yet","error":"Not Implemented","traceId":"..."}
//
// The examples are generated with the table, into spec_answers.json.gz
// (gzip'd JSON, about 37 KB, embedded; decoded on first use).
//
// [Server.Routes] lists the table (method, path, operationId, declared
// Version values, security and scopes, required fields, whether it is
// emulated, how it is answered: "state", "example" or "501", the success
// status and where the example comes from) and [Server.Emulated] tells
// whether a request reaches an operation with behaviour. Paths match by segments; at each segment a
// literal beats a parameter, so POST /contacts/search is the search, not
// the contact "search", and GET /calendars/events is not a calendar. A
// trailing slash is optional. A path no operation has answers 404.
//
// # Calendars
//
// Calendar groups, calendars, appointments, block slots, appointment notes,
// resources and notifications live in the generic store (kinds
// "calendarGroups", "calendars", "appointments", "blockedSlots",
// "appointmentNotes", "calendarResources", "calendarNotifications").
// Groups: CRUD, PUT .../status sets isActive, a slug taken by another group
// of the location answers 400 "Slug is already in use", and POST
// /calendars/groups/validate-slug answers {"available":bool}; deleting a
// group takes its calendars out of it. Calendars: CRUD with the spec's
// defaults (slotDuration 30 mins, autoConfirm, ...), openHours and
// availabilities kept as sent, enums checked (422), an unknown groupId 404;
// GET /calendars/{id} answers {"calendar":{...}}.
//
// GET /calendars/{calendarId}/free-slots (startDate and endDate in epoch ms,
// at most 31 days apart, else 400 "Date range cannot be more than 31 days")
// computes slots from the calendar's hours in the location's time zone (its
// "timezone", else UTC): every slotInterval from each open time of the
// weekday (daysOfTheWeek, 0 is Sunday) or, on a date of its availabilities,
// of that date, whose slot of slotDuration ends by the close time, that
// starts no earlier than the server's clock, and that overlaps fewer
// appointments than appoinmentPerSlot (cancelled and invalid ones do not
// count) and no block slot. The answer is keyed by date, YYYY-MM-DD, in the
// timezone query (default the location's), with the slots as RFC 3339 times
// there: {"2030-01-07":{"slots":["2030-01-07T10:00:00-06:00"]},"traceId":"..."};
// dates without slots are left out. Buffers, booking notice, userId and
// userIds are not applied.
//
// POST /calendars/events/appointments books the slot at startTime (400 "The
// slot you have selected is no longer available" unless it is a free slot
// or ignoreFreeSlotValidation is true); endTime defaults to startTime plus
// slotDuration, title to the contact's name, appointmentStatus to confirmed
// (new without autoConfirm); the calendar and the contact must exist (404).
// Create and PUT answer AppointmentSchemaResponse's keys; GET
// /calendars/events/appointments/{eventId} answers {"appointment":{...},
// "traceId":"..."} (live shape; the spec says "event"), with
// appointmentStatus and its misspelled twin appoinmentStatus, deleted,
// isRecurring, users, groupId and createdBy {source:"third_party", userId}.
// Times are RFC 3339 in the location's zone. A PUT that moves an
// appointment keeps its length and checks the new slot. DELETE
// /calendars/events/{eventId} (201 {"succeeded":true}) removes an
// appointment (with its notes) or a block slot; deleting a contact removes
// its appointments. GET /calendars/events and GET /calendars/blocked-slots
// (startTime and endTime in epoch ms; calendarId, userId or groupId
// required, else 422) answer {"events":[...]} with the appointments or
// block slots overlapping the window, by start time; GET
// /contacts/{contactId}/appointments the contact's appointments. Block
// slots need startTime and endTime; create and edit answer 201 with
// BlockedSlotSuccessfulResponseDto's keys.
//
// Notes (/calendars/appointments/{appointmentId}/notes): {"notes":[...],
// "hasMore":bool} in creation order paged by limit and offset, create 201
// and edit {"note":{...}}, delete {"success":true}. Resources
// (/calendars/resources/{rooms|equipments}, else 422): create 201 and get
// the bare resource, list a top-level array paged by skip and limit, update
// CalendarResourceResponseDTO's keys; their "id" is not in the spec.
// Notifications (/calendars/{calendarId}/notifications): create takes an
// array and answers the array created, list a top-level array (isActive and
// deleted filters, deleted ones only with deleted=true; skip and limit),
// records answer their ID as "_id"; update and delete answer {"message":...}.
//
// # Tokens
//
// Every operation except POST /oauth/token needs "Authorization: Bearer
// <token>". [Location.Token] and [Server.IssueToken] are static location
// tokens (like Private Integration Tokens: they never expire);
// [Company.Token] and [Server.IssueCompanyToken] are static agency tokens.
// OAuth tokens come from /oauth/token (after [Server.RegisterApp] and
// [Server.AuthorizationCode]) or /oauth/locationToken and expire after
// [WithAccessTokenTTL] on the server's clock. A token sees only its own
// location: a locationId of another location in the query or body answers
// 403 {"statusCode":403,"message":"The token does not have access to this
// location"}, and an ID of another location's contact answers 404 (as if it
// did not exist). The kind of token an operation takes comes from its
// spec's security schemes ([Route.TokenKind]): bearer and Location-Access
// take location tokens, Agency-Access agency tokens, an operation listing
// both takes either, and the 16 that declare none (e.g. POST
// /contacts/bulk/business) take location tokens. The wrong kind answers 401
// "This authClass type is not allowed to access this scope. ...". Scopes
// are enforced: a token holding none of the operation's scopes
// ([Route.Scopes], plus a fix table for three operations whose spec
// declares none) answers 401 {"statusCode":401,"message":"The token is not
// authorized for this scope."}. Tokens minted without chosen scopes hold
// every scope; [Server.MintToken] mints static tokens with chosen scopes and
// [Server.SetAppScopes] sets the scopes an OAuth install grants. A ".write"
// scope does not imply ".readonly".
//
// # Error bodies
//
// Errors are NestJS-shaped JSON and always carry a "traceId" (a UUID):
//
//	401 no/unknown token    {"statusCode":401,"message":"Invalid token: access token is invalid","error":"Unauthorized","traceId":"..."}
//	401 expired OAuth token {"statusCode":401,"message":"Invalid JWT: access token has expired","error":"Unauthorized","traceId":"..."}
//	401 no Version header   {"statusCode":401,"message":"version header was not found.","traceId":"..."}
//	401 bad Version         {"statusCode":401,"message":"version header is invalid","traceId":"..."}
//	403 other location      {"statusCode":403,"message":"The token does not have access to this location","traceId":"..."}
//	404 unknown route       {"statusCode":404,"message":"Cannot GET /x","error":"Not Found","traceId":"..."}
//	404 unknown entity      {"statusCode":404,"message":"Contact not found","error":"Not Found","traceId":"..."} (also Task, Note, Business, User, Workflow, Campaign, Location, Custom field, Custom value, Tag, Opportunity, Conversation, Message, Email, Recording, Transcription)
//	404 unknown entity      {"statusCode":404,"message":"Contact not found","error":"Not Found","traceId":"..."} (also Task, Note, Business, User, Workflow, Campaign, Location, Custom field, Custom value, Tag, Group, Calendar, Appointment, Event, Resource, Notification)
//	422 validation          {"statusCode":422,"message":["locationId should not be empty",...],"error":"Unprocessable Entity","traceId":"..."}
//	501 not emulated        {"statusCode":501,"message":"ghltest: operation <operationId> (<METHOD> <path>) is not emulated yet","error":"Not Implemented","traceId":"..."} (only with WithoutSpecExamples)
//	429 rate limited        {"statusCode":429,"message":"Too Many Requests","traceId":"..."}
//	400 duplicate contact   {"statusCode":400,"message":"This location does not allow duplicated contacts.","meta":{"contactName":"...","contactId":"...","matchingField":"email"},"traceId":"..."}
//	400 OAuth               {"statusCode":400,"message":"Invalid grant: refresh token is invalid","error":"Bad Request","traceId":"..."}
//
// HighLevel does not document the body for an expired access token; the
// emulator's message starts with "Invalid JWT" (what third parties report)
// and says why. Clients should treat any 401 on an OAuth token as "refresh,
// then retry once". Requests are checked in this order: token (401), rate
// limit (429), Version header (401), route (404), token kind (401), then the
// operation's own validation (422/400/403/404), or for an operation without
// behaviour the generic validation (422/400) and the spec's example (or 501).
//
// # Version header
//
// Every operation except POST /oauth/token requires a Version header with a
// published value: 2021-04-15, 2021-07-28, 2023-02-21, v3 or legacy. All
// are accepted on every operation, whichever value its spec declares
// ([Route.Versions]; 29 operations declare none), and answered with the v2
// shapes: 2023-02-21, which the official Node SDK sends on every call, works
// everywhere. The value received is recorded in [RecordedRequest.Version].
//
// # Rate limits
//
// Counters are kept per resource, i.e. per location for location tokens and
// per company for agency tokens (all tokens of a resource share them), with
// the defaults HighLevel documents: 100 requests per 10 s and 200,000 per
// day ([WithRateLimit] changes them). The burst window is fixed and starts
// at the first request of the window: a request at or after start+interval
// opens a new window with a fresh count. The daily window is the UTC
// calendar day of the server's clock ([WithClock]). A request over either
// limit answers 429 {"statusCode":429,"message":"Too Many Requests"} and is
// not counted (it does not use up quota); no Retry-After header is sent
// (HighLevel documents none; inject a [FaultStatus] 429 with RetryAfter to
// test that path). Every response carries
//
//	X-RateLimit-Max, X-RateLimit-Remaining, X-RateLimit-Interval-Milliseconds,
//	X-RateLimit-Limit-Daily, X-RateLimit-Daily-Remaining
//
// reporting the counters after this request. Requests without a valid token
// and /oauth/token calls are not counted; their headers show the configured
// limits with full remaining counts. A disabled limit (0) omits its headers.
//
// # Pagination
//
// GET /contacts/ (deprecated upstream) orders contacts by dateAdded, then ID,
// ascending, and pages with the cursor startAfter (epoch ms of dateAdded) plus
// startAfterId (send both; either alone also works). limit defaults to 20,
// max 100 (more answers 422). The body is {"contacts":[...],"count":N,
// "meta":{"total":N,"nextPageUrl":...,"startAfterId":...,"startAfter":...,
// "currentPage":...,"nextPage":...,"prevPage":...}}, where count and total
// are the number of matching contacts on all pages, startAfter/startAfterId
// are those of the page's last contact, and nextPageUrl and nextPage are null
// on the last page.
//
// POST /contacts/search takes {locationId, pageLimit (1..500), page, or
// searchAfter, query, filters, sort} and answers {"contacts":[...],
// "total":N}; each contact carries "searchAfter" (its sort values, then its
// ID, e.g. [1700000000000,"ve9EPM428h8vShlRW1KT"]) to pass back for the
// next page. The default sort is dateAdded descending. page*pageLimit may not
// exceed 10,000 (400); use searchAfter beyond that. Filters are
// {"field","operator","value"} items (ANDed) or {"group":"AND"|"OR",
// "filters":[...]}; operators eq, not_eq, contains, not_contains, exists,
// not_exists, range ({"gte","lte","gt","lt"} with ISO-8601 or epoch ms), gt,
// gte, lt, lte; fields include tags (contains/eq test membership), email,
// phone (normalized), firstNameLowerCase, lastNameLowerCase, companyName,
// city, state, country, source, assignedTo, businessId, dnd, dateAdded,
// dateUpdated and customFields.<id>. String comparison is case-insensitive.
// query matches a substring of the name, email, phone or company name.
//
// GET /contacts/business/{businessId} pages with skip and limit (numeric
// strings, defaults "0" and "25") and answers {"contacts":[...],"count":N}
// with the total count.
//
// The generic store lists records in creation order. GET /businesses/
// (default limit 100), GET /users/search (25, with "count") and
// GET /locations/search (10) page with skip and limit, numeric strings;
// the other lists answer every record.
//
// # Data formats
//
// IDs are 20 characters of [A-Za-z0-9] (businesses: 24 hex digits, as
// HighLevel's ObjectIDs). Timestamps are ISO-8601 UTC with milliseconds
// ("2021-07-02T05:18:26.704Z"). Phones are stored normalized to E.164-like
// "+<digits>" (10-digit numbers get "+1"); emails match case-insensitively;
// tags are stored lower-cased and trimmed. Array query parameters are accepted
// as x[]=a&x[]=b and as x=a&x=b. Bodies are JSON; a body with a non-JSON
// Content-Type is ignored (as Express does), so validation answers 422.
// /oauth/token and /oauth/locationToken take form-encoded bodies.
//
// # OAuth
//
// POST /oauth/token implements authorization_code and refresh_token grants
// for apps registered with [Server.RegisterApp]. Install codes come from
// [Server.AuthorizationCode] and are single-use. Refresh tokens are
// single-use: every refresh mints a new access and refresh token and
// invalidates the old refresh token; reusing one answers 400 "Invalid grant:
// refresh token is invalid" and counts in Stats.InvalidGrant. Old access
// tokens stay valid until they expire. Refreshing a token of an inactive
// location ([Server.SetLocationActive]) answers 400 "Location is not active"
// without consuming the refresh token. Missing parameters answer 400
// "Missing parameter: <name>", wrong client credentials 401 "Invalid client:
// client credentials are invalid".
//
// # Faults
//
// [Server.InjectFault] (or [WithFaults], or the control endpoint) makes
// matching requests fail: with a status ([FaultStatus]), a connection reset
// before the handler runs ([FaultResetBefore], no state change), a reset
// after it ran ([FaultResetAfter], state changed), latency ([FaultLatency]),
// or a truncated body ([FaultTruncate], state changed). See [Fault] for
// matching and scripting. All three check a fault the same way
// ([Fault.Validate]): a status fault needs a status in 200..599 (1xx are
// interim responses a client skips), a latency fault a delay up to
// [MaxFaultDelay], Rate is in 0..1, Times not negative, a path pattern
// starts with "/" and compiles. An invalid fault is a *[FaultError] naming
// the field: InjectFault and WithFaults panic with it, the control endpoint
// answers 400 {"statusCode":400,"message":"invalid fault: status: 100 is
// outside 200..599","error":"Bad Request","traceId":"..."}.
//
// # Webhooks
//
// The emulator signs webhooks the way HighLevel does with its current
// header: X-GHL-Signature is the base64 Ed25519 signature of the raw body.
// It signs with its own key pair (HighLevel's private key is not public),
// derived from the seed ([WithSeed]), so verify with [Server.WebhookPublicKey]
// instead of HighLevel's published key. [Server.SendWebhook] POSTs an event
// to a URL, adding "timestamp" (RFC 3339, server clock) and "webhookId" when
// absent; [Server.WebhookBody] and [Server.PostWebhook] split that in two, so
// the same signed bytes can be delivered twice, as HighLevel's at-least-once
// delivery does. [Server.SignWebhook] signs any bytes. The legacy RSA header
// X-WH-Signature is not produced.
//
// API writes emit webhooks once a URL is registered with
// [Server.RegisterWebhook]: contact, note, task, appointment, opportunity,
// message and app install events, flat JSON as HighLevel documents them,
// signed, delivered in order by one worker off the request path and
// retried at once (up to [WebhookMaxAttempts]) with the same webhookId
// until a 2xx. [Server.FlushWebhooks] waits for the queue to drain and
// [Server.WebhookDeliveries] logs what happened; without a registration a
// write costs nothing more.
//
// # Control endpoints
//
// For out-of-process use (cmd/ghl-emulator) the same controls are HTTP
// endpoints. They need no API token or Version header and are neither rate
// limited, recorded nor faulted:
//
//	POST   /_emulator/faults    inject a fault; body e.g. {"kind":"status","status":503,"pathPattern":"/contacts/","method":"GET","times":2}
//	                            (fields kind, status, delay ("250ms" or ms), pathPattern, method, rate, times, retryAfter); 201,
//	                            or 400 for invalid JSON, an unknown field or an invalid fault
//	GET    /_emulator/faults    list active faults
//	DELETE /_emulator/faults    remove all faults; 204
//	GET    /_emulator/stats     Stats as JSON: {"requests":..,"rateLimited":..,"unauthorized":..,"invalidGrant":..,"tokenRefreshes":..,"tokensIssued":..,"faultsInjected":..}
//	GET    /_emulator/requests  the request log as JSON (body as a string; secrets redacted as in [Server.Requests])
//	DELETE /_emulator/requests  clear the request log; 204
//
// Whoever reaches them can read the request log (with its contact data)
// and break the API with faults. By default they are open, which suits
// [NewServer] (loopback only). With [WithControlToken] every control
// request must carry "Authorization: Bearer <control token>" or
// "X-Emulator-Control-Token: <control token>"; any other answers
//
//	401 {"statusCode":401,"message":"Invalid control token: send Authorization: Bearer <control token> or X-Emulator-Control-Token","error":"Unauthorized","traceId":"..."}
//
// and changes nothing. cmd/ghl-emulator generates a control token when it
// listens beyond loopback. Errors of the control endpoints have the same
// shape (404 "Cannot GET /_emulator/x", 400 for faults).
package ghltest
