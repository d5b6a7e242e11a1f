package ghltest

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// maxBody is the largest request body the emulator reads; the rest is ignored.
const maxBody = 8 << 20

// DefaultAccessTokenTTL is the lifetime of OAuth access tokens minted by the
// emulator unless [WithAccessTokenTTL] says otherwise. It matches the
// expires_in value HighLevel documents (86399 seconds).
const DefaultAccessTokenTTL = 86399 * time.Second

// Default rate limits, as documented by HighLevel: 100 requests per 10
// seconds (burst) and 200,000 requests per day, per location or company.
const (
	DefaultRateLimitMax      = 100
	DefaultRateLimitInterval = 10 * time.Second
	DefaultRateLimitDaily    = 200000
)

// DefaultRequestLogLimit is how many recorded requests [Server.Requests]
// keeps by default; older entries are dropped first.
const DefaultRequestLogLimit = 10000

// DefaultRequestLogBodyLimit is how many bytes of each request body the
// request log keeps by default ([WithRequestLogBodyLimit]); the rest is
// dropped and [RecordedRequest.BodyTruncated] is set. The log's bodies
// thus never exceed the entry limit times this (625 MiB with the defaults,
// reached only if every request carries 64 KiB or more; API bodies are
// typically a few hundred bytes).
const DefaultRequestLogBodyLimit = 64 << 10

// Server is an in-memory emulator of the HighLevel (GoHighLevel) API v2.
//
// Create one with [NewServer] (listening on a loopback port, like
// httptest.NewServer) or [NewHandler] (not listening; serve [Server.Handler]
// yourself). All methods are safe for concurrent use.
type Server struct {
	// URL is the base URL of the running server, without a trailing slash,
	// e.g. "http://127.0.0.1:41234". It is empty for a server made by
	// NewHandler until the caller sets it.
	URL string

	ts  *httptest.Server
	cfg config
	now func() time.Time
	log *slog.Logger

	mu  sync.RWMutex // guards everything in st and rng
	st  store
	rng *rand.Rand

	rl rateLimiter

	faultMu  sync.Mutex
	faults   []*activeFault
	faultRng *rand.Rand

	reqMu    sync.Mutex
	reqs     []logEntry
	reqStart int // index of the oldest entry once the ring is full

	counters counters
	handlers []func(*reqCtx)          // behaviour by route index (table().routes); nil: not emulated
	wh       atomic.Pointer[webhooks] // nil until RegisterWebhook (deliveries.go)
}

type config struct {
	rateMax      int
	rateInterval time.Duration
	rateDaily    int
	now          func() time.Time
	faults       []Fault
	seed         int64
	ttl          time.Duration
	logger       *slog.Logger
	logLimit     int
	bodyLimit    int
	unredacted   bool
	controlToken string
	noExamples   bool // WithoutSpecExamples
}

// Option configures a [Server] made by [NewServer] or [NewHandler].
type Option func(*config)

// WithRateLimit sets the burst limit (max requests per interval) and the daily
// limit, both counted per location or company (see the package documentation
// for the exact window semantics). A max or daily of 0 or less disables that
// limit; an interval of 0 or less keeps the default interval. The defaults are
// 100 per 10s and 200,000 per day.
func WithRateLimit(max int, interval time.Duration, daily int) Option {
	return func(c *config) {
		c.rateMax = max
		if interval > 0 {
			c.rateInterval = interval
		}
		c.rateDaily = daily
	}
}

// WithClock replaces time.Now as the server's clock. The clock drives rate
// limit windows, token and code expiry, and the timestamps of created
// entities. Injected latency ([FaultLatency]) always uses real time.
// See [ManualClock] for a ready-made controllable clock.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// WithFaults installs faults at start-up, as if passed to [Server.InjectFault]
// one by one.
func WithFaults(f ...Fault) Option {
	return func(c *config) { c.faults = append(c.faults, f...) }
}

// WithSeed seeds the generator behind entity IDs, seeded data and the
// sampling of faults with a Rate. The default seed is 1, so a server driven by
// the same sequence of calls produces the same IDs and data.
func WithSeed(seed int64) Option {
	return func(c *config) { c.seed = seed }
}

// WithAccessTokenTTL sets the lifetime (and expires_in) of OAuth access tokens
// minted by /oauth/token and /oauth/locationToken. The default is
// [DefaultAccessTokenTTL] (86399s). Static tokens ([Location.Token],
// [Server.IssueToken], [Server.IssueCompanyToken]) never expire.
func WithAccessTokenTTL(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.ttl = d
		}
	}
}

// WithLogger makes the server log one line per request (at Debug level) and
// every injected fault (at Info level) to l. By default nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithRequestLogLimit sets how many requests [Server.Requests] keeps (oldest
// dropped first). The default is [DefaultRequestLogLimit]; n <= 0 disables
// recording (Stats still counts).
func WithRequestLogLimit(n int) Option {
	return func(c *config) { c.logLimit = n }
}

// WithRequestLogBodyLimit sets how many bytes of each request body the
// request log keeps ([RecordedRequest.Body]); longer bodies are cut and
// marked [RecordedRequest.BodyTruncated]. The default is
// [DefaultRequestLogBodyLimit] (64 KiB); n <= 0 keeps no body at all
// (BodySize is still recorded). It does not change what the API handlers
// read (up to 8 MiB).
func WithRequestLogBodyLimit(n int) Option {
	return func(c *config) { c.bodyLimit = max(n, 0) }
}

// WithUnredactedRequestLog makes the request log keep header values, query
// strings and bodies exactly as received, secrets included. By default they
// are redacted (see [RecordedRequest]). Use it only in tests that must read
// a credential the client sent, and never on a server reachable by others
// without [WithControlToken]: GET /_emulator/requests serves the log.
func WithUnredactedRequestLog() Option {
	return func(c *config) { c.unredacted = true }
}

// WithControlToken protects the /_emulator/... control endpoints: every
// control request must then carry "Authorization: Bearer <token>" or
// "X-Emulator-Control-Token: <token>", or it is answered 401 (see the
// package documentation). The default, "", leaves them open, which suits an
// emulator that only the test process can reach (NewServer listens on
// loopback). The control token is not an API token, nor the reverse.
func WithControlToken(token string) Option {
	return func(c *config) { c.controlToken = token }
}

// NewServer starts an emulator on a random loopback port (127.0.0.1:0) and
// returns it; URL holds its base URL. Call Close when done. The server is not
// tied to a *testing.T and may be shared by several tests.
func NewServer(opts ...Option) *Server {
	s := NewHandler(opts...)
	s.ts = httptest.NewServer(s)
	s.URL = strings.TrimSuffix(s.ts.URL, "/")
	return s
}

// NewHandler returns an emulator that does not listen anywhere: serve
// [Server.Handler] with your own http.Server or httptest.Server, and set URL
// if you use it. Close is a no-op for such a server.
func NewHandler(opts ...Option) *Server {
	cfg := config{
		rateMax:      DefaultRateLimitMax,
		rateInterval: DefaultRateLimitInterval,
		rateDaily:    DefaultRateLimitDaily,
		now:          time.Now,
		seed:         1,
		ttl:          DefaultAccessTokenTTL,
		logger:       slog.New(slog.DiscardHandler),
		logLimit:     DefaultRequestLogLimit,
		bodyLimit:    DefaultRequestLogBodyLimit,
	}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		cfg:      cfg,
		now:      cfg.now,
		log:      cfg.logger,
		rng:      rand.New(rand.NewPCG(uint64(cfg.seed), 0x9e3779b97f4a7c15)),
		faultRng: rand.New(rand.NewPCG(uint64(cfg.seed), 0x2545f4914f6cdd1d)),
	}
	s.st.init()
	s.rl.init(cfg.rateMax, cfg.rateInterval, cfg.rateDaily)
	s.registerRoutes()
	s.mu.Lock()
	s.st.defaultCompany = s.createCompanyLocked("", "Emulator Agency")
	s.mu.Unlock()
	for _, f := range cfg.faults {
		s.InjectFault(f)
	}
	return s
}

// Close stops the webhook worker ([Server.RegisterWebhook]) and shuts the
// listening server down (blocking until outstanding requests finish); a
// server made by NewHandler has only the worker to stop.
func (s *Server) Close() {
	s.closeWebhooks()
	if s.ts != nil {
		s.ts.Close()
	}
}

// Client returns an *http.Client configured for the listening server (the
// httptest client), or http.DefaultClient for a server made by NewHandler.
func (s *Server) Client() *http.Client {
	if s.ts != nil {
		return s.ts.Client()
	}
	return http.DefaultClient
}

// Handler returns the emulator as an http.Handler (the Server itself), so it
// can be served in-process or mounted elsewhere.
func (s *Server) Handler() http.Handler { return s }

// counters are the atomic counters behind Stats.
type counters struct {
	requests, rateLimited, unauthorized, invalidGrant, tokenRefreshes, tokensIssued, faults atomic.Int64
}

// Stats are cumulative counters of a [Server] since it started.
type Stats struct {
	// Requests counts every API request received, including failed and
	// fault-injected ones. Control endpoints (/_emulator/...) are not counted.
	Requests int64 `json:"requests"`
	// RateLimited counts 429 responses produced by the rate limiter (injected
	// 429 faults are counted in FaultsInjected instead).
	RateLimited int64 `json:"rateLimited"`
	// Unauthorized counts 401 responses: missing, unknown or expired tokens,
	// missing or invalid Version headers, wrong token kinds and invalid OAuth
	// client credentials.
	Unauthorized int64 `json:"unauthorized"`
	// InvalidGrant counts /oauth/token requests rejected with "Invalid grant"
	// (unknown, used or expired refresh tokens and authorization codes).
	InvalidGrant int64 `json:"invalidGrant"`
	// TokenRefreshes counts successful grant_type=refresh_token exchanges.
	TokenRefreshes int64 `json:"tokenRefreshes"`
	// TokensIssued counts access tokens minted by /oauth/token (both grants)
	// and /oauth/locationToken.
	TokensIssued int64 `json:"tokensIssued"`
	// FaultsInjected counts requests to which a fault (of any kind) applied.
	FaultsInjected int64 `json:"faultsInjected"`
}

// Stats returns a snapshot of the server's counters.
func (s *Server) Stats() Stats {
	c := &s.counters
	return Stats{
		Requests:       c.requests.Load(),
		RateLimited:    c.rateLimited.Load(),
		Unauthorized:   c.unauthorized.Load(),
		InvalidGrant:   c.invalidGrant.Load(),
		TokenRefreshes: c.tokenRefreshes.Load(),
		TokensIssued:   c.tokensIssued.Load(),
		FaultsInjected: c.faults.Load(),
	}
}

// RecordedRequest is one API request as the server received it, with its
// secrets redacted unless the server was made [WithUnredactedRequestLog]:
//
//   - Authorization (and Proxy-Authorization) keep their scheme only:
//     "Bearer [redacted]". [RecordedRequest.TokenFingerprint] tells which
//     bearer token was sent.
//   - Cookie, Set-Cookie and headers whose name contains "token", "secret",
//     "password", "session", "api-key" or "apikey" (e.g. X-Api-Key) become
//     "[redacted]".
//   - In bodies and query strings the values of client_secret,
//     refresh_token, code, access_token, id_token and password (any case,
//     with or without "_", so clientSecret and accessToken too) become
//     [redacted]: form and query values (key=value pairs) and JSON members
//     ("key": value, at any depth, a non-string value replaced by the string
//     "[redacted]"). A body that is neither form nor JSON is scanned for
//     both shapes.
//
// Only the first [DefaultRequestLogBodyLimit] bytes of a body are kept (see
// [WithRequestLogBodyLimit]).
type RecordedRequest struct {
	Method   string      `json:"method"`
	Path     string      `json:"path"`     // decoded URL path, e.g. "/contacts/abc"
	RawQuery string      `json:"rawQuery"` // encoded query, without '?'
	Header   http.Header `json:"header"`
	// Body is the request body, cut to the log's body limit.
	Body []byte `json:"-"`
	// BodySize is the size of the body as the server read it (the emulator
	// reads at most 8 MiB), whether or not Body holds all of it.
	BodySize int `json:"bodySize"`
	// BodyTruncated reports that Body holds only the first bytes of the
	// body, as many as the body limit allows (BodySize is the full size).
	BodyTruncated bool `json:"bodyTruncated,omitempty"`
	// TokenFingerprint is [Fingerprint] of the bearer token of the
	// Authorization header, "" if none was sent. It identifies the token
	// without revealing it: compare it with Fingerprint(loc.Token).
	TokenFingerprint string `json:"tokenFingerprint,omitempty"`
	Version          string `json:"version"` // the Version header received ("" if none)
	// Status is the status the server produced: the handler's status, the
	// injected status of a FaultStatus, or 0 when no handler ran
	// (FaultResetBefore, or a client that went away during FaultLatency).
	// With FaultResetAfter and FaultTruncate the client never sees it.
	Status int `json:"status"`
	// Fault is the kind of the fault applied to the request, "" if none.
	// A latency fault combined with another kind records the other kind.
	Fault string    `json:"fault,omitempty"`
	Time  time.Time `json:"time"` // arrival time on the server's clock
}

// MarshalJSON encodes the request with Body as a string.
func (r RecordedRequest) MarshalJSON() ([]byte, error) {
	type plain RecordedRequest
	return json.Marshal(struct {
		plain
		Body string `json:"body"`
	}{plain(r), string(r.Body)})
}

// Requests returns a copy of the recorded requests, oldest first. Only API
// requests are recorded (not /_emulator/... control requests); at most the
// last [DefaultRequestLogLimit] (see [WithRequestLogLimit]) are kept, each
// with at most [DefaultRequestLogBodyLimit] bytes of body (see
// [WithRequestLogBodyLimit]), secrets redacted (see [RecordedRequest]).
// The entries' Header maps and Body slices are shared with the log: do not
// modify them.
func (s *Server) Requests() []RecordedRequest {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	out := make([]RecordedRequest, 0, len(s.reqs))
	for _, i := range [2][2]int{{s.reqStart, len(s.reqs)}, {0, s.reqStart}} {
		for j := i[0]; j < i[1]; j++ {
			e := &s.reqs[j]
			if e.token != "" {
				e.rec.TokenFingerprint, e.token = Fingerprint(e.token), ""
			}
			out = append(out, e.rec)
		}
	}
	return out
}

// logEntry is a recorded request and, until it is first read, the bearer
// token whose Fingerprint it reports (hashed lazily, off the request path).
type logEntry struct {
	rec   RecordedRequest
	token string
}

// ResetRequests clears the request log (not the Stats counters).
func (s *Server) ResetRequests() {
	s.reqMu.Lock()
	s.reqs = nil
	s.reqStart = 0
	s.reqMu.Unlock()
}

func (s *Server) record(rec RecordedRequest, token string) {
	if s.cfg.logLimit <= 0 {
		return
	}
	e := logEntry{rec, token}
	s.reqMu.Lock()
	if len(s.reqs) < s.cfg.logLimit {
		s.reqs = append(s.reqs, e)
	} else {
		s.reqs[s.reqStart] = e
		s.reqStart = (s.reqStart + 1) % len(s.reqs)
	}
	s.reqMu.Unlock()
}

// ServeHTTP implements http.Handler: control endpoints, then fault injection,
// then the emulated API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/_emulator" || strings.HasPrefix(r.URL.Path, "/_emulator/") {
		s.serveControl(w, r)
		return
	}
	s.counters.requests.Add(1)
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	c := &reqCtx{s: s, r: r, body: body, traceID: newTraceID()}
	rec := RecordedRequest{
		Method:  r.Method,
		Path:    r.URL.Path,
		Version: r.Header.Get("Version"),
		Time:    s.now(),
	}
	var token string // the bearer token, for rec's TokenFingerprint
	if s.cfg.logLimit > 0 {
		token = s.recordRequest(&rec, r, body)
	}
	f, delay := s.pickFault(r.Method, r.URL.Path)
	if f != nil || delay > 0 {
		s.counters.faults.Add(1)
		if f != nil {
			rec.Fault = string(f.Kind)
		} else {
			rec.Fault = string(FaultLatency)
		}
		s.log.Info("ghltest: injecting fault", "fault", rec.Fault, "method", r.Method, "path", r.URL.Path)
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			s.record(rec, token)
			return
		}
	}
	kind := FaultKind("")
	if f != nil {
		kind = f.Kind
	}
	switch kind {
	case FaultResetBefore:
		s.record(rec, token)
		abortConn(w, true)
		return
	case FaultStatus:
		c.injectedStatus(f)
	default:
		s.process(c)
	}
	rec.Status = c.status
	s.record(rec, token)
	s.log.Debug("ghltest: request", "method", r.Method, "path", r.URL.Path, "status", c.status, "version", rec.Version)
	switch kind {
	case FaultResetAfter:
		abortConn(w, true)
	case FaultTruncate:
		c.writeTruncated(w)
	default:
		c.write(w)
	}
}

// marshal encodes v as JSON without HTML escaping (as Node.js does) and
// without a trailing newline.
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("ghltest: cannot encode response: " + err.Error())
	}
	b := buf.Bytes()
	return b[:len(b)-1]
}
