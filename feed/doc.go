// Package feed turns a list or search of the HighLevel API into a change
// feed: the records created, updated and (where it can be known) deleted
// since the last poll, typed, delivered at least once, with a checkpoint
// that survives restarts. It is the polling side of the catalog's
// triggers ("every 1 to 15 minutes").
//
// A [Feed] reads a [Source], one of two strategies, usually made by a
// constructor for the service:
//
//	f, err := feed.New("contacts/"+locationID, feed.Contacts(client, locationID, nil),
//		feed.WithStore(store), feed.WithInterval(5*time.Minute), feed.WithBudget(20))
//	// one cycle, as a range loop (reaching the end acknowledges it):
//	for ch, err := range f.Poll(ctx) { ... }
//	// or on a schedule, with a handler:
//	err = f.Run(ctx, func(ctx context.Context, ch feed.Change[ghl.Contact]) error { ... })
//
// # Delivery
//
// A cycle loads the checkpoint, reads the source and delivers each change.
// The checkpoint is saved only after the consumer accepted every change of
// the cycle (the range loop ran to its end, or the handler returned nil for
// each): a crash or a handler error before that delivers the cycle's
// changes again, and nothing is skipped. A cycle that the read or the
// budget cut short saves the progress of what the consumer accepted.
// Deduplicate downstream by (ID, Version) when a re-delivery matters. A
// snapshot saves the IDs of new records before delivering them, so that a
// record delivered by a cycle that then crashed, and deleted before the next
// one, is reported Deleted; such a Deleted may be for a record the consumer
// never received.
//
// # Strategies and their cost
//
// A watermark ([Watermark]) reads the records updated since the last cycle,
// oldest first, and re-reads an overlap window ([DefaultOverlap], 1 minute)
// below its watermark so that records with the watermark's millisecond, or
// that became visible late, are not missed; (ID, version, content hash)
// pairs within the overlap keep the re-read from delivering anything twice.
// It cannot see deletions. A snapshot ([Snapshot]) reads the whole list and
// compares it with the (ID, 8-byte hash) pairs of the previous read, which
// also finds deletions.
//
//	trigger (constructor)         strategy   endpoint                               requests per cycle
//	contact changed (Contacts)    watermark  POST /contacts/search, dateUpdated ≥   ceil((n+1)/500): n contacts updated since
//	                                         watermark−overlap, sort dateUpdated    the watermark minus the overlap; 1 when quiet
//	contact deleted               snapshot   POST /contacts/search, sort dateAdded  ceil((N+1)/500): N contacts
//	  (ContactsSnapshot)
//	opportunity changed           snapshot   GET /opportunities/search (a pipeline, ceil((N+1)/limit)
//	  (Opportunities)                        stage or status; filters by creation only)
//	user (Users)                  snapshot   GET /users/?locationId                 1
//	workflow (Workflows)          snapshot   GET /workflows/                        1
//	calendar (Calendars)          snapshot   GET /calendars/                        1
//	calendar group (CalendarGroups) snapshot GET /calendars/groups                  1
//	pipeline (Pipelines)          snapshot   GET /opportunities/pipelines           1
//	campaign (Campaigns)          snapshot   GET /campaigns/                        1
//	blog post (BlogPosts)         snapshot   GET /blogs/posts/all (offset paging:   ceil((N+1)/limit)
//	                                         deletions confirmed by a second read)
//	appointment (CalendarEvents)  snapshot   GET /calendars/events, startTime and   1, plus 1 per event leaving
//	                                         endTime a window around now, one of    the window (GET .../appointments/{id}:
//	                                         calendarId/userId/groupId              404 is Deleted, else moved or aged out)
//	task or note of a contact     snapshot   POST /contacts/search, then GET        ceil((N+1)/500) + 2N per pass; a pass
//	  (ContactActivities)         in passes  /contacts/{id}/tasks and /notes        spans cycles under WithBudget, resuming
//	                                                                                after the last contact finished
//
//	conversation (Conversations)  snapshot   GET /conversations/search, newest      ceil(N/100), a few more when
//	                                         last message first, startAfterDate     conversations share the
//	                                         the boundary's millisecond again       boundary's millisecond
//
// Conversations are a snapshot rather than a watermark: the search filters
// by no date, it only sorts by the last message's, and an unread count or an
// assignment can change without a new message.
//
// For 1,000 contacts a contacts snapshot costs 3 requests a cycle and
// 100,000 cost 201, while a contacts watermark costs 1 request a cycle when
// fewer than 500 contacts changed within the last interval plus the
// overlap, whatever the total. A snapshot checkpoint takes about 29 bytes
// per record (20-character ID, 8-byte hash): 29 kB for 1,000 records, 2.9
// MB for 100,000; a watermark checkpoint holds only the overlap's records
// (18 bytes when quiet, 3.5 kB after 100 updates). BENCHMARKS.md has the
// measured figures; [Stats] reports both for a running feed.
//
// # Quota
//
// Every request goes through the source's [ghl.Client], so polling shares
// its per-location rate limiter (and its retries) with the rest of the
// application. [WithBudget] caps the requests of one cycle, retries
// included ([ghl.RequestBudget]); [WithInterval] (1 to 15 minutes) and
// [WithJitter] spread the cycles of many feeds; a failed cycle backs off
// exponentially, and at least as long as a 429's Retry-After. A done ctx
// ends a cycle or Run at once.
//
// # Many locations
//
// A [Fleet] runs one feed definition for every location an agency's app is
// installed on ([ghl.Agency.AllInstalledLocations]), each with its own
// client ([ghl.Agency.ClientForLocation]: its own token and rate-limit
// bucket) and its own checkpoint key, name/<locationID>. At most
// [FleetOptions].Concurrency cycles run at once; first cycles are spread
// over the interval (location i of n in the i-th of n slots, jittered), so
// that the locations keep polling in different seconds; [Fleet.Stats]
// gives each location's [Stats]; a done ctx stops every feed at once.
//
// # Checkpoints
//
// [CheckpointStore] has a memory ([MemoryStore]) and a file ([FileStore])
// implementation; a shared store (Redis, a database) fits the same two
// methods. Give every feed its own key, such as "contacts/<locationID>".
package feed
