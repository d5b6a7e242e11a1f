package ghl

import (
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// agencyFake answers /oauth/locationToken and /oauth/installedLocations and
// records what it received.
func agencyApp(t *testing.T, replies ...fakeReply) (*OAuthApp, *tokenFake) {
	fake := newTokenFake(t, replies...)
	store := NewMemoryTokenStore()
	require.NoError(t, store.Save(t.Context(), "co1", &StoredToken{
		AccessToken: "agency-at", RefreshToken: "agency-rt", UserType: UserTypeCompany, CompanyID: "co1",
		Expiry: time.Now().Add(time.Hour),
	}))
	app := fake.app(t, store, func(c *OAuthConfig) {
		c.UserType = UserTypeCompany
		c.ClientOptions = []Option{WithRetry(RetryPolicy{}), WithRateLimit(RateLimit{Disabled: true})}
	})
	return app, fake
}

func TestOAuthLocationTokenRequest(t *testing.T) {
	t.Parallel()
	app, fake := agencyApp(t, fakeReply{200, `{"access_token":"loc-at","token_type":"Bearer","expires_in":86399,"scope":"contacts.readonly","locationId":"loc9","userId":"u","refresh_token":"loc-rt"}`})
	lts := app.Agency("co1").LocationTokenSource("loc9")
	tok, err := lts.Token()
	require.NoError(t, err)
	assert.Equal(t, "loc-at", tok.AccessToken)
	assert.Equal(t, "loc9", lts.RateLimitKey())
	require.Len(t, fake.reqs, 1)
	r := fake.reqs[0]
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/oauth/locationToken", r.URL.Path)
	assert.Equal(t, "2021-07-28", r.Header.Get("Version"))
	assert.Equal(t, "Bearer agency-at", r.Header.Get("Authorization"))
	assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
	assert.Equal(t, url.Values{"companyId": {"co1"}, "locationId": {"loc9"}}, fake.forms[0])

	// Cached until the margin.
	_, err = lts.Token()
	require.NoError(t, err)
	assert.Len(t, fake.reqs, 1)
	assert.Same(t, lts, app.Agency("co1").LocationTokenSource("loc9"))
}

func TestOAuthLocationTokenErrors(t *testing.T) {
	t.Parallel()
	app, fake := agencyApp(t, fakeReply{400, `{"statusCode":400,"message":"Location is not active","traceId":"tr"}`},
		fakeReply{403, `{"statusCode":403,"message":"The token does not have access to this company"}`})
	lts := app.Agency("co1").LocationTokenSource("loc9")
	_, err := lts.Token()
	assert.ErrorIs(t, err, ErrLocationInactive)
	var te *TokenError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "location token", te.Op)
	assert.Equal(t, "loc9", te.Key)
	assert.Equal(t, "tr", te.TraceID)
	_, err = lts.Token()
	assert.ErrorIs(t, err, ErrLocationInactive, "remembered")
	assert.Len(t, fake.reqs, 1, "without asking again")
	_, err = app.Agency("co1").ClientForLocation(t.Context(), "loc10")
	assert.ErrorIs(t, err, ErrForbidden)
	assert.NotContains(t, err.Error(), "agency-at")
	_, err = app.Agency("co1").ClientForLocation(t.Context(), " ")
	assert.ErrorIs(t, err, ErrInvalidArgument)
}

func TestOAuthInstalledLocationsQuery(t *testing.T) {
	t.Parallel()
	app, fake := agencyApp(t, fakeReply{200, `{"locations":[{"_id":"l1","name":"A","address":"1 Main St","isInstalled":true,"versionId":"v1","installedAt":"2024-01-15T10:30:00.000Z"},{"_id":"l2","name":"B","address":"","isInstalled":false}],"count":2,"installToFutureLocations":true}`})
	yes, no := true, false
	page, resp, err := app.Agency("co1").InstalledLocations(t.Context(), InstalledLocationsParams{
		Skip: 20, Limit: 10, Query: "acme", IsInstalled: &yes, OnTrial: &no, VersionID: "v1", PlanID: "p1", LocationID: "l1",
	})
	require.NoError(t, err)
	assert.Equal(t, 2, resp.Total)
	assert.Equal(t, 2, page.Count)
	assert.True(t, page.InstallToFutureLocations)
	require.Len(t, page.Locations, 2)
	assert.Equal(t, InstalledLocation{ID: "l1", Name: "A", Address: "1 Main St", IsInstalled: true, VersionID: "v1",
		InstalledAt: Timestamp{Time: time.Date(2024, 1, 15, 10, 30, 0, 0, time.UTC)}}, page.Locations[0])
	assert.True(t, page.Locations[1].InstalledAt.IsZero())

	r := fake.reqs[0]
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/oauth/installedLocations", r.URL.Path)
	assert.Equal(t, "2021-07-28", r.Header.Get("Version"))
	assert.Equal(t, "Bearer agency-at", r.Header.Get("Authorization"))
	assert.Equal(t, url.Values{
		"companyId": {"co1"}, "appId": {"6578278e879ad2646715ba9c"}, "skip": {"20"}, "limit": {"10"},
		"query": {"acme"}, "isInstalled": {"true"}, "onTrial": {"false"}, "versionId": {"v1"}, "planId": {"p1"}, "locationId": {"l1"},
	}, r.URL.Query())

	// The minimal query; an explicit AppID wins.
	_, _, _ = app.Agency("co1").InstalledLocations(t.Context(), InstalledLocationsParams{AppID: "app7"})
	assert.Equal(t, url.Values{"companyId": {"co1"}, "appId": {"app7"}}, fake.reqs[1].URL.Query())

	_, _, err = app.Agency("").InstalledLocations(t.Context(), InstalledLocationsParams{})
	assert.ErrorIs(t, err, ErrInvalidArgument)
	_, _, err = app.Agency("co1").InstalledLocations(t.Context(), InstalledLocationsParams{Limit: -1})
	assert.ErrorIs(t, err, ErrInvalidArgument)
	assert.Len(t, fake.reqs, 2)
}

// An agency installation on the emulator: list locations, get a client
// for one in one line, and share one location token between callers.
func TestOAuthAgencyEmulator(t *testing.T) {
	t.Parallel()
	env := newOAuthEnv(t, nil, withTTL(time.Hour), withConfig(func(c *OAuthConfig) { c.UserType = UserTypeCompany }))
	for _, name := range []string{"B", "C", "D", "E"} {
		env.srv.CreateLocation(name)
	}
	code := env.srv.AuthorizationCode(testClientID, "", "Company", env.loc.CompanyID)
	tok, err := env.app.Exchange(t.Context(), code)
	require.NoError(t, err)
	require.Equal(t, UserTypeCompany, tok.UserType)
	require.Equal(t, env.loc.CompanyID, tok.Key())
	agency := env.app.Agency(tok.CompanyID)

	var ids []string
	for loc, err := range agency.AllInstalledLocations(t.Context(), InstalledLocationsParams{Limit: 2}) {
		require.NoError(t, err)
		assert.True(t, loc.IsInstalled)
		ids = append(ids, loc.ID)
	}
	assert.Len(t, ids, len(env.srv.Locations()))
	assert.Contains(t, ids, env.loc.ID)

	c, err := agency.ClientForLocation(t.Context(), env.loc.ID)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { assert.NoError(t, listContacts(t.Context(), c, env.loc.ID)) })
	}
	wg.Wait()
	assert.Equal(t, 1, countPath(env, "/oauth/locationToken"))

	// Both tokens expire: the agency token refreshes once, and a new
	// location token is minted once.
	env.clk.Advance(time.Hour + time.Minute)
	for range 50 {
		wg.Go(func() { assert.NoError(t, listContacts(t.Context(), c, env.loc.ID)) })
	}
	wg.Wait()
	assert.Equal(t, 2, countPath(env, "/oauth/locationToken"))
	assert.EqualValues(t, 1, env.srv.Stats().TokenRefreshes)

	// The agency token is revoked: the location token request gets a 401,
	// refreshes the agency token and tries once more.
	at, err := agency.TokenSource().Token()
	require.NoError(t, err)
	env.srv.RevokeToken(at.AccessToken)
	lts := agency.LocationTokenSource(ids[1])
	_, err = lts.Token()
	require.NoError(t, err)
	assert.EqualValues(t, 2, env.srv.Stats().TokenRefreshes)
	assert.Zero(t, env.srv.Stats().InvalidGrant)

	// The agency client works for agency endpoints too.
	ac, err := agency.Client()
	require.NoError(t, err)
	assert.NotNil(t, ac)
}

func countPath(env *oauthEnv, path string) int {
	n := 0
	for _, r := range env.srv.Requests() {
		if r.Path == path {
			n++
		}
	}
	return n
}
