package ghltest

import (
	"fmt"
	"time"
)

// store is the emulator's in-memory state. It is guarded by Server.mu.
type store struct {
	defaultCompany *company
	companies      map[string]*company
	companyOrder   []*company
	locations      map[string]*location
	tokens         map[string]*principal
	refresh        map[string]*refreshGrant
	codes          map[string]*authCode
	apps           map[string]*App // by client ID
	contacts       map[string]*contact
	deleted        map[string]bool // IDs of deleted contacts
	tasks          map[string]*task
	notes          map[string]*note
	seq            uint64 // last record sequence number of the generic store
}

func (st *store) init() {
	st.companies = map[string]*company{}
	st.locations = map[string]*location{}
	st.tokens = map[string]*principal{}
	st.refresh = map[string]*refreshGrant{}
	st.codes = map[string]*authCode{}
	st.apps = map[string]*App{}
	st.contacts = map[string]*contact{}
	st.deleted = map[string]bool{}
	st.tasks = map[string]*task{}
	st.notes = map[string]*note{}
}

type company struct {
	id, name, userID string
	token            string
	locations        []*location
	installs         map[string]*companyInstall // by app ID
	res              scope                      // generic store (users)
}

type companyInstall struct {
	at     time.Time
	future bool // installToFutureLocations
}

type location struct {
	id, companyID, name, address string
	token                        string
	active                       bool
	allowDuplicates              bool
	contacts                     []*contact // sorted by (dateAdded ms, id)
	byEmail                      map[string][]*contact
	byPhone                      map[string][]*contact
	cfKeys                       map[string]string    // custom field key -> id
	installs                     map[string]time.Time // app ID -> installedAt
	doc                          map[string]any       // other fields of the location (phone, city, settings...)
	res                          scope                // generic store (businesses, workflows, ...)
}

// principalKind tells location (Sub-Account) from company (Agency) tokens.
type principalKind int

const (
	kindLocation principalKind = iota
	kindCompany
)

// principal is what an access token stands for. Values are immutable once
// stored, so they may be read after the lock is released.
type principal struct {
	kind       principalKind
	locationID string
	companyID  string
	appID      string // OAuth tokens: the app (client) that minted it
	clientID   string
	userID     string
	scopes     []string // granted scopes; nil: every scope (scopes.go)
	static     bool     // PIT-like, never expires
	expiresAt  time.Time
}

func (p *principal) rateKey() string {
	if p.kind == kindCompany {
		return "company:" + p.companyID
	}
	return "location:" + p.locationID
}

// lookupToken resolves a bearer token. It returns (nil, true) for a known
// but expired OAuth access token.
func (s *Server) lookupToken(tok string) (*principal, bool) {
	if tok == "" {
		return nil, false
	}
	s.mu.RLock()
	p := s.st.tokens[tok]
	s.mu.RUnlock()
	if p == nil {
		return nil, false
	}
	if !p.static && !s.now().Before(p.expiresAt) {
		return nil, true
	}
	return p, false
}

// Company is an agency (company) known to the emulator.
type Company struct {
	ID   string
	Name string
	// Token is a static agency access token for the company that never
	// expires (accepted where HighLevel wants an Agency token, including
	// /oauth/locationToken and /oauth/installedLocations).
	Token string
}

// Location is a sub-account (location) known to the emulator.
type Location struct {
	ID        string // 20-character HighLevel-shaped ID
	CompanyID string
	Name      string
	Address   string
	// Token is a static location access token (like a Private Integration
	// Token) that never expires.
	Token string
}

func (s *Server) createCompanyLocked(id, name string) *company {
	if id == "" {
		id = newID(s.rng)
	}
	co := &company{id: id, name: name, userID: newID(s.rng), installs: map[string]*companyInstall{}}
	co.token = s.staticTokenLocked(&principal{kind: kindCompany, companyID: id, userID: co.userID})
	s.st.companies[id] = co
	s.st.companyOrder = append(s.st.companyOrder, co)
	return co
}

func (s *Server) staticTokenLocked(p *principal) string {
	tok := "pit-" + newTraceID()
	p.static = true
	s.st.tokens[tok] = p
	return tok
}

// DefaultCompany returns the company that [Server.CreateLocation] puts
// locations in. It exists from the start.
func (s *Server) DefaultCompany() *Company {
	s.mu.RLock()
	defer s.mu.RUnlock()
	co := s.st.defaultCompany
	return &Company{ID: co.id, Name: co.name, Token: co.token}
}

// CreateCompany adds an agency (company) and returns it with a static agency
// token.
func (s *Server) CreateCompany(name string) *Company {
	s.mu.Lock()
	defer s.mu.Unlock()
	co := s.createCompanyLocked("", name)
	return &Company{ID: co.id, Name: co.name, Token: co.token}
}

// CreateLocation adds a location (sub-account) named name to the default
// company and returns it with a static location token. Locations start
// active and do not allow duplicate contacts (HighLevel's default).
func (s *Server) CreateLocation(name string) *Location {
	return s.AddLocation(Location{Name: name})
}

// AddLocation adds a location with the given fields; blank ID, CompanyID,
// Address and Token are generated (CompanyID defaults to the default
// company; an unknown CompanyID creates that company). A given Token becomes
// a static location token. It panics if the ID or the token is taken.
func (s *Server) AddLocation(l Location) *Location {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l.ID == "" {
		l.ID = newID(s.rng)
	}
	if _, dup := s.st.locations[l.ID]; dup {
		panic(fmt.Sprintf("ghltest: location %q already exists", l.ID))
	}
	co := s.st.defaultCompany
	if l.CompanyID != "" {
		co = s.st.companies[l.CompanyID]
		if co == nil {
			co = s.createCompanyLocked(l.CompanyID, "Company "+l.CompanyID)
		}
	}
	l.CompanyID = co.id
	if l.Name == "" {
		l.Name = "Location " + l.ID
	}
	if l.Address == "" {
		l.Address = fakeAddress(s.rng)
	}
	p := &principal{kind: kindLocation, locationID: l.ID, companyID: co.id, userID: co.userID}
	if l.Token == "" {
		l.Token = s.staticTokenLocked(p)
	} else {
		if _, dup := s.st.tokens[l.Token]; dup {
			panic(fmt.Sprintf("ghltest: token %q already exists", l.Token))
		}
		p.static = true
		s.st.tokens[l.Token] = p
	}
	loc := &location{
		id: l.ID, companyID: co.id, name: l.Name, address: l.Address, token: l.Token, active: true,
		byEmail: map[string][]*contact{}, byPhone: map[string][]*contact{},
		cfKeys: map[string]string{}, installs: map[string]time.Time{}, doc: map[string]any{},
	}
	s.st.locations[l.ID] = loc
	co.locations = append(co.locations, loc)
	out := l
	return &out
}

// Locations returns every location, grouped by company in creation order.
func (s *Server) Locations() []Location {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Location
	for _, co := range s.st.companyOrder {
		for _, l := range co.locations {
			out = append(out, Location{ID: l.id, CompanyID: l.companyID, Name: l.name, Address: l.address, Token: l.token})
		}
	}
	return out
}

func (s *Server) mustLocationLocked(id string) *location {
	loc := s.st.locations[id]
	if loc == nil {
		panic(fmt.Sprintf("ghltest: unknown location %q", id))
	}
	return loc
}

// IssueToken mints another static location token (PIT-like, never
// expires) for locationID. It panics if the location is unknown.
func (s *Server) IssueToken(locationID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	loc := s.mustLocationLocked(locationID)
	co := s.st.companies[loc.companyID]
	return s.staticTokenLocked(&principal{kind: kindLocation, locationID: loc.id, companyID: loc.companyID, userID: co.userID})
}

// IssueCompanyToken mints another static agency token for companyID. It
// panics if the company is unknown.
func (s *Server) IssueCompanyToken(companyID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	co := s.st.companies[companyID]
	if co == nil {
		panic(fmt.Sprintf("ghltest: unknown company %q", companyID))
	}
	return s.staticTokenLocked(&principal{kind: kindCompany, companyID: co.id, userID: co.userID})
}

// RevokeToken makes an access token (static or OAuth) unknown, so it
// answers 401 "Invalid token" from then on.
func (s *Server) RevokeToken(token string) {
	s.mu.Lock()
	delete(s.st.tokens, token)
	s.mu.Unlock()
}

// SetLocationActive marks a location active or not. While inactive,
// refreshing one of its OAuth tokens (and exchanging an install code or
// minting a location token for it) answers 400 "Location is not active";
// the refresh token stays valid for when it is active again. API calls with
// existing tokens keep working.
func (s *Server) SetLocationActive(id string, active bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustLocationLocked(id).active = active
}

// SetAllowDuplicates sets the location's "Allow Duplicate Contact"
// setting (false by default): when false, creating a contact whose email or
// phone is already used in the location answers 400.
func (s *Server) SetAllowDuplicates(locationID string, allow bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustLocationLocked(locationID).allowDuplicates = allow
}

// AddBusiness adds a business (company record of a contact) to a location
// and returns its ID, a 24-hex-character ObjectID as HighLevel uses for
// businesses. It is Store(locationID).Put("businesses", {"name": name}).
// It panics if the location is unknown.
func (s *Server) AddBusiness(locationID, name string) string {
	return s.Store(locationID).Put("businesses", map[string]any{"name": name})
}
