package ghl

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testRetry = WithRetry(RetryPolicy{MaxRetries: 3, MinWait: time.Second, MaxWait: 30 * time.Second})

// sequence answers with each responder in turn, then repeats the last.
func sequence(rs ...httpmock.Responder) httpmock.Responder {
	i := 0
	return func(r *http.Request) (*http.Response, error) {
		resp := rs[min(i, len(rs)-1)]
		i++
		return resp(r)
	}
}

func status(code int, body string, headers ...string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) { return jsonResponse(code, body, headers...), nil }
}

const okThing = `{"thing":{"id":"x"}}`

func TestRetry429HonoursRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := setupCore(t, testRetry)
		mock.RegisterResponder(http.MethodPost, "https://ghl.test/things/", sequence(
			status(429, `{"statusCode":429,"message":"Too Many Requests"}`, "Retry-After", "7"),
			status(201, `{}`)))
		start := time.Now()
		resp, err := c.createThing(t, map[string]int{"a": 1})
		require.NoError(t, err, "a 429 is retried even for POST: the server refused it")
		assert.Equal(t, 2, resp.Attempts)
		assert.Equal(t, 7*time.Second, time.Since(start))
	})
}

func TestRetry429UsesRateLimitIntervalWithoutRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := setupCore(t, testRetry)
		mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x", sequence(
			status(429, `{}`, "X-RateLimit-Interval-Milliseconds", "10000", "X-RateLimit-Remaining", "0", "X-RateLimit-Max", "100"),
			status(200, okThing)))
		start := time.Now()
		_, resp, err := c.getThing(t, "x")
		require.NoError(t, err)
		waited := time.Since(start)
		assert.GreaterOrEqual(t, waited, 5*time.Second)
		assert.LessOrEqual(t, waited, 10*time.Second)
		assert.Equal(t, 2, resp.Attempts)
	})
}

func TestRetryAfterIsCapped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := setupCore(t, WithRetry(RetryPolicy{MaxRetries: 1, MinWait: time.Second, MaxWait: 3 * time.Second}))
		mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x", sequence(
			status(429, `{}`, "Retry-After", "3600"), status(200, okThing)))
		start := time.Now()
		_, _, err := c.getThing(t, "x")
		require.NoError(t, err)
		assert.Equal(t, 3*time.Second, time.Since(start))
	})
}

func TestRetry5xxOnlyForIdempotentMethods(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := setupCore(t, testRetry)
		mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x", sequence(
			status(502, `bad gateway`), status(503, `{}`), status(200, okThing)))
		_, resp, err := c.getThing(t, "x")
		require.NoError(t, err)
		assert.Equal(t, 3, resp.Attempts)

		mock.RegisterResponder(http.MethodPost, "https://ghl.test/things/", sequence(
			status(500, `{"statusCode":500,"message":"Internal Server Error"}`), status(201, `{}`)))
		resp, err = c.createThing(t, map[string]int{"a": 1})
		var ae *APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 500, ae.StatusCode)
		assert.Equal(t, 1, resp.Attempts)
		assert.ErrorIs(t, err, ErrOutcomeUnknown, "a POST that got a 5xx may have been applied")
		assert.Equal(t, 1, mock.GetCallCountInfo()["POST https://ghl.test/things/"])
	})
}

func TestRetryWritesOptIn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := setupCore(t, WithRetry(RetryPolicy{MaxRetries: 2, RetryWrites: true}))
		mock.RegisterResponder(http.MethodPost, "https://ghl.test/things/", sequence(
			status(500, `{}`), status(201, `{}`)))
		resp, err := c.createThing(t, map[string]int{"a": 1})
		require.NoError(t, err)
		assert.Equal(t, 2, resp.Attempts)
	})
}

func TestRetryTransportErrors(t *testing.T) {
	reset := &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	synctest.Test(t, func(t *testing.T) {
		c, mock := setupCore(t, testRetry)
		mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x", sequence(
			httpmock.NewErrorResponder(reset), status(200, okThing)))
		_, resp, err := c.getThing(t, "x")
		require.NoError(t, err, "a GET is retried after a reset")
		assert.Equal(t, 2, resp.Attempts)

		// A POST reset after sending is not re-sent, and says so.
		mock.RegisterResponder(http.MethodPost, "https://ghl.test/things/", sequence(
			httpmock.NewErrorResponder(reset), status(201, `{}`)))
		_, err = c.createThing(t, map[string]int{"a": 1})
		var re *RequestError
		require.ErrorAs(t, err, &re)
		assert.True(t, re.Sent)
		assert.Equal(t, 1, re.Attempts)
		assert.ErrorIs(t, err, ErrOutcomeUnknown)
		assert.ErrorIs(t, err, syscall.ECONNRESET)
		assert.Contains(t, err.Error(), "may have been applied")

		// A POST whose connection never opened is safe to send again.
		mock.RegisterResponder(http.MethodPost, "https://ghl.test/things/", sequence(
			httpmock.NewErrorResponder(refused), status(201, `{}`)))
		resp, err = c.createThing(t, map[string]int{"a": 1})
		require.NoError(t, err)
		assert.Equal(t, 2, resp.Attempts)
	})
}

func TestRetryTruncatedBody(t *testing.T) {
	truncated := func(*http.Request) (*http.Response, error) {
		r := jsonResponse(200, `{"thing":{"id"`)
		r.ContentLength = 200
		return r, nil
	}
	synctest.Test(t, func(t *testing.T) {
		c, mock := setupCore(t, testRetry)
		mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x", sequence(truncated, status(200, okThing)))
		th, resp, err := c.getThing(t, "x")
		require.NoError(t, err)
		assert.Equal(t, "x", th.ID)
		assert.Equal(t, 2, resp.Attempts)

		mock.RegisterResponder(http.MethodPost, "https://ghl.test/things/", sequence(truncated, status(201, `{}`)))
		_, err = c.createThing(t, map[string]int{"a": 1})
		assert.ErrorIs(t, err, ErrOutcomeUnknown, "the POST reached the server; its answer was cut")
		assert.ErrorIs(t, err, errUnexpectedEOF)
	})
}

func TestRetriesExhaustedKeepLastAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := setupCore(t, testRetry)
		mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x",
			status(503, `{"statusCode":503,"message":"Service Unavailable","traceId":"tr-9"}`))
		_, resp, err := c.getThing(t, "x")
		var ae *APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "Service Unavailable", ae.Message)
		assert.Equal(t, "tr-9", ae.TraceID)
		assert.Equal(t, 4, ae.Attempts)
		assert.Equal(t, 4, resp.Attempts)
		assert.Equal(t, 4, mock.GetTotalCallCount())
	})
}

func TestRetryWaitHonoursContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := setupCore(t, testRetry)
		mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x",
			status(429, `{}`, "Retry-After", "30"))
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(time.Second, cancel)
		start := time.Now()
		path, _ := testGetOp.expand("x")
		_, err := c.call(ctx, testGetOp, path, nil, nil, nil)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, time.Second, time.Since(start), "the 30 s wait ends when ctx is cancelled")
		var re *RequestError
		assert.ErrorAs(t, err, &re)
		assert.Equal(t, 1, mock.GetTotalCallCount())
	})
}

func TestCheckRetryTable(t *testing.T) {
	t.Parallel()
	c, _ := setupCore(t)
	ctxFor := func(op *operation) context.Context {
		return context.WithValue(context.Background(), callStateKey{}, &callState{op: op})
	}
	resp := func(code int, h ...string) *http.Response { return jsonResponse(code, "", h...) }
	tests := []struct {
		name string
		op   *operation
		resp *http.Response
		err  error
		want bool
	}{
		{"GET 429", testGetOp, resp(429), nil, true},
		{"POST 429", testPostOp, resp(429), nil, true},
		{"429 daily spent", testGetOp, resp(429, "X-RateLimit-Daily-Remaining", "0"), nil, false},
		{"GET 500", testGetOp, resp(500), nil, true},
		{"GET 501", testGetOp, resp(501), nil, false},
		{"PUT 503", testPutOp, resp(503), nil, true},
		{"POST 503", testPostOp, resp(503), nil, false},
		{"GET 404", testGetOp, resp(404), nil, false},
		{"GET 200", testGetOp, resp(200), nil, false},
		{"GET reset", testGetOp, nil, &sendError{sent: true, err: errors.New("reset")}, true},
		{"POST reset", testPostOp, nil, &sendError{sent: true, err: errors.New("reset")}, false},
		{"POST never sent", testPostOp, nil, &sendError{sent: false, err: errors.New("refused")}, true},
		{"refused by client", testGetOp, nil, &sendError{final: true, err: errors.New("daily")}, false},
	}
	for _, tt := range tests {
		got, err := c.checkRetry(ctxFor(tt.op), tt.resp, tt.err)
		assert.NoError(t, err, tt.name)
		assert.Equal(t, tt.want, got, tt.name)
	}
	ctx, cancel := context.WithCancel(ctxFor(testGetOp))
	cancel()
	got, err := c.checkRetry(ctx, resp(500), nil)
	assert.False(t, got)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestBackoffBounds(t *testing.T) {
	t.Parallel()
	for attempt := range 10 {
		d := backoff(time.Second, 30*time.Second, attempt, nil)
		want := min(time.Second<<attempt, 30*time.Second)
		assert.GreaterOrEqual(t, d, want/2, "attempt %d", attempt)
		assert.LessOrEqual(t, d, want, "attempt %d", attempt)
	}
	r := jsonResponse(429, "", "Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")
	assert.Equal(t, time.Duration(0), backoff(time.Second, 30*time.Second, 0, r), "a date in the past means now")
}

func TestRetryPolicyValidation(t *testing.T) {
	t.Parallel()
	for _, p := range []RetryPolicy{{MaxRetries: -1}, {MinWait: -1}, {MinWait: 2 * time.Second, MaxWait: time.Second}} {
		_, err := NewClient(WithRetry(p))
		assert.Error(t, err, "%+v", p)
	}
	_, err := NewClient(WithRetry(RetryPolicy{}))
	assert.NoError(t, err)
}

var errUnexpectedEOF = func() error {
	_, err := readBody(&http.Response{ContentLength: 5, Body: httpmock.NewRespBodyFromString("ab")}, DefaultMaxResponseSize)
	if err == nil || !strings.Contains(err.Error(), "unexpected EOF") {
		panic("readBody must report a short body")
	}
	return err
}()
