// Command ghl-emulator runs the ghltest HighLevel API v2 emulator as a
// standalone HTTP server, for manual testing and for clients written in any
// language.
//
// Usage:
//
//	go run ./cmd/ghl-emulator [-addr 127.0.0.1:8089] [-seed FILE] [-contacts N] [flags]
//
// It creates one location (or the locations of the seed file), prints the
// base URL, IDs and tokens to stdout as shell-style assignments, and serves
// until SIGINT or SIGTERM:
//
//	GHL_BASE_URL=http://127.0.0.1:8089
//	GHL_COMPANY_ID=...
//	GHL_COMPANY_TOKEN=pit-...
//	GHL_LOCATION_ID=...
//	GHL_LOCATION_TOKEN=pit-...
//	GHL_ACCESS_TOKEN=pit-...   (the location token again, as examples/quickstart reads it)
//	# location <id> "<name>" company=<id> token=<token> contacts=<n>
//	# records location=<id> appointments=2 businesses=2 calendars=2 ...
//	# records company=<id> snapshotPushes=1 snapshots=2 users=3
//	# ready
//
// The "# records" lines count what the location's and its company's
// generic stores hold, by kind. Without -seed the location gets a demo
// account (unless -demo=false): two businesses with their contacts, three
// users, four contacts with tasks, notes and tags (two with a conversation
// of SMS, email and a recorded call, and a site-visit appointment), a
// calendar group with two calendars open on weekdays, three opportunities
// (open, won, lost) in the seeded pipelines, workflows, campaigns, custom
// fields and values, tags, SMS and email templates, a custom subscription
// subtype, an association with a relation, the blog site with its authors
// and categories, and two snapshots (one pushed to the location) in the
// company. -contacts N adds N generated contacts.
//
// With -client-id and -client-secret it registers an OAuth app and also
// prints GHL_CLIENT_ID, GHL_CLIENT_SECRET and GHL_AUTH_CODE (an install code
// for the first location, valid for 10 minutes) to exchange at
// POST /oauth/token.
//
// Flags:
//
//	-addr host:port        listen address (default 127.0.0.1:8089; port 0 picks one)
//	-seed FILE             seed JSON file (format below)
//	-contacts N            generate N realistic contacts in every location (default 0)
//	-random-seed N         seed of the ID and data generator (default 1)
//	-rate-max N            burst limit per location/company (default 100; 0 disables)
//	-rate-interval D       burst window (default 10s)
//	-rate-daily N          daily limit (default 200000; 0 disables)
//	-token-ttl D           OAuth access token lifetime (default 86399s)
//	-client-id, -client-secret  register an OAuth app
//	-control-token T       require T on the control endpoints (see below)
//	-demo                  seed records of every category (default true; see below)
//	-v                     log every request to stderr
//
// # Seed file
//
// The seed file is JSON. Every field is optional except a location's name;
// missing IDs and tokens are generated. Contacts use HighLevel's field names
// (as POST /contacts/ takes them, plus id, dateAdded, type, followers,
// businessId); "businessName" links a contact to a business of its location
// by name, and "tasks", "notes" and "appointments" are created for it.
// "records" holds records of any kind of ghltest's generic store, by kind,
// with the API's field names (workflows, campaigns, customFields,
// customValues, tags, businesses, calendars, templates, ...; users,
// snapshots and snapshotPushes go to the location's company, and users
// without "roles" join the location).
//
//	{
//	  "apps": [{"clientId": "6578278e879ad2646715ba9c-lq4abcde", "clientSecret": "secret"}],
//	  "locations": [{
//	    "id": "ve9EPM428h8vShlRW1KT",
//	    "name": "Acme Plumbing",
//	    "companyId": "l1C08ntBrFjLS0elLIYU",
//	    "token": "pit-acme-dev-token",
//	    "allowDuplicates": false,
//	    "seedContacts": 50,
//	    "businesses": [{"name": "Acme Corp"}],
//	    "records": {"workflows": [{"id": "78559bb3-b920-461e-b010-7b2a2816d2a9", "name": "Onboarding", "status": "published"}],
//	                "users": [{"firstName": "John", "lastName": "Deo", "email": "john@deo.com"}]},
//	    "contacts": [{
//	      "firstName": "Rosan", "lastName": "Deo", "email": "rosan@deos.com", "phone": "+18888888888",
//	      "tags": ["vip"], "businessName": "Acme Corp",
//	      "tasks": [{"title": "Call back", "dueDate": "2025-01-10T10:00:00Z", "completed": false}],
//	      "notes": [{"body": "Met at the trade show"}],
//	      "appointments": [{"title": "Site visit", "startTime": "2025-01-12T15:00:00.000Z"}]
//	    }]
//	  }]
//	}
//
// The control endpoints of package ghltest (/_emulator/faults,
// /_emulator/stats, /_emulator/requests) are served too. With
// -control-token, or when -addr is not a loopback address (e.g. ":8089" or
// "0.0.0.0:8089", reachable by others) and a random control token is
// generated, they require "Authorization: Bearer <token>" or
// "X-Emulator-Control-Token: <token>" and answer 401 otherwise; the token is
// printed as
//
//	GHL_EMULATOR_CONTROL_TOKEN=...
//
// On a loopback address without -control-token they are open, as in
// package ghltest. The request log they serve has its secrets redacted.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/salesnexus/ghl-go/ghltest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "ghl-emulator:", err)
		os.Exit(1)
	}
}

// run starts the emulator as described in the package documentation and
// serves until ctx is done.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ghl-emulator", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8089", "listen address")
	seedFile := fs.String("seed", "", "seed JSON file")
	contacts := fs.Int("contacts", 0, "generated contacts per location")
	randomSeed := fs.Int64("random-seed", 1, "seed of the ID and data generator")
	rateMax := fs.Int("rate-max", ghltest.DefaultRateLimitMax, "burst limit per location/company (0 disables)")
	rateInterval := fs.Duration("rate-interval", ghltest.DefaultRateLimitInterval, "burst window")
	rateDaily := fs.Int("rate-daily", ghltest.DefaultRateLimitDaily, "daily limit (0 disables)")
	ttl := fs.Duration("token-ttl", ghltest.DefaultAccessTokenTTL, "OAuth access token lifetime")
	clientID := fs.String("client-id", "", "register an OAuth app with this client ID")
	clientSecret := fs.String("client-secret", "", "the OAuth app's client secret")
	controlToken := fs.String("control-token", "", "require this token on /_emulator/ requests (generated when listening beyond loopback)")
	verbose := fs.Bool("v", false, "log every request to stderr")
	demo := fs.Bool("demo", true, "seed the location with records of every category (without -seed)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *contacts < 0 {
		return errors.New("-contacts must not be negative")
	}
	if (*clientID == "") != (*clientSecret == "") {
		return errors.New("-client-id and -client-secret go together")
	}
	var seed *seedFileData
	if *seedFile != "" {
		var err error
		if seed, err = loadSeed(*seedFile); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	// Until Serve owns it; closing it twice is harmless.
	defer ln.Close()
	if *controlToken == "" && !isLoopback(ln.Addr()) {
		// Others may reach the control endpoints, which can read the
		// request log and break the API: lock them.
		*controlToken = rand.Text()
	}

	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	srv := ghltest.NewHandler(
		ghltest.WithSeed(*randomSeed),
		ghltest.WithRateLimit(*rateMax, *rateInterval, *rateDaily),
		ghltest.WithAccessTokenTTL(*ttl),
		ghltest.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))),
		ghltest.WithControlToken(*controlToken),
	)
	var locs []seeded
	if seed != nil {
		if locs, err = applySeed(srv, seed); err != nil {
			return err
		}
	} else {
		l := srv.CreateLocation("Emulator Location")
		if *demo {
			seedDemo(srv, l)
		}
		locs = []seeded{{loc: l}}
	}
	for i := range locs {
		if *contacts > 0 {
			srv.SeedContacts(locs[i].loc.ID, *contacts)
		}
		locs[i].contacts = len(srv.Contacts(locs[i].loc.ID))
	}
	if *clientID != "" {
		srv.RegisterApp(*clientID, *clientSecret)
	}

	srv.URL = "http://" + ln.Addr().String()
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()

	first := locs[0].loc
	company := srv.DefaultCompany()
	if first.CompanyID != company.ID {
		company = &ghltest.Company{ID: first.CompanyID, Token: srv.IssueCompanyToken(first.CompanyID)}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "GHL_BASE_URL=%s\n", srv.URL)
	fmt.Fprintf(&b, "GHL_COMPANY_ID=%s\n", company.ID)
	fmt.Fprintf(&b, "GHL_COMPANY_TOKEN=%s\n", company.Token)
	fmt.Fprintf(&b, "GHL_LOCATION_ID=%s\n", first.ID)
	fmt.Fprintf(&b, "GHL_LOCATION_TOKEN=%s\n", first.Token)
	// The same token under the name the SDK's examples read.
	fmt.Fprintf(&b, "GHL_ACCESS_TOKEN=%s\n", first.Token)
	if *clientID != "" {
		fmt.Fprintf(&b, "GHL_CLIENT_ID=%s\n", *clientID)
		fmt.Fprintf(&b, "GHL_CLIENT_SECRET=%s\n", *clientSecret)
		fmt.Fprintf(&b, "GHL_AUTH_CODE=%s\n", srv.AuthorizationCode(*clientID, first.ID, "Location", ""))
	}
	if *controlToken != "" {
		fmt.Fprintf(&b, "GHL_EMULATOR_CONTROL_TOKEN=%s\n", *controlToken)
	}
	printed := map[string]bool{}
	for _, l := range locs {
		fmt.Fprintf(&b, "# location %s %q company=%s token=%s contacts=%d\n", l.loc.ID, l.loc.Name, l.loc.CompanyID, l.loc.Token, l.contacts)
		if sum := summary(srv.Store(l.loc.ID)); sum != "" {
			fmt.Fprintf(&b, "# records location=%s %s\n", l.loc.ID, sum)
		}
		if sum := summary(srv.Store(l.loc.CompanyID)); sum != "" && !printed[l.loc.CompanyID] {
			printed[l.loc.CompanyID] = true
			fmt.Fprintf(&b, "# records company=%s %s\n", l.loc.CompanyID, sum)
		}
	}
	b.WriteString("# ready\n")
	if _, err := io.WriteString(stdout, b.String()); err != nil {
		hs.Close()
		return err
	}

	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-serveErr; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// isLoopback reports whether a listener's address is a loopback one
// (127.0.0.0/8 or ::1), which only this machine can reach.
func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}
