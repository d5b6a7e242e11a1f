package ghl

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// redirectEnv is a token endpoint that answers every request with a
// redirect to another host while redirecting is set, and otherwise
// rotates tokens; other counts what the other host received.
type redirectEnv struct {
	api, evil   *httptest.Server
	other       atomic.Int64
	redirecting atomic.Bool

	mu    sync.Mutex
	forms []url.Values // what the token endpoint received, in order
	paths []string
	n     int
}

const redirectRT = "rt-redirect-0123456789abcdefghijklmnopqrstuvwxyz"

func newRedirectEnv(t *testing.T, status int) *redirectEnv {
	e := &redirectEnv{}
	e.redirecting.Store(true)
	e.evil = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.other.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, tokenJSON("stolen-at", "stolen-rt", "Location", "loc1", "co1"))
	}))
	t.Cleanup(e.evil.Close)
	e.api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(b))
		e.mu.Lock()
		e.forms = append(e.forms, form)
		e.paths = append(e.paths, r.URL.Path)
		e.n++
		n := e.n
		e.mu.Unlock()
		if e.redirecting.Load() {
			// The query names secrets, to check the error does not quote it.
			http.Redirect(w, r, e.evil.URL+"/collect?client_secret=leaked-secret-value&refresh_token=leaked-rt", status)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/oauth/token":
			io.WriteString(w, tokenJSON("at-"+strconv.Itoa(n), "rt-"+strconv.Itoa(n), "Location", "loc1", "co1"))
		case "/oauth/locationToken":
			io.WriteString(w, `{"access_token":"loc-at","token_type":"Bearer","expires_in":86399,"locationId":"loc9"}`)
		case "/oauth/installedLocations":
			io.WriteString(w, `{"locations":[],"count":0}`)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(e.api.Close)
	return e
}

func (e *redirectEnv) lastForm() url.Values {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.forms[len(e.forms)-1]
}

// assertRefusedRedirect checks that err is the *TokenError of a refused
// redirect, and that it names the other host but none of the secrets.
func (e *redirectEnv) assertRefusedRedirect(t *testing.T, err error, status int, op string, secrets ...string) {
	t.Helper()
	require.Error(t, err)
	var te *TokenError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, op, te.Op)
	assert.Equal(t, status, te.StatusCode)
	assert.False(t, te.Terminal, "a redirect is not terminal")
	assert.False(t, te.LocationInactive)
	assert.NotErrorIs(t, err, ErrReauthorize)
	assert.NotErrorIs(t, err, ErrLocationInactive)
	msg := err.Error()
	assert.Contains(t, msg, "redirect")
	assert.Contains(t, msg, "refused")
	assert.Contains(t, msg, e.evil.URL, "names the target's scheme and host")
	assert.NotContains(t, msg, "/collect", "not the target's path")
	assert.NotContains(t, msg, "leaked", "not the target's query")
	assertNoSecrets(t, append(secrets, testClientSecret), msg)
	assert.Zero(t, e.other.Load(), "nothing reaches the other host")
}

// Item 2: a token endpoint that redirects (301, 302, 307, 308) to another
// host is not followed: the client secret, the code and the single-use
// refresh token are never sent there, and the refresh token stays usable.
func TestOAuthTokenRequestRefusesRedirect(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			e := newRedirectEnv(t, status)
			store := NewMemoryTokenStore()
			stored := &StoredToken{AccessToken: "at-0", RefreshToken: redirectRT, UserType: UserTypeLocation,
				LocationID: "loc1", Expiry: time.Now().Add(-time.Minute)}
			require.NoError(t, store.Save(t.Context(), "loc1", stored))
			// The configured client follows redirects; the app must not.
			var followed atomic.Int64
			hc := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
				followed.Add(1)
				return nil
			}}
			app, err := NewOAuthApp(OAuthConfig{ClientID: testClientID, ClientSecret: testClientSecret,
				BaseURL: e.api.URL, HTTPClient: hc}, store)
			require.NoError(t, err)
			ts := app.TokenSource("loc1")

			// A refresh.
			_, err = ts.Token()
			e.assertRefusedRedirect(t, err, status, "refresh", redirectRT, "at-0")
			assert.Equal(t, redirectRT, e.lastForm().Get("refresh_token"))
			got, err := store.Load(t.Context(), "loc1")
			require.NoError(t, err)
			assert.Equal(t, stored, got, "the stored token is unchanged")
			_, err = ts.Token()
			e.assertRefusedRedirect(t, err, status, "refresh", redirectRT, "at-0")

			// A code exchange.
			const code = "the-authorization-code-0123456789abcdef"
			_, err = app.Exchange(t.Context(), code)
			e.assertRefusedRedirect(t, err, status, "exchange", code)
			assert.Equal(t, code, e.lastForm().Get("code"))

			assert.Zero(t, followed.Load(), "the configured CheckRedirect is never asked")
			assert.NotNil(t, hc.CheckRedirect, "the configured client is left as it was")

			// The refresh token was not spent: it refreshes once the
			// endpoint answers.
			e.redirecting.Store(false)
			tok, err := ts.Token()
			require.NoError(t, err)
			assert.Equal(t, redirectRT, e.lastForm().Get("refresh_token"))
			got, err = store.Load(t.Context(), "loc1")
			require.NoError(t, err)
			assert.Equal(t, tok.AccessToken, got.AccessToken)
			assert.NotEqual(t, redirectRT, got.RefreshToken, "rotated by the real endpoint")
			assert.Zero(t, e.other.Load())
		})
	}
}

// Item 2: the agency's own requests (/oauth/locationToken with the agency
// token as bearer, /oauth/installedLocations) do not follow redirects
// either.
func TestOAuthAgencyRequestsRefuseRedirect(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			e := newRedirectEnv(t, status)
			const agencyAT = "agency-at-0123456789abcdefghijklmnopqrstuvwxyz"
			store := NewMemoryTokenStore()
			require.NoError(t, store.Save(t.Context(), "co1", &StoredToken{AccessToken: agencyAT, RefreshToken: redirectRT,
				UserType: UserTypeCompany, CompanyID: "co1", Expiry: time.Now().Add(time.Hour)}))
			app, err := NewOAuthApp(OAuthConfig{ClientID: testClientID, ClientSecret: testClientSecret, UserType: UserTypeCompany,
				BaseURL: e.api.URL, ClientOptions: []Option{WithRetry(RetryPolicy{}), WithRateLimit(RateLimit{Disabled: true})}}, store)
			require.NoError(t, err)
			ag := app.Agency("co1")

			_, err = ag.LocationTokenSource("loc9").Token()
			e.assertRefusedRedirect(t, err, status, "location token", agencyAT, redirectRT)

			_, _, err = ag.InstalledLocations(t.Context(), InstalledLocationsParams{})
			require.Error(t, err)
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, status, ae.StatusCode)
			assertNoSecrets(t, []string{agencyAT, redirectRT, testClientSecret}, err.Error())
			assert.Zero(t, e.other.Load(), "nothing reaches the other host")

			e.redirecting.Store(false)
			_, err = ag.LocationTokenSource("loc9").Token()
			require.NoError(t, err)
			_, _, err = ag.InstalledLocations(t.Context(), InstalledLocationsParams{})
			require.NoError(t, err)
			assert.Zero(t, e.other.Load())
		})
	}
}
