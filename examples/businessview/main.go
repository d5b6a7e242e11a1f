// Command businessview prints a consolidated view of one HighLevel business:
// its details, and for each of its contacts the open tasks, the latest notes,
// the upcoming appointments and the open opportunities. With -html it also
// writes the view as a self-contained HTML page.
//
// With no GHL_ACCESS_TOKEN set it starts the ghltest emulator in-process and
// seeds a business with contacts, so it runs anywhere:
//
//	go run ./examples/businessview [-html out.html]
//
// With GHL_ACCESS_TOKEN (a Private Integration token of a sub-account) and
// GHL_LOCATION_ID set it reads (never writes) the real API:
//
//	GHL_ACCESS_TOKEN=pit-... GHL_LOCATION_ID=... go run ./examples/businessview -business <id>
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"sync"
	"time"

	ghl "github.com/salesnexus/ghl-go"
)

// workers bounds the requests in flight. The client's rate limiter already
// paces requests to HighLevel's 100 per 10 s; the bound keeps a business
// with many contacts from holding dozens of connections waiting on it.
const workers = 4

type config struct {
	token, locationID, baseURL string
	businessID                 string
	htmlPath                   string
}

func main() {
	cfg := config{
		token:      os.Getenv("GHL_ACCESS_TOKEN"),
		locationID: os.Getenv("GHL_LOCATION_ID"),
		baseURL:    os.Getenv("GHL_BASE_URL"),
	}
	flag.StringVar(&cfg.businessID, "business", "", "ID of the business to show (required with GHL_ACCESS_TOKEN)")
	flag.StringVar(&cfg.htmlPath, "html", "", "also write the view as a self-contained HTML page to this file")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Stdout, cfg)
	stop()
	if err != nil {
		// The error's text, never a stack trace; the SDK's errors never
		// carry the token.
		fmt.Fprintln(os.Stderr, "businessview:", err)
		os.Exit(1)
	}
}

// run fetches the view of the business and prints it to w.
func run(ctx context.Context, w io.Writer, cfg config) error {
	if cfg.token == "" {
		srv, loc, bizID := startEmulator()
		defer srv.Close()
		cfg.token, cfg.locationID, cfg.baseURL, cfg.businessID = loc.Token, loc.ID, srv.URL, bizID
		fmt.Fprintf(w, "No GHL_ACCESS_TOKEN set: using the embedded HighLevel emulator at %s (location %q).\n\n", srv.URL, loc.Name)
	} else if cfg.locationID == "" {
		return errors.New("GHL_LOCATION_ID must be set with GHL_ACCESS_TOKEN")
	} else if cfg.businessID == "" {
		return errors.New("-business must name a business of location " + cfg.locationID + " (its ID, from the business's page or GET /businesses/)")
	}

	counter := &countingTransport{base: http.DefaultTransport}
	opts := []ghl.Option{
		ghl.WithAccessToken(cfg.token),
		ghl.WithUserAgent("salesnexus-businessview/1.0"),
		ghl.WithHTTPClient(&http.Client{Transport: counter, Timeout: 30 * time.Second}),
	}
	if cfg.baseURL != "" {
		opts = append(opts, ghl.WithBaseURL(cfg.baseURL))
	}
	client, err := ghl.NewClient(opts...)
	if err != nil {
		return err
	}

	view, err := fetch(ctx, client, cfg.locationID, cfg.businessID, time.Now())
	if err != nil {
		return explain(err)
	}
	printReport(w, view)
	if cfg.htmlPath != "" {
		if err := writeHTML(cfg.htmlPath, view); err != nil {
			return err
		}
		fmt.Fprintf(w, "\nWrote the HTML view to %s\n", cfg.htmlPath)
	}
	n, peak := counter.count()
	fmt.Fprintf(w, "\nDone: %d HTTP requests (at most %d at once), all reads.\n", n, peak)
	return nil
}

// businessView is what the report and the page show.
type businessView struct {
	Business *ghl.Business
	Contacts []*contactView
	Now      time.Time
}

type contactView struct {
	Contact       *ghl.Contact
	Tasks         []ghl.Task        // open ones, soonest due first
	Notes         []ghl.Note        // the newest few, newest first
	Appointments  []ghl.Appointment // upcoming ones, soonest first
	Opportunities []opportunity     // open ones
}

// Empty reports whether the contact has nothing to show.
func (cv *contactView) Empty() bool {
	return len(cv.Tasks)+len(cv.Notes)+len(cv.Appointments)+len(cv.Opportunities) == 0
}

type opportunity struct {
	ghl.Opportunity
	Stage string // "pipeline / stage", or the stage ID if unknown
}

// latestNotes is how many notes each contact shows.
const latestNotes = 3

// fetch reads the business, then everything else concurrently.
func fetch(ctx context.Context, client *ghl.Client, locationID, businessID string, now time.Time) (*businessView, error) {
	// The business first and alone: a wrong ID costs one request, not twenty.
	biz, _, err := client.Businesses.Get(ctx, businessID)
	if err != nil {
		return nil, fmt.Errorf("get business %s: %w", businessID, err)
	}
	v := &businessView{Business: biz, Now: now}
	// The contacts before their records: the jobs below need their IDs.
	// The iterator asks for the next page only when the loop gets there.
	// Skip and limit paging can repeat a contact when the list changes
	// between pages, hence seen.
	seen := map[string]bool{}
	for c, err := range client.Contacts.ListByBusinessIter(ctx, businessID, locationID, nil) {
		if err != nil {
			return nil, fmt.Errorf("list contacts of business %s: %w", businessID, err)
		}
		if !seen[c.ID] {
			seen[c.ID] = true
			v.Contacts = append(v.Contacts, &contactView{Contact: c})
		}
	}
	// By name, so two runs print the same report.
	slices.SortFunc(v.Contacts, func(a, b *contactView) int {
		return cmp.Or(cmp.Compare(contactName(a.Contact), contactName(b.Contact)), cmp.Compare(a.Contact.ID, b.Contact.ID))
	})

	// Four reads per contact, plus the pipelines to name the stages. Each
	// job writes only its own field, so they need no lock.
	stages := map[string]string{}
	jobs := []func(context.Context) error{func(ctx context.Context) error {
		pipelines, _, err := client.Opportunities.ListPipelines(ctx, locationID)
		for _, p := range pipelines {
			for _, s := range p.Stages {
				stages[s.ID] = p.Name + " / " + s.Name
			}
		}
		return wrap("list pipelines", err)
	}}
	for _, cv := range v.Contacts {
		id := cv.Contact.ID
		jobs = append(jobs,
			func(ctx context.Context) error {
				tasks, _, err := client.Contacts.ListTasks(ctx, id)
				cv.Tasks = slices.DeleteFunc(tasks, func(t ghl.Task) bool { return t.Completed })
				slices.SortFunc(cv.Tasks, func(a, b ghl.Task) int { return a.DueDate.Compare(b.DueDate.Time) })
				return wrap("list tasks of contact "+id, err)
			},
			func(ctx context.Context) error {
				notes, _, err := client.Contacts.ListNotes(ctx, id)
				slices.SortFunc(notes, func(a, b ghl.Note) int { return b.DateAdded.Compare(a.DateAdded.Time) })
				cv.Notes = notes[:min(len(notes), latestNotes)]
				return wrap("list notes of contact "+id, err)
			},
			func(ctx context.Context) error {
				appts, _, err := client.Contacts.ListAppointments(ctx, id)
				// Reads return deleted appointments too; a cancelled one is
				// not upcoming either.
				cv.Appointments = slices.DeleteFunc(appts, func(a ghl.Appointment) bool {
					return a.Deleted || a.AppointmentStatus == string(ghl.AppointmentStatusCancelled) || !a.StartTime.After(now)
				})
				slices.SortFunc(cv.Appointments, func(a, b ghl.Appointment) int { return a.StartTime.Compare(b.StartTime.Time) })
				return wrap("list appointments of contact "+id, err)
			},
			func(ctx context.Context) error {
				// HighLevel filters by contact and status; we page lazily.
				for o, err := range client.Opportunities.SearchIter(ctx, locationID,
					&ghl.OpportunitiesSearchOptions{ContactID: id, Status: string(ghl.OpportunityStatusOpen)}) {
					if err != nil {
						return wrap("search opportunities of contact "+id, err)
					}
					cv.Opportunities = append(cv.Opportunities, opportunity{Opportunity: *o})
				}
				return nil
			})
	}
	if err := parallel(ctx, workers, jobs); err != nil {
		return nil, err
	}
	for _, cv := range v.Contacts {
		for i := range cv.Opportunities {
			o := &cv.Opportunities[i]
			o.Stage = cmp.Or(stages[o.PipelineStageID], o.PipelineStageID)
		}
	}
	return v, nil
}

// parallel runs jobs on n goroutines. The first error cancels the jobs
// still running and skips the others, as errgroup.Group with SetLimit does.
func parallel(ctx context.Context, n int, jobs []func(context.Context) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan func(context.Context) error)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for job := range next {
				if ctx.Err() != nil {
					continue // drain: a job already failed
				}
				if err := job(ctx); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for _, job := range jobs {
		select {
		case next <- job:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}

func wrap(what string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// explain adds what to do about the SDK's typed errors; the error stays
// matchable with errors.Is and errors.As.
func explain(err error) error {
	hint := ""
	switch {
	case errors.Is(err, ghl.ErrUnauthorized):
		hint = "HighLevel refused the token: check GHL_ACCESS_TOKEN (a Private Integration token of this sub-account)"
	case errors.Is(err, ghl.ErrForbidden):
		hint = "the token cannot read this: check GHL_LOCATION_ID and the token's scopes (businesses, contacts, calendars/events, opportunities: readonly)"
	case errors.Is(err, ghl.ErrNotFound):
		hint = "not found: check -business and GHL_LOCATION_ID"
	case errors.Is(err, ghl.ErrRateLimited):
		hint = "HighLevel's rate limit is spent for now: try again in a minute"
	case errors.Is(err, ghl.ErrServer):
		hint = "HighLevel failed to answer (the client retried): try again later"
	case errors.Is(err, context.Canceled):
		hint = "interrupted"
	default:
		return err
	}
	return fmt.Errorf("%s\n  (%w)", hint, err)
}
