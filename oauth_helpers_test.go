package ghl

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/salesnexus/ghl-go/ghltest"
)

// oauthListContacts is a location-scoped GET the emulator serves, shaped
// like a generated operation.
var oauthListContacts = &operation{Name: "Contacts.List", ID: "get-contacts", Method: http.MethodGet, Path: "/contacts/", Version: "2021-07-28"}

const (
	testClientID     = "6578278e879ad2646715ba9c-lq0wsjxp"
	testClientSecret = "s3cr3t-client-secret-value-0123456789"
)

// oauthEnv is an emulator with a registered app, one location, and an
// OAuthApp whose clock is the emulator's.
type oauthEnv struct {
	srv   *ghltest.Server
	clk   *ghltest.ManualClock
	loc   *ghltest.Location
	store TokenStore
	app   *OAuthApp
	logs  *syncBuffer
}

type envOpt func(*OAuthConfig, *[]ghltest.Option)

func withTTL(d time.Duration) envOpt {
	return func(_ *OAuthConfig, so *[]ghltest.Option) { *so = append(*so, ghltest.WithAccessTokenTTL(d)) }
}

func withConfig(f func(*OAuthConfig)) envOpt {
	return func(c *OAuthConfig, _ *[]ghltest.Option) { f(c) }
}

func newOAuthEnv(t *testing.T, store TokenStore, opts ...envOpt) *oauthEnv {
	t.Helper()
	clk := ghltest.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	sopts := []ghltest.Option{ghltest.WithClock(clk.Now), ghltest.WithRateLimit(0, 0, 0)}
	logs := &syncBuffer{}
	cfg := OAuthConfig{
		ClientID:      testClientID,
		ClientSecret:  testClientSecret,
		RedirectURL:   "https://app.example/oauth/callback",
		Scopes:        []string{"contacts.readonly", "contacts.write"},
		Clock:         clk.Now,
		Logger:        slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		ClientOptions: []Option{WithRetry(RetryPolicy{}), WithRateLimit(RateLimit{Disabled: true})},
	}
	for _, o := range opts {
		o(&cfg, &sopts)
	}
	srv := ghltest.NewServer(sopts...)
	t.Cleanup(srv.Close)
	srv.RegisterApp(testClientID, testClientSecret)
	loc := srv.CreateLocation("Acme Dental")
	cfg.BaseURL = srv.URL
	if store == nil {
		store = NewMemoryTokenStore()
	}
	app, err := NewOAuthApp(cfg, store)
	require.NoError(t, err)
	return &oauthEnv{srv: srv, clk: clk, loc: loc, store: store, app: app, logs: logs}
}

// install runs the code exchange for the env's location.
func (e *oauthEnv) install(t *testing.T) *StoredToken {
	t.Helper()
	code := e.srv.AuthorizationCode(testClientID, e.loc.ID, "Location", "")
	tok, err := e.app.Exchange(t.Context(), code)
	require.NoError(t, err)
	return tok
}

// tokenPosts counts POST /oauth/token requests the emulator received.
func (e *oauthEnv) tokenPosts() int {
	n := 0
	for _, r := range e.srv.Requests() {
		if r.Method == http.MethodPost && r.Path == "/oauth/token" {
			n++
		}
	}
	return n
}

// listContacts makes one location API call through c.
func listContacts(ctx context.Context, c *Client, locationID string) error {
	_, err := c.call(ctx, oauthListContacts, "/contacts/", map[string][]string{"locationId": {locationID}, "limit": {"1"}}, nil, nil)
	return err
}

// syncBuffer is a bytes.Buffer safe for concurrent writers (slog handlers).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// flakyStore fails Save while failing is set.
type flakyStore struct {
	TokenStore
	failing atomic.Bool
	saves   atomic.Int64
}

var errDiskFull = errors.New("disk full")

func (s *flakyStore) Save(ctx context.Context, key string, tok *StoredToken) error {
	s.saves.Add(1)
	if s.failing.Load() {
		return errDiskFull
	}
	return s.TokenStore.Save(ctx, key, tok)
}

func (s *flakyStore) Lock(ctx context.Context, key string) (func() error, error) {
	return s.TokenStore.(Locker).Lock(ctx, key)
}

// assertNoSecrets fails if any text contains any secret.
func assertNoSecrets(t *testing.T, secrets []string, texts ...string) {
	t.Helper()
	for _, s := range secrets {
		if len(s) < 8 {
			continue
		}
		for _, txt := range texts {
			if strings.Contains(txt, s) {
				t.Errorf("secret %.6s... leaked in %q", s, txt)
			}
		}
	}
}
