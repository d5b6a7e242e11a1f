package ghltest

import (
	"fmt"
	"slices"
	"strings"
)

// msgScope is the message of HighLevel's 401 for a token that lacks the
// operation's scope (ghl-platform.md §1.6: scope problems are 401, not 403,
// and the body has no "error" field).
const msgScope = "The token is not authorized for this scope."

// scopeFixes gives the scopes of operations whose spec declares none, where
// the platform notes say which one HighLevel checks (ghl-platform.md §8,
// [SPEC-GAP]). Keyed by routeKey.
var scopeFixes = map[string][]string{
	// Declares no security at all; the v3 scope of the conversations API.
	"GET /conversations/messages/email/{id}": {"conversations/message.readonly"},
	// Bulk contact writes that declare no security: they write contacts.
	"POST /contacts/bulk/tags/update/{type}": {"contacts.write"},
	"POST /contacts/bulk/business":           {"contacts.write"},
}

// routeScopes returns the scopes the emulator checks for an operation: the
// spec's, or the fix table's when the spec declares none.
func routeScopes(op *specOp) []string {
	if s := strings.Fields(op.scopes); len(s) > 0 {
		return s
	}
	return scopeFixes[routeKey(op.method, op.path)]
}

// allows reports whether the token may call an operation needing one of
// need. A token minted without scopes (nil) has them all, as every token did
// before scopes were enforced. A ".write" scope does not imply ".readonly":
// HighLevel lists the two as separate grants (an app asks for both, and the
// spec tags each GET with the readonly one only), and the platform notes
// record no implication, so the emulator grants exactly what was asked.
func (p *principal) allows(need []string) bool {
	if p.scopes == nil || len(need) == 0 {
		return true
	}
	for _, n := range need {
		if slices.Contains(p.scopes, n) {
			return true
		}
	}
	return false
}

// scopeString is the space-separated "scope" that token responses report.
func scopeString(scopes []string) string {
	if scopes == nil {
		return DefaultScope
	}
	return strings.Join(scopes, " ")
}

// normScopes copies scopes, splitting space-separated entries (the OAuth
// form) and dropping blanks and duplicates; none gives nil (every scope).
func normScopes(scopes []string) []string {
	var out []string
	for _, s := range scopes {
		for _, f := range strings.Fields(s) {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// TokenSpec describes a static token (PIT-like, never expires) for
// [Server.MintToken].
type TokenSpec struct {
	// Location is the ID of the location a location token is for.
	Location string
	// Company is the ID of the company an agency token is for; it is used
	// only when Location is empty.
	Company string
	// Scopes are the token's scopes, e.g. "contacts.readonly". A call to
	// an operation whose spec names scopes the token lacks answers 401
	// "The token is not authorized for this scope.". None grants every
	// scope, like [Server.IssueToken].
	Scopes []string
}

// MintToken mints a static token as spec says and returns it. It panics if
// the location or company is unknown, or if neither is given.
func (s *Server) MintToken(spec TokenSpec) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	scopes := normScopes(spec.Scopes)
	if spec.Location != "" {
		loc := s.mustLocationLocked(spec.Location)
		co := s.st.companies[loc.companyID]
		return s.staticTokenLocked(&principal{kind: kindLocation, locationID: loc.id, companyID: loc.companyID, userID: co.userID, scopes: scopes})
	}
	if spec.Company == "" {
		panic("ghltest: TokenSpec needs a Location or a Company")
	}
	co := s.st.companies[spec.Company]
	if co == nil {
		panic(fmt.Sprintf("ghltest: unknown company %q", spec.Company))
	}
	return s.staticTokenLocked(&principal{kind: kindCompany, companyID: co.id, userID: co.userID, scopes: scopes})
}

// SetAppScopes sets the scopes an app asks for when installed. Install
// codes made afterwards ([Server.AuthorizationCode]) grant them, and every
// token of that install (the code exchange, its refreshes and the location
// tokens minted with its agency token) carries them and reports them in
// "scope". Installs made before keep what they were granted, as on
// HighLevel, where new scopes need a reinstall. An app without scopes grants
// every scope. It panics if the app is unknown.
func (s *Server) SetAppScopes(clientID string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.apps[clientID]
	if a == nil {
		panic(fmt.Sprintf("ghltest: unknown app %q (call RegisterApp first)", clientID))
	}
	a.scopes = normScopes(scopes)
}
