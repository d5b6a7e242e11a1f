package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/feed"
	"github.com/salesnexus/ghl-go/ghltest"
)

// TestActivitySyncOnEmulator runs the README's command as a newcomer does
// (no credentials): both paths show in the output.
func TestActivitySyncOnEmulator(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), &out, config{}))
	got := out.String()
	for _, want := range []string{
		"using the embedded HighLevel emulator",
		`webhook: task `, `: "Call Jane about the renewal"`,
		"(lost: the NoteCreate webhook for ",
		"feed: note ", ` (missed by webhooks) contact `, `: "Jane asked for the annual plan."`,
		"4 task(s) and note(s) synced once each: 3 by webhook, 1 by the feed; 3 duplicate arrival(s) dropped; the cycle sent 5 request(s).",
	} {
		assert.Contains(t, got, want)
	}
	assert.Equal(t, 3, strings.Count(got, "\nwebhook: "))
	assert.Equal(t, 1, strings.Count(got, "\nfeed: "))
}

// Every task and note reaches the other system exactly once, whichever
// path brings it: webhooks delivered, dropped, redelivered (same
// webhookId), repeated (new webhookId) and late (after the feed caught the
// record), and records that existed before the sync started.
func TestEveryActivityExactlyOnce(t *testing.T) {
	ctx := t.Context()
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("Sync")
	var contacts []string
	for _, name := range []string{"Ann", "Bob", "Cy"} {
		contacts = append(contacts, srv.AddContact(loc.ID, map[string]any{"firstName": name, "email": strings.ToLower(name) + "@example.com"}))
	}
	before := []string{
		srv.AddTask(loc.ID, contacts[0], map[string]any{"title": "old task"}),
		srv.AddNote(loc.ID, contacts[2], map[string]any{"body": "old note"}),
	}
	client, err := ghl.NewClient(ghl.WithAccessToken(loc.Token), ghl.WithBaseURL(srv.URL))
	require.NoError(t, err)
	verifier, err := ghl.NewWebhookVerifier(ghl.WithWebhookPublicKey(srv.WebhookPublicKey()))
	require.NoError(t, err)
	var out bytes.Buffer
	s := newSink(&out)
	app := httptest.NewServer(webhookEndpoint(verifier, s))
	defer app.Close()
	f, err := feed.New("activities/"+loc.ID, activities(client, loc.ID, ""), feed.WithBudget(50), feed.WithLogger(quietLogger()))
	require.NoError(t, err)

	deliver := func(body []byte) {
		t.Helper()
		resp, err := srv.PostWebhook(ctx, app.URL, body)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	event := func(ev map[string]any) []byte {
		t.Helper()
		b, err := srv.WebhookBody(ev)
		require.NoError(t, err)
		return b
	}

	// Six tasks and six notes over three contacts.
	var bodies [][]byte
	due := ghl.Timestamp{Time: time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)}
	for i := range 6 {
		c := contacts[i%3]
		tk, _, err := client.Contacts.CreateTask(ctx, c, &ghl.TaskCreateRequest{Title: "task " + string(rune('A'+i)), DueDate: due})
		require.NoError(t, err)
		bodies = append(bodies, event(taskEvent(loc.ID, tk)))
		n, _, err := client.Contacts.CreateNote(ctx, c, &ghl.NoteCreateRequest{Body: "note " + string(rune('A'+i))})
		require.NoError(t, err)
		bodies = append(bodies, event(noteEvent(loc.ID, n)))
	}
	const lost, late = 3, 8
	for i, b := range bodies {
		if i == lost || i == late {
			continue
		}
		deliver(b)
	}
	deliver(bodies[0])                                                                                            // a redelivery: the verifier drops it by webhookId
	deliver(event(taskEvent(loc.ID, &ghl.Task{ID: idOf(t, bodies[2]), ContactID: contacts[1], Title: "task B"}))) // a new webhookId, same task: the sink drops it

	require.NoError(t, f.Cycle(ctx, toSink(s)))
	deliver(bodies[late]) // arrives after the feed handed it over

	// A second cycle finds nothing new.
	require.NoError(t, f.Cycle(ctx, toSink(s)))

	want := map[string]bool{}
	for _, c := range contacts {
		for _, tk := range srv.Tasks(c) {
			want["task/"+tk["id"].(string)] = true
		}
		for _, n := range srv.Notes(c) {
			want["note/"+n["id"].(string)] = true
		}
	}
	require.Len(t, want, 14)
	got := map[string]int{}
	s.mu.Lock()
	for _, a := range s.order {
		got[a.key()]++
	}
	by, dups := s.by, s.dups
	s.mu.Unlock()
	for k := range want {
		assert.Equal(t, 1, got[k], "%s reached the sink once", k)
		assert.Equal(t, 1, strings.Count(out.String(), strings.SplitN(k, "/", 2)[1]), "%s printed once", k)
	}
	assert.Len(t, got, len(want), "nothing else reached the sink")
	assert.Equal(t, 10, by["webhook"])
	assert.Equal(t, 4, by["feed"], "the two older records, the lost webhook's and the late one's")
	assert.Equal(t, 10+1+1, dups, "the feed's first read of the ten webhook records, the repeat, the late webhook")
	for _, id := range before {
		assert.Contains(t, out.String(), id)
	}
	assert.Contains(t, out.String(), "feed: note "+idOf(t, bodies[lost])+" (missed by webhooks)")
	assert.Equal(t, 2, f.Stats().Acknowledged)
}

// With a token, the program only reads: one cycle (-once) against the
// emulator sends nothing but reads.
func TestReadOnlyWithToken(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("Live")
	c := srv.AddContact(loc.ID, map[string]any{"firstName": "Ann"})
	srv.AddTask(loc.ID, c, map[string]any{"title": "t1"})
	srv.AddNote(loc.ID, c, map[string]any{"body": "n1"})
	var out bytes.Buffer
	cfg := config{token: loc.Token, locationID: loc.ID, baseURL: srv.URL, addr: "127.0.0.1:0", interval: 5 * time.Minute, budget: 20, once: true}
	require.NoError(t, run(t.Context(), &out, cfg))
	assert.Contains(t, out.String(), "Read-only against HighLevel")
	assert.Contains(t, out.String(), `feed: task `)
	assert.Contains(t, out.String(), "Synced 2 task(s) and note(s) in 3 request(s).")
	for _, r := range srv.Requests() {
		if r.Method != http.MethodGet {
			assert.Equal(t, "/contacts/search", r.Path, "%s %s", r.Method, r.Path)
		}
	}

	err := run(t.Context(), &bytes.Buffer{}, config{token: "pit-x"})
	assert.EqualError(t, err, "GHL_LOCATION_ID must be set with GHL_ACCESS_TOKEN")

	// Without -once it runs until ctx ends, then returns nil.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	cfg.once = false
	assert.NoError(t, run(ctx, &bytes.Buffer{}, cfg))
}

// idOf reads the "id" of a webhook body.
func idOf(t *testing.T, body []byte) string {
	t.Helper()
	ev := &ghl.WebhookEvent{Raw: body}
	var v struct {
		ID string `json:"id"`
	}
	require.NoError(t, ev.Decode(&v))
	return v.ID
}
