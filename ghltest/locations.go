package ghltest

import (
	"net/http"
	"slices"
	"strings"
)

// Locations (sub-accounts) and companies (agencies) as resources of
// apps/locations.json and apps/companies.json. They are the scopes of the
// generic store, so they keep their own structs; these handlers render
// them with the spec's field names.

// locationFields are the optional fields of CreateLocationDto and
// UpdateLocationDto kept as sent (name and address live in the struct).
var locationFields = parseFields("phone:string city:string state:string country:string postalCode:string " +
	"website:string timezone:string prospectInfo:object settings:object social:object snapshotId:string")

// Keys of the answers: GetLocationByIdSchema, CreateLocationSuccessfulResponseDto
// and GetLocationSchema (search).
var (
	locationByIDKeys = strings.Fields("id companyId name domain address city state logoUrl country postalCode " +
		"website timezone firstName lastName email phone business social settings reseller")
	locationCreatedKeys = strings.Fields("id companyId name phone email address city state domain country " +
		"postalCode website timezone settings social")
	locationSearchKeys = strings.Fields("id name phone email address city state country postalCode website timezone settings social")
)

// render returns the location's document limited to keys.
func (loc *location) render(keys []string) map[string]any {
	settings := map[string]any{}
	if v, ok := loc.doc["settings"].(map[string]any); ok {
		settings = cloneJSON(v).(map[string]any)
	}
	settings["allowDuplicateContact"] = loc.allowDuplicates
	all := map[string]any{"id": loc.id, "companyId": loc.companyID, "name": loc.name, "address": loc.address, "settings": settings}
	for k, v := range loc.doc {
		if _, set := all[k]; !set {
			all[k] = v
		}
	}
	if p, ok := loc.doc["prospectInfo"].(map[string]any); ok {
		for _, k := range []string{"firstName", "lastName", "email"} {
			if v, ok := p[k]; ok {
				all[k] = v
			}
		}
	}
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		if v, ok := all[k]; ok {
			out[k] = v
		}
	}
	return out
}

// applyLocation validates a create or update body into loc.
func applyLocation(loc *location, m map[string]any) []string {
	var errs []string
	for _, f := range parseFields("name:string address:string") {
		if v, ok := m[f.name]; ok && v != nil && !hasType(v, f.typ) {
			errs = append(errs, typeMessage(f.name, f.typ))
		}
	}
	doc := cloneJSON(loc.doc).(map[string]any)
	k := kind{fields: locationFields}
	errs = append(errs, applyFields(&k, doc, m)...)
	if len(errs) > 0 {
		return errs
	}
	if v, ok := m["name"].(string); ok && v != "" {
		loc.name = v
	}
	if v, ok := m["address"].(string); ok {
		loc.address = v
	}
	if st, ok := doc["settings"].(map[string]any); ok {
		if b, ok := st["allowDuplicateContact"].(bool); ok {
			loc.allowDuplicates = b
		}
	}
	loc.doc = doc
	return nil
}

func (s *Server) registerLocationRoutes() {
	s.handle("POST", "/locations/", s.createLocation)
	s.handle("GET", "/locations/search", s.searchLocations)
	s.handle("GET", "/locations/{locationId}", s.getLocation)
	s.handle("PUT", "/locations/{locationId}", s.updateLocation)
	s.handle("DELETE", "/locations/{locationId}", s.deleteLocation)
	s.handle("GET", "/companies/{companyId}", s.getCompany)
}

// locationAccessLocked resolves {locationId} for a location token (its own
// location only, else 403) or an agency token (its company's locations,
// else 404 "Location not found").
func (c *reqCtx) locationAccessLocked() *location {
	id := c.param("locationId")
	if c.p.kind == kindLocation && !c.checkLocation(id) {
		return nil
	}
	loc := c.s.st.locations[id]
	if loc == nil || loc.companyID != c.p.companyID {
		c.notFound("Location not found")
		return nil
	}
	return loc
}

func (s *Server) createLocation(c *reqCtx) {
	m, ok := c.validBody()
	if !ok || !bodyCompany(c, m) {
		return
	}
	probe := &location{doc: map[string]any{}}
	if errs := applyLocation(probe, m); errs != nil {
		c.unprocessable(errs...)
		return
	}
	l := s.AddLocation(Location{Name: probe.name, CompanyID: c.p.companyID, Address: probe.address})
	s.mu.Lock()
	defer s.mu.Unlock()
	loc := s.st.locations[l.ID]
	loc.doc, loc.allowDuplicates = probe.doc, probe.allowDuplicates
	c.json(http.StatusOK, loc.render(locationCreatedKeys))
}

func (s *Server) getLocation(c *reqCtx) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if loc := c.locationAccessLocked(); loc != nil {
		c.json(http.StatusOK, map[string]any{"location": loc.render(locationByIDKeys)})
	}
}

func (s *Server) updateLocation(c *reqCtx) {
	m, ok := c.validBody()
	if !ok || !bodyCompany(c, m) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc := c.locationAccessLocked()
	if loc == nil {
		return
	}
	if errs := applyLocation(loc, m); errs != nil {
		c.unprocessable(errs...)
		return
	}
	c.json(http.StatusOK, loc.render(locationCreatedKeys))
}

// deleteLocation removes the location, its contacts and its tokens.
func (s *Server) deleteLocation(c *reqCtx) {
	if !c.validQuery() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc := c.locationAccessLocked()
	if loc == nil {
		return
	}
	for _, ct := range slices.Clone(loc.contacts) {
		s.deleteContactLocked(loc, ct)
	}
	for tok, p := range s.st.tokens {
		if p.kind == kindLocation && p.locationID == loc.id {
			delete(s.st.tokens, tok)
		}
	}
	delete(s.st.locations, loc.id)
	if co := s.st.companies[loc.companyID]; co != nil {
		co.locations = slices.DeleteFunc(co.locations, func(l *location) bool { return l == loc })
	}
	c.json(http.StatusOK, map[string]any{"success": true, "message": "Deleted location with id: " + loc.id})
}

// searchLocations is GET /locations/search: the company's locations (a
// location token sees its own), filtered by email, in creation order
// (order=desc reverses it), paged by skip and limit (default 10).
func (s *Server) searchLocations(c *reqCtx) {
	q := c.q()
	if id := q.Get("companyId"); id != "" && !c.checkCompany(id) {
		return
	}
	email := q.Get("email")
	s.mu.RLock()
	defer s.mu.RUnlock()
	var locs []*location
	for _, loc := range s.st.companies[c.p.companyID].locations {
		if c.p.kind == kindLocation && loc.id != c.p.locationID {
			continue
		}
		if e, _ := loc.render([]string{"email"})["email"].(string); email == "" || strings.EqualFold(e, email) {
			locs = append(locs, loc)
		}
	}
	if q.Get("order") == "desc" {
		slices.Reverse(locs)
	}
	skip, ok := c.stringParamInt("skip", 0)
	if !ok {
		return
	}
	limit, ok := c.stringParamInt("limit", 10)
	if !ok {
		return
	}
	skip = min(skip, len(locs))
	out := []map[string]any{}
	for _, loc := range locs[skip:min(skip+limit, len(locs))] {
		out = append(out, loc.render(locationSearchKeys))
	}
	c.json(http.StatusOK, map[string]any{"locations": out})
}

// getCompany is GET /companies/{companyId} for the agency token's company.
func (s *Server) getCompany(c *reqCtx) {
	id := c.param("companyId")
	if !c.checkCompany(id) {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	co := s.st.companies[id]
	c.json(http.StatusOK, map[string]any{"company": map[string]any{"id": co.id, "name": co.name, "locationCount": len(co.locations)}})
}
