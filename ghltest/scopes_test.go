package ghltest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/salesnexus/ghl-go/ghltest"
)

const msgScope = "The token is not authorized for this scope."

func TestScopesReadonlyTokenCanReadButNotWrite(t *testing.T) {
	srv := ghltest.NewServer(ghltest.WithClock(fixed().Now))
	defer srv.Close()
	loc := srv.CreateLocation("A")
	full := newAPI(t, srv, loc.Token)
	id := full.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "firstName": "Ada"}).expect(t, 201).obj(t, "contact")["id"].(string)

	ro := newAPI(t, srv, srv.MintToken(ghltest.TokenSpec{Location: loc.ID, Scopes: []string{"contacts.readonly"}}))
	ro.do("GET", "/contacts/"+id, nil).expect(t, 200)
	ro.do("GET", "/contacts/?locationId="+loc.ID, nil).expect(t, 200)
	r := ro.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "firstName": "Bob"})
	r.errorBody(t, 401, msgScope)
	// GHL's scope 401 has no "error" field (unlike the invalid-token one).
	if _, ok := r.body["error"]; ok || len(r.body) != 3 {
		t.Errorf("scope 401 body %s, want exactly statusCode, message, traceId", r.raw)
	}
	ro.do("PUT", "/contacts/"+id, map[string]any{"firstName": "X"}).errorBody(t, 401, msgScope)
	ro.do("DELETE", "/contacts/"+id, nil).errorBody(t, 401, msgScope)
	// Nothing was written by the refused calls.
	if got := full.do("GET", "/contacts/"+id, nil).expect(t, 200).obj(t, "contact")["firstName"]; got != "Ada" {
		t.Errorf("firstName = %v after refused update", got)
	}

	// .write does not imply .readonly.
	wo := newAPI(t, srv, srv.MintToken(ghltest.TokenSpec{Location: loc.ID, Scopes: []string{"contacts.write"}}))
	wo.do("GET", "/contacts/"+id, nil).errorBody(t, 401, msgScope)
	wo.do("PUT", "/contacts/"+id, map[string]any{"firstName": "Eve"}).expect(t, 200)

	// Space-separated scopes (the OAuth form) are split.
	both := newAPI(t, srv, srv.MintToken(ghltest.TokenSpec{Location: loc.ID, Scopes: []string{"contacts.readonly contacts.write"}}))
	both.do("GET", "/contacts/"+id, nil).expect(t, 200)
	both.do("DELETE", "/contacts/"+id, nil).expect(t, 200)

	// The scope check comes after the token-kind check.
	ag := newAPI(t, srv, srv.MintToken(ghltest.TokenSpec{Company: loc.CompanyID, Scopes: []string{"contacts.readonly"}}))
	ag.do("GET", "/contacts/?locationId="+loc.ID, nil).errorBody(t, 401,
		"This authClass type is not allowed to access this scope. Please reach out to the Platform team to get it added.")
	if st := srv.Stats(); st.Unauthorized != 5 {
		t.Errorf("Unauthorized = %d, want 5", st.Unauthorized)
	}
}

func TestScopesUnscopedTokensKeepEveryScope(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	for name, tok := range map[string]string{
		"Location.Token": loc.Token,
		"IssueToken":     srv.IssueToken(loc.ID),
		"MintToken":      srv.MintToken(ghltest.TokenSpec{Location: loc.ID}),
	} {
		a := newAPI(t, srv, tok)
		a.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "email": name + "@x.io"}).expect(t, 201)
		a.do("GET", "/contacts/?locationId="+loc.ID, nil).expect(t, 200)
		a.do("GET", "/opportunities/pipelines?locationId="+loc.ID, nil).expect(t, 200)
	}
	ag := newAPI(t, srv, srv.IssueCompanyToken(loc.CompanyID))
	ag.do("GET", "/locations/search?companyId="+loc.CompanyID, nil).expect(t, 200)
}

// TestScopesEveryScopedRouteEnforces calls every operation whose spec names
// a scope (and the fix-table ones) with a token of the right kind that
// holds an unrelated scope, and expects the scope 401; with the route's own
// scope the answer is never the scope 401.
func TestScopesEveryScopedRouteEnforces(t *testing.T) {
	srv := ghltest.NewHandler(ghltest.WithRateLimit(0, 0, 0))
	loc := srv.CreateLocation("A")
	param := regexp.MustCompile(`\{[^}]+\}`)
	fixes := map[string]string{
		"GET /conversations/messages/email/{id}": "conversations/message.readonly",
		"POST /contacts/bulk/tags/update/{type}": "contacts.write",
		"POST /contacts/bulk/business":           "contacts.write",
	}
	call := func(rt ghltest.Route, scope string) (int, string) {
		spec := ghltest.TokenSpec{Location: loc.ID, Scopes: []string{scope}}
		if rt.TokenKind == "agency" {
			spec = ghltest.TokenSpec{Company: loc.CompanyID, Scopes: []string{scope}}
		}
		path := param.ReplaceAllString(rt.Path, "x0000000000000000001")
		req := httptest.NewRequest(rt.Method, path+"?locationId="+url.QueryEscape(loc.ID), strings.NewReader("{}"))
		req.Header.Set("Authorization", "Bearer "+srv.MintToken(spec))
		req.Header.Set("Version", "2021-07-28")
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		var body struct{ Message any }
		_ = json.Unmarshal(w.Body.Bytes(), &body)
		msg, _ := body.Message.(string)
		return w.Code, msg
	}
	checked := 0
	for _, rt := range srv.Routes() {
		if rt.Path == "/oauth/token" {
			continue // served before authentication
		}
		need := rt.Scopes
		if len(need) == 0 {
			if f, ok := fixes[rt.Method+" "+rt.Path]; ok {
				need = []string{f}
			}
		}
		if len(need) == 0 {
			continue
		}
		checked++
		if code, msg := call(rt, "unrelated.readonly"); code != http.StatusUnauthorized || msg != msgScope {
			t.Errorf("%s %s with a foreign scope: %d %q, want 401 %q", rt.Method, rt.Path, code, msg, msgScope)
		}
		if code, msg := call(rt, need[0]); code == http.StatusUnauthorized && msg == msgScope {
			t.Errorf("%s %s with its scope %s: scope 401", rt.Method, rt.Path, need[0])
		}
	}
	if checked < 400 {
		t.Errorf("checked %d scoped routes, want the spec's 420-odd", checked)
	}
}

func TestScopesOAuthInstallGrantsAppScopes(t *testing.T) {
	srv := ghltest.NewServer(ghltest.WithClock(fixed().Now))
	defer srv.Close()
	loc := srv.CreateLocation("A")
	srv.RegisterApp(clientID, clientSecret)
	old := srv.AuthorizationCode(clientID, loc.ID, "Location", "") // before SetAppScopes: every scope
	srv.SetAppScopes(clientID, "contacts.readonly", "locations.readonly")
	o := newAPI(t, srv, "")
	o.version = ""

	r := o.form("/oauth/token", tokenForm("grant_type", "authorization_code", "code", srv.AuthorizationCode(clientID, loc.ID, "Location", ""))).expect(t, 200)
	if r.body["scope"] != "contacts.readonly locations.readonly" {
		t.Errorf("scope = %v", r.body["scope"])
	}
	a := newAPI(t, srv, r.body["access_token"].(string))
	a.do("GET", "/contacts/?locationId="+loc.ID, nil).expect(t, 200)
	a.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "firstName": "A"}).errorBody(t, 401, msgScope)

	// A refresh keeps the install's grant.
	r = o.form("/oauth/token", tokenForm("grant_type", "refresh_token", "refresh_token", r.body["refresh_token"].(string))).expect(t, 200)
	if r.body["scope"] != "contacts.readonly locations.readonly" {
		t.Errorf("refreshed scope = %v", r.body["scope"])
	}
	a = newAPI(t, srv, r.body["access_token"].(string))
	a.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "firstName": "A"}).errorBody(t, 401, msgScope)

	// The install made before the scopes were set keeps every scope.
	r = o.form("/oauth/token", tokenForm("grant_type", "authorization_code", "code", old)).expect(t, 200)
	if r.body["scope"] != ghltest.DefaultScope {
		t.Errorf("old install scope = %v", r.body["scope"])
	}
	newAPI(t, srv, r.body["access_token"].(string)).do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "firstName": "B"}).expect(t, 201)

	// A company install without oauth.write cannot mint location tokens;
	// with it, the location token carries the company grant.
	srv.SetAppScopes(clientID, "oauth.write", "contacts.readonly")
	r = o.form("/oauth/token", tokenForm("grant_type", "authorization_code", "code", srv.AuthorizationCode(clientID, "", "Company", loc.CompanyID))).expect(t, 200)
	co := newAPI(t, srv, r.body["access_token"].(string))
	r = co.form("/oauth/locationToken", url.Values{"companyId": {loc.CompanyID}, "locationId": {loc.ID}}).expect(t, 200)
	if r.body["scope"] != "oauth.write contacts.readonly" {
		t.Errorf("location token scope = %v", r.body["scope"])
	}
	lt := newAPI(t, srv, r.body["access_token"].(string))
	lt.do("GET", "/contacts/?locationId="+loc.ID, nil).expect(t, 200)
	lt.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "firstName": "C"}).errorBody(t, 401, msgScope)

	srv.SetAppScopes(clientID, "contacts.readonly")
	r = o.form("/oauth/token", tokenForm("grant_type", "authorization_code", "code", srv.AuthorizationCode(clientID, "", "Company", loc.CompanyID))).expect(t, 200)
	co = newAPI(t, srv, r.body["access_token"].(string))
	co.form("/oauth/locationToken", url.Values{"companyId": {loc.CompanyID}, "locationId": {loc.ID}}).errorBody(t, 401, msgScope)
}
