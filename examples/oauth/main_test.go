package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSelftest runs the example's -selftest, so the install flow cannot rot.
func TestSelftest(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, selftest(t.Context(), &out, config{tokens: t.TempDir()}))
	got := out.String()
	assert.Contains(t, got, "/emulator/chooselocation?response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1")
	assert.Contains(t, got, "scope=contacts.readonly")
	assert.Contains(t, got, "Installed; redirected to /locations/")
	assert.Contains(t, got, "with 5 contacts listed.")
	assert.Contains(t, got, "has mode -rw-------.")
	assert.Contains(t, got, "A day later: 5 contacts listed after 1 token refresh(es), 0 invalid grant(s).")
	assert.Contains(t, got, "selftest ok")
	assert.NotContains(t, got, emuClientSecret)
}

func TestCallbackRejectsUnknownState(t *testing.T) {
	emu := startEmulator()
	defer emu.srv.Close()
	app, err := newWebApp(config{tokens: t.TempDir()}, "http://example.test", emu)
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	app.mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/oauth/callback?code=x&state=forged", nil))
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Contains(t, rec.Body.String(), "unknown or expired state")
	assert.Zero(t, emu.srv.Stats().Requests, "no code exchange for a forged state")

	// A location never installed asks to install.
	rec = httptest.NewRecorder()
	app.mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/locations/nowhere", nil))
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
	assert.True(t, strings.Contains(rec.Body.String(), `id="install"`))
}

func TestRealNeedsCredentials(t *testing.T) {
	t.Setenv("GHL_CLIENT_ID", "")
	_, err := newWebApp(config{real: true, tokens: t.TempDir()}, "http://localhost:8080", nil)
	assert.ErrorContains(t, err, "GHL_CLIENT_ID")
	assert.Error(t, selftest(t.Context(), &bytes.Buffer{}, config{real: true}))
}
