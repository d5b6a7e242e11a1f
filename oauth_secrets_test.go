package ghl

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/salesnexus/ghl-go/ghltest"
)

// No client secret, access token, refresh token or code appears in any log
// line (slog JSON at debug level) or error string of the OAuth flows.
func TestOAuthNoSecretsInLogsOrErrors(t *testing.T) {
	t.Parallel()
	var logger *slog.Logger
	store := &flakyStore{TokenStore: NewMemoryTokenStore()}
	env := newOAuthEnv(t, store, withTTL(time.Hour), withConfig(func(c *OAuthConfig) {
		logger = c.Logger
		c.ClientOptions = append(c.ClientOptions, WithLogger(c.Logger))
	}), func(_ *OAuthConfig, so *[]ghltest.Option) {
		// The secrets that crossed the wire are read back from the log.
		*so = append(*so, ghltest.WithUnredactedRequestLog())
	})
	ctx := t.Context()
	var errs []error
	record := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}

	// Install, call, refresh proactively and after a 401.
	tok := env.install(t)
	c, err := env.app.Client(env.loc.ID)
	require.NoError(t, err)
	require.NoError(t, listContacts(ctx, c, env.loc.ID))
	env.clk.Advance(time.Hour)
	require.NoError(t, listContacts(ctx, c, env.loc.ID))
	cur, err := env.app.TokenSource(env.loc.ID).Token()
	require.NoError(t, err)
	env.srv.RevokeToken(cur.AccessToken)
	require.NoError(t, listContacts(ctx, c, env.loc.ID))
	logger.Debug("tokens", "stored", tok, "config", env.app.Config(), "source", env.app.TokenSource(env.loc.ID))

	// A save failure, then recovery.
	store.failing.Store(true)
	env.clk.Advance(time.Hour)
	record(listContacts(ctx, c, env.loc.ID))
	store.failing.Store(false)
	require.NoError(t, listContacts(ctx, c, env.loc.ID))

	// Inactive location.
	env.srv.SetLocationActive(env.loc.ID, false)
	env.clk.Advance(time.Hour)
	record(listContacts(ctx, c, env.loc.ID))
	env.srv.SetLocationActive(env.loc.ID, true)
	env.clk.Advance(2 * time.Minute)
	require.NoError(t, listContacts(ctx, c, env.loc.ID))

	// Invalid grant: a stale copy of the token is refreshed.
	stale, err := env.store.Load(ctx, env.loc.ID)
	require.NoError(t, err)
	env.clk.Advance(time.Hour)
	require.NoError(t, listContacts(ctx, c, env.loc.ID))
	require.NoError(t, env.store.Save(ctx, env.loc.ID, stale))
	env.clk.Advance(time.Hour)
	record(listContacts(ctx, c, env.loc.ID))
	_, err = env.app.Exchange(ctx, "not-a-real-code-0123456789")
	record(err)

	// Wrong client secret.
	badCfg := env.app.Config()
	badCfg.ClientSecret = "wrong-secret-value-abcdefghijklmnop"
	bad, err := NewOAuthApp(badCfg, NewMemoryTokenStore())
	require.NoError(t, err)
	_, err = bad.Exchange(ctx, env.srv.AuthorizationCode(testClientID, env.loc.ID, "Location", ""))
	record(err)

	// Agency: company install, location tokens, installed locations.
	agencyCfg := env.app.Config()
	agencyCfg.UserType = UserTypeCompany
	agencyApp, err := NewOAuthApp(agencyCfg, env.store)
	require.NoError(t, err)
	ctok, err := agencyApp.Exchange(ctx, env.srv.AuthorizationCode(testClientID, "", "Company", env.loc.CompanyID))
	require.NoError(t, err)
	agency := agencyApp.Agency(ctok.CompanyID)
	lc, err := agency.ClientForLocation(ctx, env.loc.ID)
	require.NoError(t, err)
	require.NoError(t, listContacts(ctx, lc, env.loc.ID))
	_, _, err = agency.InstalledLocations(ctx, InstalledLocationsParams{})
	require.NoError(t, err)
	_, err = agency.ClientForLocation(ctx, "unknownLocation0000")
	record(err)
	env.srv.SetLocationActive(env.loc.ID, false)
	_, err = agency.LocationTokenSource(env.loc.ID + "x").Token()
	record(err)

	// Cancelled and unreachable.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	env.clk.Advance(2 * time.Hour)
	_, err = env.app.TokenSource(env.loc.ID).TokenContext(cancelled)
	record(err)
	env.srv.Close()
	env.clk.Advance(2 * time.Hour)
	_, err = agency.TokenSource().Token()
	record(err)

	require.GreaterOrEqual(t, len(errs), 9)

	// Every secret that crossed the wire: the client secrets, codes and
	// refresh tokens in forms, bearer tokens in headers, and the stored
	// pairs.
	secrets := []string{testClientSecret, badCfg.ClientSecret, "not-a-real-code-0123456789", tok.AccessToken, tok.RefreshToken, stale.AccessToken, stale.RefreshToken}
	for _, r := range env.srv.Requests() {
		if a := r.Header.Get("Authorization"); a != "" {
			secrets = append(secrets, strings.TrimPrefix(a, "Bearer "))
		}
		if form, err := url.ParseQuery(string(r.Body)); err == nil {
			secrets = append(secrets, form.Get("code"), form.Get("refresh_token"), form.Get("client_secret"))
		}
	}
	for _, key := range []string{env.loc.ID, ctok.CompanyID} {
		if t, err := env.store.Load(ctx, key); err == nil {
			secrets = append(secrets, t.AccessToken, t.RefreshToken)
		}
	}
	require.Greater(t, len(secrets), 20)

	texts := []string{env.logs.String()}
	for _, err := range errs {
		texts = append(texts, err.Error(), fmt.Sprintf("%v|%+v|%#v|%s", err, err, err, err))
	}
	assertNoSecrets(t, secrets, texts...)
	assert.Contains(t, env.logs.String(), `"msg":"ghl oauth request"`, "the flows were logged")
	assert.Contains(t, env.logs.String(), `"msg":"ghl request"`, "the client logged too")
	joined := ""
	for _, err := range errs {
		joined += err.Error() + "\n"
	}
	for _, want := range []string{"kept in memory", "Location is not active", "reinstalled", "Invalid client"} {
		assert.Contains(t, joined, want)
	}
}
