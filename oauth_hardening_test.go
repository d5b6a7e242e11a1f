package ghl

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
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

// callBeforeDeadline runs f with a context that has a deadline and returns
// its error. f panicking fails the test, and so does f still running at
// the deadline: it is waiting for a lock an earlier call left held.
func callBeforeDeadline(t *testing.T, what string, f func(ctx context.Context) error) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("%s panicked: %v", what, r)
			}
		}()
		done <- f(ctx)
	}()
	select {
	case err := <-done:
		if err != nil && strings.Contains(err.Error(), "panicked") {
			t.Error(err)
		}
		return err
	case <-ctx.Done():
		t.Fatalf("%s: still waiting at the deadline (a lock is held)", what)
		return nil
	}
}

// noPanic is callBeforeDeadline for a call that takes no context.
func noPanic(t *testing.T, what string, f func() error) error {
	t.Helper()
	return callBeforeDeadline(t, what, func(context.Context) error { return f() })
}

// succeedsBeforeDeadline fails unless f returns nil before the deadline.
func succeedsBeforeDeadline(t *testing.T, what string, f func(ctx context.Context) error) {
	t.Helper()
	require.NoError(t, callBeforeDeadline(t, what, f), what)
}

// assertNilContextError checks the error of a call with a nil context.
func assertNilContextError(t *testing.T, err error, wantTokenError bool) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInvalidArgument)
	var ae *ArgError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "ctx", ae.Arg)
	if wantTokenError {
		var te *TokenError
		assert.ErrorAs(t, err, &te)
	}
}

// Item 4: a nil context is an error, not a panic under a token source's
// lock; the same source then serves a call with a deadline at once.
func TestOAuthNilContextHoldsNoLock(t *testing.T) {
	t.Parallel()
	t.Run("TokenSource", func(t *testing.T) {
		t.Parallel()
		env := newOAuthEnv(t, nil)
		env.install(t)
		// Another app on the same store: its source holds no token yet, so
		// the call takes the path that starts a load.
		app, err := NewOAuthApp(env.app.Config(), env.store)
		require.NoError(t, err)
		ts := app.TokenSource(env.loc.ID)
		err = noPanic(t, "TokenContext(nil)", func() error { _, err := ts.TokenContext(nilCtx); return err })
		assertNilContextError(t, err, true)
		err = noPanic(t, "Stored(nil)", func() error { _, err := ts.Stored(nilCtx); return err })
		assertNilContextError(t, err, true)
		succeedsBeforeDeadline(t, "TokenContext", func(ctx context.Context) error { _, err := ts.TokenContext(ctx); return err })
		succeedsBeforeDeadline(t, "Stored", func(ctx context.Context) error { _, err := ts.Stored(ctx); return err })

		code := env.srv.AuthorizationCode(testClientID, env.loc.ID, "Location", "")
		err = noPanic(t, "Exchange(nil)", func() error { _, err := app.Exchange(nilCtx, code); return err })
		assertNilContextError(t, err, true)
		succeedsBeforeDeadline(t, "Exchange", func(ctx context.Context) error { _, err := app.Exchange(ctx, code); return err })
	})
	t.Run("Agency", func(t *testing.T) {
		t.Parallel()
		env := newOAuthEnv(t, nil, withConfig(func(c *OAuthConfig) { c.UserType = UserTypeCompany }))
		code := env.srv.AuthorizationCode(testClientID, "", "Company", env.loc.CompanyID)
		_, err := env.app.Exchange(t.Context(), code)
		require.NoError(t, err)
		ag := env.app.Agency(env.loc.CompanyID)
		lts := ag.LocationTokenSource(env.loc.ID)
		err = noPanic(t, "LocationTokenSource.TokenContext(nilCtx)", func() error { _, err := lts.TokenContext(nilCtx); return err })
		assertNilContextError(t, err, true)
		succeedsBeforeDeadline(t, "LocationTokenSource.TokenContext", func(ctx context.Context) error { _, err := lts.TokenContext(ctx); return err })

		other := env.srv.CreateLocation("Other")
		err = noPanic(t, "ClientForLocation(nil)", func() error { _, err := ag.ClientForLocation(nilCtx, other.ID); return err })
		assertNilContextError(t, err, false)
		succeedsBeforeDeadline(t, "ClientForLocation", func(ctx context.Context) error { _, err := ag.ClientForLocation(ctx, other.ID); return err })

		err = noPanic(t, "InstalledLocations(nil)", func() error { _, _, err := ag.InstalledLocations(nilCtx, InstalledLocationsParams{}); return err })
		assertNilContextError(t, err, false)
		err = noPanic(t, "AllInstalledLocations(nil)", func() error {
			for _, err := range ag.AllInstalledLocations(nilCtx, InstalledLocationsParams{}) {
				return err
			}
			return nil
		})
		assertNilContextError(t, err, false)
		succeedsBeforeDeadline(t, "InstalledLocations", func(ctx context.Context) error {
			_, _, err := ag.InstalledLocations(ctx, InstalledLocationsParams{})
			return err
		})
	})
}

// Item 4: the token stores refuse a nil context in every method, and lock
// normally afterwards.
func TestTokenStoreNilContext(t *testing.T) {
	t.Parallel()
	file, err := NewFileTokenStore(t.TempDir())
	require.NoError(t, err)
	for name, s := range map[string]TokenStore{"memory": NewMemoryTokenStore(), "file": file} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.NoError(t, s.Save(t.Context(), "loc1", sampleToken(1)))
			l := s.(Locker)
			// The lock is busy, so a Lock that got past its checks would wait.
			unlock, err := l.Lock(t.Context(), "loc1")
			require.NoError(t, err)
			calls := map[string]func() error{
				"Load":   func() error { _, err := s.Load(nilCtx, "loc1"); return err },
				"Save":   func() error { return s.Save(nilCtx, "loc1", sampleToken(2)) },
				"Delete": func() error { return s.Delete(nilCtx, "loc1") },
				"Lock":   func() error { _, err := l.Lock(nilCtx, "loc1"); return err },
				"Lock2":  func() error { _, err := l.Lock(nilCtx, "loc2"); return err },
			}
			for op, call := range calls {
				err := noPanic(t, op+"(nil)", call)
				assertNilContextError(t, err, false)
				assert.Contains(t, err.Error(), op[:4], op)
			}
			require.NoError(t, unlock())
			got, err := s.Load(t.Context(), "loc1")
			require.NoError(t, err)
			assert.Equal(t, sampleToken(1).RefreshToken, got.RefreshToken, "nothing was saved or deleted")
			for _, key := range []string{"loc1", "loc2"} {
				succeedsBeforeDeadline(t, "Lock "+key, func(ctx context.Context) error {
					unlock, err := l.Lock(ctx, key)
					if err != nil {
						return err
					}
					return unlock()
				})
			}
		})
	}
}

// rejectingTransport answers 401 "Invalid JWT" to every request whose path
// it rejects, without sending it, and forwards the others to the emulator.
type rejectingTransport struct {
	base   http.RoundTripper
	reject func(path string) bool

	mu       sync.Mutex
	rejected map[string]int // path -> requests answered 401
}

func (r *rejectingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !r.reject(req.URL.Path) {
		return r.base.RoundTrip(req)
	}
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	r.mu.Lock()
	if r.rejected == nil {
		r.rejected = make(map[string]int)
	}
	r.rejected[req.URL.Path]++
	r.mu.Unlock()
	resp := fakeHTTP(http.StatusUnauthorized, `{"statusCode":401,"message":"Invalid JWT"}`)
	resp.Request = req
	return resp, nil
}

func (r *rejectingTransport) count(path string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rejected[path]
}

func apiPath(p string) bool { return !strings.HasPrefix(p, "/oauth/") }

// assertUnauthorized checks that err is HighLevel's 401, as an *APIError.
func assertUnauthorized(t *testing.T, err error) {
	t.Helper()
	require.ErrorIs(t, err, ErrUnauthorized)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusUnauthorized, ae.StatusCode)
	assert.Equal(t, "Invalid JWT", ae.Message)
}

// Item 12: HighLevel rejecting every token with 401 "Invalid JWT" causes one
// refresh per token lifetime, not one per call: the token from a refresh
// forced by a 401 is not refreshed again on a 401, and the client returns
// the 401 instead of sending the request again with the same token.
func TestOAuthPersistent401RefreshesOnce(t *testing.T) {
	t.Parallel()
	env := newOAuthEnv(t, nil, withTTL(time.Hour))
	env.install(t)
	rt := &rejectingTransport{base: http.DefaultTransport, reject: apiPath}
	c, err := env.app.Client(env.loc.ID, WithHTTPClient(&http.Client{Transport: rt}))
	require.NoError(t, err)
	posts := env.tokenPosts()
	call := func() error {
		return callBeforeDeadline(t, "call", func(ctx context.Context) error { return listContacts(ctx, c, env.loc.ID) })
	}

	for range 20 {
		assertUnauthorized(t, call())
	}
	assert.Equal(t, 1, env.tokenPosts()-posts, "exactly one POST /oauth/token")
	assert.EqualValues(t, 1, env.srv.Stats().TokenRefreshes)
	assert.Equal(t, 21, rt.count("/contacts/"), "the first call is sent again once with the new token; the others once")

	// Concurrent callers do not refresh either.
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() { assertUnauthorized(t, call()) })
	}
	wg.Wait()
	assert.Equal(t, 1, env.tokenPosts()-posts)
	assert.Equal(t, 41, rt.count("/contacts/"))

	// A normal refresh (the token reached its margin) ends the lifetime:
	// its token may be refreshed once on a 401 again.
	env.clk.Advance(time.Hour)
	assertUnauthorized(t, call())
	assert.Equal(t, 3, env.tokenPosts()-posts, "a proactive refresh, then one forced by the 401")
	assert.Equal(t, 43, rt.count("/contacts/"))
	assertUnauthorized(t, call())
	assert.Equal(t, 3, env.tokenPosts()-posts)
	assert.Equal(t, 44, rt.count("/contacts/"))
	assert.Zero(t, env.srv.Stats().InvalidGrant)

	// Once HighLevel accepts the token again, calls succeed with it.
	rt.reject = func(string) bool { return false }
	require.NoError(t, call())
	assert.Equal(t, 3, env.tokenPosts()-posts)
}

// Item 12, agency form: a location token rejected by every API call is
// minted again once; an agency token rejected by /oauth/locationToken is
// refreshed once.
func TestOAuthPersistent401AgencyRefreshesOnce(t *testing.T) {
	t.Parallel()
	env := newOAuthEnv(t, nil, withTTL(time.Hour), withConfig(func(c *OAuthConfig) { c.UserType = UserTypeCompany }))
	code := env.srv.AuthorizationCode(testClientID, "", "Company", env.loc.CompanyID)
	_, err := env.app.Exchange(t.Context(), code)
	require.NoError(t, err)
	ag := env.app.Agency(env.loc.CompanyID)
	rt := &rejectingTransport{base: http.DefaultTransport, reject: apiPath}
	c, err := ag.ClientForLocation(t.Context(), env.loc.ID, WithHTTPClient(&http.Client{Transport: rt}))
	require.NoError(t, err)
	mints := countPath(env, "/oauth/locationToken")
	for range 20 {
		assertUnauthorized(t, callBeforeDeadline(t, "call", func(ctx context.Context) error { return listContacts(ctx, c, env.loc.ID) }))
	}
	assert.Equal(t, 1, countPath(env, "/oauth/locationToken")-mints, "one new location token")
	assert.Equal(t, 21, rt.count("/contacts/"))
	assert.Zero(t, env.tokenPosts()-1, "the agency token is not refreshed (only the exchange)")

	// The agency token itself rejected by /oauth/locationToken.
	lrt := &rejectingTransport{base: http.DefaultTransport, reject: func(p string) bool { return p == "/oauth/locationToken" }}
	app, err := NewOAuthApp(withHTTPClient(env.app.Config(), &http.Client{Transport: lrt}), env.store)
	require.NoError(t, err)
	lts := app.Agency(env.loc.CompanyID).LocationTokenSource(env.loc.ID)
	for range 20 {
		err := callBeforeDeadline(t, "location token", func(ctx context.Context) error { _, err := lts.TokenContext(ctx); return err })
		require.ErrorIs(t, err, ErrUnauthorized)
		var te *TokenError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, "location token", te.Op)
		assert.False(t, te.Terminal)
	}
	assert.Equal(t, 2, env.tokenPosts(), "the exchange, and one refresh of the agency token")
	assert.Equal(t, 21, lrt.count("/oauth/locationToken"), "the first is sent again once with the new agency token; the others once")
}

func withHTTPClient(c OAuthConfig, hc *http.Client) OAuthConfig {
	c.HTTPClient = hc
	return c
}

// nilCtx is the nil context the tests pass on purpose.
var nilCtx context.Context
