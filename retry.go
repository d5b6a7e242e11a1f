package ghl

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"time"

	retryablehttp "github.com/hashicorp/go-retryablehttp"
)

// RetryPolicy says which failed requests are sent again, and how long to
// wait in between. Every wait ends early when the request's context is done.
//
// A 429 is always retried: HighLevel refused it before doing anything. A 5xx
// or a lost connection is retried only for idempotent methods (GET, PUT,
// DELETE), because HighLevel has no idempotency key and a POST that failed
// may still have been applied. A POST whose connection could not even be
// opened is retried, since it never reached the server.
type RetryPolicy struct {
	// MaxRetries is how many times a request may be sent again; 0 disables
	// retries.
	MaxRetries int
	// MinWait and MaxWait bound the exponential backoff (with jitter).
	// MaxWait also caps a server's Retry-After.
	MinWait, MaxWait time.Duration
	// RetryWrites also retries POST and PATCH after a 5xx or a lost
	// connection. Only set it when duplicate writes are harmless to you.
	RetryWrites bool
}

// DefaultRetryPolicy retries up to 3 times, waiting 0.5 s to 30 s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: 3, MinWait: defaultMinWait, MaxWait: defaultMaxWait}
}

func (p RetryPolicy) validate() error {
	if p.MaxRetries < 0 || p.MinWait < 0 || p.MaxWait < 0 {
		return errors.New("ghl: RetryPolicy: values must not be negative")
	}
	if p.MaxWait > 0 && p.MinWait > p.MaxWait {
		return errors.New("ghl: RetryPolicy: MinWait is above MaxWait")
	}
	return nil
}

func (p RetryPolicy) waits() (time.Duration, time.Duration) {
	lo, hi := p.MinWait, p.MaxWait
	if lo == 0 {
		lo = defaultMinWait
	}
	if hi == 0 {
		hi = max(defaultMaxWait, lo)
	}
	return lo, hi
}

// callState travels with one call through the retry loop in its context.
type callState struct {
	op       *operation
	bucket   *bucket
	attempts int
	rate     Rate
	body     []byte // the last response body, read in full by the transport
	// contentType is the request body's type when it is not JSON.
	contentType string
	// reached is true once any attempt may have reached HighLevel and been
	// applied: a connection was made and no answer said it was refused
	// unapplied (429). It survives every later error: a deadline, a cancel,
	// a refused retry.
	reached bool
}

type callStateKey struct{}

func stateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(callStateKey{}).(*callState)
	return st
}

// newRetryClient wires go-retryablehttp to the client's policy. The inner
// transport waits on the rate limiter and reads each body in full, so that
// retries are rate limited too and a truncated body counts as a failure.
func newRetryClient(c *Client, hc *http.Client, to Timeouts) *retryablehttp.Client {
	if hc == nil {
		hc = httpDefault(to)
	}
	hc.CheckRedirect = sameOriginRedirects(hc.CheckRedirect)
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = &coreTransport{client: c, base: base}
	lo, hi := c.retry.waits()
	return &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       nil, // we log through slog in coreTransport
		RetryWaitMin: lo,
		RetryWaitMax: hi,
		RetryMax:     c.retry.MaxRetries,
		CheckRetry:   c.checkRetry,
		Backoff:      backoff,
		ErrorHandler: passThrough,
	}
}

// passThrough keeps the last response or error once retries are over, so the
// caller gets a typed error from the real body instead of "giving up".
func passThrough(resp *http.Response, err error, _ int) (*http.Response, error) {
	return resp, err
}

// checkRetry decides whether to send the request again.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if err == nil && resp != nil && !retryableStatus(resp.StatusCode) {
		// A complete answer that needs no retry is kept even if ctx has
		// just ended: it says what happened, the ctx error would not.
		return false, nil
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	st := stateFrom(ctx)
	write := st != nil && !idempotent(st.op.Method)
	if err != nil {
		var se *sendError
		if errors.As(err, &se) && se.final {
			return false, nil // refused by the client: daily quota, limiter
		}
		if errors.As(err, &se) && !se.sent {
			return true, nil // never reached the server
		}
		return !write || c.retry.RetryWrites, nil
	}
	switch code := resp.StatusCode; {
	case code == http.StatusTooManyRequests:
		r := parseRate(resp.Header)
		// A spent daily quota will not come back within a retry's wait.
		return !(r.HasDailyRemaining() && r.DailyRemaining == 0), nil
	case code >= 500 && code != http.StatusNotImplemented:
		return !write || c.retry.RetryWrites, nil
	}
	return false, nil
}

// retryableStatus reports whether a status may be worth sending again.
func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || (code >= 500 && code != http.StatusNotImplemented)
}

// backoff waits Retry-After (or the rate-limit interval) on 429, capped at
// max; otherwise exponential backoff with jitter between min and max.
func backoff(lo, hi time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		if d, ok := retryAfter(resp.Header, time.Now()); ok {
			return min(d, hi)
		}
		if r := parseRate(resp.Header); r.Interval > 0 {
			// Spread retries over the window so that a burst of waiting
			// callers does not hit the next window at the same instant.
			return min(r.Interval/2+rand.N(r.Interval/2+1), hi)
		}
	}
	d := lo << min(attempt, 30)
	if d <= 0 || d > hi {
		d = hi
	}
	// Equal jitter: half fixed, half random.
	return d/2 + rand.N(d/2+1)
}

// maxRetryAfter caps a server's Retry-After: any longer wait is absurd for
// a rate limit, and a larger count of seconds would overflow a Duration.
const maxRetryAfter = 24 * time.Hour

// retryAfter reads Retry-After as seconds or an HTTP date, capped at
// maxRetryAfter; a date in the past is no wait.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if allDigits(v) {
		// Parsed digit by digit so that no count of seconds can overflow.
		var s int64
		for i := 0; i < len(v); i++ {
			s = s*10 + int64(v[i]-'0')
			if time.Duration(s)*time.Second >= maxRetryAfter {
				return maxRetryAfter, true
			}
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), maxRetryAfter), true
	}
	return 0, false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// sendError wraps a transport failure with whether the request may have
// reached the server.
type sendError struct {
	sent  bool // the request may have reached the server
	final bool // the client refused to send it; do not retry
	err   error
}

func (e *sendError) Error() string { return e.err.Error() }
func (e *sendError) Unwrap() error { return e.err }

// coreTransport is the innermost layer of every attempt: rate limit, send,
// read the whole body, record the quota.
type coreTransport struct {
	client *Client
	base   http.RoundTripper
}

func (t *coreTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	st := stateFrom(ctx)
	if st == nil {
		return t.base.RoundTrip(req)
	}
	st.attempts++
	if err := t.client.limiter.checkDaily(st.bucket, st.op); err != nil {
		return nil, &sendError{final: true, err: err}
	}
	if err := st.bucket.wait(ctx); err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, &sendError{final: true, err: err}
	}
	if err := ctx.Err(); err != nil {
		return nil, &sendError{final: true, err: err} // cancelled before sending
	}
	if b := budgetFrom(ctx); b != nil && !b.take() {
		return nil, &sendError{final: true, err: ErrBudgetSpent}
	}
	log := t.client.logger
	debug := log.Enabled(ctx, slog.LevelDebug)
	var start time.Time
	if debug {
		start = time.Now()
		log.LogAttrs(ctx, slog.LevelDebug, "ghl request",
			slog.String("op", st.op.Name), slog.String("method", req.Method),
			slog.String("path", req.URL.Path), slog.Int("attempt", st.attempts))
	}
	actx := ctx
	if d := t.client.attemptTO; d > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, d)
		defer cancel() // the body is read in full below, before returning
	}
	if actx != ctx {
		req = req.WithContext(actx)
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil && actx.Err() != nil && ctx.Err() == nil {
		err = fmt.Errorf("%w (%s): %v", ErrAttemptTimeout, t.client.attemptTO, err)
	}
	if err != nil {
		if debug {
			log.LogAttrs(ctx, slog.LevelDebug, "ghl transport error",
				slog.String("op", st.op.Name), slog.String("error", err.Error()))
		}
		// Conservative: only an error that proves no connection was made
		// (a dial or DNS failure) means nothing was sent.
		sent := !neverSent(err)
		st.reached = st.reached || sent
		return nil, &sendError{sent: sent, err: err}
	}
	if resp.StatusCode != http.StatusTooManyRequests {
		st.reached = true
	}
	body, err := readBody(resp, t.client.maxBody)
	if err != nil && actx.Err() != nil && ctx.Err() == nil {
		err = fmt.Errorf("%w (%s): %v", ErrAttemptTimeout, t.client.attemptTO, err)
	}
	if err != nil {
		var tl *ResponseTooLargeError
		if errors.As(err, &tl) {
			return nil, &sendError{sent: true, final: true, err: err}
		}
		st.reached = true
		return nil, &sendError{sent: true, err: fmt.Errorf("reading response body: %w", err)}
	}
	st.body = body
	st.rate = parseRate(resp.Header)
	t.client.limiter.observe(st.bucket, st.rate)
	if debug {
		log.LogAttrs(ctx, slog.LevelDebug, "ghl response",
			slog.String("op", st.op.Name), slog.Int("status", resp.StatusCode),
			slog.Duration("elapsed", time.Since(start)),
			slog.Int("rate_remaining", st.rate.Remaining),
			slog.Int("daily_remaining", st.rate.DailyRemaining))
	}
	return resp, nil
}

// neverSent reports whether err happened before the request could reach the
// server: the connection was never opened.
func neverSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}
