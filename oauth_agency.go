package ghl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// oauthVersion is the Version header of /oauth/locationToken and
// /oauth/installedLocations.
const oauthVersion = "2021-07-28"

var opInstalledLocations = operation{
	Name: "OAuth.InstalledLocations", ID: "get-installed-location",
	Method: http.MethodGet, Path: "/oauth/installedLocations", Version: oauthVersion,
}

// Agency acts for an agency (Company) installation of the app: it lists the
// locations the app is installed on and obtains location tokens from the
// agency token, so that one agency install serves every sub-account.
//
//	agency := app.Agency(companyID)
//	client, err := agency.ClientForLocation(ctx, locationID)
type Agency struct {
	app       *OAuthApp
	companyID string
	ts        *TokenSource

	mu     sync.Mutex
	locs   map[string]*LocationTokenSource
	client *Client
}

// Agency returns the agency installation of companyID, whose Company token
// is in the app's store (from [OAuthApp.Exchange] with UserType Company).
// The app keeps one per company.
func (a *OAuthApp) Agency(companyID string) *Agency {
	a.mu.Lock()
	defer a.mu.Unlock()
	g := a.agencies[companyID]
	if g == nil {
		g = &Agency{app: a, companyID: companyID, ts: a.tokenSourceLocked(companyID),
			locs: make(map[string]*LocationTokenSource)}
		a.agencies[companyID] = g
	}
	return g
}

// CompanyID returns the agency's company ID.
func (g *Agency) CompanyID() string { return g.companyID }

// TokenSource returns the agency's own (Company) token source.
func (g *Agency) TokenSource() *TokenSource { return g.ts }

// String describes the agency without its tokens.
func (g *Agency) String() string { return fmt.Sprintf("ghl.Agency{CompanyID: %q}", g.companyID) }

// GoString is String.
func (g *Agency) GoString() string { return g.String() }

// Format prints String for every verb, so no verb prints a token.
func (g *Agency) Format(f fmt.State, verb rune) { io.WriteString(f, g.String()) }

// Client returns a client that acts for the agency itself, with its
// Company token (for agency-level endpoints such as locations search).
func (g *Agency) Client(opts ...Option) (*Client, error) {
	if strings.TrimSpace(g.companyID) == "" {
		return nil, &ArgError{Operation: "Agency.Client", Arg: "companyId", Reason: "is empty"}
	}
	return g.app.newClient(g.ts, opts...)
}

// LocationTokenSource returns a token source for locationID whose tokens are
// obtained from the agency token through POST /oauth/locationToken. The
// agency keeps one per location, so its callers share one request.
func (g *Agency) LocationTokenSource(locationID string) *LocationTokenSource {
	g.mu.Lock()
	defer g.mu.Unlock()
	l := g.locs[locationID]
	if l == nil {
		l = &LocationTokenSource{agency: g, locationID: locationID}
		g.locs[locationID] = l
	}
	return l
}

// ClientForLocation returns a client that acts for locationID with tokens
// obtained from the agency's token. It gets the first location token before
// it returns, so an app not installed on the location fails here.
func (g *Agency) ClientForLocation(ctx context.Context, locationID string, opts ...Option) (*Client, error) {
	if ctx == nil {
		return nil, nilContext("Agency.ClientForLocation")
	}
	if strings.TrimSpace(locationID) == "" {
		return nil, &ArgError{Operation: "Agency.ClientForLocation", Arg: "locationId", Reason: "is empty"}
	}
	ts := g.LocationTokenSource(locationID)
	if _, err := ts.TokenContext(ctx); err != nil {
		return nil, err
	}
	return g.app.newClient(ts, opts...)
}

// InstalledLocationsParams filters GET /oauth/installedLocations.
type InstalledLocationsParams struct {
	// AppID is the marketplace app ID (default: OAuthConfig.AppID, else
	// the part of the client ID before its first "-", which is how
	// HighLevel client IDs are built).
	AppID string
	// Skip and Limit page the list (HighLevel's default limit is 20).
	Skip, Limit int
	// Query searches location names.
	Query string
	// IsInstalled keeps locations where the app is (or is not) installed.
	IsInstalled *bool
	// OnTrial keeps locations where the app is (or is not) on trial.
	OnTrial *bool
	// VersionID, PlanID and LocationID filter by app version, plan and
	// location.
	VersionID, PlanID, LocationID string
}

// InstalledLocations is one page of GET /oauth/installedLocations.
type InstalledLocations struct {
	Locations []InstalledLocation `json:"locations"`
	// Count is the total number of locations under the company.
	Count int `json:"count"`
	// InstallToFutureLocations is true when the app is installed on new
	// locations automatically.
	InstallToFutureLocations bool `json:"installToFutureLocations"`
}

// InstalledLocation is a location of the agency and whether the app is
// installed there.
type InstalledLocation struct {
	ID          string    `json:"_id"`
	Name        string    `json:"name"`
	Address     string    `json:"address"`
	IsInstalled bool      `json:"isInstalled"`
	VersionID   string    `json:"versionId,omitempty"`
	InstalledAt Timestamp `json:"installedAt"`
}

// InstalledLocations lists one page of the agency's locations and whether
// the app is installed on each. It needs the oauth.readonly scope.
//
// API docs: https://marketplace.gohighlevel.com/docs/ghl/oauth/get-installed-location
//
//meta:operation GET /oauth/installedLocations
func (g *Agency) InstalledLocations(ctx context.Context, p InstalledLocationsParams) (*InstalledLocations, *Response, error) {
	op := &opInstalledLocations
	if ctx == nil {
		return nil, nil, nilContext(op.Name)
	}
	if strings.TrimSpace(g.companyID) == "" {
		return nil, nil, missing(op, "companyId")
	}
	appID := p.AppID
	if appID == "" {
		appID = g.app.appID()
	}
	if strings.TrimSpace(appID) == "" {
		return nil, nil, missing(op, "appId")
	}
	if p.Skip < 0 || p.Limit < 0 {
		return nil, nil, &ArgError{Operation: op.Name, Arg: "skip/limit", Reason: "must not be negative"}
	}
	q := url.Values{"companyId": {g.companyID}, "appId": {appID}}
	if p.Skip > 0 {
		q.Set("skip", strconv.Itoa(p.Skip))
	}
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	if p.Query != "" {
		q.Set("query", p.Query)
	}
	if p.IsInstalled != nil {
		q.Set("isInstalled", strconv.FormatBool(*p.IsInstalled))
	}
	if p.OnTrial != nil {
		q.Set("onTrial", strconv.FormatBool(*p.OnTrial))
	}
	if p.VersionID != "" {
		q.Set("versionId", p.VersionID)
	}
	if p.PlanID != "" {
		q.Set("planId", p.PlanID)
	}
	if p.LocationID != "" {
		q.Set("locationId", p.LocationID)
	}
	c, err := g.apiClient()
	if err != nil {
		return nil, nil, err
	}
	var out InstalledLocations
	resp, err := c.call(ctx, op, op.Path, q, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	if resp != nil {
		resp.Total = out.Count
	}
	return &out, resp, nil
}

// AllInstalledLocations walks every page of [Agency.InstalledLocations]
// (p.Skip is where it starts; p.Limit the page size, default 100).
func (g *Agency) AllInstalledLocations(ctx context.Context, p InstalledLocationsParams) iter.Seq2[*InstalledLocation, error] {
	if p.Limit == 0 {
		p.Limit = 100
	}
	return paginate(ctx, nil, &opInstalledLocations, p.Skip, func(ctx context.Context, skip int) ([]InstalledLocation, int, bool, error) {
		q := p
		q.Skip = skip
		page, _, err := g.InstalledLocations(ctx, q)
		if err != nil {
			return nil, skip, false, err
		}
		next := skip + len(page.Locations)
		more := len(page.Locations) == q.Limit
		if page.Count > 0 {
			more = next < page.Count
		}
		return page.Locations, next, more, nil
	})
}

func (g *Agency) apiClient() (*Client, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.client == nil {
		// The app's own request: sent with its client that does not
		// follow redirects (a redirect would carry the agency token away).
		c, err := g.app.newClient(g.ts, WithHTTPClient(g.app.http))
		if err != nil {
			return nil, err
		}
		g.client = c
	}
	return g.client, nil
}

// LocationTokenSource hands out location tokens obtained from an agency
// token (POST /oauth/locationToken), minting a new one RefreshMargin before
// the current one expires. "Location is not active" is remembered for
// InactiveRetryAfter. Location tokens are kept in memory only: a new
// one can always be minted from the agency token, which is the one kept in
// the store. Like [TokenSource], a 401 forces at most one new token per
// token lifetime. Get one from [Agency.LocationTokenSource].
type LocationTokenSource struct {
	agency     *Agency
	locationID string

	mu      sync.Mutex
	cur     *StoredToken
	stale   string // an access token HighLevel rejected
	forced  string // an access token minted because of a 401
	flight  *flight
	inact   *TokenError // "Location is not active", remembered
	inactTo time.Time   // ... until then
}

// LocationID returns the location the source acts for.
func (l *LocationTokenSource) LocationID() string { return l.locationID }

// RateLimitKey names the client's rate-limit bucket: the location ID.
func (l *LocationTokenSource) RateLimitKey() string { return l.locationID }

// String describes the source without its tokens.
func (l *LocationTokenSource) String() string {
	return fmt.Sprintf("ghl.LocationTokenSource{CompanyID: %q, LocationID: %q}", l.agency.companyID, l.locationID)
}

// GoString is String.
func (l *LocationTokenSource) GoString() string { return l.String() }

// Format prints String for every verb, so no verb prints a token.
func (l *LocationTokenSource) Format(f fmt.State, verb rune) { io.WriteString(f, l.String()) }

// Token returns a valid location token, minting one if needed.
func (l *LocationTokenSource) Token() (*oauth2.Token, error) {
	return l.TokenContext(context.Background())
}

// TokenContext returns a valid location token, minting one if needed;
// concurrent callers share one request. A nil ctx is an error matching
// [ErrInvalidArgument].
func (l *LocationTokenSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	if ctx == nil {
		return nil, &TokenError{Op: "location token", Key: l.locationID, Err: nilContext("LocationTokenSource.TokenContext")}
	}
	t, f, err := l.current(ctx)
	if t != nil || err != nil {
		return t, err
	}
	select {
	case <-f.done:
		if f.err != nil {
			return nil, f.err
		}
		return oauthToken(f.tok), nil
	case <-ctx.Done():
		return nil, &TokenError{Op: "location token", Key: l.locationID, Err: ctx.Err(), detail: ctx.Err().Error()}
	}
}

// current returns the token to hand out as it is, or else the flight to
// wait for, starting one if none is under way. l.mu is released by a
// defer, so that nothing done under it can leave it held.
func (l *LocationTokenSource) current(ctx context.Context) (*oauth2.Token, *flight, error) {
	app := l.agency.app
	l.mu.Lock()
	defer l.mu.Unlock()
	if t := l.cur; t != nil && t.AccessToken != l.stale && app.fresh(t) {
		return oauthToken(t), nil, nil
	}
	if l.inact != nil && app.now().Before(l.inactTo) {
		return nil, nil, l.inact
	}
	if l.flight == nil {
		if err := ctx.Err(); err != nil {
			return nil, nil, &TokenError{Op: "location token", Key: l.locationID, Err: err, detail: err.Error()}
		}
		detached := context.WithoutCancel(ctx)
		forced := l.cur != nil && l.cur.AccessToken == l.stale && app.fresh(l.cur)
		f := &flight{done: make(chan struct{}), forced: forced}
		l.flight = f
		go l.run(detached, f)
	}
	return nil, l.flight, nil
}

// run is the single flight of a location token.
func (l *LocationTokenSource) run(ctx context.Context, f *flight) {
	app := l.agency.app
	ctx, cancel := context.WithTimeout(ctx, app.cfg.RefreshTimeout)
	defer cancel()
	t, err := l.mint(ctx)
	until := app.now().Add(app.cfg.InactiveRetryAfter) // the clock is not read under l.mu
	l.mu.Lock()
	l.inact = nil
	var te *TokenError
	if err == nil {
		l.cur, l.forced = t, ""
		if f.forced {
			l.forced = t.AccessToken
		}
	} else if errors.As(err, &te) && te.LocationInactive {
		l.inact, l.inactTo = te, until
	}
	f.tok, f.err = t, err
	l.flight = nil
	l.mu.Unlock()
	close(f.done)
}

// InvalidateToken makes the next call mint a new token, if rejected is
// still the current one and was not itself minted because of a 401 (see
// [TokenSource.InvalidateToken]).
func (l *LocationTokenSource) InvalidateToken(rejected *oauth2.Token) {
	if rejected == nil || rejected.AccessToken == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cur != nil && l.cur.AccessToken == rejected.AccessToken && rejected.AccessToken != l.forced {
		l.stale = rejected.AccessToken
	}
}

// mint asks HighLevel for a location token with the agency's token,
// refreshing the agency token once if it is rejected as expired.
func (l *LocationTokenSource) mint(ctx context.Context) (*StoredToken, error) {
	g := l.agency
	const op = "location token"
	var rejected *TokenError // the 401 of the first attempt
	var rejectedAT string
	for attempt := 0; ; attempt++ {
		at, err := g.ts.TokenContext(ctx)
		if err != nil {
			return nil, err
		}
		if rejected != nil && at.AccessToken == rejectedAT {
			return nil, rejected // the agency source will not refresh again
		}
		form := url.Values{"companyId": {g.companyID}, "locationId": {l.locationID}}
		status, body, err := g.app.post(ctx, op, l.locationID, "/oauth/locationToken", form, at.AccessToken, oauthVersion)
		if err != nil {
			return nil, postError(op, l.locationID, err, at.AccessToken)
		}
		if status < 200 || status > 299 {
			e := tokenHTTPError(op, l.locationID, status, body, at.AccessToken)
			e.Terminal = false // the agency's grant was not refused
			if status == http.StatusUnauthorized && attempt == 0 && tokenRejected(body) {
				g.ts.InvalidateToken(at)
				rejected, rejectedAT = e, at.AccessToken
				continue
			}
			return nil, e
		}
		var r tokenResponse
		if err := json.Unmarshal(body, &r); err != nil || r.AccessToken == "" {
			return nil, &TokenError{Op: op, Key: l.locationID, StatusCode: status, Message: "the location token response has no access_token"}
		}
		t := r.stored(g.app.now())
		t.RefreshToken = "" // not used: a new token is minted from the agency's
		t.UserType = UserTypeLocation
		if t.LocationID == "" {
			t.LocationID = l.locationID
		}
		if t.CompanyID == "" {
			t.CompanyID = g.companyID
		}
		return t, nil
	}
}

// appID is OAuthConfig.AppID, else the client ID up to its first "-".
func (a *OAuthApp) appID() string {
	if a.cfg.AppID != "" {
		return a.cfg.AppID
	}
	id, _, _ := strings.Cut(a.cfg.ClientID, "-")
	return id
}
