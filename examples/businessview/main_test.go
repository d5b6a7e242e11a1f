package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
)

// TestBusinessViewOnEmulator runs the README's command the way a newcomer
// does (no credentials), with -html, and checks what the view keeps and
// what it leaves out.
func TestBusinessViewOnEmulator(t *testing.T) {
	htmlPath := filepath.Join(t.TempDir(), "view.html")
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), &out, config{htmlPath: htmlPath}))
	got := out.String()
	for _, want := range []string{
		"using the embedded HighLevel emulator",
		"Acme Corp (business ",
		"Austin, TX · +15125550100 · hello@acme.example · https://acme.example",
		"4 contact(s)",
		"Jane Doe <jane.doe@acme.example>",
		"John Smith <john.smith@acme.example>",
		"Ana Lopez <ana.lopez@acme.example>",
		"Li Wei <li.wei@acme.example>\n  nothing open, no notes",
		"open task    Send the renewal quote (due ",
		"open task    Check the onboarding checklist (due ",
		"Wants the quote before Friday.",
		"Prefers email over calls.",
		"Renewal review (confirmed)",
		"Site visit (confirmed)",
		"opportunity  Renewal 2026: 12000.00, Sales Pipeline / Proposal Sent",
		"opportunity  Second warehouse: 45000.00, Sales Pipeline / Contacted",
		"Wrote the HTML view to " + htmlPath,
	} {
		assert.Contains(t, got, want)
	}
	for _, left := range []string{
		"Intro call",                       // completed task
		"First contact at the trade fair.", // the 4th newest note
		"Kickoff meeting",                  // past appointment
		"Cancelled demo",                   // deleted appointment
		"First order",                      // won opportunity
		"Sam Elsewhere",                    // another business's contact
	} {
		assert.NotContains(t, got, left)
	}
	// Newest note first.
	newest, third := strings.Index(got, "Wants the quote"), strings.Index(got, "Asked for volume pricing.")
	assert.True(t, 0 < newest && newest < third, "notes newest first")
	// Contacts by name.
	ana, jane, john, li := strings.Index(got, "\nAna "), strings.Index(got, "\nJane "), strings.Index(got, "\nJohn "), strings.Index(got, "\nLi ")
	assert.True(t, 0 < ana && ana < jane && jane < john && john < li, "contacts by name")

	// 1 business + 1 page of contacts + 1 pipelines + 4 contacts × 4 reads.
	assert.Regexp(t, `\nDone: 19 HTTP requests \(at most [1-4] at once\), all reads\.\n$`, got)

	page, err := os.ReadFile(htmlPath)
	require.NoError(t, err)
	html := string(page)
	for _, want := range []string{
		"<title>Acme Corp: business view</title>", "<h1>Acme Corp</h1>", "<h2>Jane Doe</h2>",
		"<h2>Li Wei</h2>\n<div class=\"muted\">li.wei@acme.example </div><p class=\"muted\">Nothing open, no notes.</p>", "Send the renewal quote", "Renewal review", "Renewal 2026: 12000.00",
		"Wants the quote before Friday.", "<h3>Open opportunities</h3>",
	} {
		assert.Contains(t, html, want)
	}
	assert.NotContains(t, html, "Kickoff meeting")
}

// TestBusinessViewReadOnlyWithTokenEscapes runs the real-API path against the
// emulator: only GETs, and a hostile contact name and note stay text in the
// page.
func TestBusinessViewReadOnlyWithTokenEscapes(t *testing.T) {
	srv, loc, biz := startEmulator()
	defer srv.Close()
	evil := srv.AddContact(loc.ID, map[string]any{
		"firstName": `<script>alert("owned")</script>`, "lastName": "Mallory", "businessId": biz,
	})
	srv.AddNote(loc.ID, evil, map[string]any{"body": `<img src=x onerror=alert(1)>`})

	htmlPath := filepath.Join(t.TempDir(), "view.html")
	var out bytes.Buffer
	cfg := config{token: loc.Token, locationID: loc.ID, baseURL: srv.URL, businessID: biz, htmlPath: htmlPath}
	require.NoError(t, run(t.Context(), &out, cfg))
	assert.NotContains(t, out.String(), "embedded HighLevel emulator")
	assert.Contains(t, out.String(), "5 contact(s)")
	assert.Contains(t, out.String(), "Done: 23 HTTP requests")

	page, err := os.ReadFile(htmlPath)
	require.NoError(t, err)
	html := string(page)
	assert.Contains(t, html, "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt; Mallory")
	assert.Contains(t, html, "&lt;img src=x onerror=alert(1)&gt;")
	assert.NotContains(t, html, "<script")
	assert.NotContains(t, html, "<img")

	for _, r := range srv.Requests() {
		assert.Equal(t, "GET", r.Method, "%s %s", r.Method, r.Path)
	}
	info, err := os.Stat(htmlPath)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
}

func TestBusinessViewNeedsLocationAndBusiness(t *testing.T) {
	err := run(t.Context(), &bytes.Buffer{}, config{token: "pit-secret"})
	assert.EqualError(t, err, "GHL_LOCATION_ID must be set with GHL_ACCESS_TOKEN")

	err = run(t.Context(), &bytes.Buffer{}, config{token: "pit-secret", locationID: "loc123"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-business must name a business of location loc123")
	assert.NotContains(t, err.Error(), "pit-secret")
}

// TestBusinessViewErrors: HighLevel's refusals come back typed, with what to
// do, and without the token.
func TestBusinessViewErrors(t *testing.T) {
	srv, loc, biz := startEmulator()
	defer srv.Close()

	bad := config{token: "pit-not-a-real-token", locationID: loc.ID, baseURL: srv.URL, businessID: biz}
	err := run(t.Context(), &bytes.Buffer{}, bad)
	require.ErrorIs(t, err, ghl.ErrUnauthorized)
	assert.Contains(t, err.Error(), "HighLevel refused the token: check GHL_ACCESS_TOKEN")
	assert.NotContains(t, err.Error(), "pit-not-a-real-token")

	srv.ResetRequests()
	missing := config{token: loc.Token, locationID: loc.ID, baseURL: srv.URL, businessID: "0123456789abcdef01234567"}
	err = run(t.Context(), &bytes.Buffer{}, missing)
	require.ErrorIs(t, err, ghl.ErrNotFound)
	var apiErr *ghl.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "Business not found", apiErr.Message)
	assert.Contains(t, err.Error(), "not found: check -business and GHL_LOCATION_ID")
	assert.Len(t, srv.Requests(), 1, "a wrong business costs one request")
}

// TestParallel checks the pool's bound and that the first error stops the
// jobs not yet started.
func TestParallel(t *testing.T) {
	var mu sync.Mutex
	var inFlight, peak int
	var ran atomic.Int32
	jobs := make([]func(context.Context) error, 50)
	for i := range jobs {
		jobs[i] = func(context.Context) error {
			mu.Lock()
			inFlight++
			peak = max(peak, inFlight)
			mu.Unlock()
			ran.Add(1)
			mu.Lock()
			inFlight--
			mu.Unlock()
			return nil
		}
	}
	require.NoError(t, parallel(t.Context(), 4, jobs))
	assert.EqualValues(t, 50, ran.Load())
	assert.LessOrEqual(t, peak, 4)

	boom := errors.New("boom")
	ran.Store(0)
	jobs[0] = func(context.Context) error { ran.Add(1); return boom }
	assert.ErrorIs(t, parallel(t.Context(), 1, jobs), boom)
	assert.EqualValues(t, 1, ran.Load(), "jobs after the failure are skipped")
}
