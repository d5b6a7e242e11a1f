// Command quickstart walks through the SalesNexus connector flows on the
// HighLevel API:
//
//  1. real-time contact lookup and sync: upsert a contact, then fetch it with
//     its tasks, notes and appointments;
//  2. task and note enrichment: create a task, update it, complete it, add and
//     read notes;
//  3. business context: read the contact's business and list its contacts.
//
// With no GHL_ACCESS_TOKEN set it starts the ghltest emulator in-process and
// seeds a location, so it runs anywhere:
//
//	go run ./examples/quickstart
//
// With GHL_ACCESS_TOKEN (a Private Integration token of a sub-account) and
// GHL_LOCATION_ID set, it runs the read-only part against the real API, and
// writes only when -write is given:
//
//	GHL_ACCESS_TOKEN=pit-... GHL_LOCATION_ID=... go run ./examples/quickstart [-write] [-email someone@example.com]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"time"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

type config struct {
	token      string
	locationID string
	baseURL    string
	write      bool
	email      string
}

func main() {
	cfg := config{
		token:      os.Getenv("GHL_ACCESS_TOKEN"),
		locationID: os.Getenv("GHL_LOCATION_ID"),
		baseURL:    os.Getenv("GHL_BASE_URL"),
	}
	flag.BoolVar(&cfg.write, "write", false, "against the real API, also run the steps that write (upsert, tasks, notes)")
	flag.StringVar(&cfg.email, "email", "jane.doe@example.com", "email of the contact to upsert or look up")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, cfg); err != nil {
		log.Fatal(err)
	}
}

// run executes the flows and prints a report to w.
func run(ctx context.Context, w io.Writer, cfg config) error {
	r := &report{w: w}
	if cfg.token == "" {
		srv, loc := startEmulator()
		defer srv.Close()
		cfg.token, cfg.locationID, cfg.baseURL, cfg.write = loc.Token, loc.ID, srv.URL, true
		r.printf("No GHL_ACCESS_TOKEN set: using the embedded HighLevel emulator at %s\n", srv.URL)
		r.printf("Seeded location %q (%s) with a business, contacts and an appointment.\n", loc.Name, loc.ID)
	} else if cfg.locationID == "" {
		return errors.New("GHL_LOCATION_ID must be set with GHL_ACCESS_TOKEN")
	} else if !cfg.write {
		r.printf("Running read-only against HighLevel (pass -write to also create and update records).\n")
	}

	counter := &countingTransport{base: http.DefaultTransport}
	opts := []ghl.Option{
		ghl.WithAccessToken(cfg.token),
		ghl.WithUserAgent("salesnexus-quickstart/1.0"),
		ghl.WithHTTPClient(&http.Client{Transport: counter, Timeout: 30 * time.Second}),
	}
	if cfg.baseURL != "" {
		opts = append(opts, ghl.WithBaseURL(cfg.baseURL))
	}
	client, err := ghl.NewClient(opts...)
	if err != nil {
		return err
	}

	contact, err := flowLookup(ctx, r, client, cfg)
	if err != nil {
		return err
	}
	if contact != nil && cfg.write {
		if err := flowEnrich(ctx, r, client, contact.ID); err != nil {
			return err
		}
	}
	if err := flowBusiness(ctx, r, client, cfg.locationID, contact); err != nil {
		return err
	}
	r.printf("\nDone: %d HTTP requests.\n", counter.n.Load())
	return nil
}

// flowLookup is flow 1: upsert (or find) a contact, then read it with its
// tasks, notes and appointments.
func flowLookup(ctx context.Context, r *report, client *ghl.Client, cfg config) (*ghl.Contact, error) {
	r.section("1. Contact lookup and sync")
	var contactID string
	if cfg.write {
		res, _, err := client.Contacts.Upsert(ctx, &ghl.ContactUpsertRequest{
			LocationID: cfg.locationID,
			Email:      ghl.Ptr(cfg.email),
			FirstName:  ghl.Ptr("Jane"),
			LastName:   ghl.Ptr("Doe"),
			Phone:      ghl.Ptr("+15555550123"),
			Tags:       []string{"salesnexus"},
			Source:     ghl.Ptr("SalesNexus sync"),
		})
		if err != nil {
			return nil, fmt.Errorf("upsert contact: %w", err)
		}
		verb := "updated"
		if res.New {
			verb = "created"
		}
		r.printf("Upserted %s: %s (%s)\n", res.Contact.Email, res.Contact.ID, verb)
		contactID = res.Contact.ID
	} else {
		dup, _, err := client.Contacts.FindDuplicate(ctx, cfg.locationID, &ghl.DuplicateSearchOptions{Email: cfg.email})
		if err != nil {
			return nil, fmt.Errorf("find contact by email: %w", err)
		}
		found := dup.Contact
		if found == nil {
			r.printf("No contact with email %s in this location; pass -email to look up another.\n", cfg.email)
			return nil, nil
		}
		contactID = found.ID
	}

	contact, _, err := client.Contacts.Get(ctx, contactID)
	if err != nil {
		return nil, fmt.Errorf("get contact: %w", err)
	}
	r.printf("Contact %s: %s %s <%s> %s, tags %v, added %s\n", contact.ID, contact.FirstName, contact.LastName,
		contact.Email, contact.Phone, contact.Tags, contact.DateAdded.Format(time.DateOnly))

	tasks, _, err := client.Contacts.ListTasks(ctx, contactID)
	if err != nil {
		return nil, fmt.Errorf("list tasks: %w", err)
	}
	notes, _, err := client.Contacts.ListNotes(ctx, contactID)
	if err != nil {
		return nil, fmt.Errorf("list notes: %w", err)
	}
	appts, _, err := client.Contacts.ListAppointments(ctx, contactID)
	if err != nil {
		return nil, fmt.Errorf("list appointments: %w", err)
	}
	r.printf("It has %d task(s), %d note(s) and %d appointment(s).\n", len(tasks), len(notes), len(appts))
	for _, a := range appts {
		r.printf("  appointment %q at %s (%s)\n", a.Title, a.StartTime.Format(time.RFC3339), a.AppointmentStatus)
	}
	return contact, nil
}

// flowEnrich is flow 2: a task through its life, and notes.
func flowEnrich(ctx context.Context, r *report, client *ghl.Client, contactID string) error {
	r.section("2. Task and note enrichment")
	task, _, err := client.Contacts.CreateTask(ctx, contactID, &ghl.TaskCreateRequest{
		Title:   "Call Jane about the renewal",
		Body:    ghl.Ptr("Synced from SalesNexus"),
		DueDate: ghl.Timestamp{Time: time.Now().Add(48 * time.Hour).Truncate(time.Second)},
	})
	if err != nil {
		return fmt.Errorf("create task: %w", err)
	}
	r.printf("Created task %s %q due %s\n", task.ID, task.Title, task.DueDate.Format(time.DateOnly))

	task, _, err = client.Contacts.UpdateTask(ctx, contactID, task.ID, &ghl.TaskUpdateRequest{
		Title: ghl.Ptr("Call Jane about the renewal (moved up)"),
	})
	if err != nil {
		return fmt.Errorf("update task: %w", err)
	}
	r.printf("Updated task title to %q\n", task.Title)

	task, _, err = client.Contacts.CompleteTask(ctx, contactID, task.ID, &ghl.TaskCompletedRequest{Completed: true})
	if err != nil {
		return fmt.Errorf("complete task: %w", err)
	}
	r.printf("Completed task: completed=%t\n", task.Completed)

	for _, body := range []string{"Discussed renewal pricing.", "Sent the proposal from SalesNexus."} {
		note, _, err := client.Contacts.CreateNote(ctx, contactID, &ghl.NoteCreateRequest{Body: body})
		if err != nil {
			return fmt.Errorf("create note: %w", err)
		}
		r.printf("Added note %s\n", note.ID)
	}
	notes, _, err := client.Contacts.ListNotes(ctx, contactID)
	if err != nil {
		return fmt.Errorf("list notes: %w", err)
	}
	r.printf("The contact now has %d note(s):\n", len(notes))
	for _, n := range notes {
		r.printf("  - %s\n", n.Body)
	}
	return nil
}

// flowBusiness is flow 3: the contact's business and its contacts.
func flowBusiness(ctx context.Context, r *report, client *ghl.Client, locationID string, contact *ghl.Contact) error {
	r.section("3. Business context")
	if contact == nil || contact.BusinessID == "" {
		r.printf("The contact belongs to no business; nothing to list.\n")
		return nil
	}
	biz, _, err := client.Businesses.Get(ctx, contact.BusinessID)
	if err != nil {
		return fmt.Errorf("get business: %w", err)
	}
	r.printf("Business %q (%s)", biz.Name, biz.ID)
	if biz.City != "" {
		r.printf(" in %s", biz.City)
	}
	r.printf(".\n")
	n := 0
	for c, err := range client.Contacts.ListByBusinessIter(ctx, contact.BusinessID, locationID, &ghl.ContactsByBusinessOptions{Limit: 2}) {
		if err != nil {
			return fmt.Errorf("list contacts of business: %w", err)
		}
		n++
		r.printf("  %s %s <%s>\n", c.FirstName, c.LastName, c.Email)
	}
	r.printf("Business %s has %d contact(s).\n", contact.BusinessID, n)
	return nil
}

// startEmulator starts ghltest in-process and seeds a location with a
// business, contacts and an appointment for Jane.
func startEmulator() (*ghltest.Server, *ghltest.Location) {
	srv := ghltest.NewServer()
	loc := srv.CreateLocation("SalesNexus Demo")
	biz := srv.AddBusiness(loc.ID, "Acme Corp")
	jane := srv.AddContact(loc.ID, map[string]any{
		"firstName": "Jane", "lastName": "Doe", "email": "jane.doe@example.com",
		"phone": "+15555550123", "businessId": biz, "tags": []string{"customer"},
	})
	for _, p := range [][2]string{{"John", "Smith"}, {"Ana", "Lopez"}} {
		srv.AddContact(loc.ID, map[string]any{
			"firstName": p[0], "lastName": p[1], "businessId": biz,
			"email": strings.ToLower(p[0]+"."+p[1]) + "@acme.example",
		})
	}
	start := time.Now().Add(72 * time.Hour).Truncate(time.Hour).UTC()
	srv.AddAppointment(loc.ID, jane, map[string]any{
		"title": "Renewal review", "startTime": start.Format(time.RFC3339),
		"endTime": start.Add(30 * time.Minute).Format(time.RFC3339), "appointmentStatus": "confirmed",
	})
	return srv, loc
}

// report prints the run.
type report struct{ w io.Writer }

func (r *report) printf(format string, args ...any) { fmt.Fprintf(r.w, format, args...) }
func (r *report) section(title string)              { r.printf("\n== %s ==\n", title) }

// countingTransport counts the HTTP requests the run makes.
type countingTransport struct {
	n    atomic.Int64
	base http.RoundTripper
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.n.Add(1)
	return t.base.RoundTrip(req)
}
