package ghl

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Option configures a [Client]. Options check their input; [NewClient]
// returns the first error an option reports.
type Option func(*config) error

type config struct {
	baseURL     *url.URL
	userAgent   string
	logger      *slog.Logger
	tokens      oauth2.TokenSource
	staticToken string
	httpClient  *http.Client
	retry       RetryPolicy
	limiter     *RateLimiter
	maxBody     int64
	maxPages    int
	timeouts    Timeouts
}

func defaultConfig() config {
	u, _ := url.Parse(DefaultBaseURL)
	return config{
		baseURL:   u,
		userAgent: defaultUserAgent,
		logger:    slog.New(slog.DiscardHandler),
		retry:     DefaultRetryPolicy(),
		limiter:   NewRateLimiter(DefaultRateLimit()),
		maxBody:   DefaultMaxResponseSize,
		maxPages:  DefaultMaxPages,
		timeouts:  DefaultTimeouts(),
	}
}

// WithAccessToken authenticates every request with a fixed bearer token: a
// Private Integration token (PIT), or an OAuth access token you refresh
// yourself. For OAuth tokens that should refresh, use [WithTokenSource].
//
// Docs: https://marketplace.gohighlevel.com/docs/Authorization/PrivateIntegrationsToken
func WithAccessToken(token string) Option {
	return func(c *config) error {
		token = strings.TrimSpace(token)
		if token == "" {
			return errors.New("ghl: WithAccessToken: token is empty")
		}
		c.tokens = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token, TokenType: "Bearer"})
		c.staticToken = token
		return nil
	}
}

// WithTokenSource authenticates every request with tokens from ts, which may
// refresh them (see the OAuth helpers in this package). If ts also has a
// RateLimitKey() string method, its value names the rate-limit bucket (the
// location or company ID); otherwise the bucket follows the access token.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *config) error {
		if ts == nil {
			return errors.New("ghl: WithTokenSource: token source is nil")
		}
		c.tokens = ts
		c.staticToken = ""
		return nil
	}
}

// WithBaseURL sends requests to another host, such as a local emulator
// ([github.com/salesnexus/ghl-go/ghltest]) or a proxy. It must be an absolute
// http or https URL with no user info (credentials belong in
// [WithAccessToken]), query or fragment; a trailing slash is ignored.
func WithBaseURL(rawURL string) Option {
	return func(c *config) error {
		u, err := parseBaseURL(rawURL)
		if err != nil {
			return fmt.Errorf("ghl: WithBaseURL: %w", err)
		}
		c.baseURL = u
		return nil
	}
}

// parseBaseURL checks a base URL. Its errors never quote user info.
func parseBaseURL(rawURL string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(rawURL, "/"))
	if err != nil {
		return nil, errors.New("the URL does not parse")
	}
	if u.User != nil {
		return nil, errors.New("the URL must not hold user info: it would be printed and sent as Basic auth")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an absolute http(s) URL", rawURL)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(rawURL, "?#") {
		return nil, fmt.Errorf("%q must not have a query or fragment: every path would be appended to it", rawURL)
	}
	return u, nil
}

// WithHTTPClient sends requests through a copy of hc, keeping its Transport,
// Timeout and Jar; [WithTimeouts] does not apply to it. The client adds its
// own retry and rate-limit layers on top, so hc should not retry by itself.
// Redirects are followed only within the base URL's origin (scheme, host
// and port) whatever hc's CheckRedirect says; within it, hc's CheckRedirect
// (or Go's limit of 10) still applies.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("ghl: WithHTTPClient: client is nil")
		}
		cp := *hc
		c.httpClient = &cp
		return nil
	}
}

// WithLogger logs each request and response at debug level to l. Tokens,
// secrets and request bodies are never logged. The default logs nothing.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("ghl: WithLogger: logger is nil")
		}
		c.logger = l
		return nil
	}
}

// WithUserAgent prefixes the User-Agent header with ua, for example
// "salesnexus-sync/2.3", so HighLevel support can tell your traffic apart.
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		ua = strings.TrimSpace(ua)
		if ua == "" || strings.ContainsAny(ua, "\r\n") {
			return errors.New("ghl: WithUserAgent: user agent is empty or has a line break")
		}
		c.userAgent = ua + " " + defaultUserAgent
		return nil
	}
}

// WithRetry replaces the retry policy (default [DefaultRetryPolicy]). Use
// RetryPolicy{} to turn retries off.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		if err := p.validate(); err != nil {
			return err
		}
		c.retry = p
		return nil
	}
}

// WithRateLimit replaces the client-side rate limit (default
// [DefaultRateLimit]). The client gets its own [RateLimiter]; to share one
// between clients, use [WithRateLimiter].
func WithRateLimit(l RateLimit) Option {
	return func(c *config) error {
		if err := l.validate(); err != nil {
			return err
		}
		c.limiter = NewRateLimiter(l)
		return nil
	}
}

// WithRateLimiter makes the client draw from a shared limiter, so that
// several clients for the same location or company stay within one quota.
func WithRateLimiter(l *RateLimiter) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("ghl: WithRateLimiter: limiter is nil")
		}
		c.limiter = l
		return nil
	}
}

// WithLimiter makes the client's rate limiting go through l, such as a
// limiter shared by every replica of a connector (the ghlredis package's),
// in place of in-memory token buckets. A *RateLimiter is used as it is, as
// with [WithRateLimiter].
func WithLimiter(l Limiter) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("ghl: WithLimiter: limiter is nil")
		}
		if rl, ok := l.(*RateLimiter); ok && rl == nil {
			return errors.New("ghl: WithLimiter: limiter is nil")
		}
		c.limiter = NewSharedRateLimiter(l)
		return nil
	}
}

// DefaultMaxPages is the most pages one iteration reads unless
// [WithMaxPages] or [ContextWithMaxPages] raise it: 100,000 pages, or
// 10 million contacts at 100 a page.
const DefaultMaxPages = 100_000

// WithMaxResponseSize sets the most the client reads of a response body
// (default [DefaultMaxResponseSize], 64 MiB). A larger answer is a
// [*ResponseTooLargeError] and is not sent again.
func WithMaxResponseSize(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return errors.New("ghl: WithMaxResponseSize: size must be positive")
		}
		c.maxBody = n
		return nil
	}
}

// WithMaxPages sets the most pages one iteration (an Iter method) reads
// before it yields a [*PageError] matching [ErrTooManyPages] (default
// [DefaultMaxPages]). It bounds what a server whose cursor never ends can
// cost; raise it for very large exports, or per call with
// [ContextWithMaxPages].
func WithMaxPages(n int) Option {
	return func(c *config) error {
		if n <= 0 {
			return errors.New("ghl: WithMaxPages: pages must be positive")
		}
		c.maxPages = n
		return nil
	}
}

// Timeouts bound the phases of one HTTP attempt on the client's own
// transport, so that a silent server cannot block a call made with a
// context that never ends. Zero leaves a phase unbounded. Each attempt is
// also bounded by its context.
type Timeouts struct {
	// Connect bounds opening the TCP connection.
	Connect time.Duration
	// TLSHandshake bounds the TLS handshake.
	TLSHandshake time.Duration
	// ResponseHeader bounds the wait for the response headers once the
	// request is written.
	ResponseHeader time.Duration
	// Attempt bounds one whole attempt, from sending to the last byte of
	// the body, so that a server that stalls mid-body is cut too. A write
	// cut this way may have been applied (see [ErrOutcomeUnknown]).
	Attempt time.Duration
}

// DefaultTimeouts are 10 s to connect, 10 s for TLS and 60 s for the
// response headers, so that a silent server cannot block a call made with
// a context that never ends. A whole attempt is not bounded by default
// (bound calls with their context, or set Attempt): a per-attempt timer
// costs every call about 1.5% (BENCHMARKS.md).
func DefaultTimeouts() Timeouts {
	return Timeouts{Connect: 10 * time.Second, TLSHandshake: 10 * time.Second,
		ResponseHeader: 60 * time.Second, Attempt: 0}
}

// WithTimeouts replaces [DefaultTimeouts]. Connect, TLSHandshake and
// ResponseHeader apply to the client's own transport only, not to one given
// with [WithHTTPClient], whose transport is the caller's to configure;
// Attempt applies to both.
func WithTimeouts(t Timeouts) Option {
	return func(c *config) error {
		if t.Connect < 0 || t.TLSHandshake < 0 || t.ResponseHeader < 0 || t.Attempt < 0 {
			return errors.New("ghl: WithTimeouts: timeouts must not be negative")
		}
		c.timeouts = t
		return nil
	}
}

// retryDefaults are used when a RetryPolicy leaves the waits unset.
const (
	defaultMinWait = 500 * time.Millisecond
	defaultMaxWait = 30 * time.Second
)
