package feed_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/feed"
	"github.com/salesnexus/ghl-go/ghltest"
)

var t0 = time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)

// env is an emulator with a controllable clock, one location and two
// clients: one for the feed, one for the test's writes.
type env struct {
	srv    *ghltest.Server
	clk    *ghltest.ManualClock
	loc    *ghltest.Location
	feedC  *ghl.Client // the feed's client
	writer *ghl.Client // the test's writes
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clk := ghltest.NewManualClock(t0)
	srv := ghltest.NewServer(ghltest.WithClock(clk.Now), ghltest.WithRateLimit(0, 0, 0), ghltest.WithRequestLogLimit(100000))
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Feed")
	return &env{srv: srv, clk: clk, loc: loc, feedC: client(t, srv.URL, loc.Token, nil), writer: client(t, srv.URL, loc.Token, nil)}
}

func client(t *testing.T, base, token string, hc *http.Client) *ghl.Client {
	t.Helper()
	opts := []ghl.Option{ghl.WithBaseURL(base), ghl.WithAccessToken(token),
		ghl.WithRetry(ghl.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}),
		ghl.WithRateLimit(ghl.RateLimit{Disabled: true})}
	if hc != nil {
		opts = append(opts, ghl.WithHTTPClient(hc))
	}
	c, err := ghl.NewClient(opts...)
	require.NoError(t, err)
	return c
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// create adds a contact through the API and returns its ID.
func (e *env) create(t *testing.T, name string) string {
	t.Helper()
	ct, _, err := e.writer.Contacts.Create(context.Background(), &ghl.ContactCreateRequest{LocationID: e.loc.ID, FirstName: &name})
	require.NoError(t, err)
	return ct.ID
}

func (e *env) update(t *testing.T, id, name string) {
	t.Helper()
	_, _, err := e.writer.Contacts.Update(context.Background(), id, &ghl.ContactUpdateRequest{FirstName: &name})
	require.NoError(t, err)
}

func (e *env) remove(t *testing.T, id string) {
	t.Helper()
	_, _, err := e.writer.Contacts.Delete(context.Background(), id)
	require.NoError(t, err)
}

// searches counts the contact searches the emulator received.
func (e *env) searches() int {
	n := 0
	for _, r := range e.srv.Requests() {
		if r.Method == http.MethodPost && r.Path == "/contacts/search" {
			n++
		}
	}
	return n
}

// collect runs one acknowledged cycle and returns its changes as
// "kind id" strings (and the cycle's error).
func collect[T any](t *testing.T, f *feed.Feed[T]) ([]feed.Change[T], error) {
	t.Helper()
	var out []feed.Change[T]
	var last error
	for c, err := range f.Poll(context.Background()) {
		if err != nil {
			last = err
			continue
		}
		out = append(out, c)
	}
	return out, last
}

func kinds[T any](cs []feed.Change[T]) map[string]feed.Kind {
	m := make(map[string]feed.Kind, len(cs))
	for _, c := range cs {
		m[c.ID] = c.Kind
	}
	return m
}

// fakeAPI serves JSON lists for endpoints the emulator does not emulate
// (users, workflows, calendars), from bodies the test changes.
type fakeAPI struct {
	mu     sync.Mutex
	bodies map[string]string // path -> JSON body
	hits   map[string]int
}

func (f *fakeAPI) set(path, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.bodies == nil {
		f.bodies, f.hits = map[string]string{}, map[string]int{}
	}
	f.bodies[path] = body
}

func (f *fakeAPI) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	body, ok := f.bodies[r.URL.Path]
	f.hits[r.URL.Path]++
	f.mu.Unlock()
	status := http.StatusOK
	if !ok {
		status, body = http.StatusNotFound, `{"statusCode":404,"message":"not found"}`
	}
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

func usersJSON(users ...[2]string) string {
	var b strings.Builder
	b.WriteString(`{"users":[`)
	for i, u := range users {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%q,"name":%q}`, u[0], u[1])
	}
	b.WriteString(`]}`)
	return b.String()
}
