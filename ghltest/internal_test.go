package ghltest

import (
	"net/http/httptest"
	"slices"
	"testing"
)

func TestQueryArrayForms(t *testing.T) {
	for _, q := range []string{"userIds%5B%5D=u1&userIds%5B%5D=u2", "userIds=u1&userIds=u2", "userIds=u1&userIds[]=u2"} {
		c := &reqCtx{r: httptest.NewRequest("GET", "/x?"+q, nil)}
		if got := c.qArray("userIds"); !slices.Equal(got, []string{"u1", "u2"}) {
			t.Errorf("%s: got %v", q, got)
		}
	}
}

func TestIDsAndTimes(t *testing.T) {
	s := NewHandler()
	s.mu.Lock()
	id := newID(s.rng)
	s.mu.Unlock()
	if !isGHLID(id) {
		t.Errorf("newID %q", id)
	}
	if tr := newTraceID(); len(tr) != 36 || tr[14] != '4' {
		t.Errorf("trace ID %q", tr)
	}
	for in, want := range map[string]string{
		"1990/09/25": "1990-09-25T00:00:00.000Z", "09/25/1990": "1990-09-25T00:00:00.000Z",
		"1990-09-25": "1990-09-25T00:00:00.000Z", "09-25-1990": "1990-09-25T00:00:00.000Z",
		"1990-09-25T13:00:00Z": "1990-09-25T00:00:00.000Z",
	} {
		if got, ok := parseDateOfBirth(in); !ok || got != want {
			t.Errorf("parseDateOfBirth(%q) = %q, %v", in, got, ok)
		}
	}
	for in, want := range map[string]string{"+1 888-888-8888": "+18888888888", "(888) 888-8888": "+18888888888", "919509597501": "+919509597501", "+44 20 7946 0958": "+442079460958"} {
		if got := normalizePhone(in); got != want {
			t.Errorf("normalizePhone(%q) = %q, want %q", in, got, want)
		}
	}
}
