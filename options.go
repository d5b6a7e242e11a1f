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
}

func defaultConfig() config {
	u, _ := url.Parse(DefaultBaseURL)
	return config{
		baseURL:   u,
		userAgent: defaultUserAgent,
		logger:    slog.New(slog.DiscardHandler),
		retry:     DefaultRetryPolicy(),
		limiter:   NewRateLimiter(DefaultRateLimit()),
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
// http or https URL; a trailing slash is ignored.
func WithBaseURL(rawURL string) Option {
	return func(c *config) error {
		u, err := url.Parse(strings.TrimRight(rawURL, "/"))
		if err != nil {
			return fmt.Errorf("ghl: WithBaseURL: %w", err)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("ghl: WithBaseURL: %q is not an absolute http(s) URL", rawURL)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("ghl: WithBaseURL: %q must not have a query or fragment", rawURL)
		}
		c.baseURL = u
		return nil
	}
}

// WithHTTPClient sends requests through a copy of hc, keeping its Transport,
// Timeout, Jar and redirect policy. The client adds its own retry and
// rate-limit layers on top, so hc should not retry by itself.
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

// retryDefaults are used when a RetryPolicy leaves the waits unset.
const (
	defaultMinWait = 500 * time.Millisecond
	defaultMaxWait = 30 * time.Second
)
