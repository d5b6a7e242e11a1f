package ghltest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultScope is the scope string reported for tokens that carry every
// scope (those minted without chosen scopes; see [Server.SetAppScopes] and
// [Server.MintToken]).
const DefaultScope = "contacts.readonly contacts.write locations.readonly oauth.readonly oauth.write"

// refreshTokenTTL is how long a refresh token stays valid if unused (a year,
// per HighLevel's OAuth FAQ).
const refreshTokenTTL = 365 * 24 * time.Hour

// authCodeTTL is how long an authorization (install) code can be exchanged.
const authCodeTTL = 10 * time.Minute

// App is a marketplace app (OAuth client) registered with the emulator.
type App struct {
	ClientID     string
	ClientSecret string
	// AppID is the app's ID as /oauth/installedLocations takes it: the part
	// of ClientID before its first "-" (HighLevel client IDs look like
	// "<appId>-<suffix>"), or the whole ClientID.
	AppID string
	// VersionID is the installed version reported by installedLocations.
	VersionID string

	scopes []string // granted at install (SetAppScopes); nil: every scope
}

type authCode struct {
	clientID   string
	userType   string
	locationID string
	companyID  string
	scopes     []string // the app's scopes at install
	expiresAt  time.Time
}

type refreshGrant struct {
	clientID   string
	kind       principalKind
	locationID string
	companyID  string
	scopes     []string // granted at install, kept across refreshes
	expiresAt  time.Time
}

// RegisterApp registers an OAuth client (marketplace app) so that
// /oauth/token accepts its credentials, and returns it.
func (s *Server) RegisterApp(clientID, clientSecret string) *App {
	appID, _, _ := strings.Cut(clientID, "-")
	a := &App{ClientID: clientID, ClientSecret: clientSecret, AppID: appID, VersionID: appID}
	s.mu.Lock()
	s.st.apps[clientID] = a
	s.mu.Unlock()
	out := *a
	return &out
}

// AuthorizationCode mints a single-use install code, as HighLevel would pass
// to the app's redirect URI after a user installs it, valid for 10 minutes
// on the server's clock. userType is "Location" (the default when
// locationID is set) or "Company"; companyID defaults to the location's
// company. The install is recorded at once (for installedLocations): a
// Company install covers all the company's locations, present and future.
// Registered webhooks get INSTALL at once (HighLevel may deliver it before
// the code is exchanged), and the code grants the app's scopes
// ([Server.SetAppScopes]). It panics if the app, location or company is
// unknown.
func (s *Server) AuthorizationCode(clientID, locationID, userType, companyID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	app := s.st.apps[clientID]
	if app == nil {
		panic(fmt.Sprintf("ghltest: unknown app %q (call RegisterApp first)", clientID))
	}
	if userType == "" {
		userType = "Location"
		if locationID == "" {
			userType = "Company"
		}
	}
	now := s.now()
	switch userType {
	case "Location":
		loc := s.mustLocationLocked(locationID)
		if companyID == "" {
			companyID = loc.companyID
		}
		if _, ok := loc.installs[app.AppID]; !ok {
			loc.installs[app.AppID] = now
		}
	case "Company":
		co := s.st.companies[companyID]
		if co == nil && locationID != "" {
			co = s.st.companies[s.mustLocationLocked(locationID).companyID]
		}
		if co == nil {
			panic(fmt.Sprintf("ghltest: unknown company %q", companyID))
		}
		companyID = co.id
		co.installs[app.AppID] = &companyInstall{at: now, future: true}
	default:
		panic(fmt.Sprintf("ghltest: userType must be Location or Company, not %q", userType))
	}
	s.installEventLocked("INSTALL", app, locationID, companyID)
	code := newSecret(40)
	s.st.codes[code] = &authCode{clientID: clientID, userType: userType, locationID: locationID, companyID: companyID, scopes: app.scopes, expiresAt: now.Add(authCodeTTL)}
	return code
}

// Uninstall uninstalls an app from a location (locationID set) or a
// company (locationID ""; companyID, or the default company when blank),
// as a user would in HighLevel: the install is forgotten
// (installedLocations), the app's tokens and refresh tokens for it stop
// working (a company's, with its locations' tokens minted by the app), and
// UNINSTALL is delivered to registered webhooks. A location is "installed"
// by [Server.AuthorizationCode] or /oauth/locationToken; a company install
// is removed as a whole. It panics if the app is unknown or not installed
// there.
func (s *Server) Uninstall(clientID, locationID, companyID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	app := s.st.apps[clientID]
	if app == nil {
		panic(fmt.Sprintf("ghltest: unknown app %q (call RegisterApp first)", clientID))
	}
	gone := func(kind principalKind, loc, co string) bool {
		if locationID != "" {
			return kind == kindLocation && loc == locationID
		}
		return co == companyID
	}
	if locationID != "" {
		loc := s.mustLocationLocked(locationID)
		if _, ok := loc.installs[app.AppID]; !ok {
			panic(errUnknownInstall)
		}
		delete(loc.installs, app.AppID)
		companyID = loc.companyID
	} else {
		if companyID == "" {
			companyID = s.st.defaultCompany.id
		}
		co := s.st.companies[companyID]
		if co == nil || co.installs[app.AppID] == nil {
			panic(errUnknownInstall)
		}
		delete(co.installs, app.AppID)
		for _, l := range co.locations {
			delete(l.installs, app.AppID)
		}
	}
	for tok, p := range s.st.tokens {
		if p.clientID == clientID && gone(p.kind, p.locationID, p.companyID) {
			delete(s.st.tokens, tok)
		}
	}
	for tok, g := range s.st.refresh {
		if g.clientID == clientID && gone(g.kind, g.locationID, g.companyID) {
			delete(s.st.refresh, tok)
		}
	}
	s.installEventLocked("UNINSTALL", app, locationID, companyID)
}

// tokenResponse is GetAccessCodeSuccessfulResponseDto (and the location
// token DTO) of apps/oauth.json.
type tokenResponse struct {
	AccessToken              string   `json:"access_token"`
	TokenType                string   `json:"token_type"`
	ExpiresIn                int64    `json:"expires_in"`
	RefreshToken             string   `json:"refresh_token,omitempty"`
	Scope                    string   `json:"scope"`
	UserType                 string   `json:"userType"`
	LocationID               string   `json:"locationId,omitempty"`
	CompanyID                string   `json:"companyId"`
	ApprovedLocations        []string `json:"approvedLocations,omitempty"`
	UserID                   string   `json:"userId"`
	PlanID                   string   `json:"planId,omitempty"`
	AppID                    string   `json:"appId,omitempty"`
	VersionID                string   `json:"versionId,omitempty"`
	IsBulkInstallation       *bool    `json:"isBulkInstallation,omitempty"`
	InstallToFutureLocations *bool    `json:"installToFutureLocations,omitempty"`
	ApproveAllLocations      *bool    `json:"approveAllLocations,omitempty"`
}

// mintLocked issues an access token (and, with an app, a refresh token)
// carrying scopes (nil: every scope).
func (s *Server) mintLocked(app *App, kind principalKind, locationID, companyID string, scopes []string, now time.Time) tokenResponse {
	co := s.st.companies[companyID]
	p := &principal{kind: kind, locationID: locationID, companyID: companyID, userID: co.userID, scopes: scopes, expiresAt: now.Add(s.cfg.ttl)}
	r := tokenResponse{
		TokenType: "Bearer",
		ExpiresIn: int64(s.cfg.ttl / time.Second),
		Scope:     scopeString(scopes),
		UserType:  "Location",
		CompanyID: companyID,
		UserID:    co.userID,
	}
	if kind == kindCompany {
		r.UserType = "Company"
		t := true
		r.IsBulkInstallation, r.InstallToFutureLocations, r.ApproveAllLocations = &t, &t, &t
		r.ApprovedLocations = []string{}
		for _, l := range co.locations {
			r.ApprovedLocations = append(r.ApprovedLocations, l.id)
		}
	} else {
		r.LocationID = locationID
	}
	if app != nil {
		p.appID, p.clientID = app.AppID, app.ClientID
		r.RefreshToken = newSecret(48)
		s.st.refresh[r.RefreshToken] = &refreshGrant{clientID: app.ClientID, kind: kind, locationID: locationID, companyID: companyID, scopes: scopes, expiresAt: now.Add(refreshTokenTTL)}
	}
	r.AccessToken = newSecret(64)
	s.st.tokens[r.AccessToken] = p
	s.counters.tokensIssued.Add(1)
	return r
}

// formBody parses an application/x-www-form-urlencoded body; other content
// types give empty values.
func (c *reqCtx) formBody() url.Values {
	ct := strings.ToLower(c.r.Header.Get("Content-Type"))
	if !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return url.Values{}
	}
	v, err := url.ParseQuery(string(c.body))
	if err != nil {
		return url.Values{}
	}
	return v
}

func (c *reqCtx) invalidGrant(msg string) {
	c.s.counters.invalidGrant.Add(1)
	c.badRequest(msg)
}

// oauthToken serves POST /oauth/token (no Version header, no bearer token,
// not rate limited).
func (s *Server) oauthToken(c *reqCtx) {
	f := c.formBody()
	for _, k := range []string{"client_id", "client_secret", "grant_type"} {
		if f.Get(k) == "" {
			c.badRequest("Missing parameter: " + k)
			return
		}
	}
	grant := f.Get("grant_type")
	if grant != "authorization_code" && grant != "refresh_token" {
		c.badRequest("Invalid parameter: grant_type")
		return
	}
	if ut := f.Get("user_type"); ut != "" && ut != "Location" && ut != "Company" {
		c.badRequest("Invalid parameter: user_type")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	app := s.st.apps[f.Get("client_id")]
	if app == nil || app.ClientSecret != f.Get("client_secret") {
		c.unauthorized("Invalid client: client credentials are invalid", true)
		return
	}
	now := s.now()
	switch grant {
	case "authorization_code":
		code := f.Get("code")
		if code == "" {
			c.badRequest("Missing parameter: code")
			return
		}
		ac := s.st.codes[code]
		if ac == nil || ac.clientID != app.ClientID || !now.Before(ac.expiresAt) {
			c.invalidGrant("Invalid grant: authorization code is invalid")
			return
		}
		if ac.userType == "Location" && !s.st.locations[ac.locationID].active {
			c.badRequest("Location is not active")
			return
		}
		delete(s.st.codes, code)
		kind := kindLocation
		if ac.userType == "Company" {
			kind = kindCompany
		}
		c.json(http.StatusOK, s.mintLocked(app, kind, ac.locationID, ac.companyID, ac.scopes, now))
	case "refresh_token":
		rt := f.Get("refresh_token")
		if rt == "" {
			c.badRequest("Missing parameter: refresh_token")
			return
		}
		g := s.st.refresh[rt]
		if g == nil || g.clientID != app.ClientID || !now.Before(g.expiresAt) {
			c.invalidGrant("Invalid grant: refresh token is invalid")
			return
		}
		if g.kind == kindLocation && !s.st.locations[g.locationID].active {
			c.badRequest("Location is not active")
			return
		}
		delete(s.st.refresh, rt)
		s.counters.tokenRefreshes.Add(1)
		c.json(http.StatusOK, s.mintLocked(app, g.kind, g.locationID, g.companyID, g.scopes, now))
	}
}

func (s *Server) registerOAuthRoutes() {
	// process serves /oauth/token before authentication; registering it
	// marks the operation as emulated.
	s.handle("POST", "/oauth/token", s.oauthToken)
	s.handle("POST", "/oauth/locationToken", s.locationToken)
	s.handle("GET", "/oauth/installedLocations", s.installedLocations)
}

// forbiddenCompany answers 403 for another company's ID.
func (c *reqCtx) forbiddenCompany() {
	c.fail(http.StatusForbidden, "The token does not have access to this company", "")
}

// locationToken serves POST /oauth/locationToken: a location access token
// from an agency token. The response has a refresh_token when the agency
// token came from an app (OAuth), none for static agency tokens.
func (s *Server) locationToken(c *reqCtx) {
	f := c.formBody()
	var errs []string
	for _, k := range []string{"companyId", "locationId"} {
		if f.Get(k) == "" {
			errs = append(errs, k+" should not be empty", k+" must be a string")
		}
	}
	if errs != nil {
		c.unprocessable(errs...)
		return
	}
	if f.Get("companyId") != c.p.companyID {
		c.forbiddenCompany()
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc := s.st.locations[f.Get("locationId")]
	if loc == nil || loc.companyID != c.p.companyID {
		c.badRequest("Location not found")
		return
	}
	if !loc.active {
		c.badRequest("Location is not active")
		return
	}
	now := s.now()
	var app *App
	if c.p.clientID != "" {
		app = s.st.apps[c.p.clientID]
		if _, ok := loc.installs[app.AppID]; !ok {
			loc.installs[app.AppID] = now
			s.installEventLocked("INSTALL", app, loc.id, loc.companyID)
		}
	}
	// The location token carries the agency token's grant.
	r := s.mintLocked(app, kindLocation, loc.id, loc.companyID, c.p.scopes, now)
	if app != nil {
		r.AppID, r.VersionID = app.AppID, app.VersionID
	}
	c.json(http.StatusOK, r)
}

// installedLocations serves GET /oauth/installedLocations.
func (s *Server) installedLocations(c *reqCtx) {
	q := c.q()
	var errs []string
	for _, k := range []string{"companyId", "appId"} {
		if q.Get(k) == "" {
			errs = append(errs, k+" should not be empty", k+" must be a string")
		}
	}
	if errs != nil {
		c.unprocessable(errs...)
		return
	}
	skip, ok := c.stringParamInt("skip", 0)
	if !ok {
		return
	}
	limit, ok := c.stringParamInt("limit", 20)
	if !ok {
		return
	}
	isInstalled := q.Get("isInstalled")
	if isInstalled != "" && isInstalled != "true" && isInstalled != "false" {
		c.unprocessable("isInstalled must be a boolean value")
		return
	}
	if q.Get("companyId") != c.p.companyID {
		c.forbiddenCompany()
		return
	}
	appID := q.Get("appId")
	s.mu.RLock()
	defer s.mu.RUnlock()
	var app *App
	for _, a := range s.st.apps {
		if a.AppID == appID || a.ClientID == appID {
			app = a
			break
		}
	}
	if app == nil {
		c.badRequest("App not found")
		return
	}
	co := s.st.companies[c.p.companyID]
	ci := co.installs[app.AppID]
	type instLoc struct {
		ID          string `json:"_id"`
		Name        string `json:"name"`
		Address     string `json:"address"`
		IsInstalled bool   `json:"isInstalled"`
		VersionID   string `json:"versionId,omitempty"`
		InstalledAt string `json:"installedAt,omitempty"`
	}
	out := []instLoc{}
	total := 0
	query := strings.ToLower(q.Get("query"))
	for _, l := range co.locations {
		at, inst := l.installs[app.AppID]
		if !inst && ci != nil {
			at, inst = ci.at, true
		}
		if (isInstalled == "true" && !inst) || (isInstalled == "false" && inst) {
			continue
		}
		if id := q.Get("locationId"); id != "" && id != l.id {
			continue
		}
		if query != "" && !strings.Contains(strings.ToLower(l.name), query) {
			continue
		}
		if total >= skip && len(out) < limit {
			il := instLoc{ID: l.id, Name: l.name, Address: l.address, IsInstalled: inst}
			if inst {
				il.VersionID, il.InstalledAt = app.VersionID, formatTime(at)
			}
			out = append(out, il)
		}
		total++
	}
	c.json(http.StatusOK, map[string]any{"locations": out, "count": total, "installToFutureLocations": ci != nil && ci.future})
}
