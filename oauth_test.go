package ghl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOAuthAuthCodeURL(t *testing.T) {
	t.Parallel()
	cfg := OAuthConfig{
		ClientID:    testClientID,
		RedirectURL: "https://app.example/oauth/callback?x=1",
		Scopes:      []string{"contacts.readonly", "conversations/message.write"},
	}
	got := cfg.AuthCodeURL("st+ate/1")
	assert.Equal(t, "https://marketplace.gohighlevel.com/v2/oauth/chooselocation"+
		"?response_type=code"+
		"&redirect_uri=https%3A%2F%2Fapp.example%2Foauth%2Fcallback%3Fx%3D1"+
		"&client_id=6578278e879ad2646715ba9c-lq0wsjxp"+
		"&scope=contacts.readonly%20conversations%2Fmessage.write"+
		"&state=st%2Bate%2F1", got)

	// The query decodes back to the values.
	u, err := url.Parse(got)
	require.NoError(t, err)
	q := u.Query()
	assert.Equal(t, "contacts.readonly conversations/message.write", q.Get("scope"))
	assert.Equal(t, "st+ate/1", q.Get("state"))
	assert.Equal(t, cfg.RedirectURL, q.Get("redirect_uri"))

	// White-label host, no state, an extra parameter, a custom path.
	cfg.MarketplaceURL = WhiteLabelMarketplaceURL + "/"
	got = cfg.AuthCodeURL("", AuthParam{"loginWindowOpenMode", "self"})
	assert.True(t, strings.HasPrefix(got, "https://marketplace.leadconnectorhq.com/v2/oauth/chooselocation?response_type=code&"), got)
	assert.NotContains(t, got, "state=")
	assert.True(t, strings.HasSuffix(got, "&loginWindowOpenMode=self"), got)
	cfg.AuthorizePath = "/oauth/chooselocation"
	assert.True(t, strings.HasPrefix(cfg.AuthCodeURL(""), "https://marketplace.leadconnectorhq.com/oauth/chooselocation?"))

	// The app forwards to its config.
	app, err := NewOAuthApp(OAuthConfig{ClientID: "c", ClientSecret: "s", Scopes: []string{"a b"}}, NewMemoryTokenStore())
	require.NoError(t, err)
	assert.Equal(t, "https://marketplace.gohighlevel.com/v2/oauth/chooselocation?response_type=code&client_id=c&scope=a%20b&state=x", app.AuthCodeURL("x"))
}

func TestOAuthNewAppValidates(t *testing.T) {
	t.Parallel()
	store := NewMemoryTokenStore()
	for name, cfg := range map[string]OAuthConfig{
		"no client id":  {ClientSecret: "s"},
		"no secret":     {ClientID: "c"},
		"bad user type": {ClientID: "c", ClientSecret: "s", UserType: "Agency"},
		"bad base URL":  {ClientID: "c", ClientSecret: "s", BaseURL: "ftp://x"},
	} {
		_, err := NewOAuthApp(cfg, store)
		assert.Error(t, err, name)
		if err != nil {
			assert.NotContains(t, err.Error(), "s3cr3t", name)
		}
	}
	_, err := NewOAuthApp(OAuthConfig{ClientID: "c", ClientSecret: "s"}, nil)
	assert.Error(t, err)
	app, err := NewOAuthApp(OAuthConfig{ClientID: "c", ClientSecret: "s"}, store)
	require.NoError(t, err)
	assert.Equal(t, UserTypeLocation, app.Config().UserType)
	assert.Equal(t, DefaultBaseURL, app.Config().BaseURL)
	assert.Equal(t, DefaultRefreshMargin, app.Config().RefreshMargin)
	assert.Same(t, app.TokenSource("loc1"), app.TokenSource("loc1"), "one source per key")
	assert.Same(t, app.Agency("co1"), app.Agency("co1"))
	assert.Same(t, app.TokenSource("co1"), app.Agency("co1").TokenSource())
}

// tokenFake is an httptest token endpoint that records each request and
// answers with the next scripted reply.
type tokenFake struct {
	srv *httptest.Server

	mu      sync.Mutex
	reqs    []*http.Request
	forms   []url.Values
	replies []fakeReply
}

type fakeReply struct {
	status int
	body   string
}

func newTokenFake(t *testing.T, replies ...fakeReply) *tokenFake {
	f := &tokenFake{replies: replies}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(b))
		f.mu.Lock()
		f.reqs = append(f.reqs, r)
		f.forms = append(f.forms, form)
		rep := fakeReply{500, `{"statusCode":500,"message":"no scripted reply"}`}
		if len(f.replies) > 0 {
			rep, f.replies = f.replies[0], f.replies[1:]
		}
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rep.status)
		io.WriteString(w, rep.body)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *tokenFake) app(t *testing.T, store TokenStore, mod ...func(*OAuthConfig)) *OAuthApp {
	cfg := OAuthConfig{ClientID: testClientID, ClientSecret: testClientSecret, RedirectURL: "https://app.example/cb", BaseURL: f.srv.URL}
	for _, m := range mod {
		m(&cfg)
	}
	app, err := NewOAuthApp(cfg, store)
	require.NoError(t, err)
	return app
}

func tokenJSON(access, refresh, userType, locationID, companyID string) string {
	b, _ := json.Marshal(map[string]any{
		"access_token": access, "token_type": "Bearer", "expires_in": 86399, "refresh_token": refresh,
		"scope": "contacts.readonly", "userType": userType, "locationId": locationID, "companyId": companyID,
		"userId": "user1", "unknownField": true,
	})
	return string(b)
}

func TestOAuthTokenRequestForm(t *testing.T) {
	t.Parallel()
	fake := newTokenFake(t,
		fakeReply{200, tokenJSON("at-1", "rt-1", "Company", "", "co1")},
		fakeReply{200, tokenJSON("at-2", "rt-2", "Company", "", "co1")},
	)
	store := NewMemoryTokenStore()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { return now }
	app := fake.app(t, store, func(c *OAuthConfig) { c.UserType = UserTypeCompany; c.Clock = clock })

	tok, err := app.Exchange(t.Context(), "the-code")
	require.NoError(t, err)
	assert.Equal(t, "co1", tok.Key())
	assert.Equal(t, UserTypeCompany, tok.UserType)
	assert.Equal(t, now.Add(86399*time.Second), tok.Expiry)

	saved, err := store.Load(t.Context(), "co1")
	require.NoError(t, err)
	assert.Equal(t, "rt-1", saved.RefreshToken, "saved before it is returned")

	// The exchange request.
	r, form := fake.reqs[0], fake.forms[0]
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/oauth/token", r.URL.Path)
	assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
	assert.Empty(t, r.Header.Values("Version"), "no Version header on /oauth/token")
	assert.Empty(t, r.Header.Values("Authorization"), "credentials go in the form")
	assert.Equal(t, url.Values{
		"client_id":     {testClientID},
		"client_secret": {testClientSecret},
		"grant_type":    {"authorization_code"},
		"code":          {"the-code"},
		"user_type":     {"Company"},
		"redirect_uri":  {"https://app.example/cb"},
	}, form)

	// A refresh: the clock passes expiry.
	now = now.Add(24 * time.Hour)
	got, err := app.TokenSource("co1").Token()
	require.NoError(t, err)
	assert.Equal(t, "at-2", got.AccessToken)
	assert.Equal(t, "Bearer", got.TokenType)
	assert.Empty(t, got.RefreshToken, "the refresh token is never handed out")
	r, form = fake.reqs[1], fake.forms[1]
	assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
	assert.Empty(t, r.Header.Values("Version"))
	assert.Empty(t, r.Header.Values("Authorization"))
	assert.Equal(t, url.Values{
		"client_id":     {testClientID},
		"client_secret": {testClientSecret},
		"grant_type":    {"refresh_token"},
		"refresh_token": {"rt-1"},
		"user_type":     {"Company"},
		"redirect_uri":  {"https://app.example/cb"},
	}, form)
	saved, err = store.Load(t.Context(), "co1")
	require.NoError(t, err)
	assert.Equal(t, "rt-2", saved.RefreshToken)
	assert.Equal(t, "at-2", saved.AccessToken)
}

func TestOAuthTokenErrorClassification(t *testing.T) {
	t.Parallel()
	const rt = "rt-secret-abcdefghijklmnopqrstuvwxyz-0123456789"
	cases := []struct {
		name              string
		reply             fakeReply
		terminal, inact   bool
		sentinel          error
		msgContains       string
		traceID           string
		mustNotContainAny []string
	}{
		{name: "invalid grant", reply: fakeReply{400, `{"statusCode":400,"message":"Invalid grant: refresh token is invalid","error":"Bad Request","traceId":"t-1"}`},
			terminal: true, sentinel: ErrReauthorize, msgContains: "Invalid grant", traceID: "t-1"},
		{name: "oauth style", reply: fakeReply{400, `{"error":"invalid_grant","error_description":"token used"}`},
			terminal: true, sentinel: ErrReauthorize, msgContains: "token used"},
		{name: "v3 style", reply: fakeReply{400, `{"error":{"code":"invalidRefreshToken","message":"Invalid grant: refresh token is invalid"}}`},
			terminal: true, sentinel: ErrReauthorize},
		{name: "inactive", reply: fakeReply{400, `{"statusCode":400,"message":"Location is not active"}`},
			inact: true, sentinel: ErrLocationInactive, msgContains: "Location is not active"},
		{name: "bad client", reply: fakeReply{401, `{"statusCode":401,"message":"Invalid client: client credentials are invalid"}`},
			sentinel: ErrUnauthorized, msgContains: "Invalid client"},
		{name: "server", reply: fakeReply{502, `<html>bad gateway ` + rt + `</html>`}, sentinel: ErrServer},
		{name: "echo", reply: fakeReply{400, `{"message":"bad refresh_token ` + rt + ` for client_secret ` + testClientSecret + `"}`},
			sentinel: ErrBadRequest, msgContains: "bad refresh_token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := newTokenFake(t, tc.reply)
			store := NewMemoryTokenStore()
			require.NoError(t, store.Save(t.Context(), "loc1", &StoredToken{AccessToken: "old-at", RefreshToken: rt, UserType: UserTypeLocation, LocationID: "loc1", Expiry: time.Now().Add(-time.Minute)}))
			app := fake.app(t, store)
			_, err := app.TokenSource("loc1").Token()
			require.Error(t, err)
			var te *TokenError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tc.terminal, te.Terminal)
			assert.Equal(t, tc.inact, te.LocationInactive)
			assert.ErrorIs(t, err, tc.sentinel)
			assert.Equal(t, "refresh", te.Op)
			assert.Equal(t, "loc1", te.Key)
			assert.Equal(t, tc.reply.status, te.StatusCode)
			assert.Equal(t, tc.traceID, te.TraceID)
			assert.Contains(t, err.Error(), tc.msgContains)
			assertNoSecrets(t, []string{rt, testClientSecret, "old-at"}, err.Error(), te.Message, fmt.Sprintf("%+v %#v", err, err))
			assert.NotContains(t, err.Error(), "<html>", "no raw body")
			if !tc.terminal {
				assert.NotErrorIs(t, err, ErrReauthorize)
			}
			// The refresh token is kept in the store either way.
			saved, err := store.Load(t.Context(), "loc1")
			require.NoError(t, err)
			assert.Equal(t, rt, saved.RefreshToken)
		})
	}
}

func TestOAuthExchangeErrors(t *testing.T) {
	t.Parallel()
	fake := newTokenFake(t,
		fakeReply{400, `{"statusCode":400,"message":"Invalid grant: authorization code is invalid"}`},
		fakeReply{200, `{"token_type":"Bearer"}`},
		fakeReply{200, `{"access_token":"at-x","refresh_token":"rt-x","expires_in":"86399"}`},
	)
	app := fake.app(t, NewMemoryTokenStore())
	_, err := app.Exchange(t.Context(), "")
	assert.Error(t, err)
	_, err = app.Exchange(t.Context(), "bad-code")
	assert.ErrorIs(t, err, ErrReauthorize)
	assert.NotContains(t, err.Error(), "bad-code")
	_, err = app.Exchange(t.Context(), "code2")
	assert.ErrorContains(t, err, "no access_token")
	_, err = app.Exchange(t.Context(), "code3")
	assert.ErrorContains(t, err, "names no locationId or companyId")
	assert.NotContains(t, err.Error(), "at-x")
	assert.Len(t, fake.reqs, 3, "an empty code is refused before any request")
}

func TestOAuthRedaction(t *testing.T) {
	t.Parallel()
	const at, rt = "access-token-value-12345", "refresh-token-value-67890"
	cfg := OAuthConfig{ClientID: "cid", ClientSecret: testClientSecret, Scopes: []string{"a"}}
	tok := StoredToken{AccessToken: at, RefreshToken: rt, LocationID: "loc1", UserType: UserTypeLocation}
	store := NewMemoryTokenStore()
	require.NoError(t, store.Save(context.Background(), "loc1", &tok))
	app, err := NewOAuthApp(cfg, store)
	require.NoError(t, err)
	ts := app.TokenSource("loc1")
	_, err = ts.Token() // loads the token into the source
	require.NoError(t, err)
	ag := app.Agency("co1")
	lts := ag.LocationTokenSource("loc2")
	lts.cur = &StoredToken{AccessToken: at}
	te := newTokenError("save", "loc1", fmt.Errorf("write %s failed", rt), rt)

	var texts []string
	for _, v := range []any{cfg, &cfg, tok, &tok, app, ts, ag, lts, store, te} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
			texts = append(texts, fmt.Sprintf(verb, v))
		}
	}
	var buf syncBuffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	log.Info("x", "cfg", cfg, "cfgp", &cfg, "tok", tok, "tokp", &tok, "app", app, "ts", ts, "ag", ag, "lts", lts, "store", store, "err", te)
	var tbuf syncBuffer
	slog.New(slog.NewTextHandler(&tbuf, nil)).Info("x", "cfg", cfg, "tok", &tok, "ts", ts, "lts", lts, "err", te)
	texts = append(texts, buf.String(), tbuf.String())
	assertNoSecrets(t, []string{at, rt, testClientSecret}, texts...)
	assert.Contains(t, fmt.Sprint(cfg), `ClientID: "cid"`)
	assert.Contains(t, fmt.Sprint(tok), `LocationID: "loc1"`)
	assert.Contains(t, buf.String(), `"client_id":"cid"`)

	// Scrubbing of token-like text in messages.
	assert.Equal(t, "x Bearer [REDACTED] y", scrub("x Bearer abc.def y"))
	assert.Equal(t, "jwt [REDACTED].[REDACTED]", scrub("jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9abc.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6Ikpv"))
	assert.Equal(t, "Post \"https://services.leadconnectorhq.com/oauth/token\": EOF", scrub("Post \"https://services.leadconnectorhq.com/oauth/token\": EOF"))
}

func TestOAuthTokenErrorIs(t *testing.T) {
	t.Parallel()
	base := errors.New("boom")
	e := newTokenError("save", "k", base)
	assert.ErrorIs(t, e, ErrTokenNotSaved)
	assert.ErrorIs(t, e, base)
	assert.NotErrorIs(t, e, ErrReauthorize)
	assert.Contains(t, e.Error(), "kept in memory")
	assert.ErrorIs(t, &TokenError{StatusCode: 503}, ErrServer)
	assert.ErrorIs(t, &TokenError{StatusCode: 403}, ErrForbidden)
	assert.Equal(t, "ghl: OAuth refresh for k: 400 Bad Request", (&TokenError{Op: "refresh", Key: "k", StatusCode: 400}).Error())
	load := newTokenError("load", "k", fmt.Errorf("%w for %q", ErrNoToken, "k"))
	assert.ErrorIs(t, load, ErrNoToken)
}
