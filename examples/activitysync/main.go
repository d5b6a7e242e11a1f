// Command activitysync sends the tasks and notes created in HighLevel to
// "the other system" as they happen (the catalog's idea 2). Here the other
// system is a sink that prints each record once to stdout; put your CRM,
// queue or database behind [sink.add].
//
// Two paths feed the sink, and it keeps the first arrival of each record
// (deduplicated by task or note ID):
//
//   - the fast path: HighLevel's TaskCreate and NoteCreate webhooks, served
//     on an endpoint that checks every request with the SDK's
//     [ghl.WebhookVerifier] (HighLevel's published key; on the emulator, the
//     emulator's key);
//   - the safety net: a change feed ([feed.ContactActivities]) that reads the tasks
//     and notes of the location's contacts every interval and hands over
//     whatever the webhooks did not deliver (a lost delivery, an endpoint
//     that was down, a deploy).
//
// Why a snapshot of every contact's tasks and notes, and not a contacts
// watermark with per-contact reads: adding a task or a note to a contact
// does not move the contact's dateUpdated (not on the emulator, and
// HighLevel does not promise it), so a watermark on contacts would not
// point at the contact whose task a webhook lost. Tasks and notes have no
// list or search of their own, so the only read that cannot miss one is
// the tasks and notes of every contact: 1 + 2N requests a cycle for N
// contacts (plus a search page per 500 contacts), spaced by the interval.
// feed.WithBudget (-budget) caps a cycle: a cycle cut short goes on, next
// cycle, after the last contact it finished, so a pass over the contacts
// may span several cycles (give each at least 4 requests), and deletions
// are known when a pass ends. The feed compares (ID, hash) pairs with its
// checkpoint, so a cycle hands over only what is new or changed; its first
// cycle hands over
// every existing task and note (the initial sync). For a location with
// many contacts, narrow the contacts read (-tag) or lengthen the interval
// so the safety net stays within its share of the quota.
//
// With no GHL_ACCESS_TOKEN it starts the embedded emulator, creates tasks
// and notes, delivers their webhooks but drops one, and runs one feed
// cycle, which catches the dropped one:
//
//	go run ./examples/activitysync
//
// With GHL_ACCESS_TOKEN (a sub-account token) and GHL_LOCATION_ID it only
// reads: it serves the webhook endpoint on -addr and runs the feed every
// -interval until interrupted, keeping its checkpoint in -state:
//
//	GHL_ACCESS_TOKEN=pit-... GHL_LOCATION_ID=... go run ./examples/activitysync -addr :8080
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"time"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/feed"
	"github.com/salesnexus/ghl-go/ghltest"
)

type config struct {
	token      string
	locationID string
	baseURL    string
	addr       string        // webhook endpoint address
	interval   time.Duration // feed interval (real API)
	state      string        // checkpoint directory (real API); "" keeps it in memory
	tag        string        // only contacts with this tag (real API)
	budget     int           // requests per feed cycle
	once       bool          // real API: one feed cycle, then exit
}

func main() {
	cfg := config{
		token:      os.Getenv("GHL_ACCESS_TOKEN"),
		locationID: os.Getenv("GHL_LOCATION_ID"),
		baseURL:    os.Getenv("GHL_BASE_URL"),
	}
	flag.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "address of the webhook endpoint (real API)")
	flag.DurationVar(&cfg.interval, "interval", 5*time.Minute, "time between safety-net cycles, 1m to 15m (real API)")
	flag.StringVar(&cfg.state, "state", "", "directory for the feed's checkpoint (default: in memory)")
	flag.StringVar(&cfg.tag, "tag", "", "only sync the tasks and notes of contacts with this tag")
	flag.IntVar(&cfg.budget, "budget", 200, "most requests one safety-net cycle may send")
	flag.BoolVar(&cfg.once, "once", false, "run one safety-net cycle and exit (real API)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, cfg); err != nil {
		log.Fatal(err)
	}
}

// Activity is a task or a note as the other system receives it.
type Activity struct {
	Kind      string // "task" or "note"
	ID        string
	ContactID string
	Text      string // a task's title, a note's body
}

// key identifies an activity across both paths (task and note IDs are
// separate spaces).
func (a Activity) key() string { return a.Kind + "/" + a.ID }

// sink is the other system: it keeps the first arrival of each activity,
// prints it, and counts the arrivals it dropped as duplicates. It is safe
// for concurrent use (webhooks and the feed write at once).
type sink struct {
	mu    sync.Mutex
	w     io.Writer
	seen  map[string]string // key -> path that delivered it
	order []Activity
	by    map[string]int // path -> activities delivered first by it
	dups  int
}

func newSink(w io.Writer) *sink {
	return &sink{w: w, seen: map[string]string{}, by: map[string]int{}}
}

// add hands a to the other system unless it already has it.
func (s *sink) add(path string, a Activity) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.seen[a.key()]; dup {
		s.dups++
		return false
	}
	s.seen[a.key()] = path
	s.order = append(s.order, a)
	s.by[path]++
	note := ""
	if path == "feed" {
		note = " (missed by webhooks)"
	}
	fmt.Fprintf(s.w, "%s: %s %s%s contact %s: %q\n", path, a.Kind, a.ID, note, a.ContactID, a.Text)
	return true
}

// webhookEndpoint serves TaskCreate and NoteCreate; every request is
// verified (signature, timestamp, webhookId replay) before the callback.
func webhookEndpoint(v *ghl.WebhookVerifier, s *sink) http.Handler {
	return v.Handler(func(ctx context.Context, ev *ghl.WebhookEvent) error {
		switch ev.Type {
		case ghl.WebhookTaskCreate:
			t, err := ev.Task()
			if err != nil {
				return err
			}
			s.add("webhook", Activity{Kind: "task", ID: t.ID, ContactID: t.ContactID, Text: t.Title})
		case ghl.WebhookNoteCreate:
			n, err := ev.Note()
			if err != nil {
				return err
			}
			s.add("webhook", Activity{Kind: "note", ID: n.ID, ContactID: n.ContactID, Text: n.Body})
		}
		return nil
	})
}

// activities is the safety net's source: the tasks and notes of every
// contact of the location (see the package comment for why and its cost),
// narrowed to the contacts with tag when it is set.
func activities(c *ghl.Client, locationID, tag string) *feed.Snapshot[feed.Activity] {
	opts := &feed.ContactsOptions{}
	if tag != "" {
		opts.Filters = []ghl.ContactSearchFilter{{Field: "tags", Operator: "contains", Value: tag}}
	}
	return feed.ContactActivities(c, locationID, opts)
}

// fromFeed is the other system's view of a task or note the feed read.
func fromFeed(a *feed.Activity) Activity {
	if a.Task != nil {
		return Activity{Kind: "task", ID: a.Task.ID, ContactID: a.ContactID, Text: a.Task.Title}
	}
	return Activity{Kind: "note", ID: a.Note.ID, ContactID: a.ContactID, Text: a.Note.Body}
}

// toSink is the feed's handler: new records go to the sink (which drops
// those the webhooks already delivered); updates and deletions are not
// part of this sync.
func toSink(s *sink) feed.Handler[feed.Activity] {
	return func(_ context.Context, ch feed.Change[feed.Activity]) error {
		if ch.Kind == feed.Created {
			s.add("feed", fromFeed(ch.Record))
		}
		return nil
	}
}

// run starts the endpoint and the feed: on the emulator, a scripted demo;
// with a token, read-only until ctx ends (or one cycle with -once).
func run(ctx context.Context, w io.Writer, cfg config) error {
	if cfg.token == "" {
		return demo(ctx, w, cfg)
	}
	if cfg.locationID == "" {
		return errors.New("GHL_LOCATION_ID must be set with GHL_ACCESS_TOKEN")
	}
	opts := []ghl.Option{ghl.WithAccessToken(cfg.token), ghl.WithUserAgent("salesnexus-activitysync/1.0")}
	if cfg.baseURL != "" {
		opts = append(opts, ghl.WithBaseURL(cfg.baseURL))
	}
	client, err := ghl.NewClient(opts...)
	if err != nil {
		return err
	}
	verifier, err := ghl.NewWebhookVerifier() // HighLevel's published keys
	if err != nil {
		return err
	}
	s := newSink(w)
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: webhookEndpoint(verifier, s), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln) //nolint:errcheck // Serve ends with ErrServerClosed at Shutdown
	defer hs.Shutdown(context.Background())
	fmt.Fprintf(w, "Read-only against HighLevel: webhooks on http://%s/, safety net every %v.\n", ln.Addr(), cfg.interval)

	fopts := []feed.Option{feed.WithInterval(cfg.interval), feed.WithBudget(cfg.budget)}
	if cfg.state != "" {
		store, err := feed.NewFileStore(cfg.state)
		if err != nil {
			return err
		}
		fopts = append(fopts, feed.WithStore(store))
	}
	f, err := feed.New("activities/"+cfg.locationID, activities(client, cfg.locationID, cfg.tag), fopts...)
	if err != nil {
		return err
	}
	if cfg.once {
		if err := f.Cycle(ctx, toSink(s)); err != nil {
			return err
		}
		fmt.Fprintf(w, "Synced %d task(s) and note(s) in %d request(s).\n", len(s.order), f.Stats().Requests)
		return nil
	}
	err = f.Run(ctx, toSink(s))
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// lostWebhook is the demo activity whose webhook never arrives.
const lostWebhook = 1

// demo runs on the embedded emulator: it creates tasks and notes through
// the API, delivers their webhooks as HighLevel would (except the
// lostWebhook-th), then runs one cycle of the safety net, which catches the
// lost one.
func demo(ctx context.Context, w io.Writer, cfg config) error {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("SalesNexus Demo")
	jane := srv.AddContact(loc.ID, map[string]any{"firstName": "Jane", "lastName": "Doe", "email": "jane.doe@example.com"})
	john := srv.AddContact(loc.ID, map[string]any{"firstName": "John", "lastName": "Smith", "email": "john.smith@example.com"})
	fmt.Fprintf(w, "No GHL_ACCESS_TOKEN set: using the embedded HighLevel emulator at %s\n", srv.URL)

	client, err := ghl.NewClient(ghl.WithAccessToken(loc.Token), ghl.WithBaseURL(srv.URL))
	if err != nil {
		return err
	}
	// The emulator signs its webhooks with its own key, not HighLevel's.
	verifier, err := ghl.NewWebhookVerifier(ghl.WithWebhookPublicKey(srv.WebhookPublicKey()))
	if err != nil {
		return err
	}
	s := newSink(w)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: webhookEndpoint(verifier, s), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln) //nolint:errcheck // Serve ends with ErrServerClosed at Shutdown
	defer hs.Shutdown(context.Background())
	endpoint := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(w, "Webhook endpoint at %s; the other system is this output.\n\n", endpoint)

	budget := cfg.budget
	if budget == 0 {
		budget = 200
	}
	f, err := feed.New("activities/"+loc.ID, activities(client, loc.ID, ""), feed.WithBudget(budget), feed.WithLogger(quietLogger()))
	if err != nil {
		return err
	}

	// Activity in HighLevel: each create is followed by its webhook, as
	// HighLevel sends it, except the one numbered drop.
	due := ghl.Timestamp{Time: time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)}
	steps := []func() (map[string]any, error){
		func() (map[string]any, error) {
			t, _, err := client.Contacts.CreateTask(ctx, jane, &ghl.TaskCreateRequest{Title: "Call Jane about the renewal", DueDate: due})
			return taskEvent(loc.ID, t), err
		},
		func() (map[string]any, error) {
			n, _, err := client.Contacts.CreateNote(ctx, jane, &ghl.NoteCreateRequest{Body: "Jane asked for the annual plan."})
			return noteEvent(loc.ID, n), err
		},
		func() (map[string]any, error) {
			t, _, err := client.Contacts.CreateTask(ctx, john, &ghl.TaskCreateRequest{Title: "Send John the proposal", DueDate: due})
			return taskEvent(loc.ID, t), err
		},
		func() (map[string]any, error) {
			n, _, err := client.Contacts.CreateNote(ctx, john, &ghl.NoteCreateRequest{Body: "John prefers email."})
			return noteEvent(loc.ID, n), err
		},
	}
	for i, step := range steps {
		ev, err := step()
		if err != nil {
			return err
		}
		if i == lostWebhook {
			fmt.Fprintf(w, "(lost: the %s webhook for %s never arrives)\n", ev["type"], ev["id"])
			continue
		}
		resp, err := srv.SendWebhook(ctx, endpoint, ev)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("webhook %s answered %s", ev["type"], resp.Status)
		}
	}

	fmt.Fprintln(w, "\nSafety net: one feed cycle over the contacts' tasks and notes.")
	if err := f.Cycle(ctx, toSink(s)); err != nil {
		return err
	}
	st := f.Stats()
	s.mu.Lock()
	fmt.Fprintf(w, "\n%d task(s) and note(s) synced once each: %d by webhook, %d by the feed; %d duplicate arrival(s) dropped; the cycle sent %d request(s).\n",
		len(s.order), s.by["webhook"], s.by["feed"], s.dups, st.Requests)
	s.mu.Unlock()
	return nil
}

// quietLogger drops the feed's cycle logs, so the demo's output is the sink.
func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// taskEvent and noteEvent are the TaskCreate and NoteCreate payloads
// HighLevel sends for a task or note the API returned.
func taskEvent(locationID string, t *ghl.Task) map[string]any {
	if t == nil {
		return nil
	}
	return map[string]any{"type": ghl.WebhookTaskCreate, "locationId": locationID, "id": t.ID,
		"contactId": t.ContactID, "title": t.Title, "body": t.Body, "dueDate": t.DueDate, "completed": t.Completed}
}

func noteEvent(locationID string, n *ghl.Note) map[string]any {
	if n == nil {
		return nil
	}
	return map[string]any{"type": ghl.WebhookNoteCreate, "locationId": locationID, "id": n.ID,
		"contactId": n.ContactID, "body": n.Body, "dateAdded": n.DateAdded}
}
