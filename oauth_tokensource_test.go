package ghl

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// 1,000 goroutines share a client whose access token has just expired:
// one refresh reaches the server and every call succeeds.
func TestOAuthThousandCallersOneRefresh(t *testing.T) {
	t.Parallel()
	env := newOAuthEnv(t, nil, withTTL(time.Hour))
	env.install(t)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxConnsPerHost = 64
	tr.MaxIdleConnsPerHost = 64
	c, err := env.app.Client(env.loc.ID, WithHTTPClient(&http.Client{Transport: tr}))
	require.NoError(t, err)
	require.NoError(t, listContacts(t.Context(), c, env.loc.ID))
	posts := env.tokenPosts()

	env.clk.Advance(time.Hour + time.Second) // the access token has just expired
	const n = 1000
	var wg sync.WaitGroup
	var failed atomic.Int64
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			if err := listContacts(t.Context(), c, env.loc.ID); err != nil {
				failed.Add(1)
				t.Log(err)
			}
		})
	}
	close(start)
	wg.Wait()
	assert.Zero(t, failed.Load(), "every call succeeds")
	assert.Equal(t, 1, env.tokenPosts()-posts, "exactly one POST /oauth/token")
	st := env.srv.Stats()
	assert.EqualValues(t, 1, st.TokenRefreshes)
	assert.Zero(t, st.InvalidGrant)
	assert.Zero(t, st.Unauthorized, "the expired token was never sent")
}

// A 401 for a token HighLevel no longer accepts refreshes once, however
// many calls fail at the same time, and each call is retried once.
func TestOAuthReactiveRefreshOn401(t *testing.T) {
	t.Parallel()
	env := newOAuthEnv(t, nil)
	tok := env.install(t)
	c, err := env.app.Client(env.loc.ID)
	require.NoError(t, err)
	require.NoError(t, listContacts(t.Context(), c, env.loc.ID))
	env.srv.RevokeToken(tok.AccessToken) // valid by its expiry, refused by the server

	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { assert.NoError(t, listContacts(t.Context(), c, env.loc.ID)) })
	}
	wg.Wait()
	assert.EqualValues(t, 1, env.srv.Stats().TokenRefreshes)
	assert.Zero(t, env.srv.Stats().InvalidGrant)

	// A rejected token that is no longer current changes nothing.
	ts := env.app.TokenSource(env.loc.ID)
	ts.InvalidateToken(&oauth2.Token{AccessToken: tok.AccessToken})
	ts.InvalidateToken(nil)
	_, err = ts.Token()
	require.NoError(t, err)
	assert.EqualValues(t, 1, env.srv.Stats().TokenRefreshes)
}

// An invalid grant is terminal: concurrent and repeated calls cause one
// request to /oauth/token, until the app is installed again.
func TestOAuthInvalidGrantNoStorm(t *testing.T) {
	t.Parallel()
	env := newOAuthEnv(t, nil)
	tok := env.install(t)
	// Someone else spends the refresh token (a rogue copy of the store).
	rogueStore := NewMemoryTokenStore()
	require.NoError(t, rogueStore.Save(t.Context(), env.loc.ID, tok))
	rogue, err := NewOAuthApp(env.app.Config(), rogueStore)
	require.NoError(t, err)
	env.clk.Advance(25 * time.Hour)
	_, err = rogue.TokenSource(env.loc.ID).Token()
	require.NoError(t, err)
	posts := env.tokenPosts()

	c, err := env.app.Client(env.loc.ID)
	require.NoError(t, err)
	ts := env.app.TokenSource(env.loc.ID)
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			for range 5 {
				_, err := ts.Token()
				assert.ErrorIs(t, err, ErrReauthorize)
				err = listContacts(t.Context(), c, env.loc.ID)
				assert.ErrorIs(t, err, ErrReauthorize)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 1, env.tokenPosts()-posts, "exactly one POST /oauth/token")
	assert.EqualValues(t, 1, env.srv.Stats().InvalidGrant)
	var te *TokenError
	_, err = ts.Token()
	require.ErrorAs(t, err, &te)
	assert.True(t, te.Terminal)
	assert.Contains(t, err.Error(), "reinstalled")

	// Reinstalling stores another refresh token; the source recovers.
	env.install(t)
	_, err = ts.Token()
	require.NoError(t, err)
	require.NoError(t, listContacts(t.Context(), c, env.loc.ID))
	env.clk.Advance(25 * time.Hour)
	_, err = ts.Token()
	require.NoError(t, err, "refreshes with the new refresh token")
	assert.EqualValues(t, 1, env.srv.Stats().InvalidGrant)

	// The same recovery when another process saves the new pair.
	env.clk.Advance(25 * time.Hour)
	stored, err := env.store.Load(t.Context(), env.loc.ID)
	require.NoError(t, err)
	require.NoError(t, rogueStore.Save(t.Context(), env.loc.ID, stored))
	_, err = rogue.TokenSource(env.loc.ID).Token() // spends the stored token
	require.NoError(t, err)
	_, err = ts.Token()
	require.ErrorIs(t, err, ErrReauthorize)
	fresh, err := rogueStore.Load(t.Context(), env.loc.ID)
	require.NoError(t, err)
	require.NoError(t, env.store.Save(t.Context(), env.loc.ID, fresh))
	_, err = ts.Token()
	require.NoError(t, err)
}

// A failed save returns an error, keeps the new pair, and saves it on the
// next call without spending the refresh token again. Meanwhile the store
// lock stays held so no other process can spend the dead refresh token.
func TestOAuthSaveFailureKeepsNewPair(t *testing.T) {
	t.Parallel()
	store := &flakyStore{TokenStore: NewMemoryTokenStore()}
	env := newOAuthEnv(t, store)
	old := env.install(t)
	ts := env.app.TokenSource(env.loc.ID)
	env.clk.Advance(25 * time.Hour)
	store.failing.Store(true)

	tok, err := ts.Token()
	assert.Nil(t, tok, "no token that would be lost")
	require.ErrorIs(t, err, ErrTokenNotSaved)
	assert.ErrorIs(t, err, errDiskFull)
	assertNoSecrets(t, []string{old.RefreshToken, old.AccessToken, testClientSecret}, err.Error())
	assert.EqualValues(t, 1, env.srv.Stats().TokenRefreshes)

	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = store.Lock(cancelled, env.loc.ID)
	assert.Error(t, err, "the lock is held while the pair is unsaved")

	_, err = ts.Token()
	require.ErrorIs(t, err, ErrTokenNotSaved, "still failing")
	assert.EqualValues(t, 1, env.srv.Stats().TokenRefreshes, "never refreshed again")

	store.failing.Store(false)
	tok, err = ts.Token()
	require.NoError(t, err)
	saved, err := store.Load(t.Context(), env.loc.ID)
	require.NoError(t, err)
	assert.Equal(t, saved.AccessToken, tok.AccessToken)
	assert.NotEqual(t, old.RefreshToken, saved.RefreshToken)
	assert.EqualValues(t, 1, env.srv.Stats().TokenRefreshes)
	assert.Zero(t, env.srv.Stats().InvalidGrant)
	unlock, err := store.Lock(t.Context(), env.loc.ID)
	require.NoError(t, err, "the lock is released once saved")
	require.NoError(t, unlock())

	// The saved pair refreshes normally.
	env.clk.Advance(25 * time.Hour)
	_, err = ts.Token()
	require.NoError(t, err)
	assert.Zero(t, env.srv.Stats().InvalidGrant)
}

// A failed save after a code exchange is retried by the token source.
func TestOAuthExchangeSaveFailure(t *testing.T) {
	t.Parallel()
	store := &flakyStore{TokenStore: NewMemoryTokenStore()}
	env := newOAuthEnv(t, store)
	store.failing.Store(true)
	code := env.srv.AuthorizationCode(testClientID, env.loc.ID, "Location", "")
	tok, err := env.app.Exchange(t.Context(), code)
	assert.Nil(t, tok)
	require.ErrorIs(t, err, ErrTokenNotSaved)
	store.failing.Store(false)
	got, err := env.app.TokenSource(env.loc.ID).Token()
	require.NoError(t, err)
	saved, err := store.Load(t.Context(), env.loc.ID)
	require.NoError(t, err)
	assert.Equal(t, saved.AccessToken, got.AccessToken)
	assert.Zero(t, env.srv.Stats().TokenRefreshes)
}

// "Location is not active" is not terminal: the refresh token is kept and
// tried again after InactiveRetryAfter.
func TestOAuthLocationInactive(t *testing.T) {
	t.Parallel()
	env := newOAuthEnv(t, nil, withConfig(func(c *OAuthConfig) { c.InactiveRetryAfter = 10 * time.Minute }))
	old := env.install(t)
	ts := env.app.TokenSource(env.loc.ID)
	env.srv.SetLocationActive(env.loc.ID, false)
	env.clk.Advance(25 * time.Hour)
	posts := env.tokenPosts()
	for range 5 {
		_, err := ts.Token()
		require.ErrorIs(t, err, ErrLocationInactive)
		assert.NotErrorIs(t, err, ErrReauthorize)
	}
	assert.Equal(t, 1, env.tokenPosts()-posts, "remembered for InactiveRetryAfter")
	stored, err := env.store.Load(t.Context(), env.loc.ID)
	require.NoError(t, err)
	assert.Equal(t, old.RefreshToken, stored.RefreshToken, "the refresh token is kept")

	env.srv.SetLocationActive(env.loc.ID, true)
	_, err = ts.Token()
	require.ErrorIs(t, err, ErrLocationInactive, "still remembered")
	env.clk.Advance(11 * time.Minute)
	_, err = ts.Token()
	require.NoError(t, err)
	assert.Equal(t, 2, env.tokenPosts()-posts)
	assert.Zero(t, env.srv.Stats().InvalidGrant)
}

func TestOAuthNoTokenStored(t *testing.T) {
	t.Parallel()
	env := newOAuthEnv(t, nil)
	_, err := env.app.TokenSource("nope").Token()
	require.ErrorIs(t, err, ErrNoToken)
	var te *TokenError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "load", te.Op)
	_, err = env.app.Client("")
	assert.ErrorIs(t, err, ErrInvalidArgument)
	assert.Zero(t, env.tokenPosts())
}

// Two apps sharing one file directory (as two processes would) refresh
// once between them.
func TestOAuthTwoAppsShareFileStore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s1, err := NewFileTokenStore(dir)
	require.NoError(t, err)
	env := newOAuthEnv(t, s1)
	env.install(t)
	s2, err := NewFileTokenStore(dir)
	require.NoError(t, err)
	app2, err := NewOAuthApp(env.app.Config(), s2)
	require.NoError(t, err)
	for round := range 5 {
		env.clk.Advance(25 * time.Hour)
		var wg sync.WaitGroup
		for i := range 40 {
			app := env.app
			if i%2 == 1 {
				app = app2
			}
			wg.Go(func() {
				_, err := app.TokenSource(env.loc.ID).Token()
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		assert.EqualValues(t, round+1, env.srv.Stats().TokenRefreshes)
	}
	assert.Zero(t, env.srv.Stats().InvalidGrant)
}

// The token source refreshes RefreshMargin before expiry, capped at half
// the token's lifetime.
func TestOAuthProactiveRefreshMargin(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &scriptedTransport{ttl: 3600}
		store := NewMemoryTokenStore()
		app, err := NewOAuthApp(OAuthConfig{
			ClientID: "c", ClientSecret: "s", BaseURL: "https://ghl.test",
			HTTPClient: &http.Client{Transport: rt},
		}, store)
		require.NoError(t, err)
		now := time.Now()
		require.NoError(t, store.Save(t.Context(), "loc1", &StoredToken{
			AccessToken: "at-0", RefreshToken: "rt-0", UserType: UserTypeLocation, LocationID: "loc1",
			IssuedAt: now, Expiry: now.Add(time.Hour),
		}))
		ts := app.TokenSource("loc1")
		tok, err := ts.Token()
		require.NoError(t, err)
		assert.Equal(t, "at-0", tok.AccessToken)

		time.Sleep(54 * time.Minute)
		tok, err = ts.Token()
		require.NoError(t, err)
		assert.Equal(t, "at-0", tok.AccessToken, "outside the 5-minute margin")
		assert.EqualValues(t, 0, rt.calls.Load())

		time.Sleep(2 * time.Minute)
		tok, err = ts.Token()
		require.NoError(t, err)
		assert.Equal(t, "at-1", tok.AccessToken, "inside the margin")
		assert.EqualValues(t, 1, rt.calls.Load())
		assert.Equal(t, time.Now().Add(time.Hour), tok.Expiry)

		// A token living 4 minutes is used for 2, not refreshed at once.
		rt.ttl = 240
		time.Sleep(time.Hour)
		_, err = ts.Token()
		require.NoError(t, err)
		assert.EqualValues(t, 2, rt.calls.Load())
		time.Sleep(90 * time.Second)
		_, err = ts.Token()
		require.NoError(t, err)
		assert.EqualValues(t, 2, rt.calls.Load())
		time.Sleep(31 * time.Second)
		_, err = ts.Token()
		require.NoError(t, err)
		assert.EqualValues(t, 3, rt.calls.Load())
	})
}

// A caller that gives up does not abandon the refresh it started: the new
// pair is saved, and the next caller gets it without another refresh.
func TestOAuthCallerCancelKeepsRefresh(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		rt := &scriptedTransport{ttl: 3600, gate: release}
		store := NewMemoryTokenStore()
		app, err := NewOAuthApp(OAuthConfig{
			ClientID: "c", ClientSecret: "s", BaseURL: "https://ghl.test",
			HTTPClient: &http.Client{Transport: rt},
		}, store)
		require.NoError(t, err)
		require.NoError(t, store.Save(t.Context(), "loc1", &StoredToken{
			AccessToken: "at-0", RefreshToken: "rt-0", LocationID: "loc1", Expiry: time.Now().Add(-time.Second),
		}))
		ts := app.TokenSource("loc1")
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		_, err = ts.TokenContext(ctx)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		synctest.Wait()
		assert.EqualValues(t, 1, rt.calls.Load(), "the request is under way")
		close(release)
		synctest.Wait()
		saved, err := store.Load(t.Context(), "loc1")
		require.NoError(t, err)
		assert.Equal(t, "rt-1", saved.RefreshToken, "saved although its caller left")
		tok, err := ts.Token()
		require.NoError(t, err)
		assert.Equal(t, "at-1", tok.AccessToken)
		assert.EqualValues(t, 1, rt.calls.Load())
	})
}

// scriptedTransport is an in-memory /oauth/token that rotates tokens
// (at-N, rt-N) and rejects a reused refresh token.
type scriptedTransport struct {
	ttl   int
	gate  chan struct{} // when set, requests wait for it
	calls atomic.Int64
	mu    sync.Mutex
	live  string
}

func (s *scriptedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	n := s.calls.Add(1)
	if s.gate != nil {
		<-s.gate
	}
	b, _ := io.ReadAll(r.Body)
	form := string(b)
	s.mu.Lock()
	defer s.mu.Unlock()
	want := s.live
	if want == "" {
		want = "rt-0"
	}
	if !strings.Contains(form, "refresh_token="+want) {
		return fakeHTTP(400, `{"statusCode":400,"message":"Invalid grant: refresh token is invalid"}`), nil
	}
	s.live = "rt-" + itoa(n)
	body := `{"access_token":"at-` + itoa(n) + `","refresh_token":"` + s.live + `","expires_in":` + itoa(int64(s.ttl)) + `,"token_type":"Bearer","userType":"Location","locationId":"loc1"}`
	return fakeHTTP(200, body), nil
}

func fakeHTTP(status int, body string) *http.Response {
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
