package feed

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strconv"
	"time"

	ghl "github.com/salesnexus/ghl-go"
)

// ContactsOptions narrows the contacts feeds ([Contacts] and
// [ContactsSnapshot]).
type ContactsOptions struct {
	// PageLimit is the page size, 1 to 500; 0 is 500, the fewest requests.
	PageLimit int
	// Query and Filters narrow the search as in [ghl.ContactSearchRequest];
	// the feed adds its own dateUpdated filter to Filters (AND).
	Query   string
	Filters []ghl.ContactSearchFilter
	// Overlap and Start are those of [Watermark] (Contacts only).
	Overlap time.Duration
	Start   time.Time
}

func (o *ContactsOptions) request(locationID string) ghl.ContactSearchRequest {
	r := ghl.ContactSearchRequest{LocationID: locationID, PageLimit: 500}
	if o != nil {
		if o.PageLimit > 0 {
			r.PageLimit = o.PageLimit
		}
		r.Query = o.Query
		r.Filters = append([]ghl.ContactSearchFilter(nil), o.Filters...)
	}
	return r
}

// Contacts is a watermark feed of a location's contacts: every cycle is one
// Contacts.Search (through SearchIter) filtered on dateUpdated at or after
// the watermark minus the overlap and sorted by dateUpdated, oldest first,
// paged by searchAfter. A cycle costs ceil((n+1)/PageLimit) requests for n
// contacts updated since the watermark minus the overlap: 1 when nothing
// changed. Deletions are not reported (see [ContactsSnapshot]).
func Contacts(c *ghl.Client, locationID string, opts *ContactsOptions) *Watermark[ghl.Contact] {
	base := opts.request(locationID)
	w := &Watermark[ghl.Contact]{
		Name: "contacts",
		Read: func(ctx context.Context, since time.Time) iter.Seq2[*ghl.Contact, error] {
			r := base
			r.Filters = append([]ghl.ContactSearchFilter(nil), base.Filters...)
			if !since.IsZero() {
				r.Filters = append(r.Filters, ghl.ContactSearchFilter{Field: "dateUpdated", Operator: "range",
					Value: map[string]any{"gte": since.UTC().Format("2006-01-02T15:04:05.000Z")}})
			}
			r.Sort = []ghl.ContactSearchSort{{Field: "dateUpdated", Direction: "asc"}}
			return c.Contacts.SearchIter(ctx, &r)
		},
		ID:      func(ct *ghl.Contact) string { return ct.ID },
		Version: func(ct *ghl.Contact) time.Time { return contactVersion(ct) },
		Created: func(ct *ghl.Contact) time.Time { return ct.DateAdded.Time },
		Hash:    contactHash,
	}
	if opts != nil {
		w.Overlap, w.Start = opts.Overlap, opts.Start
	}
	return w
}

// contactVersion is dateUpdated, or dateAdded for a contact never updated.
func contactVersion(ct *ghl.Contact) time.Time {
	if ct.DateUpdated.IsZero() {
		return ct.DateAdded.Time
	}
	return ct.DateUpdated.Time
}

// ContactsSnapshot is a snapshot feed of a location's contacts: every cycle
// reads them all (Contacts.SearchIter sorted by dateAdded, paged by
// searchAfter, so that a deletion while paging shifts nothing), which
// costs ceil((N+1)/PageLimit) requests for N contacts, and reports
// deletions too. The hash leaves out the search cursor.
func ContactsSnapshot(c *ghl.Client, locationID string, opts *ContactsOptions) *Snapshot[ghl.Contact] {
	base := opts.request(locationID)
	return &Snapshot[ghl.Contact]{
		Name: "contacts-snapshot",
		Read: func(ctx context.Context) iter.Seq2[*ghl.Contact, error] {
			r := base
			r.Sort = []ghl.ContactSearchSort{{Field: "dateAdded", Direction: "asc"}}
			return c.Contacts.SearchIter(ctx, &r)
		},
		ID:   func(ct *ghl.Contact) string { return ct.ID },
		Hash: contactHash,
	}
}

// contactHash hashes a contact without its search cursor.
func contactHash(ct *ghl.Contact) uint64 {
	cp := *ct
	cp.SearchAfter = nil
	return HashJSON(&cp)
}

// Users is a snapshot feed of a location's users (Users.ListByLocation, which
// HighLevel marks deprecated but is the list a location token reads: 1
// request per cycle).
func Users(c *ghl.Client, locationID string) *Snapshot[ghl.User] {
	return &Snapshot[ghl.User]{
		Name: "users",
		Read: FromList(func(ctx context.Context) ([]ghl.User, *ghl.Response, error) {
			//lint:ignore SA1019 the one users list a location token may read; Users.Search takes an agency's company ID
			return c.Users.ListByLocation(ctx, locationID)
		}),
		ID: func(u *ghl.User) string { return u.ID },
	}
}

// Workflows is a snapshot feed of a location's workflows (Workflows.List:
// 1 request per cycle).
func Workflows(c *ghl.Client, locationID string) *Snapshot[ghl.Workflow] {
	return &Snapshot[ghl.Workflow]{
		Name: "workflows",
		Read: FromList(func(ctx context.Context) ([]ghl.Workflow, *ghl.Response, error) {
			return c.Workflows.List(ctx, locationID)
		}),
		ID: func(w *ghl.Workflow) string { return w.ID },
	}
}

// Calendars is a snapshot feed of a location's calendars (Calendars.List:
// 1 request per cycle); opts may be nil.
func Calendars(c *ghl.Client, locationID string, opts *ghl.CalendarsListOptions) *Snapshot[ghl.Calendar] {
	return &Snapshot[ghl.Calendar]{
		Name: "calendars",
		Read: FromList(func(ctx context.Context) ([]ghl.Calendar, *ghl.Response, error) {
			return c.Calendars.List(ctx, locationID, opts)
		}),
		ID: func(cal *ghl.Calendar) string { return cal.ID },
	}
}

// CalendarGroups is a snapshot feed of a location's calendar groups
// (Calendars.ListGroups: 1 request per cycle).
func CalendarGroups(c *ghl.Client, locationID string) *Snapshot[ghl.Group] {
	return &Snapshot[ghl.Group]{
		Name: "calendar-groups",
		Read: FromList(func(ctx context.Context) ([]ghl.Group, *ghl.Response, error) {
			return c.Calendars.ListGroups(ctx, locationID)
		}),
		ID: func(g *ghl.Group) string { return g.ID },
	}
}

// Pipelines is a snapshot feed of a location's opportunity pipelines and
// their stages (Opportunities.ListPipelines: 1 request per cycle).
func Pipelines(c *ghl.Client, locationID string) *Snapshot[ghl.Pipeline] {
	return &Snapshot[ghl.Pipeline]{
		Name: "pipelines",
		Read: FromList(func(ctx context.Context) ([]ghl.Pipeline, *ghl.Response, error) {
			return c.Opportunities.ListPipelines(ctx, locationID)
		}),
		ID: func(p *ghl.Pipeline) string { return p.ID },
	}
}

// Campaigns is a snapshot feed of a location's campaigns (Campaigns.List:
// 1 request per cycle); opts may be nil.
func Campaigns(c *ghl.Client, locationID string, opts *ghl.CampaignsListOptions) *Snapshot[ghl.Campaign] {
	return &Snapshot[ghl.Campaign]{
		Name: "campaigns",
		Read: FromList(func(ctx context.Context) ([]ghl.Campaign, *ghl.Response, error) {
			return c.Campaigns.List(ctx, locationID, opts)
		}),
		ID: func(cp *ghl.Campaign) string { return cp.ID },
	}
}

// BlogPosts is a snapshot feed of the posts of a blog (Blogs.ListPostsIter:
// ceil((N+1)/Limit) requests per cycle). The list is paged by offset, so
// deletions are confirmed by a second read ([Snapshot].ConfirmDeletes).
func BlogPosts(c *ghl.Client, locationID, blogID string, opts *ghl.BlogsListPostsOptions) *Snapshot[ghl.Blog] {
	return &Snapshot[ghl.Blog]{
		Name: "blog-posts",
		Read: func(ctx context.Context) iter.Seq2[*ghl.Blog, error] {
			return c.Blogs.ListPostsIter(ctx, locationID, blogID, opts)
		},
		ID:             func(b *ghl.Blog) string { return b.ID },
		ConfirmDeletes: true,
	}
}

// Opportunities is a snapshot feed of a location's opportunities, narrowed
// by opts (a pipeline, a stage, a status), through Opportunities.SearchIter
// (paged by meta's startAfter cursors: ceil((N+1)/Limit) requests per
// cycle). The search filters by creation date only, not by update, so it
// cannot carry a watermark.
func Opportunities(c *ghl.Client, locationID string, opts *ghl.OpportunitiesSearchOptions) *Snapshot[ghl.Opportunity] {
	return &Snapshot[ghl.Opportunity]{
		Name: "opportunities",
		Read: func(ctx context.Context) iter.Seq2[*ghl.Opportunity, error] {
			return c.Opportunities.SearchIter(ctx, locationID, opts)
		},
		ID: func(o *ghl.Opportunity) string { return o.ID },
	}
}

// Defaults of [CalendarEvents]' window.
const (
	DefaultEventsBack  = 24 * time.Hour
	DefaultEventsAhead = 30 * 24 * time.Hour
)

// CalendarEventsOptions narrows [CalendarEvents]: one of CalendarID, UserID
// or GroupID is required (the API's rule), and the window is Back before
// the cycle's start to Ahead after it.
type CalendarEventsOptions struct {
	CalendarID, UserID, GroupID string
	// Back and Ahead bound the window; 0 is [DefaultEventsBack] (1 day)
	// and [DefaultEventsAhead] (30 days).
	Back, Ahead time.Duration
}

// CalendarEvents is a feed of the appointments whose time overlaps a window
// moving with the clock, from opts.Back before each cycle's start to
// opts.Ahead after it: Calendars.ListEvents, which filters by the event's
// time (not by its dateUpdated) and has no cursor, so a cycle is 1 request
// whatever changed, and a snapshot diff tells created, updated and deleted
// events. An event missing from a read is looked up
// (Calendars.GetAppointment, 1 request each): a 404 is Deleted; an event
// rescheduled out of the window is Updated and then forgotten, and one that
// merely aged out of the window is forgotten silently. An event entering the
// window (booked long ahead) is Created when it does.
func CalendarEvents(c *ghl.Client, locationID string, opts CalendarEventsOptions) *Snapshot[ghl.Event] {
	back, ahead := opts.Back, opts.Ahead
	if back <= 0 {
		back = DefaultEventsBack
	}
	if ahead <= 0 {
		ahead = DefaultEventsAhead
	}
	lo := &ghl.CalendarsListEventsOptions{CalendarID: opts.CalendarID, UserID: opts.UserID, GroupID: opts.GroupID}
	return &Snapshot[ghl.Event]{
		Name: "calendar-events",
		ReadAt: func(ctx context.Context, now time.Time) iter.Seq2[*ghl.Event, error] {
			return FromList(func(ctx context.Context) ([]ghl.Event, *ghl.Response, error) {
				return c.Calendars.ListEvents(ctx, locationID, strconv.FormatInt(now.Add(-back).UnixMilli(), 10),
					strconv.FormatInt(now.Add(ahead).UnixMilli(), 10), lo)
			})(ctx)
		},
		ID:   func(e *ghl.Event) string { return e.ID },
		Hash: eventHash,
		Lookup: func(ctx context.Context, id string) (*ghl.Event, error) {
			e, _, err := c.Calendars.GetAppointment(ctx, id)
			return e, err
		},
	}
}

// eventHash hashes what an appointment is (when, where, who, its status),
// the fields that the list and GetAppointment both return, so that a lookup
// of an unchanged event matches its listed hash.
func eventHash(e *ghl.Event) uint64 {
	return HashJSON(&struct {
		ID, CalendarID, ContactID, Title, Status, AssignedUserID, Address, Notes string
		Users                                                                    []string
		Start, End                                                               int64
	}{e.ID, e.CalendarID, e.ContactID, e.Title, e.AppointmentStatus, e.AssignedUserID, e.Address, e.Notes,
		e.Users, e.StartTime.UnixMilli(), e.EndTime.UnixMilli()})
}

// Activity is a task or a note of a contact, as [ContactActivities]
// delivers it: one of Task and Note is set. Its [Change].ID is "task/" or
// "note/" and the task's or note's ID.
type Activity struct {
	ContactID string
	Task      *ghl.Task
	Note      *ghl.Note
}

// ContactActivities is a feed of the tasks and notes of a location's
// contacts (narrowed by opts' Query and Filters), a fan-out the API offers
// no search for: adding a task or note need not move the contact's
// dateUpdated, so every contact is visited, in passes. A pass reads the
// contacts (Contacts.SearchIter sorted by dateAdded) and, for each, its
// tasks and notes (Contacts.ListTasks and ListNotes): ceil((N+1)/PageLimit)
// + 2N requests for N contacts. Run it under [WithBudget]: a cycle stops at
// the budget after the last contact it finished, and the next cycle goes on
// from that contact (the checkpoint keeps its search cursor), so a pass
// spreads over as many cycles as the budget needs and nothing is skipped;
// deletions are reported when a pass ends. The budget must allow a contact:
// at least 3 requests (4 at a page boundary).
func ContactActivities(c *ghl.Client, locationID string, opts *ContactsOptions) *Snapshot[Activity] {
	base := opts.request(locationID)
	return &Snapshot[Activity]{
		Name: "contact-activities",
		ReadFrom: func(ctx context.Context, cursor []byte, mark func([]byte)) iter.Seq2[*Activity, error] {
			return func(yield func(*Activity, error) bool) {
				r := base
				r.Sort = []ghl.ContactSearchSort{{Field: "dateAdded", Direction: "asc"}}
				if cursor != nil {
					if err := json.Unmarshal(cursor, &r.SearchAfter); err != nil {
						yield(nil, fmt.Errorf("ContactActivities: checkpoint cursor: %w", err))
						return
					}
				}
				for ct, err := range c.Contacts.SearchIter(ctx, &r) {
					if err != nil {
						yield(nil, err)
						return
					}
					tasks, _, err := c.Contacts.ListTasks(ctx, ct.ID)
					if err != nil {
						yield(nil, err)
						return
					}
					for i := range tasks {
						if !yield(&Activity{ContactID: ct.ID, Task: &tasks[i]}, nil) {
							return
						}
					}
					notes, _, err := c.Contacts.ListNotes(ctx, ct.ID)
					if err != nil {
						yield(nil, err)
						return
					}
					for i := range notes {
						if !yield(&Activity{ContactID: ct.ID, Note: &notes[i]}, nil) {
							return
						}
					}
					if len(ct.SearchAfter) > 0 {
						if b, err := json.Marshal(ct.SearchAfter); err == nil {
							mark(b)
						}
					}
				}
			}
		},
		ID: func(a *Activity) string {
			switch {
			case a.Task != nil:
				return "task/" + a.Task.ID
			case a.Note != nil:
				return "note/" + a.Note.ID
			}
			return ""
		},
	}
}

// ConversationsPageLimit is how many conversations [Conversations] reads
// per request (the API's maximum is 100).
const ConversationsPageLimit = 100

// Conversations is a snapshot feed of a location's conversations
// (Conversations.Search, newest last message first): a conversation whose
// last message, unread count or assignment changed is Updated, a new one
// Created and one that is gone Deleted. Search pages by the last message's
// time (startAfterDate, the previous page's last sort value); several
// conversations can share a millisecond, and one past the page boundary
// would then be skipped, so each page starts at the boundary's millisecond
// again (startAfterDate = last + 1) and the repeats are dropped by ID. A
// cycle is ceil(N/100) requests or a few more; a page that brings no new
// conversation (more than 100 in one millisecond) ends the read with an
// error rather than a read that would report the rest as deleted.
func Conversations(c *ghl.Client, locationID string) *Snapshot[ghl.Conversation] {
	return &Snapshot[ghl.Conversation]{
		Name: "conversations",
		Read: func(ctx context.Context) iter.Seq2[*ghl.Conversation, error] {
			return func(yield func(*ghl.Conversation, error) bool) {
				seen := map[string]bool{}
				opts := &ghl.ConversationsSearchOptions{Limit: ConversationsPageLimit, Sort: "desc", SortBy: "last_message_date"}
				for {
					page, _, err := c.Conversations.Search(ctx, locationID, opts)
					if err != nil {
						yield(nil, err)
						return
					}
					fresh := 0
					for i := range page {
						cv := &page[i]
						if seen[cv.ID] {
							continue
						}
						seen[cv.ID], fresh = true, fresh+1
						if !yield(cv, nil) {
							return
						}
					}
					if len(page) < opts.Limit {
						return
					}
					last, ok := conversationCursor(&page[len(page)-1])
					if !ok || fresh == 0 {
						yield(nil, fmt.Errorf("feed: conversations: search did not advance past startAfterDate %q (more than %d conversations in one millisecond, or no sort value)", opts.StartAfterDate, opts.Limit))
						return
					}
					opts.StartAfterDate = strconv.FormatInt(last+1, 10)
				}
			}
		},
		ID: func(cv *ghl.Conversation) string { return cv.ID },
		Hash: func(cv *ghl.Conversation) uint64 {
			cp := *cv
			cp.Sort = nil // the cursor, not content
			return HashJSON(&cp)
		},
	}
}

// conversationCursor is a search result's sort value in epoch milliseconds
// (its last message's time), falling back to LastMessageDate.
func conversationCursor(cv *ghl.Conversation) (int64, bool) {
	if len(cv.Sort) > 0 {
		if f, ok := cv.Sort[0].(float64); ok {
			return int64(f), true
		}
	}
	if cv.LastMessageDate.Valid() {
		return cv.LastMessageDate.UnixMilli(), true
	}
	return 0, false
}
