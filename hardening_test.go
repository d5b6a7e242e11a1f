package ghl

// Regression tests for the adversarial review of the core (issue 8). Each
// names its finding; each failed before its fix.

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// appliedThenBlocked is a server that applies each POST (counts it), tells
// the test, then never answers until the client gives up.
type appliedThenBlocked struct {
	applied atomic.Int32
	hit     chan struct{}
}

func newAppliedThenBlocked(t *testing.T) (*appliedThenBlocked, *httptest.Server) {
	a := &appliedThenBlocked{hit: make(chan struct{}, 16)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		a.applied.Add(1)
		a.hit <- struct{}{}
		<-r.Context().Done() // the client hung up
	}))
	t.Cleanup(srv.Close)
	return a, srv
}

func loopbackClient(t *testing.T, base string, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient(append([]Option{WithBaseURL(base), WithAccessToken(coreToken),
		WithRetry(RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: time.Millisecond}),
		WithRateLimit(RateLimit{Disabled: true})}, opts...)...)
	require.NoError(t, err)
	return c
}

// Issue 8 (1): a POST cut by the caller's cancel or deadline after the
// server applied it was reported with Sent=false and did not match
// ErrOutcomeUnknown, so a caller following our advice wrote twice.
func TestHardenCutWriteIsOutcomeUnknown(t *testing.T) {
	t.Run("cancel", func(t *testing.T) {
		a, srv := newAppliedThenBlocked(t)
		c := loopbackClient(t, srv.URL)
		ctx, cancel := context.WithCancel(t.Context())
		go func() { <-a.hit; cancel() }()
		_, err := c.call(ctx, testPostOp, "/things/", nil, map[string]int{"a": 1}, nil)
		var re *RequestError
		require.ErrorAs(t, err, &re)
		assert.True(t, re.Sent, "the server applied it")
		assert.ErrorIs(t, err, ErrOutcomeUnknown)
		assert.ErrorIs(t, err, context.Canceled)
		assert.EqualValues(t, 1, a.applied.Load(), "not re-sent")
	})
	t.Run("deadline", func(t *testing.T) {
		a, srv := newAppliedThenBlocked(t)
		c := loopbackClient(t, srv.URL)
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		_, err := c.call(ctx, testPostOp, "/things/", nil, map[string]int{"a": 1}, nil)
		var re *RequestError
		require.ErrorAs(t, err, &re)
		assert.True(t, re.Sent)
		assert.ErrorIs(t, err, ErrOutcomeUnknown)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.EqualValues(t, 1, a.applied.Load())
	})
	t.Run("retry exhaustion after a sent attempt", func(t *testing.T) {
		// With RetryWrites, attempt 1 is reset after sending, attempt 2
		// cannot even connect: the last error alone said "never sent".
		reset := &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
		refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
		synctest.Test(t, func(t *testing.T) {
			c, mock := setupCore(t, WithRetry(RetryPolicy{MaxRetries: 1, RetryWrites: true}))
			mock.RegisterResponder(http.MethodPost, "https://ghl.test/things/", sequence(
				httpmock.NewErrorResponder(reset), httpmock.NewErrorResponder(refused)))
			_, err := c.createThing(t, map[string]int{"a": 1})
			var re *RequestError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, 2, re.Attempts)
			assert.True(t, re.Sent, "attempt 1 may have been applied")
			assert.ErrorIs(t, err, ErrOutcomeUnknown)
		})
	})
	t.Run("cancel during the wait after a sent attempt", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			c, mock := setupCore(t, WithRetry(RetryPolicy{MaxRetries: 3, MinWait: time.Second, MaxWait: time.Second, RetryWrites: true}))
			ctx, cancel := context.WithCancel(t.Context())
			mock.RegisterResponder(http.MethodPost, "https://ghl.test/things/", func(*http.Request) (*http.Response, error) {
				time.AfterFunc(10*time.Millisecond, cancel) // during the 1 s wait
				return jsonResponse(500, `{"statusCode":500,"message":"boom"}`), nil
			})
			_, err := c.call(ctx, testPostOp, "/things/", nil, map[string]int{"a": 1}, nil)
			var re *RequestError
			require.ErrorAs(t, err, &re)
			assert.True(t, re.Sent)
			assert.ErrorIs(t, err, ErrOutcomeUnknown)
			assert.ErrorIs(t, err, context.Canceled)
			assert.Equal(t, 1, mock.GetTotalCallCount())
		})
	})
	t.Run("a complete answer is kept when ctx ends as it arrives", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		c, _ := setupCore(t, WithHTTPClient(&http.Client{Transport: transportFunc(func(*http.Request) (*http.Response, error) {
			cancel() // the caller gives up just as the answer arrives
			return jsonResponse(201, `{"thing":{"id":"x"}}`), nil
		})}))
		var out struct {
			Thing *thing `json:"thing"`
		}
		resp, err := c.call(ctx, testPostOp, "/things/", nil, map[string]int{"a": 1}, &out)
		require.NoError(t, err, "the write was applied and answered; the answer wins")
		assert.Equal(t, 201, resp.StatusCode)
		assert.Equal(t, "x", out.Thing.ID)
	})
	t.Run("a write that never got a connection is not sent", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		ln.Close() // nothing listens: every dial is refused
		c := loopbackClient(t, "http://"+addr, WithRetry(RetryPolicy{}))
		_, err = c.call(t.Context(), testPostOp, "/things/", nil, map[string]int{"a": 1}, nil)
		var re *RequestError
		require.ErrorAs(t, err, &re)
		assert.False(t, re.Sent)
		assert.NotErrorIs(t, err, ErrOutcomeUnknown)
	})
}

// Issue 8 (2, 8): API calls followed redirects with Go's default policy:
// the bearer token reached the same hostname on another port, and a 307
// re-posted the body to another host.
func TestHardenRedirectsStayWithinTheOrigin(t *testing.T) {
	var other atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.Add(1)
		w.Write([]byte(`{"thing":{"id":"stolen"}}`))
	}))
	defer elsewhere.Close()
	var same atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/things/moved":
			same.Add(1)
			assert.Equal(t, "Bearer "+coreToken, r.Header.Get("Authorization"))
			w.Write([]byte(`{"thing":{"id":"moved"}}`))
		case "/things/local":
			http.Redirect(w, r, "/things/moved?x=1", http.StatusTemporaryRedirect)
		default:
			http.Redirect(w, r, elsewhere.URL+r.URL.Path+"?secret=s3cret", http.StatusTemporaryRedirect)
		}
	}))
	defer api.Close()
	c := loopbackClient(t, api.URL)

	for _, method := range []string{http.MethodGet, http.MethodPost} {
		op := testGetOp
		var body any
		if method == http.MethodPost {
			op, body = testPostOp, map[string]string{"email": "jane@example.com"}
		}
		_, err := c.call(t.Context(), op, "/things/x", nil, body, nil)
		var ae *APIError
		require.ErrorAs(t, err, &ae, method)
		assert.Equal(t, http.StatusTemporaryRedirect, ae.StatusCode)
		assert.Contains(t, ae.Message, "not followed")
		assert.Contains(t, ae.Message, strings.TrimPrefix(elsewhere.URL, "http://"), "names the origin")
		assert.NotContains(t, err.Error(), "s3cret", "never the target's query")
		assert.Equal(t, 1, ae.Attempts, "a refused redirect is not retried")
	}
	assert.Zero(t, other.Load(), "nothing reached the other origin (same host, other port)")

	// Within the origin, redirects are followed, with the token.
	var out struct {
		Thing *thing `json:"thing"`
	}
	_, err := c.call(t.Context(), testGetOp, "/things/local", nil, nil, &out)
	require.NoError(t, err)
	assert.Equal(t, "moved", out.Thing.ID)
	assert.EqualValues(t, 1, same.Load())

	// The caller's own CheckRedirect cannot widen the policy.
	c2 := loopbackClient(t, api.URL, WithHTTPClient(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}))
	_, err = c2.call(t.Context(), testGetOp, "/things/y", nil, nil, nil)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusTemporaryRedirect, ae.StatusCode)
	assert.Zero(t, other.Load())
}

// nestedMessage is an error body whose message is an array nested depth
// levels deep around a string of size bytes.
func nestedMessage(depth, size int) []byte {
	return []byte(`{"statusCode":422,"message":` + strings.Repeat("[", depth) + `"` + strings.Repeat("x", size) + `"` +
		strings.Repeat("]", depth) + `}`)
}

// Issue 8 (3): decoding a nested message array cost memory and CPU in
// proportion to depth times size (a 217 KB body took 2 GB of heap).
func TestHardenErrorBodyDecodingIsBounded(t *testing.T) {
	for _, tc := range []struct{ depth, size int }{{2000, 50 << 10}, {9000, 1 << 10}, {20000, 100 << 10}} {
		body := nestedMessage(tc.depth, tc.size)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		e := newAPIError(testPostOp, "POST", "/things/", 422, body)
		runtime.ReadMemStats(&after)
		allocated := after.TotalAlloc - before.TotalAlloc
		assert.Less(t, allocated, uint64(12*len(body)+1<<20), "depth %d, %d bytes: allocated %d", tc.depth, len(body), allocated)
		assert.Equal(t, 422, e.StatusCode)
		assert.LessOrEqual(t, len(e.Body), maxErrorBody)
	}
	// What GHL really sends still decodes in full.
	e := newAPIError(testPostOp, "POST", "/things/", 422, []byte(`{"statusCode":422,"message":["email must be an email","phone is invalid"],"error":"Unprocessable Entity"}`))
	assert.Equal(t, []string{"email must be an email", "phone is invalid"}, e.Messages)
	assert.Equal(t, "Unprocessable Entity", e.ErrorName)
	// Many messages, and long ones, are capped.
	many := `{"message":[` + strings.TrimSuffix(strings.Repeat(`"`+strings.Repeat("m", 200)+`",`, 200), ",") + `]}`
	e = newAPIError(testPostOp, "POST", "/things/", 422, []byte(many))
	assert.Len(t, e.Messages, maxMessages)
	e = newAPIError(testPostOp, "POST", "/things/", 422, []byte(`{"message":"`+strings.Repeat("é", 5000)+`"}`))
	require.Len(t, e.Messages, 1)
	assert.LessOrEqual(t, len(e.Messages[0]), maxMessageLen+3)
	assert.True(t, utf8.ValidString(e.Messages[0]), "cut on a rune boundary")
}

// Issue 8 (5): a 2xx answer with no result returned a nil result with a nil
// error, and callers crashed on the nil.
func TestHardenEmptyAnswersAreTypedErrors(t *testing.T) {
	client, mock := newContactsTestClient(t)
	for _, tc := range []struct {
		name   string
		status int
		body   string
	}{
		{"empty body", 200, ""},
		{"204", 204, ""},
		{"null", 200, "null"},
		{"empty object", 200, " { } "},
		{"no result field", 200, `{"traceId":"t-1"}`},
		{"null result", 200, `{"contact":null}`},
	} {
		mock.RegisterResponder("GET", "https://ghl.test/contacts/c1", httpmock.NewStringResponder(tc.status, tc.body))
		got, resp, err := client.Contacts.Get(t.Context(), "c1")
		assert.Nil(t, got, tc.name)
		var de *DecodeError
		require.ErrorAs(t, err, &de, tc.name)
		assert.ErrorIs(t, err, ErrEmptyResponse, tc.name)
		assert.Equal(t, "Contacts.Get", de.Operation, tc.name)
		assert.Equal(t, tc.status, de.StatusCode, tc.name)
		require.NotNil(t, resp, tc.name)
	}

	// An error body sent with a 200 is the error it describes.
	mock.RegisterResponder("GET", "https://ghl.test/contacts/c1",
		httpmock.NewStringResponder(200, `{"statusCode":404,"message":"Contact not found","traceId":"tr-9"}`))
	got, _, err := client.Contacts.Get(t.Context(), "c1")
	assert.Nil(t, got)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, "Contact not found", ae.Message)
	assert.Equal(t, "tr-9", ae.TraceID)

	// A bool result must be present too: {} is not "not deleted".
	mock.RegisterResponder("DELETE", "https://ghl.test/contacts/c1", httpmock.NewStringResponder(200, `{"traceId":"x"}`))
	res, _, err := client.Contacts.Delete(t.Context(), "c1")
	assert.Nil(t, res)
	assert.ErrorIs(t, err, ErrEmptyResponse)
	mock.RegisterResponder("DELETE", "https://ghl.test/contacts/c1", httpmock.NewStringResponder(200, `{"succeded":false}`))
	res, _, err = client.Contacts.Delete(t.Context(), "c1")
	assert.NoError(t, err, "an explicit false is an answer")
	require.NotNil(t, res)
	assert.False(t, res.Succeeded)

	// A whole-body result: {} is no result.
	mock.RegisterResponder("POST", "https://ghl.test/contacts/upsert", httpmock.NewStringResponder(200, `{}`))
	up, _, err := client.Contacts.Upsert(t.Context(), &ContactUpsertRequest{LocationID: "loc", Email: Ptr("a@b.co")})
	assert.Nil(t, up)
	assert.ErrorIs(t, err, ErrEmptyResponse)

	// Where null really means "none", the method says so and returns nil, nil.
	mock.RegisterResponder("GET", "https://ghl.test/contacts/search/duplicate?email=a%40b.co&locationId=loc",
		httpmock.NewStringResponder(200, `{"contact":null,"traceId":"t"}`))
	dup, _, err := client.Contacts.FindDuplicate(t.Context(), "loc", &DuplicateSearchOptions{Email: "a@b.co"})
	assert.NoError(t, err)
	require.NotNil(t, dup)
	assert.Nil(t, dup.Contact)
	assert.Equal(t, "t", dup.TraceID)
}

// countingBody yields n bytes of 'a' without allocating them, counting what
// was read.
type countingBody struct {
	n, read int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	if b.read >= b.n {
		return 0, io.EOF
	}
	k := min(int64(len(p)), b.n-b.read)
	for i := range p[:k] {
		p[i] = 'a'
	}
	b.read += k
	return int(k), nil
}
func (b *countingBody) Close() error { return nil }

// Issue 8 (7): a complete body over the cap was reported as a truncated
// connection: a GET was sent four times, a POST became outcome-unknown,
// and about 256 MB was allocated per call.
func TestHardenTooLargeIsItsOwnError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := setupCore(t, testRetry)
		body := &countingBody{n: DefaultMaxResponseSize + 1}
		mock.RegisterResponder("GET", "https://ghl.test/things/x", func(*http.Request) (*http.Response, error) {
			r := jsonResponse(200, "")
			r.Body, r.ContentLength = body, body.n
			return r, nil
		})
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, resp, err := c.getThing(t, "x")
		runtime.ReadMemStats(&after)
		var tl *ResponseTooLargeError
		require.ErrorAs(t, err, &tl)
		assert.ErrorIs(t, err, ErrResponseTooLarge)
		assert.Equal(t, 200, tl.StatusCode)
		assert.Equal(t, body.n, tl.Size)
		assert.Equal(t, "Things.Get", tl.Operation)
		assert.Equal(t, 1, mock.GetTotalCallCount(), "not re-sent")
		assert.Zero(t, body.read, "found from Content-Length before reading")
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20))
		assert.Equal(t, 1, resp.Attempts)

		// An undeclared body is cut at the limit; a POST with a known
		// status is not "outcome unknown".
		c, mock = setupCore(t, testRetry, WithMaxResponseSize(1000))
		chunked := &countingBody{n: 1 << 20}
		mock.RegisterResponder("POST", "https://ghl.test/things/", func(*http.Request) (*http.Response, error) {
			r := jsonResponse(201, "")
			r.Body, r.ContentLength = chunked, -1
			return r, nil
		})
		_, err = c.createThing(t, map[string]int{"a": 1})
		require.ErrorAs(t, err, &tl)
		assert.Equal(t, int64(-1), tl.Size)
		assert.Equal(t, int64(1000), tl.Limit)
		assert.Equal(t, 201, tl.StatusCode)
		assert.NotErrorIs(t, err, ErrOutcomeUnknown, "the status is known: 201 means applied")
		assert.Less(t, chunked.read, int64(64<<10), "reading stops at the limit")
		assert.Equal(t, 1, mock.GetTotalCallCount())
	})
	_, err := NewClient(WithMaxResponseSize(0))
	assert.Error(t, err)
}

// Issue 8 (9): WithBaseURL accepted user info (printed by String methods
// and sent as Basic auth) and a trailing "?" (every path became a query).
func TestHardenBaseURLRejectsUserInfoAndQuery(t *testing.T) {
	for _, raw := range []string{
		"https://user:hunter22@ghl.test", "https://hunter22@ghl.test/", "https://ghl.test/?", "https://ghl.test?",
		"https://ghl.test/#", "https://ghl.test/v2?x=1", "https://ghl.test/#frag",
	} {
		_, err := NewClient(WithBaseURL(raw))
		require.Error(t, err, raw)
		assert.NotContains(t, err.Error(), "hunter22", raw)
	}
	c, err := NewClient(WithBaseURL("https://ghl.test:8443/proxy/"))
	require.NoError(t, err)
	assert.Equal(t, "https://ghl.test:8443/proxy", c.BaseURL())
}

// Issue 8 (10): APIError text kept a token the server echoed back.
func TestHardenAPIErrorScrubsEchoedSecrets(t *testing.T) {
	jwt := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsb2MtMSIsImV4cCI6MX0.c2lnbmF0dXJlLXZhbHVl"
	c, mock := setupCore(t)
	for _, status := range []int{400, 401, 422, 500} {
		mock.RegisterResponder("GET", "https://ghl.test/things/x", httpmock.NewStringResponder(status,
			fmt.Sprintf(`{"statusCode":%d,"message":["token %s is invalid","also %s"],"error":"Bearer %s"}`, status, coreToken, jwt, coreToken)))
		_, _, err := c.getThing(t, "x")
		var ae *APIError
		require.ErrorAs(t, err, &ae)
		for _, text := range append([]string{err.Error(), ae.Message, ae.ErrorName, string(ae.Body), fmt.Sprintf("%+v", ae)}, ae.Messages...) {
			assert.NotContains(t, text, coreToken, status)
			assert.NotContains(t, text, jwt, status)
		}
		assert.Contains(t, ae.Message, "is invalid", "the rest of the message is kept")
	}
	// A decode error keeps no token either.
	mock.RegisterResponder("GET", "https://ghl.test/things/x", httpmock.NewStringResponder(200, `{"thing":"`+coreToken+`"`))
	_, _, err := c.getThing(t, "x")
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.NotContains(t, string(de.Body), coreToken)
}

// Issue 8 (11): a Retry-After of 9.3e9 seconds or more overflowed to a
// negative wait and an immediate retry.
func TestHardenRetryAfterIsBounded(t *testing.T) {
	now := time.Now()
	for _, v := range []string{"9300000000", "9223372036854775807", "99999999999999999999999999", "86401"} {
		d, ok := retryAfter(http.Header{"Retry-After": {v}}, now)
		assert.True(t, ok, v)
		assert.Equal(t, maxRetryAfter, d, v)
	}
	d, ok := retryAfter(http.Header{"Retry-After": {"7"}}, now)
	assert.True(t, ok)
	assert.Equal(t, 7*time.Second, d)
	d, _ = retryAfter(http.Header{"Retry-After": {now.AddDate(1000, 0, 0).UTC().Format(http.TimeFormat)}}, now)
	assert.Equal(t, maxRetryAfter, d)
	for _, v := range []string{"-5", "1e9", "soon", "0x10"} {
		_, ok := retryAfter(http.Header{"Retry-After": {v}}, now)
		assert.False(t, ok, v)
	}

	synctest.Test(t, func(t *testing.T) {
		c, mock := setupCore(t, testRetry)
		mock.RegisterResponder("GET", "https://ghl.test/things/x", sequence(
			status(429, `{}`, "Retry-After", "9300000000"), status(200, okThing)))
		start := time.Now()
		_, resp, err := c.getThing(t, "x")
		require.NoError(t, err)
		assert.Equal(t, 2, resp.Attempts)
		assert.Equal(t, 30*time.Second, time.Since(start), "an absurd Retry-After waits MaxWait, not zero")
	})
	// The interval header cannot overflow either.
	r := parseRate(http.Header{"X-Ratelimit-Interval-Milliseconds": {"9223372036854775807"}})
	assert.Positive(t, r.Interval)
}

// Issue 8 (14): there was no default response timeout, so a silent server
// blocked a call made with context.Background() forever.
func TestHardenDefaultTimeouts(t *testing.T) {
	c, err := NewClient(WithAccessToken("t"))
	require.NoError(t, err)
	tr := c.http.HTTPClient.Transport.(*coreTransport).base.(*http.Transport)
	d := DefaultTimeouts()
	assert.Equal(t, d.TLSHandshake, tr.TLSHandshakeTimeout)
	assert.Equal(t, d.ResponseHeader, tr.ResponseHeaderTimeout)
	assert.Positive(t, d.Connect)
	assert.Equal(t, d.Attempt, c.attemptTO)
	assert.Zero(t, d.Attempt, "no per-attempt timer unless asked for: the context bounds a call")

	release := make(chan struct{})
	defer close(release)
	var hits atomic.Int32
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/things/stall" {
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(200)
			w.Write([]byte(`{"thing":`))
			w.(http.Flusher).Flush()
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer silent.Close()

	// No headers at all: ResponseHeader ends it.
	c = loopbackClient(t, silent.URL, WithRetry(RetryPolicy{}), WithTimeouts(Timeouts{ResponseHeader: 50 * time.Millisecond}))
	done := make(chan error, 1)
	go func() { _, err := c.call(context.Background(), testGetOp, "/things/x", nil, nil, nil); done <- err }()
	select {
	case err := <-done:
		var re *RequestError
		require.ErrorAs(t, err, &re)
		assert.Contains(t, err.Error(), "timeout")
	case <-time.After(20 * time.Second):
		t.Fatal("a silent server blocked the call")
	}

	// Headers, then a stalled body: Attempt ends it, typed.
	c = loopbackClient(t, silent.URL, WithRetry(RetryPolicy{}), WithTimeouts(Timeouts{Attempt: 50 * time.Millisecond}))
	go func() { _, err := c.call(context.Background(), testGetOp, "/things/stall", nil, nil, nil); done <- err }()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, ErrAttemptTimeout)
		assert.NotErrorIs(t, err, context.DeadlineExceeded, "the caller's context did not end")
	case <-time.After(20 * time.Second):
		t.Fatal("a stalled body blocked the call")
	}
	_, err = NewClient(WithTimeouts(Timeouts{Connect: -1}))
	assert.Error(t, err)
}

// Issue 8 (also): calls on a nil or zero client, or with nil options, must
// not panic where a nil is a natural value.
func TestHardenNilClientAndOptions(t *testing.T) {
	var zero Client
	_, _, err := zero.Contacts.Get(t.Context(), "c1")
	var ae *ArgError
	require.ErrorAs(t, err, &ae)
	assert.ErrorIs(t, err, ErrInvalidArgument)
	assert.Equal(t, "Contacts.Get", ae.Operation)

	var svc *ContactsService
	for _, err := range svc.ListIter(t.Context(), "loc", nil) {
		assert.ErrorIs(t, err, ErrInvalidArgument)
	}
	_, _, err = svc.Search(t.Context(), &ContactSearchRequest{LocationID: "loc", PageLimit: 10})
	assert.ErrorIs(t, err, ErrInvalidArgument)

	//nolint:staticcheck // a nil context is the point of the test
	_, _, err = (&Client{}).Contacts.Get(nil, "c1") //lint:ignore SA1012 a nil context is the point of the test
	assert.ErrorIs(t, err, ErrInvalidArgument)

	client, mock := newContactsTestClient(t)
	mock.RegisterResponder("GET", "https://ghl.test/contacts/?locationId=loc", httpmock.NewStringResponder(200, `{"contacts":[],"count":0}`))
	got, _, err := client.Contacts.List(t.Context(), "loc", nil)
	require.NoError(t, err)
	assert.Empty(t, got)
	var ctxNil context.Context
	for _, err := range client.Contacts.ListIter(ctxNil, "loc", nil) {
		assert.ErrorIs(t, err, ErrInvalidArgument)
	}
}

// Every success answer keeps HighLevel's traceId on the Response, whatever
// the method returns.
func TestResponseKeepsTraceID(t *testing.T) {
	t.Parallel()
	client, mock := newContactsTestClient(t)
	mock.RegisterResponder("GET", "https://ghl.test/contacts/c1", httpmock.NewStringResponder(200,
		`{"contact":{"id":"c1","tags":["a"],"customFields":[{"id":"f","value":"{\"traceId\":\"inner\"}"}]},"traceId":"4b098a4d-e97f-428a-90f4-2afd2c072801"}`))
	_, resp, err := client.Contacts.Get(t.Context(), "c1")
	require.NoError(t, err)
	assert.Equal(t, "4b098a4d-e97f-428a-90f4-2afd2c072801", resp.TraceID)
	assert.Equal(t, "", traceIDOf([]byte(`{"contact":{}}`)))
	assert.Equal(t, "", traceIDOf([]byte(`{"traceId":"unterminated`)))
}
