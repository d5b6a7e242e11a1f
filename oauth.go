package ghl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// UserType is the kind of OAuth token: a sub-account (Location) token or an
// agency (Company) token. It is sent as user_type to POST /oauth/token.
type UserType string

const (
	// UserTypeLocation asks for a sub-account token, keyed by location ID.
	UserTypeLocation UserType = "Location"
	// UserTypeCompany asks for an agency token, keyed by company ID; it can
	// mint location tokens (see [Agency]).
	UserTypeCompany UserType = "Company"
)

const (
	// DefaultMarketplaceURL is the host of the app installation screen.
	DefaultMarketplaceURL = "https://marketplace.gohighlevel.com"
	// WhiteLabelMarketplaceURL is the white-label host of the installation
	// screen, for agencies whose users must not see the HighLevel brand.
	WhiteLabelMarketplaceURL = "https://marketplace.leadconnectorhq.com"
	// DefaultAuthorizePath is the path of the installation screen.
	DefaultAuthorizePath = "/v2/oauth/chooselocation"
)

// Defaults of [OAuthConfig].
const (
	DefaultRefreshMargin      = 5 * time.Minute
	DefaultInactiveRetryAfter = time.Minute
	DefaultRefreshTimeout     = time.Minute
)

// Sentinel errors of the OAuth token lifecycle, matched with [errors.Is]
// against a [*TokenError].
var (
	// ErrReauthorize means the grant is gone: HighLevel answered
	// "Invalid grant" (the refresh token was used already, revoked, or is
	// more than a year old; or the authorization code was bad). It will not
	// come back by retrying: the app must be installed (authorized) again
	// for that location or company.
	ErrReauthorize = errors.New("ghl: OAuth grant is invalid; the app must be reinstalled for this location or company")
	// ErrLocationInactive means HighLevel refused to refresh because the
	// location is not active (its SaaS subscription is paused, canceled or
	// incomplete). The same refresh token works again once the location is
	// active; the token is kept.
	ErrLocationInactive = errors.New("ghl: location is not active")
	// ErrTokenNotSaved means a new token pair was obtained but the
	// [TokenStore] could not save it. The pair is kept in memory and saved
	// on the next call, before anything else.
	ErrTokenNotSaved = errors.New("ghl: new OAuth token could not be saved")
)

// OAuthConfig describes a HighLevel marketplace app. ClientID and
// ClientSecret are required; everything else has a default.
//
// Its String, GoString, Format and LogValue methods redact the client
// secret.
type OAuthConfig struct {
	ClientID     string
	ClientSecret string
	// RedirectURL is the app's redirect URI, as registered with the app.
	RedirectURL string
	// UserType is the kind of token the app asks for: UserTypeLocation
	// (default) or UserTypeCompany.
	UserType UserType
	// Scopes are the scopes the installation screen asks for.
	Scopes []string
	// AppID is the marketplace app ID, used by [Agency.InstalledLocations]
	// when its parameters name none (default: the client ID up to its
	// first "-").
	AppID string

	// MarketplaceURL is the host of the installation screen:
	// DefaultMarketplaceURL, or WhiteLabelMarketplaceURL.
	MarketplaceURL string
	// AuthorizePath is the path of the installation screen
	// (default DefaultAuthorizePath).
	AuthorizePath string
	// BaseURL is the API host that serves /oauth/token and the API
	// (default [DefaultBaseURL]); point it at an emulator in tests.
	BaseURL string
	// HTTPClient sends the token requests, and is the HTTP client of every
	// Client the app builds. The default has a 30 s timeout.
	//
	// The app's own requests (/oauth/token, /oauth/locationToken,
	// /oauth/installedLocations) go through a copy of it that never follows
	// a redirect, whatever its CheckRedirect says: a redirected token request
	// would send the client secret and the single-use refresh token to
	// another host. A redirect answer is a [*TokenError] (an [*APIError] for
	// installed locations).
	HTTPClient *http.Client
	// ClientOptions are applied to every Client the app builds (a logger, a
	// shared rate limiter, a retry policy, ...), before the options of the
	// call.
	ClientOptions []Option
	// Logger receives debug logs of token requests (never a secret).
	Logger *slog.Logger

	// RefreshMargin is how long before expiry a token is refreshed
	// (default 5 minutes; negative means at expiry). It is capped at half
	// the token's lifetime.
	RefreshMargin time.Duration
	// InactiveRetryAfter is how long a "Location is not active" answer is
	// remembered before the refresh is tried again (default 1 minute).
	InactiveRetryAfter time.Duration
	// RefreshTimeout bounds one refresh, including the wait for the store's
	// lock (default 1 minute). A refresh runs on even if the caller that
	// started it gives up, so that a new token pair is never dropped midway.
	RefreshTimeout time.Duration
	// Clock returns the current time (default time.Now); tests inject one.
	Clock func() time.Time
}

// String describes the config without its secret.
func (c OAuthConfig) String() string {
	return fmt.Sprintf("ghl.OAuthConfig{ClientID: %q, ClientSecret: %s, RedirectURL: %q, UserType: %q, Scopes: %q, BaseURL: %q, MarketplaceURL: %q}",
		c.ClientID, redacted(c.ClientSecret), c.RedirectURL, c.UserType, c.Scopes, c.BaseURL, c.MarketplaceURL)
}

// GoString is String.
func (c OAuthConfig) GoString() string { return c.String() }

// Format prints String for every verb, so no verb prints the secret.
func (c OAuthConfig) Format(f fmt.State, verb rune) { io.WriteString(f, c.String()) }

// LogValue logs the config without its secret.
func (c OAuthConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("client_id", c.ClientID),
		slog.String("client_secret", redacted(c.ClientSecret)),
		slog.String("redirect_url", c.RedirectURL),
		slog.String("user_type", string(c.UserType)),
		slog.String("base_url", c.BaseURL),
	)
}

// Format prints String for every verb, so no verb prints a token.
func (t StoredToken) Format(f fmt.State, verb rune) { io.WriteString(f, t.String()) }

// AuthParam is an extra query parameter of the authorization URL, such as
// {"loginWindowOpenMode", "self"}.
type AuthParam struct{ Key, Value string }

// AuthCodeURL returns the URL of the installation screen, where a user
// chooses the location (or agency) and approves the scopes; HighLevel then
// redirects to RedirectURL with ?code=... for [OAuthApp.Exchange]. state, if
// not empty, is passed through (check it in the callback against CSRF).
//
// Docs: https://marketplace.gohighlevel.com/docs/Authorization/OAuth2.0
func (c OAuthConfig) AuthCodeURL(state string, extra ...AuthParam) string {
	host := strings.TrimRight(c.MarketplaceURL, "/")
	if host == "" {
		host = DefaultMarketplaceURL
	}
	path := c.AuthorizePath
	if path == "" {
		path = DefaultAuthorizePath
	}
	var b strings.Builder
	b.WriteString(host)
	b.WriteString(path)
	sep := byte('?')
	add := func(k, v string) {
		b.WriteByte(sep)
		sep = '&'
		b.WriteString(queryEscape(k))
		b.WriteByte('=')
		b.WriteString(queryEscape(v))
	}
	add("response_type", "code")
	if c.RedirectURL != "" {
		add("redirect_uri", c.RedirectURL)
	}
	add("client_id", c.ClientID)
	if len(c.Scopes) > 0 {
		add("scope", strings.Join(c.Scopes, " "))
	}
	if state != "" {
		add("state", state)
	}
	for _, p := range extra {
		if p.Key != "" {
			add(p.Key, p.Value)
		}
	}
	return b.String()
}

// queryEscape escapes a query component, with spaces as %20 (scopes are
// separated by spaces, and %20 reads the same to every decoder).
func queryEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// OAuthApp is a configured marketplace app bound to a [TokenStore]: it
// exchanges authorization codes, and hands out refreshing token sources and
// clients per location or company. Create one per app with [NewOAuthApp]
// and share it: its token sources are single-flight per key, and the store's
// [Locker] extends that across processes.
type OAuthApp struct {
	cfg     OAuthConfig
	store   TokenStore
	baseURL string
	http    *http.Client
	logger  *slog.Logger
	now     func() time.Time
	margin  time.Duration
	locks   keyMutex // when the store is no Locker

	mu       sync.Mutex
	sources  map[string]*TokenSource
	agencies map[string]*Agency
}

// NewOAuthApp checks cfg and returns an app that keeps its tokens in store.
func NewOAuthApp(cfg OAuthConfig, store TokenStore) (*OAuthApp, error) {
	if strings.TrimSpace(cfg.ClientID) == "" || strings.TrimSpace(cfg.ClientSecret) == "" {
		return nil, errors.New("ghl: NewOAuthApp: ClientID and ClientSecret are required")
	}
	if store == nil {
		return nil, errors.New("ghl: NewOAuthApp: token store is nil")
	}
	switch cfg.UserType {
	case "":
		cfg.UserType = UserTypeLocation
	case UserTypeLocation, UserTypeCompany:
	default:
		return nil, fmt.Errorf("ghl: NewOAuthApp: UserType %q is neither Location nor Company", cfg.UserType)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	var probe config
	if err := WithBaseURL(cfg.BaseURL)(&probe); err != nil {
		return nil, fmt.Errorf("ghl: NewOAuthApp: %w", err)
	}
	if cfg.MarketplaceURL == "" {
		cfg.MarketplaceURL = DefaultMarketplaceURL
	}
	if cfg.RefreshMargin == 0 {
		cfg.RefreshMargin = DefaultRefreshMargin
	}
	if cfg.InactiveRetryAfter <= 0 {
		cfg.InactiveRetryAfter = DefaultInactiveRetryAfter
	}
	if cfg.RefreshTimeout <= 0 {
		cfg.RefreshTimeout = DefaultRefreshTimeout
	}
	a := &OAuthApp{
		cfg:      cfg,
		store:    store,
		baseURL:  probe.baseURL.String(),
		http:     noRedirects(cfg.HTTPClient),
		logger:   cfg.Logger,
		now:      cfg.Clock,
		margin:   max(cfg.RefreshMargin, 0),
		sources:  make(map[string]*TokenSource),
		agencies: make(map[string]*Agency),
	}
	if a.logger == nil {
		a.logger = slog.New(slog.DiscardHandler)
	}
	if a.now == nil {
		a.now = time.Now
	}
	return a, nil
}

// noRedirects returns a copy of hc (or of the default client, with a 30 s
// timeout) that never follows a redirect: the 3xx answer is returned as it
// is, and nothing is sent to the host it names.
func noRedirects(hc *http.Client) *http.Client {
	cp := http.Client{Timeout: 30 * time.Second}
	if hc != nil {
		cp = *hc
	}
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cp
}

// Config returns the app's configuration, with defaults filled in.
func (a *OAuthApp) Config() OAuthConfig { return a.cfg }

// Store returns the app's token store.
func (a *OAuthApp) Store() TokenStore { return a.store }

// String describes the app without its secret.
func (a *OAuthApp) String() string {
	return fmt.Sprintf("ghl.OAuthApp{ClientID: %q, BaseURL: %q, Store: %s}", a.cfg.ClientID, a.baseURL, a.store)
}

// GoString is String.
func (a *OAuthApp) GoString() string { return a.String() }

// Format prints String for every verb, so no verb prints the secret.
func (a *OAuthApp) Format(f fmt.State, verb rune) { io.WriteString(f, a.String()) }

// AuthCodeURL returns the URL of the installation screen (see
// [OAuthConfig.AuthCodeURL]).
func (a *OAuthApp) AuthCodeURL(state string, extra ...AuthParam) string {
	return a.cfg.AuthCodeURL(state, extra...)
}

// Exchange trades the authorization code from the redirect for a token
// pair, saves it in the store under its location or company ID
// ([StoredToken.Key]) and returns it.
//
// The pair is saved before it is returned. If the store fails, Exchange
// returns an error matching [ErrTokenNotSaved] and no token; the pair is
// kept in memory and saved by the next call to that key's token source.
func (a *OAuthApp) Exchange(ctx context.Context, code string) (*StoredToken, error) {
	if ctx == nil {
		return nil, &TokenError{Op: "exchange", Err: nilContext("OAuthApp.Exchange")}
	}
	if strings.TrimSpace(code) == "" {
		return nil, &TokenError{Op: "exchange", Message: "authorization code is empty"}
	}
	form := url.Values{
		"grant_type": {"authorization_code"},
		"code":       {code},
		"user_type":  {string(a.cfg.UserType)},
	}
	tok, err := a.tokenRequest(ctx, "exchange", "", form, nil)
	if err != nil {
		return nil, err
	}
	key := tok.Key()
	if key == "" {
		return nil, &TokenError{Op: "exchange", Message: "the token response names no locationId or companyId"}
	}
	if err := a.TokenSource(key).install(ctx, tok); err != nil {
		return nil, err
	}
	return tok.clone(), nil
}

// TokenSource returns the refreshing token source of a location or company
// (its ID is the store key). The app keeps one per key, so every caller
// shares its single-flight refresh.
func (a *OAuthApp) TokenSource(key string) *TokenSource {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.tokenSourceLocked(key)
}

func (a *OAuthApp) tokenSourceLocked(key string) *TokenSource {
	s := a.sources[key]
	if s == nil {
		s = &TokenSource{app: a, key: key, work: make(chan struct{}, 1)}
		a.sources[key] = s
	}
	return s
}

// Client returns a client that acts for the location or company key with
// its stored, refreshing token. It targets the app's BaseURL and uses its
// HTTPClient and ClientOptions, then opts.
func (a *OAuthApp) Client(key string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(key) == "" {
		return nil, &ArgError{Operation: "OAuthApp.Client", Arg: "key", Reason: "is empty"}
	}
	return a.newClient(a.TokenSource(key), opts...)
}

func (a *OAuthApp) newClient(ts oauth2.TokenSource, opts ...Option) (*Client, error) {
	all := make([]Option, 0, 3+len(a.cfg.ClientOptions)+len(opts))
	all = append(all, WithBaseURL(a.baseURL), WithTokenSource(ts))
	if a.cfg.HTTPClient != nil {
		all = append(all, WithHTTPClient(a.cfg.HTTPClient))
	}
	all = append(all, a.cfg.ClientOptions...)
	all = append(all, opts...)
	return NewClient(all...)
}

// nilContext is the error of a method given a nil context.Context. It is
// returned before any lock is taken or request sent.
func nilContext(operation string) *ArgError {
	return &ArgError{Operation: operation, Arg: "ctx", Reason: "is nil"}
}

// lock takes the store's lock on key, or an in-process one when the store
// is no Locker.
func (a *OAuthApp) lock(ctx context.Context, key string) (func() error, error) {
	if l, ok := a.store.(Locker); ok {
		return l.Lock(ctx, key)
	}
	unlock, err := a.locks.lock(ctx, key)
	if err != nil {
		return nil, err
	}
	return func() error { unlock(); return nil }, nil
}

// TokenError reports a failure to obtain, refresh or keep an OAuth token.
// Match it with [ErrReauthorize], [ErrLocationInactive], [ErrTokenNotSaved],
// [ErrNoToken], or the HTTP sentinels ([ErrUnauthorized], [ErrServer], ...).
// It never holds a token or the client secret.
type TokenError struct {
	// Op is what failed: "exchange", "refresh", "location token", "load",
	// "save" or "lock".
	Op string
	// Key is the location or company ID, when known.
	Key string
	// StatusCode is HighLevel's HTTP status; 0 when there was no answer.
	StatusCode int
	// Message is HighLevel's error message, with anything that looks like
	// a token removed.
	Message string
	// TraceID is HighLevel's id for the request.
	TraceID string
	// Terminal is true when retrying cannot help: the app must be
	// reinstalled ([ErrReauthorize]).
	Terminal bool
	// LocationInactive is true for "Location is not active"
	// ([ErrLocationInactive]): retry later with the same token.
	LocationInactive bool
	// Err is the underlying error, if any (a transport or store error).
	Err error

	detail string // Err's text, scrubbed when the error was made
}

// Error describes the failure; it never contains a token or secret.
func (e *TokenError) Error() string {
	var b strings.Builder
	b.WriteString("ghl: OAuth ")
	b.WriteString(e.Op)
	if e.Key != "" {
		b.WriteString(" for ")
		b.WriteString(e.Key)
	}
	b.WriteString(": ")
	n := b.Len()
	if e.StatusCode != 0 {
		b.WriteString(strconv.Itoa(e.StatusCode))
		b.WriteByte(' ')
	}
	if e.Message != "" {
		b.WriteString(scrub(e.Message))
	} else if e.StatusCode != 0 {
		b.WriteString(http.StatusText(e.StatusCode))
	}
	if e.Err != nil {
		if b.Len() > n {
			b.WriteString(": ")
		}
		if e.detail != "" {
			b.WriteString(e.detail)
		} else {
			b.WriteString(scrub(e.Err.Error()))
		}
	}
	if e.TraceID != "" {
		b.WriteString(" (traceId ")
		b.WriteString(e.TraceID)
		b.WriteByte(')')
	}
	switch {
	case e.Terminal:
		b.WriteString("; the app must be reinstalled (re-authorized)")
	case e.LocationInactive:
		b.WriteString("; retry once the location is active again")
	case e.Op == "save":
		b.WriteString("; the new token is kept in memory and saved on the next call")
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *TokenError) Unwrap() error { return e.Err }

// Is matches the sentinels listed on [TokenError].
func (e *TokenError) Is(target error) bool {
	switch target {
	case ErrReauthorize:
		return e.Terminal
	case ErrLocationInactive:
		return e.LocationInactive
	case ErrTokenNotSaved:
		return e.Op == "save"
	}
	return statusIs(e.StatusCode, target)
}

// newTokenError wraps err, scrubbing secrets from its text.
func newTokenError(op, key string, err error, secrets ...string) *TokenError {
	e := &TokenError{Op: op, Key: key, Err: err}
	if err != nil {
		e.detail = scrub(err.Error(), secrets...)
	}
	return e
}

var (
	longToken   = regexp.MustCompile(`[A-Za-z0-9_\-]{32,}`)
	bearerToken = regexp.MustCompile(`(?i)\bbearer\s+[^\s"',;]+`)
)

// scrub removes the given secrets and anything that looks like a token
// (a bearer credential, a run of 32 or more token characters) from s.
func scrub(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[REDACTED]")
		}
	}
	s = bearerToken.ReplaceAllString(s, "Bearer [REDACTED]")
	return longToken.ReplaceAllString(s, "[REDACTED]")
}

// tokenResponse is the answer of POST /oauth/token and
// POST /oauth/locationToken: token fields in snake_case, metadata in
// camelCase.
type tokenResponse struct {
	AccessToken       string   `json:"access_token"`
	TokenType         string   `json:"token_type"`
	ExpiresIn         seconds  `json:"expires_in"`
	RefreshToken      string   `json:"refresh_token"`
	Scope             string   `json:"scope"`
	UserType          string   `json:"userType"`
	LocationID        string   `json:"locationId"`
	CompanyID         string   `json:"companyId"`
	ApprovedLocations []string `json:"approvedLocations"`
	UserID            string   `json:"userId"`
	PlanID            string   `json:"planId"`
}

// seconds decodes expires_in sent as a number or a numeric string.
type seconds float64

func (s *seconds) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(bytes.TrimSpace(b), `"`)
	if len(b) == 0 || string(b) == "null" {
		*s = 0
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return errors.New("expires_in is not a number")
	}
	*s = seconds(f)
	return nil
}

func (r *tokenResponse) stored(now time.Time) *StoredToken {
	t := &StoredToken{
		AccessToken:       r.AccessToken,
		TokenType:         r.TokenType,
		RefreshToken:      r.RefreshToken,
		IssuedAt:          now,
		Scope:             r.Scope,
		UserType:          UserType(r.UserType),
		LocationID:        r.LocationID,
		CompanyID:         r.CompanyID,
		UserID:            r.UserID,
		ApprovedLocations: r.ApprovedLocations,
		PlanID:            r.PlanID,
	}
	if r.ExpiresIn > 0 {
		t.Expiry = now.Add(time.Duration(float64(r.ExpiresIn) * float64(time.Second)))
	}
	return t
}

// maxTokenBody bounds what is read of a token endpoint answer.
const maxTokenBody = 1 << 20

// tokenRequest posts form (plus the client credentials) to /oauth/token.
// No Version header and no Authorization are sent: the credentials are in
// the form. Errors never quote the form or the raw answer.
func (a *OAuthApp) tokenRequest(ctx context.Context, op, key string, form url.Values, known *StoredToken) (*StoredToken, error) {
	form.Set("client_id", a.cfg.ClientID)
	form.Set("client_secret", a.cfg.ClientSecret)
	if a.cfg.RedirectURL != "" {
		form.Set("redirect_uri", a.cfg.RedirectURL)
	}
	secrets := []string{a.cfg.ClientSecret, form.Get("code"), form.Get("refresh_token")}
	if known != nil {
		secrets = append(secrets, known.AccessToken)
	}
	status, body, err := a.post(ctx, op, key, "/oauth/token", form, "", "")
	if err != nil {
		return nil, postError(op, key, err, secrets...)
	}
	if status < 200 || status > 299 {
		return nil, tokenHTTPError(op, key, status, body, secrets...)
	}
	var r tokenResponse
	if err := json.Unmarshal(body, &r); err != nil || r.AccessToken == "" {
		return nil, &TokenError{Op: op, Key: key, StatusCode: status, Message: "the token response has no access_token"}
	}
	tok := r.stored(a.now())
	if tok.UserType == "" {
		tok.UserType = UserType(form.Get("user_type"))
	}
	if known != nil {
		// Keep what the answer does not repeat.
		if tok.RefreshToken == "" {
			tok.RefreshToken = known.RefreshToken
		}
		if tok.LocationID == "" {
			tok.LocationID = known.LocationID
		}
		if tok.CompanyID == "" {
			tok.CompanyID = known.CompanyID
		}
		if tok.UserID == "" {
			tok.UserID = known.UserID
		}
		if len(tok.ApprovedLocations) == 0 {
			tok.ApprovedLocations = known.ApprovedLocations
		}
	}
	return tok, nil
}

// post sends a form POST to the API host and reads the answer.
func (a *OAuthApp) post(ctx context.Context, op, key, path string, form url.Values, bearer, version string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.baseURL+path, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", defaultUserAgent)
	if version != "" {
		req.Header.Set("Version", version)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	start := a.now()
	a.logger.LogAttrs(ctx, slog.LevelDebug, "ghl oauth request",
		slog.String("op", op), slog.String("key", key), slog.String("path", path),
		slog.String("grant_type", form.Get("grant_type")), slog.String("user_type", form.Get("user_type")))
	resp, err := a.http.Do(req)
	if err != nil {
		a.logger.LogAttrs(ctx, slog.LevelDebug, "ghl oauth transport error",
			slog.String("op", op), slog.String("key", key))
		return 0, nil, err
	}
	defer resp.Body.Close()
	logResponse := func() {
		a.logger.LogAttrs(ctx, slog.LevelDebug, "ghl oauth response",
			slog.String("op", op), slog.String("key", key), slog.Int("status", resp.StatusCode),
			slog.Duration("elapsed", a.now().Sub(start)))
	}
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		// a.http does not follow redirects (see noRedirects).
		logResponse()
		return 0, nil, newRedirectError(resp)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenBody))
	if err != nil {
		return 0, nil, fmt.Errorf("reading response: %w", err)
	}
	logResponse()
	return resp.StatusCode, body, nil
}

// redirectError is a 3xx answer to one of the app's own requests, which is
// never followed.
type redirectError struct {
	status int
	target string // the scheme and host of the Location, if any
}

func newRedirectError(resp *http.Response) *redirectError {
	e := &redirectError{status: resp.StatusCode}
	if u, err := resp.Location(); err == nil && u.Host != "" {
		e.target = u.Scheme + "://" + u.Host // never the path or the query
	}
	return e
}

func (e *redirectError) Error() string {
	s := "redirect"
	if e.target != "" {
		s += " to " + e.target
	}
	return s + " refused: OAuth requests are never redirected"
}

// postError turns what post returned into a *TokenError: a refused
// redirect keeps its status, anything else is a transport failure.
func postError(op, key string, err error, secrets ...string) *TokenError {
	var re *redirectError
	if errors.As(err, &re) {
		return &TokenError{Op: op, Key: key, StatusCode: re.status, Message: re.Error()}
	}
	return newTokenError(op, key, err, secrets...)
}

// tokenHTTPError turns a non-2xx answer into a *TokenError, reading only the
// message fields of the body.
func tokenHTTPError(op, key string, status int, body []byte, secrets ...string) *TokenError {
	e := &TokenError{Op: op, Key: key, StatusCode: status}
	var eb struct {
		errorBody
		Description string `json:"error_description"`
	}
	if len(body) <= maxErrorDecode && !nestedDeeper(body, maxErrorNesting) && json.Unmarshal(body, &eb) == nil {
		e.TraceID = eb.TraceID
		msgs := decodeMessages(eb.Message)
		name, nested := decodeErrorField(eb.Error)
		if nested != nil && nested.Message != "" {
			msgs = append(msgs, nested.Message)
			name = nested.Code
		}
		if eb.Description != "" {
			msgs = append(msgs, eb.Description)
		}
		if len(msgs) == 0 && name != "" {
			msgs = []string{name}
		}
		e.Message = scrub(strings.Join(msgs, "; "), secrets...)
		if len(e.Message) > 300 {
			e.Message = e.Message[:300] + "..."
		}
		lower := strings.ToLower(e.Message + " " + name)
		switch {
		case strings.Contains(lower, "invalid grant") || strings.Contains(lower, "invalid_grant") ||
			strings.Contains(lower, "invalidgrant") || strings.Contains(lower, "refresh token is invalid"):
			e.Terminal = true
		case strings.Contains(lower, "not active"):
			e.LocationInactive = true
		}
	}
	return e
}
