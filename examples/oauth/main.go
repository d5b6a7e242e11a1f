// Command oauth is a minimal HighLevel marketplace app: an install link, the
// OAuth callback that exchanges the code, tokens kept in a file store (and
// refreshed, single-use refresh tokens and all), and one API call per
// installed location (a search for its first contacts).
//
// By default it runs against the ghltest emulator, in-process, which also
// plays the marketplace's install screen:
//
//	go run ./examples/oauth                # then open http://localhost:8080
//	go run ./examples/oauth -selftest      # the whole flow, without a browser
//
// Against the real API, register the app's redirect URI
// (http://localhost:8080/oauth/callback by default) and run:
//
//	GHL_CLIENT_ID=... GHL_CLIENT_SECRET=... go run ./examples/oauth -real
//
// Optional: GHL_REDIRECT_URL, GHL_SCOPES (space-separated, default
// "contacts.readonly"), GHL_MARKETPLACE_URL (e.g. the white-label
// https://marketplace.leadconnectorhq.com).
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"html"
	"html/template"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

type config struct {
	real     bool
	selftest bool
	addr     string
	tokens   string
}

func main() {
	var cfg config
	flag.BoolVar(&cfg.real, "real", false, "use the real HighLevel API (GHL_CLIENT_ID, GHL_CLIENT_SECRET)")
	flag.BoolVar(&cfg.selftest, "selftest", false, "run the install flow end to end on the emulator, without a browser, and exit")
	flag.StringVar(&cfg.addr, "addr", "localhost:8080", "address to listen on")
	flag.StringVar(&cfg.tokens, "tokens", "ghl-tokens", "directory of the token files")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	if cfg.selftest {
		err = selftest(ctx, os.Stdout, cfg)
	} else {
		err = serve(ctx, os.Stdout, cfg)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// webApp is the example's web application.
type webApp struct {
	oauth *ghl.OAuthApp
	mux   *http.ServeMux

	mu        sync.Mutex
	states    map[string]time.Time // issued OAuth states, single-use
	installed []string             // location or company IDs installed
}

// emulator is the in-process HighLevel, with a clock the self-test moves.
type emulator struct {
	srv   *ghltest.Server
	clock *ghltest.ManualClock
	loc   *ghltest.Location
}

const (
	emuClientID     = "65f0c0ffee0000000000abcd-example"
	emuClientSecret = "example-client-secret"
)

func startEmulator() *emulator {
	clock := ghltest.NewManualClock(time.Now())
	srv := ghltest.NewServer(ghltest.WithClock(clock.Now))
	srv.RegisterApp(emuClientID, emuClientSecret)
	loc := srv.CreateLocation("Acme Dental")
	srv.SeedContacts(loc.ID, 5)
	return &emulator{srv: srv, clock: clock, loc: loc}
}

// newWebApp builds the app. publicURL is where the browser reaches it.
func newWebApp(cfg config, publicURL string, emu *emulator) (*webApp, error) {
	store, err := ghl.NewFileTokenStore(cfg.tokens)
	if err != nil {
		return nil, err
	}
	oc := ghl.OAuthConfig{
		RedirectURL: publicURL + "/oauth/callback",
		Scopes:      []string{"contacts.readonly"},
	}
	if emu != nil {
		oc.ClientID, oc.ClientSecret = emuClientID, emuClientSecret
		oc.BaseURL = emu.srv.URL
		oc.Clock = emu.clock.Now
		// The emulator has no install screen: this app plays it.
		oc.MarketplaceURL, oc.AuthorizePath = publicURL, "/emulator/chooselocation"
	} else {
		oc.ClientID, oc.ClientSecret = os.Getenv("GHL_CLIENT_ID"), os.Getenv("GHL_CLIENT_SECRET")
		if oc.ClientID == "" || oc.ClientSecret == "" {
			return nil, errors.New("-real needs GHL_CLIENT_ID and GHL_CLIENT_SECRET")
		}
		if u := os.Getenv("GHL_REDIRECT_URL"); u != "" {
			oc.RedirectURL = u
		}
		if s := os.Getenv("GHL_SCOPES"); s != "" {
			oc.Scopes = strings.Fields(s)
		}
		oc.MarketplaceURL = os.Getenv("GHL_MARKETPLACE_URL")
	}
	oauth, err := ghl.NewOAuthApp(oc, store)
	if err != nil {
		return nil, err
	}
	a := &webApp{oauth: oauth, mux: http.NewServeMux(), states: make(map[string]time.Time)}
	a.mux.HandleFunc("GET /{$}", a.home)
	a.mux.HandleFunc("GET /oauth/callback", a.callback)
	a.mux.HandleFunc("GET /locations/{id}", a.contacts)
	if emu != nil {
		a.mux.HandleFunc("GET /emulator/chooselocation", emu.chooseLocation)
	}
	return a, nil
}

var page = template.Must(template.New("page").Parse(`<!doctype html>
<title>ghl-go OAuth example</title>
<h1>{{.Title}}</h1>
{{if .Install}}<p><a id="install" href="{{.Install}}">Install the app on a location</a></p>{{end}}
{{if .Error}}<p style="color:red">{{.Error}}</p>{{end}}
{{range .Locations}}<p><a href="/locations/{{.}}">Location {{.}}</a></p>{{end}}
{{if .Contacts}}<ul>{{range .Contacts}}<li class="contact">{{.Name}} &lt;{{.Email}}&gt;</li>{{end}}</ul>{{end}}
`))

type pageData struct {
	Title     string
	Install   string
	Error     string
	Locations []string
	Contacts  []ghl.Contact
}

func (a *webApp) home(w http.ResponseWriter, r *http.Request) {
	state := randomState()
	a.mu.Lock()
	a.states[state] = time.Now().Add(10 * time.Minute)
	installed := slices.Clone(a.installed)
	a.mu.Unlock()
	render(w, http.StatusOK, pageData{Title: "HighLevel OAuth example", Install: a.oauth.AuthCodeURL(state), Locations: installed})
}

// callback receives ?code=...&state=... from the install screen.
func (a *webApp) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a.mu.Lock()
	exp, ok := a.states[q.Get("state")]
	delete(a.states, q.Get("state"))
	a.mu.Unlock()
	if !ok || time.Now().After(exp) {
		render(w, http.StatusBadRequest, pageData{Title: "Install failed", Error: "unknown or expired state"})
		return
	}
	tok, err := a.oauth.Exchange(r.Context(), q.Get("code"))
	if err != nil {
		// Errors from the SDK never contain a token or the client secret.
		render(w, http.StatusBadGateway, pageData{Title: "Install failed", Error: err.Error()})
		return
	}
	a.mu.Lock()
	if !slices.Contains(a.installed, tok.Key()) {
		a.installed = append(a.installed, tok.Key())
	}
	a.mu.Unlock()
	http.Redirect(w, r, "/locations/"+url.PathEscape(tok.Key()), http.StatusFound)
}

// contacts makes one API call with the location's stored token.
func (a *webApp) contacts(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	client, err := a.oauth.Client(id)
	if err == nil {
		var contacts []ghl.Contact
		contacts, _, err = client.Contacts.Search(r.Context(), &ghl.ContactSearchRequest{LocationID: id, PageLimit: 10})
		if err == nil {
			render(w, http.StatusOK, pageData{Title: "Contacts of " + id, Contacts: contacts})
			return
		}
	}
	status := http.StatusBadGateway
	if errors.Is(err, ghl.ErrReauthorize) || errors.Is(err, ghl.ErrNoToken) {
		status = http.StatusUnauthorized // install the app again
	}
	render(w, status, pageData{Title: "Contacts of " + id, Error: err.Error(), Install: a.oauth.AuthCodeURL(a.newState())})
}

func (a *webApp) newState() string {
	s := randomState()
	a.mu.Lock()
	a.states[s] = time.Now().Add(10 * time.Minute)
	a.mu.Unlock()
	return s
}

// chooseLocation stands in for HighLevel's install screen: the user "picks"
// the emulator's location and approves, and is sent back with a code.
func (e *emulator) chooseLocation(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	code := e.srv.AuthorizationCode(q.Get("client_id"), e.loc.ID, "Location", "")
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	v := back.Query()
	v.Set("code", code)
	if s := q.Get("state"); s != "" {
		v.Set("state", s)
	}
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func render(w http.ResponseWriter, status int, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = page.Execute(w, d)
}

func randomState() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// serve runs the web app until ctx ends.
func serve(ctx context.Context, out io.Writer, cfg config) error {
	var emu *emulator
	if !cfg.real {
		emu = startEmulator()
		defer emu.srv.Close()
		fmt.Fprintf(out, "Using the in-process HighLevel emulator at %s (pass -real for the real API).\n", emu.srv.URL)
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	public := "http://" + cfg.addr
	if os.Getenv("GHL_REDIRECT_URL") != "" && cfg.real {
		if u, err := url.Parse(os.Getenv("GHL_REDIRECT_URL")); err == nil {
			public = u.Scheme + "://" + u.Host
		}
	}
	app, err := newWebApp(cfg, public, emu)
	if err != nil {
		ln.Close()
		return err
	}
	hs := &http.Server{Handler: app.mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	fmt.Fprintf(out, "Open %s and click the install link. Tokens are kept in %s.\n", public, cfg.tokens)
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

var installLink = regexp.MustCompile(`<a id="install" href="([^"]+)"`)

// selftest drives the flow the way a browser would: open the home page,
// follow the install link through the (emulated) install screen and the
// callback, list the contacts; then let a day pass and list them again, so
// the token is refreshed from the file store.
func selftest(ctx context.Context, out io.Writer, cfg config) error {
	if cfg.real {
		return errors.New("-selftest runs on the emulator only")
	}
	emu := startEmulator()
	defer emu.srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	public := "http://" + ln.Addr().String()
	app, err := newWebApp(cfg, public, emu)
	if err != nil {
		ln.Close()
		return err
	}
	hs := &http.Server{Handler: app.mux, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	get := func(u string) (string, string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return "", "", err
		}
		resp, err := browser.Do(req)
		if err != nil {
			return "", "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return "", "", fmt.Errorf("GET %s: %s: %s", resp.Request.URL.Path, resp.Status, b)
		}
		return string(b), resp.Request.URL.Path, err
	}

	home, _, err := get(public + "/")
	if err != nil {
		return err
	}
	m := installLink.FindStringSubmatch(home)
	if m == nil {
		return errors.New("no install link on the home page")
	}
	link := html.UnescapeString(m[1])
	fmt.Fprintf(out, "Install link: %s\n", link)
	body, path, err := get(link)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Installed; redirected to %s with %d contacts listed.\n", path, strings.Count(body, `class="contact"`))

	file := app.oauth.Store().(*ghl.FileTokenStore).Path(emu.loc.ID)
	fi, err := os.Stat(file)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Token file %s has mode %v.\n", file, fi.Mode().Perm())

	emu.clock.Advance(25 * time.Hour) // the access token has expired
	body, _, err = get(public + path)
	if err != nil {
		return err
	}
	st := emu.srv.Stats()
	fmt.Fprintf(out, "A day later: %d contacts listed after %d token refresh(es), %d invalid grant(s).\n",
		strings.Count(body, `class="contact"`), st.TokenRefreshes, st.InvalidGrant)
	if st.TokenRefreshes != 1 || st.InvalidGrant != 0 {
		return errors.New("selftest: expected exactly one refresh")
	}
	fmt.Fprintln(out, "selftest ok")
	return nil
}
