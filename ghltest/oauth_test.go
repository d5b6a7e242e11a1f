package ghltest_test

import (
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/salesnexus/ghl-go/ghltest"
)

const (
	clientID     = "6578278e879ad2646715ba9c-lq4abcde"
	clientSecret = "s3cret"
)

func tokenForm(kv ...string) url.Values {
	v := url.Values{"client_id": {clientID}, "client_secret": {clientSecret}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func TestOAuthCodeExchangeAndRefresh(t *testing.T) {
	clk := fixed()
	srv := ghltest.NewServer(ghltest.WithClock(clk.Now))
	defer srv.Close()
	loc := srv.CreateLocation("A")
	app := srv.RegisterApp(clientID, clientSecret)
	if app.AppID != "6578278e879ad2646715ba9c" {
		t.Errorf("AppID %q", app.AppID)
	}
	o := newAPI(t, srv, "")
	o.version = "" // /oauth/token needs no Version header

	o.form("/oauth/token", url.Values{"client_id": {clientID}}).errorBody(t, 400, "Missing parameter: client_secret")
	o.form("/oauth/token", tokenForm("grant_type", "client_credentials")).errorBody(t, 400, "Invalid parameter: grant_type")
	o.form("/oauth/token", url.Values{"client_id": {clientID}, "client_secret": {"wrong"}, "grant_type": {"refresh_token"}, "refresh_token": {"x"}}).
		errorBody(t, 401, "Invalid client: client credentials are invalid")

	code := srv.AuthorizationCode(clientID, loc.ID, "Location", "")
	r := o.form("/oauth/token", tokenForm("grant_type", "authorization_code", "code", code, "user_type", "Location", "redirect_uri", "https://myapp.com/cb")).expect(t, 200)
	hasKeys(t, r.body, "access_token", "token_type", "expires_in", "refresh_token", "scope", "userType", "locationId", "companyId", "userId")
	if r.body["token_type"] != "Bearer" || r.body["expires_in"] != float64(86399) || r.body["userType"] != "Location" ||
		r.body["locationId"] != loc.ID || r.body["companyId"] != loc.CompanyID {
		t.Errorf("token response %s", r.raw)
	}
	access, refresh := r.body["access_token"].(string), r.body["refresh_token"].(string)
	// Codes are single-use.
	o.form("/oauth/token", tokenForm("grant_type", "authorization_code", "code", code)).errorBody(t, 400, "Invalid grant: authorization code is invalid")

	api := newAPI(t, srv, access)
	api.do("GET", "/contacts/?locationId="+loc.ID, nil).expect(t, 200)

	// Refresh rotates: new pair, old refresh token dead.
	r = o.form("/oauth/token", tokenForm("grant_type", "refresh_token", "refresh_token", refresh, "user_type", "Location")).expect(t, 200)
	access2, refresh2 := r.body["access_token"].(string), r.body["refresh_token"].(string)
	if access2 == access || refresh2 == refresh || refresh2 == "" {
		t.Fatalf("refresh did not rotate: %s", r.raw)
	}
	r = o.form("/oauth/token", tokenForm("grant_type", "refresh_token", "refresh_token", refresh))
	r.errorBody(t, 400, "Invalid grant: refresh token is invalid")
	if r.body["error"] != "Bad Request" {
		t.Errorf("error %v", r.body["error"])
	}
	st := srv.Stats()
	if st.InvalidGrant != 2 || st.TokenRefreshes != 1 || st.TokensIssued != 2 {
		t.Errorf("stats %+v", st)
	}

	// Access tokens expire after the TTL on the injected clock.
	clk.Advance(86399*time.Second - time.Millisecond)
	api.do("GET", "/contacts/?locationId="+loc.ID, nil).expect(t, 200)
	clk.Advance(time.Millisecond)
	r = api.do("GET", "/contacts/?locationId="+loc.ID, nil)
	r.errorBody(t, 401, "Invalid JWT: access token has expired")
	if r.body["error"] != "Unauthorized" {
		t.Errorf("expired error %v", r.body["error"])
	}
	// The refreshed token (minted at the same instant) expired too; a new refresh works.
	newAPI(t, srv, access2).do("GET", "/contacts/?locationId="+loc.ID, nil).expect(t, 401)
	r = o.form("/oauth/token", tokenForm("grant_type", "refresh_token", "refresh_token", refresh2)).expect(t, 200)
	newAPI(t, srv, r.body["access_token"].(string)).do("GET", "/contacts/?locationId="+loc.ID, nil).expect(t, 200)
	refresh3 := r.body["refresh_token"].(string)

	// Location not active: 400, and the refresh token survives.
	srv.SetLocationActive(loc.ID, false)
	o.form("/oauth/token", tokenForm("grant_type", "refresh_token", "refresh_token", refresh3)).errorBody(t, 400, "Location is not active")
	srv.SetLocationActive(loc.ID, true)
	o.form("/oauth/token", tokenForm("grant_type", "refresh_token", "refresh_token", refresh3)).expect(t, 200)

	// Refresh tokens are bound to their client.
	srv.RegisterApp("other-app", "x")
	r = o.form("/oauth/token", url.Values{"client_id": {"other-app"}, "client_secret": {"x"}, "grant_type": {"refresh_token"}, "refresh_token": {refresh3}})
	r.errorBody(t, 400, "Invalid grant: refresh token is invalid")

	// Form bodies only: JSON is not read.
	o.do("POST", "/oauth/token", map[string]any{"client_id": clientID}).errorBody(t, 400, "Missing parameter: client_id")
}

func TestOAuthTokenTTLOption(t *testing.T) {
	clk := fixed()
	srv := ghltest.NewServer(ghltest.WithClock(clk.Now), ghltest.WithAccessTokenTTL(time.Minute))
	defer srv.Close()
	loc := srv.CreateLocation("A")
	srv.RegisterApp(clientID, clientSecret)
	o := newAPI(t, srv, "")
	r := o.form("/oauth/token", tokenForm("grant_type", "authorization_code", "code", srv.AuthorizationCode(clientID, loc.ID, "", ""))).expect(t, 200)
	if r.body["expires_in"] != float64(60) {
		t.Errorf("expires_in %v", r.body["expires_in"])
	}
	api := newAPI(t, srv, r.body["access_token"].(string))
	clk.Advance(time.Minute)
	api.do("GET", "/contacts/?locationId="+loc.ID, nil).errorBody(t, 401, "Invalid JWT: access token has expired")
	// Static tokens never expire.
	clk.Advance(1000 * time.Hour)
	newAPI(t, srv, loc.Token).do("GET", "/contacts/?locationId="+loc.ID, nil).expect(t, 200)
}

func TestOAuthCompanyInstallLocationTokenAndInstalledLocations(t *testing.T) {
	clk := fixed()
	srv := ghltest.NewServer(ghltest.WithClock(clk.Now))
	defer srv.Close()
	co := srv.CreateCompany("Agency")
	l1 := srv.AddLocation(ghltest.Location{CompanyID: co.ID, Name: "North"})
	l2 := srv.AddLocation(ghltest.Location{CompanyID: co.ID, Name: "South"})
	outsider := srv.CreateLocation("Elsewhere")
	srv.RegisterApp(clientID, clientSecret)
	o := newAPI(t, srv, "")

	r := o.form("/oauth/token", tokenForm("grant_type", "authorization_code", "code", srv.AuthorizationCode(clientID, "", "Company", co.ID), "user_type", "Company")).expect(t, 200)
	if r.body["userType"] != "Company" || r.body["companyId"] != co.ID || r.body["locationId"] != nil || !slices.Equal(strs(r.body["approvedLocations"]), []string{l1.ID, l2.ID}) {
		t.Errorf("company token %s", r.raw)
	}
	agency := newAPI(t, srv, r.body["access_token"].(string))
	agencyRefresh := r.body["refresh_token"].(string)

	// Agency tokens cannot call location operations, and vice versa.
	agency.do("GET", "/contacts/?locationId="+l1.ID, nil).expect(t, 401)
	lt := newAPI(t, srv, l1.Token)
	lt.form("/oauth/locationToken", url.Values{"companyId": {co.ID}, "locationId": {l1.ID}}).
		errorBody(t, 401, "This authClass type is not allowed to access this scope. Please reach out to the Platform team to get it added.")

	// locationToken: Version required, form fields required.
	agency.version = ""
	agency.form("/oauth/locationToken", url.Values{"companyId": {co.ID}, "locationId": {l1.ID}}).errorBody(t, 401, "version header was not found.")
	agency.version = "2021-07-28"
	agency.form("/oauth/locationToken", url.Values{"companyId": {co.ID}}).messages(t)
	agency.form("/oauth/locationToken", url.Values{"companyId": {co.ID}, "locationId": {outsider.ID}}).errorBody(t, 400, "Location not found")
	agency.form("/oauth/locationToken", url.Values{"companyId": {"other"}, "locationId": {l1.ID}}).expect(t, 403)

	r = agency.form("/oauth/locationToken", url.Values{"companyId": {co.ID}, "locationId": {l1.ID}}).expect(t, 200)
	hasKeys(t, r.body, "access_token", "token_type", "expires_in", "scope", "locationId", "userId", "refresh_token", "appId", "versionId")
	if r.body["locationId"] != l1.ID || r.body["appId"] != "6578278e879ad2646715ba9c" || r.body["expires_in"] != float64(86399) {
		t.Errorf("location token %s", r.raw)
	}
	locAPI := newAPI(t, srv, r.body["access_token"].(string))
	locAPI.do("POST", "/contacts/", map[string]any{"locationId": l1.ID, "firstName": "Via agency"}).expect(t, 201)
	locAPI.do("GET", "/contacts/?locationId="+l2.ID, nil).expect(t, 403)
	// Its refresh token works with the app's credentials.
	o.form("/oauth/token", tokenForm("grant_type", "refresh_token", "refresh_token", r.body["refresh_token"].(string), "user_type", "Location")).expect(t, 200)
	// So does the agency's.
	o.form("/oauth/token", tokenForm("grant_type", "refresh_token", "refresh_token", agencyRefresh, "user_type", "Company")).expect(t, 200)

	// A static agency token gets a location token without a refresh token.
	r = newAPI(t, srv, co.Token).form("/oauth/locationToken", url.Values{"companyId": {co.ID}, "locationId": {l2.ID}}).expect(t, 200)
	if _, ok := r.body["refresh_token"]; ok {
		t.Errorf("static agency token got a refresh token: %s", r.raw)
	}

	// installedLocations.
	agency.do("GET", "/oauth/installedLocations?companyId="+co.ID, nil).messages(t)
	agency.do("GET", "/oauth/installedLocations?companyId="+co.ID+"&appId=nope", nil).errorBody(t, 400, "App not found")
	r = agency.do("GET", "/oauth/installedLocations?companyId="+co.ID+"&appId=6578278e879ad2646715ba9c", nil).expect(t, 200)
	exactKeys(t, r.body, "locations", "count", "installToFutureLocations")
	if r.body["count"] != float64(2) || r.body["installToFutureLocations"] != true {
		t.Errorf("installedLocations %s", r.raw)
	}
	ls := r.list(t, "locations")
	exactKeys(t, ls[0], "_id", "name", "address", "isInstalled", "versionId", "installedAt")
	if ls[0]["_id"] != l1.ID || ls[0]["name"] != "North" || ls[0]["isInstalled"] != true || ls[0]["installedAt"] != "2025-06-01T12:00:00.000Z" {
		t.Errorf("location[0] %v", ls[0])
	}
	r = agency.do("GET", "/oauth/installedLocations?companyId="+co.ID+"&appId=6578278e879ad2646715ba9c&skip=1&limit=1", nil).expect(t, 200)
	if l := r.list(t, "locations"); len(l) != 1 || l[0]["_id"] != l2.ID || r.body["count"] != float64(2) {
		t.Errorf("skip/limit %s", r.raw)
	}
	// A location-only install is visible per location.
	co2 := srv.CreateCompany("Other")
	m1 := srv.AddLocation(ghltest.Location{CompanyID: co2.ID, Name: "One"})
	srv.AddLocation(ghltest.Location{CompanyID: co2.ID, Name: "Two"})
	srv.AuthorizationCode(clientID, m1.ID, "Location", "")
	r = newAPI(t, srv, co2.Token).do("GET", "/oauth/installedLocations?companyId="+co2.ID+"&appId="+clientID, nil).expect(t, 200)
	ls = r.list(t, "locations")
	if len(ls) != 2 || ls[0]["isInstalled"] != true || ls[1]["isInstalled"] != false || r.body["installToFutureLocations"] != false {
		t.Errorf("per-location install %s", r.raw)
	}
	r = newAPI(t, srv, co2.Token).do("GET", "/oauth/installedLocations?companyId="+co2.ID+"&appId="+clientID+"&isInstalled=true", nil).expect(t, 200)
	if r.body["count"] != float64(1) {
		t.Errorf("isInstalled filter %s", r.raw)
	}
	newAPI(t, srv, co2.Token).do("GET", "/oauth/installedLocations?companyId="+co.ID+"&appId="+clientID, nil).expect(t, 403)
}

func TestRefreshRace(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	srv.RegisterApp(clientID, clientSecret)
	o := newAPI(t, srv, "")
	r := o.form("/oauth/token", tokenForm("grant_type", "authorization_code", "code", srv.AuthorizationCode(clientID, loc.ID, "", ""))).expect(t, 200)
	refresh := r.body["refresh_token"].(string)
	const n = 8
	codes := make(chan int, n)
	for i := 0; i < n; i++ {
		go func() {
			codes <- newAPI(t, srv, "").form("/oauth/token", tokenForm("grant_type", "refresh_token", "refresh_token", refresh)).status
		}()
	}
	ok := 0
	for i := 0; i < n; i++ {
		if <-codes == 200 {
			ok++
		}
	}
	if ok != 1 || srv.Stats().InvalidGrant != n-1 {
		t.Errorf("%d refreshes succeeded, %d invalid grants; want 1 and %d", ok, srv.Stats().InvalidGrant, n-1)
	}
}
