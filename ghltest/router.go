package ghltest

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
)

//go:generate go run ./internal/routegen -spec ../../shared/ghl-openapi -out routes_gen.go

// authClass is the kind of token an operation accepts (HighLevel's
// security schemes).
type authClass int

const (
	locationOnly authClass = iota // Sub-Account (Location) token or PIT
	companyOnly                   // Agency (Company) token
	anyToken                      // either
)

// specOp is one operation of the generated table (routes_gen.go); see the
// comment on specOps for the fields. Lists are space-separated.
type specOp struct {
	file, method, path, opID, versions, security, scopes, query, body, bodyFields string
}

// field is a required query parameter or body field and its JSON type.
type field struct{ name, typ string }

// route is an operation of the table, compiled for routing.
type route struct {
	op       *specOp
	segs     []string // literal segments, or "{name}" parameters
	names    []string // the parameter names, left to right
	class    authClass
	versions []string
	scopes   []string // checked against the token's (scopes.go)
	query    []field
	body     []field
}

// declares reports whether the spec declares Version v for the route.
func (rt *route) declares(v string) bool {
	for _, d := range rt.versions {
		if d == v {
			return true
		}
	}
	return false
}

// maxSegs bounds the number of path segments a route may have (the specs'
// deepest has 7); longer request paths match nothing.
const maxSegs = 12

// maxParams bounds the path parameters of a route (the specs have at most 3).
const maxParams = 6

// node is a segment trie node. Routes hang on the node of their last
// segment, by method.
type node struct {
	lit   map[string]*node
	param *node
	leaf  [nMethods]int32 // route index + 1, 0 if none
}

const nMethods = 5

func methodIndex(m string) int {
	switch m {
	case http.MethodGet:
		return 0
	case http.MethodPost:
		return 1
	case http.MethodPut:
		return 2
	case http.MethodPatch:
		return 3
	case http.MethodDelete:
		return 4
	}
	return -1
}

// routeTable is the compiled table, shared by every Server (it is immutable).
type routeTable struct {
	routes []route
	root   node
	byKey  map[string]int // "METHOD /path" (no trailing slash) → index
}

// table returns the route table compiled from specOps.
var table = sync.OnceValue(func() *routeTable { return buildTable(specOps[:]) })

func routeKey(method, path string) string {
	return method + " /" + strings.Trim(path, "/")
}

// buildTable compiles a table of operations. It panics on a table the router cannot
// serve unambiguously (two operations of one method and shape), which the
// tests would catch at once.
func buildTable(ops []specOp) *routeTable {
	t := &routeTable{routes: make([]route, len(ops)), byKey: make(map[string]int, len(ops))}
	for i := range ops {
		op := &ops[i]
		rt := &t.routes[i]
		rt.op = op
		rt.segs = splitPath(op.path)
		rt.class = classOf(strings.Fields(op.security))
		rt.versions = strings.Fields(op.versions)
		rt.scopes = routeScopes(op)
		rt.query = parseFields(op.query)
		rt.body = parseFields(op.bodyFields)
		if len(rt.segs) > maxSegs {
			panic("ghltest: route too deep: " + op.path)
		}
		n := &t.root
		for _, sg := range rt.segs {
			if isParam(sg) {
				rt.names = append(rt.names, sg[1:len(sg)-1])
				if n.param == nil {
					n.param = &node{}
				}
				n = n.param
				continue
			}
			if n.lit == nil {
				n.lit = map[string]*node{}
			}
			next := n.lit[sg]
			if next == nil {
				next = &node{}
				n.lit[sg] = next
			}
			n = next
		}
		if len(rt.names) > maxParams {
			panic("ghltest: too many path parameters: " + op.path)
		}
		m := methodIndex(op.method)
		if m < 0 {
			panic("ghltest: unsupported method " + op.method + " " + op.path)
		}
		if prev := n.leaf[m]; prev != 0 {
			panic("ghltest: ambiguous routes: " + op.method + " " + op.path + " and " + t.routes[prev-1].op.path)
		}
		n.leaf[m] = int32(i + 1)
		t.byKey[routeKey(op.method, op.path)] = i
	}
	return t
}

// classOf derives the token class from an operation's security schemes.
// bearer and Location-Access(-Only) take location tokens, Agency-Access(-Only)
// agency tokens; an operation listing both takes either. Operations that
// declare no security (16 of them, e.g. POST /contacts/bulk/business) are
// Sub-Account operations, as the platform notes say of everything not
// listed as agency or either (ghl-platform.md §1.5).
func classOf(schemes []string) authClass {
	loc, agency := false, false
	for _, s := range schemes {
		if strings.HasPrefix(s, "Agency-Access") {
			agency = true
		} else {
			loc = true
		}
	}
	switch {
	case loc && agency:
		return anyToken
	case agency:
		return companyOnly
	}
	return locationOnly
}

func parseFields(s string) []field {
	var out []field
	for _, f := range strings.Fields(s) {
		name, typ, _ := strings.Cut(f, ":")
		out = append(out, field{name, typ})
	}
	return out
}

func isParam(seg string) bool {
	return len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}'
}

// handle gives the operation of the table with this method and path template
// (a trailing slash does not matter) its behaviour. The token class comes
// from the table. It panics for an operation the table does not have or one
// registered twice.
func (s *Server) handle(method, pattern string, h func(*reqCtx)) {
	i, ok := table().byKey[routeKey(method, pattern)]
	if !ok {
		panic("ghltest: no such operation in the specs: " + method + " " + pattern)
	}
	if s.handlers[i] != nil {
		panic("ghltest: operation registered twice: " + method + " " + pattern)
	}
	s.handlers[i] = h
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match finds the route for method and an escaped request path. Matching
// is by segments; at each segment a literal beats a parameter, so the route
// with the most literal segments, counted left to right, wins, whatever the
// order of the table. It appends the decoded parameters as name, value pairs
// to dst and returns them; it returns -1 if no route matches.
func (t *routeTable) match(method, escapedPath string, dst []string) (int, []string) {
	m := methodIndex(method)
	if m < 0 {
		return -1, dst
	}
	p := strings.Trim(escapedPath, "/")
	var segs [maxSegs]string
	n := 0
	for p != "" {
		if n == maxSegs {
			return -1, dst
		}
		seg, rest, _ := strings.Cut(p, "/")
		d, err := url.PathUnescape(seg)
		if err != nil {
			return -1, dst
		}
		segs[n] = d
		n++
		p = rest
	}
	var vals [maxParams]string
	i := t.root.find(m, segs[:n], &vals, 0)
	if i < 0 {
		return -1, dst
	}
	for j, name := range t.routes[i].names {
		dst = append(dst, name, vals[j])
	}
	return i, dst
}

// find matches segs below n, trying the literal child before the parameter
// child at each level (backtracking when a branch has no route).
func (n *node) find(m int, segs []string, vals *[maxParams]string, nv int) int {
	if len(segs) == 0 {
		return int(n.leaf[m]) - 1
	}
	if c := n.lit[segs[0]]; c != nil {
		if i := c.find(m, segs[1:], vals, nv); i >= 0 {
			return i
		}
	}
	if n.param != nil && segs[0] != "" && nv < maxParams {
		vals[nv] = segs[0]
		return n.param.find(m, segs[1:], vals, nv+1)
	}
	return -1
}

// validVersions are the published values of the Version header.
var validVersions = map[string]bool{
	"2021-04-15": true,
	"2021-07-28": true,
	"2023-02-21": true,
	"v3":         true,
	"legacy":     true,
}

// Messages of the 401 responses. See the package documentation.
const (
	msgInvalidToken   = "Invalid token: access token is invalid"
	msgExpiredToken   = "Invalid JWT: access token has expired"
	msgNoVersion      = "version header was not found."
	msgBadVersion     = "version header is invalid"
	msgWrongAuthClass = "This authClass type is not allowed to access this scope. Please reach out to the Platform team to get it added."
)

// bearerToken returns the token of an "Authorization: Bearer <token>"
// header, or "".
func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// process runs the emulated API for one request: OAuth token endpoint, or
// authentication, rate limiting, Version check, routing and the handler (or,
// for an operation without behaviour, the generic validation and the spec's
// example).
func (s *Server) process(c *reqCtx) {
	r := c.r
	if strings.TrimSuffix(r.URL.Path, "/") == "/oauth/token" {
		if r.Method != http.MethodPost {
			c.notFound("Cannot " + r.Method + " " + r.URL.Path)
			return
		}
		c.header(BehaviourHeader, "state")
		s.oauthToken(c)
		return
	}
	p, expired := s.lookupToken(bearerToken(r))
	if p == nil {
		if expired {
			c.unauthorized(msgExpiredToken, true)
		} else {
			c.unauthorized(msgInvalidToken, true)
		}
		return
	}
	c.p = p
	st, ok := s.rl.take(p.rateKey(), s.now())
	c.rl, c.rlSet = st, true
	if !ok {
		s.counters.rateLimited.Add(1)
		c.fail(http.StatusTooManyRequests, "Too Many Requests", "")
		return
	}
	v := r.Header.Get("Version")
	if v == "" {
		c.unauthorized(msgNoVersion, false)
		return
	}
	t := table()
	i, params := t.match(r.Method, r.URL.EscapedPath(), c.pbuf[:0])
	var rt *route
	if i >= 0 {
		rt = &t.routes[i]
	}
	if !validVersions[v] && (rt == nil || !rt.declares(v)) {
		c.unauthorized(msgBadVersion, false)
		return
	}
	if rt == nil {
		c.notFound("Cannot " + r.Method + " " + r.URL.Path)
		return
	}
	if (rt.class == locationOnly && p.kind != kindLocation) || (rt.class == companyOnly && p.kind != kindCompany) {
		c.unauthorized(msgWrongAuthClass, true)
		return
	}
	if !p.allows(rt.scopes) {
		c.unauthorized(msgScope, false)
		return
	}
	c.rt, c.params = rt, params
	if h := s.handlers[i]; h != nil {
		c.header(BehaviourHeader, "state")
		h(c)
		return
	}
	c.fromSpec(rt, i)
}

func (s *Server) registerRoutes() {
	s.handlers = make([]func(*reqCtx), len(table().routes))
	s.registerContactRoutes()
	s.registerOAuthRoutes()
	s.registerCatalogRoutes()
}
