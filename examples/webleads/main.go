// Command webleads turns web leads into HighLevel contacts: a small HTTP
// server with a lead form (GET /) and a JSON endpoint for form tools
// (POST /api/leads). Each submission
//
//  1. upserts the contact, matched by email or phone: never duplicated, even
//     when the same form is posted twice at once (submissions are serialized
//     per email and phone) or a connection is lost mid-write (the contact is
//     looked up before anything is sent again);
//  2. tags it and creates a follow-up task for the assigned user;
//  3. where a calendar is configured, offers the next free slots and books
//     the one the person picks.
//
// With no GHL_ACCESS_TOKEN set it runs on the embedded ghltest emulator,
// seeded with a calendar and a user:
//
//	go run ./examples/webleads            # then open http://localhost:8080
//
// Against the real API (read-only unless -write: leads are looked up, not saved):
//
//	GHL_ACCESS_TOKEN=pit-... GHL_LOCATION_ID=... go run ./examples/webleads [-write] [-calendar ID] [-assign USER_ID]
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"log"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"time"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

type config struct {
	token, locationID, baseURL string
	addr, calendarID, assignTo string
	tag                        string
	write                      bool
}

func main() {
	cfg := config{
		token:      os.Getenv("GHL_ACCESS_TOKEN"),
		locationID: os.Getenv("GHL_LOCATION_ID"),
		baseURL:    os.Getenv("GHL_BASE_URL"),
	}
	flag.StringVar(&cfg.addr, "addr", "localhost:8080", "address to serve the lead form on")
	flag.BoolVar(&cfg.write, "write", false, "against the real API, save leads (upsert, tag, task, booking)")
	flag.StringVar(&cfg.calendarID, "calendar", "", "calendar to offer free slots of (seeded on the emulator)")
	flag.StringVar(&cfg.assignTo, "assign", "", "user ID to assign follow-up tasks to (default: the contact's owner)")
	flag.StringVar(&cfg.tag, "tag", "web lead", "tag added to every lead")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	a, emu, err := setup(cfg)
	if err != nil {
		log.Fatal(err)
	}
	if emu != nil {
		defer emu.Close()
		log.Printf("No GHL_ACCESS_TOKEN set: using the embedded HighLevel emulator at %s", emu.URL)
	} else if !a.write {
		log.Printf("Read-only against HighLevel: leads are looked up, not saved (pass -write to save them)")
	}
	srv := &http.Server{Addr: cfg.addr, Handler: a.routes(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Printf("Lead form on http://%s/ (JSON: POST /api/leads)", cfg.addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

// setup builds the app: on the emulator (returned, to be closed) when cfg has
// no token, else against the API cfg names.
func setup(cfg config) (*app, *ghltest.Server, error) {
	var emu *ghltest.Server
	if cfg.token == "" {
		var loc *ghltest.Location
		emu, loc, cfg.calendarID, cfg.assignTo = startEmulator()
		cfg.token, cfg.locationID, cfg.baseURL, cfg.write = loc.Token, loc.ID, emu.URL, true
	} else if cfg.locationID == "" {
		return nil, nil, errors.New("GHL_LOCATION_ID must be set with GHL_ACCESS_TOKEN")
	}
	opts := []ghl.Option{
		ghl.WithAccessToken(cfg.token),
		ghl.WithUserAgent("salesnexus-webleads/1.0"),
		ghl.WithHTTPClient(&http.Client{Timeout: 30 * time.Second}),
	}
	if cfg.baseURL != "" {
		opts = append(opts, ghl.WithBaseURL(cfg.baseURL))
	}
	client, err := ghl.NewClient(opts...)
	if err != nil {
		return nil, nil, err
	}
	if cfg.tag == "" {
		cfg.tag = "web lead"
	}
	return newApp(client, cfg), emu, nil
}

// saveLead is the heart of the example: upsert, tag, task, free slots.
func (a *app) saveLead(ctx context.Context, l *lead) (*leadResult, error) {
	// One submission per email and per phone at a time: a double-click (or a
	// form tool's retry) waits for the first, then matches its contact.
	defer a.locks.lock("email:"+l.Email, "phone:"+l.Phone)()

	if !a.write {
		c, _, err := a.client.Contacts.Find(ctx, ghl.ContactQuery{LocationID: a.locationID, Email: l.Email, Phone: l.Phone})
		if err != nil {
			return nil, err
		}
		res := &leadResult{ReadOnly: true}
		if c != nil {
			res.ContactID = c.ID
		}
		res.Slots, err = a.freeSlots(ctx)
		return res, err
	}

	contact, created, err := a.upsert(ctx, l)
	if err != nil {
		return nil, err
	}
	// Adding a tag twice is harmless, so a lost answer is simply retried.
	tags := &ghl.ContactTagsRequest{Tags: []string{a.tag}}
	if _, _, err = a.client.Contacts.AddTags(ctx, contact.ID, tags); errors.Is(err, ghl.ErrOutcomeUnknown) {
		_, _, err = a.client.Contacts.AddTags(ctx, contact.ID, tags)
	}
	if err != nil {
		return nil, err
	}
	task, err := a.followUp(ctx, contact, l)
	if err != nil {
		return nil, err
	}
	res := &leadResult{ContactID: contact.ID, Created: created, TaskID: task.ID}
	if res.Slots, err = a.freeSlots(ctx); err != nil {
		return nil, err
	}
	if len(res.Slots) > 0 {
		res.BookToken = a.sign(contact.ID)
	}
	return res, nil
}

// upsert creates or updates the lead's contact. When the answer is lost (the
// write may or may not have been applied), it looks the contact up before
// sending the upsert again, so a retry never creates a second contact.
func (a *app) upsert(ctx context.Context, l *lead) (*ghl.Contact, bool, error) {
	req := &ghl.ContactUpsertRequest{
		LocationID: a.locationID,
		FirstName:  nonEmpty(l.FirstName),
		LastName:   nonEmpty(l.LastName),
		Email:      nonEmpty(l.Email),
		Phone:      nonEmpty(l.Phone),
		Source:     ghl.Ptr("web form"),
	}
	for attempt := 1; ; attempt++ {
		res, _, err := a.client.Contacts.Upsert(ctx, req)
		if err == nil {
			return res.Contact, res.New, nil
		}
		if !errors.Is(err, ghl.ErrOutcomeUnknown) || attempt == 2 {
			return nil, false, err
		}
		log.Printf("upsert: %v; looking the contact up before sending it again", err)
		c, _, ferr := a.client.Contacts.Find(ctx, ghl.ContactQuery{LocationID: a.locationID, Email: l.Email, Phone: l.Phone})
		if ferr != nil {
			return nil, false, ferr
		}
		if c != nil {
			return c, false, nil // the lost upsert was applied (or the contact existed)
		}
	}
}

// followUp creates the follow-up task, unless an open one for this lead is
// there already (a repeated submission, or a task whose answer was lost).
func (a *app) followUp(ctx context.Context, c *ghl.Contact, l *lead) (*ghl.Task, error) {
	title := "Follow up on web lead"
	open := func() (*ghl.Task, error) {
		tasks, _, err := a.client.Contacts.ListTasks(ctx, c.ID)
		if i := slices.IndexFunc(tasks, func(t ghl.Task) bool { return t.Title == title && !t.Completed }); i >= 0 {
			return &tasks[i], err
		}
		return nil, err
	}
	if t, err := open(); t != nil || err != nil {
		return t, err
	}
	req := &ghl.TaskCreateRequest{
		Title:   title,
		Body:    ghl.Ptr(l.taskBody()),
		DueDate: ghl.Timestamp{Time: time.Now().Add(24 * time.Hour).Truncate(time.Minute)},
	}
	if user := cmp.Or(a.assignTo, c.AssignedTo); user != "" {
		req.AssignedTo = &user
	}
	t, _, err := a.client.Contacts.CreateTask(ctx, c.ID, req)
	if errors.Is(err, ghl.ErrOutcomeUnknown) {
		if t, ferr := open(); t != nil || ferr != nil {
			return t, ferr
		}
		t, _, err = a.client.Contacts.CreateTask(ctx, c.ID, req)
	}
	return t, err
}

// freeSlots returns the calendar's next free slots within 7 days (at most
// maxSlots), or none when no calendar is configured.
func (a *app) freeSlots(ctx context.Context) ([]time.Time, error) {
	if a.calendarID == "" {
		return nil, nil
	}
	now := time.Now()
	days, _, err := a.client.Calendars.FreeSlots(ctx, a.calendarID, now.UnixMilli(), now.AddDate(0, 0, 7).UnixMilli(), nil)
	if err != nil {
		return nil, err
	}
	var out []time.Time
	for _, d := range days {
		for _, s := range d.Slots {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				out = append(out, t)
			}
		}
	}
	slices.SortFunc(out, time.Time.Compare)
	return out[:min(len(out), maxSlots)], nil
}

// book books the slot at start for the contact; a second click on the same
// slot, or a retry after a lost answer, finds the appointment already there.
func (a *app) book(ctx context.Context, contactID string, start time.Time) (*ghl.Appointment, error) {
	if !a.write {
		return nil, errReadOnly
	}
	defer a.locks.lock("book:" + contactID)()
	booked := func() (*ghl.Appointment, error) {
		appts, _, err := a.client.Contacts.ListAppointments(ctx, contactID)
		if i := slices.IndexFunc(appts, func(ap ghl.Appointment) bool {
			return ap.CalendarID == a.calendarID && ap.StartTime.Equal(start) && !ap.Deleted && ap.AppointmentStatus != "cancelled"
		}); i >= 0 {
			return &appts[i], err
		}
		return nil, err
	}
	if ap, err := booked(); ap != nil || err != nil {
		return ap, err
	}
	req := &ghl.AppointmentCreateRequest{
		CalendarID: a.calendarID, LocationID: a.locationID, ContactID: contactID,
		StartTime: ghl.Timestamp{Time: start}, Title: ghl.Ptr("Intro call (web lead)"),
	}
	_, _, err := a.client.Calendars.CreateAppointment(ctx, req)
	if errors.Is(err, ghl.ErrOutcomeUnknown) {
		if ap, ferr := booked(); ap != nil || ferr != nil {
			return ap, ferr
		}
		_, _, err = a.client.Calendars.CreateAppointment(ctx, req)
	}
	if err != nil {
		return nil, err
	}
	return booked()
}

var errReadOnly = errors.New("read-only: pass -write to book appointments")

// startEmulator starts ghltest in-process with a location, a user to assign
// tasks to and a calendar open 9:00 to 17:00 every day, in 30-minute slots.
func startEmulator() (srv *ghltest.Server, loc *ghltest.Location, calendarID, userID string) {
	srv = ghltest.NewServer()
	loc = srv.CreateLocation("SalesNexus Demo")
	userID = srv.Store(loc.CompanyID).Put("users", map[string]any{
		"firstName": "Sam", "lastName": "Sales", "email": "sam.sales@example.com",
	})
	calendarID = srv.Store(loc.ID).Put("calendars", map[string]any{
		"name": "Intro calls", "slotDuration": 30, "slotInterval": 30,
		"openHours": []any{map[string]any{"daysOfTheWeek": []int{0, 1, 2, 3, 4, 5, 6},
			"hours": []any{map[string]any{"openHour": 9, "openMinute": 0, "closeHour": 17, "closeMinute": 0}}}},
	})
	return srv, loc, calendarID, userID
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
