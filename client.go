package ghl

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	retryablehttp "github.com/hashicorp/go-retryablehttp"
	"golang.org/x/oauth2"
)

// Version is the version of this SDK, sent in the User-Agent header.
const Version = "0.1.0"

// DefaultBaseURL is the HighLevel API v2 host that every official spec names.
const DefaultBaseURL = "https://services.leadconnectorhq.com"

const defaultUserAgent = "ghl-go/" + Version

// core is the shared HTTP core of a [Client]: every service sends its
// requests through it. The Client type itself, with one field per service,
// is generated (client_gen.go), so adding a category touches no
// hand-written file.
type core struct {
	baseURL   *url.URL
	userAgent string
	logger    *slog.Logger
	tokens    oauth2.TokenSource
	limitKey  string // rate-limit bucket for a static token; "" when derived per request
	limiter   *RateLimiter
	retry     RetryPolicy
	http      *retryablehttp.Client
	lastKey   atomic.Pointer[keyCache] // the bucket key of the last token seen
	maxBody   int64                    // the most read of a response body
	maxPages  int                      // the most pages one iteration reads
	attemptTO time.Duration            // bounds one attempt; 0 for none

	common service // reused by every service, as go-github does
}

// service is the shared base of every category service.
type service struct {
	client *Client
}

// NewClient returns a client configured by opts. With no options it targets
// [DefaultBaseURL] with no credentials; most callers pass [WithAccessToken]
// (a Private Integration token) or [WithTokenSource] (OAuth).
//
// An invalid option is reported here, before any request is made.
func NewClient(opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	c := &Client{core: core{
		baseURL:   cfg.baseURL,
		userAgent: cfg.userAgent,
		logger:    cfg.logger,
		tokens:    cfg.tokens,
		limiter:   cfg.limiter,
		retry:     cfg.retry,
		maxBody:   cfg.maxBody,
		maxPages:  cfg.maxPages,
		attemptTO: cfg.timeouts.Attempt,
	}}
	if cfg.staticToken != "" {
		c.limitKey = tokenKey(cfg.staticToken)
	}
	c.http = newRetryClient(c, cfg.httpClient, cfg.timeouts)
	c.common.client = c
	c.initServices()
	return c, nil
}

// BaseURL returns the API host the client sends requests to.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// tokenKey names the rate-limit bucket for a token without keeping the token.
func tokenKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "token:" + hex.EncodeToString(sum[:8])
}

// resolve joins a relative API path onto the base URL.
func (c *Client) resolve(path string, query url.Values) string {
	var b strings.Builder
	base := c.baseURL.String()
	b.Grow(len(base) + len(path) + 64)
	b.WriteString(base)
	b.WriteString(path)
	if len(query) > 0 {
		b.WriteByte('?')
		b.WriteString(query.Encode())
	}
	return b.String()
}

// httpDefault is the transport used when the caller supplies no HTTP client:
// a pooled transport with the given timeouts.
func httpDefault(to Timeouts) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	t.DialContext = (&net.Dialer{Timeout: to.Connect, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = to.TLSHandshake
	t.ResponseHeaderTimeout = to.ResponseHeader
	return &http.Client{Transport: t}
}

// errRedirect is returned by the redirect policy to stop at the redirect
// answer, which the caller then gets as an *APIError.
var errRedirect = http.ErrUseLastResponse

// sameOriginRedirects wraps a redirect policy so that a redirect to another
// origin (scheme, host or port) is never followed: the bearer token, and a
// body with personal data, must not reach a host the caller did not name.
func sameOriginRedirects(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if req.URL.Scheme != first.Scheme || !strings.EqualFold(canonicalHost(req.URL), canonicalHost(first)) {
			return errRedirect
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errRedirect
		}
		return nil
	}
}

// canonicalHost is host:port with the scheme's default port filled in.
func canonicalHost(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return net.JoinHostPort(u.Hostname(), port)
}
