package main

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuickstartOnEmulator runs the README's main command the way a newcomer
// does (no credentials), so the flows cannot rot.
func TestQuickstartOnEmulator(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), &out, config{email: "jane.doe@example.com"}))
	got := out.String()
	for _, want := range []string{
		"using the embedded HighLevel emulator",
		"Upserted jane.doe@example.com: ",
		"(updated)", // the seeded Jane is matched by email, not duplicated
		"Contact ", "Jane Doe <jane.doe@example.com> +15555550123",
		"It has 0 task(s), 0 note(s) and 1 appointment(s).",
		`appointment "Renewal review"`,
		`Updated task title to "Call Jane about the renewal (moved up)"`,
		"Completed task: completed=true",
		"The contact now has 2 note(s):",
		"- Discussed renewal pricing.",
		"- Sent the proposal from SalesNexus.",
		"has 3 contact(s).",
		"John Smith <john.smith@acme.example>",
	} {
		assert.Contains(t, got, want)
	}
	assert.Regexp(t, regexp.MustCompile(`Created task [A-Za-z0-9]{20} "Call Jane about the renewal"`), got)
	// 1 upsert + get + 3 reads + 4 task/note writes... each counted once:
	// no request was retried or sent twice.
	assert.Contains(t, got, "Done: 14 HTTP requests.")
}

func TestQuickstartNeedsLocationWithToken(t *testing.T) {
	err := run(t.Context(), &bytes.Buffer{}, config{token: "pit-x"})
	assert.EqualError(t, err, "GHL_LOCATION_ID must be set with GHL_ACCESS_TOKEN")
}

// TestQuickstartReadOnlyWithToken runs the real-API path against the
// emulator: with a token and no -write, nothing but GETs is sent.
func TestQuickstartReadOnlyWithToken(t *testing.T) {
	srv, loc := startEmulator()
	defer srv.Close()
	var out bytes.Buffer
	cfg := config{token: loc.Token, locationID: loc.ID, baseURL: srv.URL, email: "jane.doe@example.com"}
	require.NoError(t, run(t.Context(), &out, cfg))
	assert.Contains(t, out.String(), "Running read-only")
	assert.Contains(t, out.String(), "It has 0 task(s), 0 note(s) and 1 appointment(s).")
	assert.Contains(t, out.String(), "has 3 contact(s).")
	assert.NotContains(t, out.String(), "Task and note enrichment")
	reqs := srv.Requests()
	require.NotEmpty(t, reqs)
	for _, r := range reqs {
		assert.Equal(t, "GET", r.Method, "%s %s", r.Method, r.Path)
		assert.Equal(t, "2021-07-28", r.Version)
	}

	out.Reset()
	cfg.email = "nobody@example.com"
	require.NoError(t, run(t.Context(), &out, cfg))
	assert.Contains(t, out.String(), "No contact with email nobody@example.com")
}
