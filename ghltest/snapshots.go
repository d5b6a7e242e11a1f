package ghltest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Snapshots (apps/snapshots.json), in the company's store: the company's
// snapshots, share links made for them, and pushes of a snapshot to its
// locations (their status and assets). Snapshots and pushes are seeded with
// Store(companyID).Put("snapshots", ...) and Put("snapshotPushes",
// {snapshotId, locationId, status, completed, pending, dateAdded}); the
// API creates share links only.

var snapshotKind = &kind{
	name: "snapshots", many: "snapshots", notFound: "Snapshot not found",
	defaults: func(s *Server, d map[string]any) {
		setDefault(d, "name", "Snapshot")
		setDefault(d, "type", "own")
	},
}

var snapshotPushKind = &kind{
	name: "snapshotPushes", notFound: "Snapshot push not found",
	links: func(d map[string]any) []string { return []string{stringField(d, "snapshotId")} },
	defaults: func(s *Server, d map[string]any) {
		setDefault(d, "status", "completed")
		setDefault(d, "dateAdded", formatTime(s.now()))
		setDefault(d, "completed", []any{})
		setDefault(d, "pending", []any{})
	},
}

var snapshotShareKind = &kind{name: "snapshotShares", notFound: "Share link not found"}

// shareTypes are the share_type values of CreateSnapshotShareLinkRequestDTO.
var shareTypes = []string{"link", "permanent_link", "agency_link", "location_link"}

func init() {
	for _, k := range []*kind{snapshotKind, snapshotPushKind, snapshotShareKind} {
		kinds[k.name] = k
	}
}

func queryCompany(c *reqCtx, _ map[string]any) bool { return c.checkCompany(c.q().Get("companyId")) }

func (s *Server) registerSnapshotRoutes() {
	s.handle("GET", "/snapshots/", s.listH(op{k: snapshotKind, in: inTokenCompany, check: queryCompany}))
	s.handle("POST", "/snapshots/share/link", s.createShareLink)
	s.handle("GET", "/snapshots/snapshot-status/{snapshotId}", s.listSnapshotPushes)
	s.handle("GET", "/snapshots/snapshot-status/{snapshotId}/location/{locationId}", s.latestSnapshotPush)
}

// createShareLink is POST /snapshots/share/link?companyId: a share link of
// one of the company's snapshots → 201 {id, shareLink}. An unknown
// snapshot is 404; share_type must be one of shareTypes.
func (s *Server) createShareLink(c *reqCtx) {
	m, ok := c.validBody()
	if !ok || !queryCompany(c, nil) {
		return
	}
	var errs []string
	for _, f := range parseFields("snapshot_id:string share_type:string relationship_number:string share_location_id:string") {
		if v, sent := m[f.name]; sent && !hasType(v, f.typ) {
			errs = append(errs, typeMessage(f.name, f.typ))
		}
	}
	st := stringField(m, "share_type")
	if !slices.Contains(shareTypes, st) {
		errs = append(errs, "share_type must be one of the following values: "+strings.Join(shareTypes, ", "))
	}
	if stringField(m, "snapshot_id") == "" {
		errs = append(errs, "snapshot_id should not be empty")
	}
	if errs != nil {
		c.unprocessable(errs...)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	co := s.st.companies[c.p.companyID]
	if co == nil || co.res.peek(snapshotKind.name).get(stringField(m, "snapshot_id")) == nil {
		c.notFound(snapshotKind.notFound)
		return
	}
	d := map[string]any{"snapshotId": m["snapshot_id"], "shareType": st,
		"relationshipNumber": stringField(m, "relationship_number"), "shareLocationId": stringField(m, "share_location_id")}
	s.defaultsLocked(snapshotShareKind, co.id, d)
	d["shareLink"] = "https://affiliates.gohighlevel.com/?share=" + stringField(d, "id")
	co.res.tableLocked(snapshotShareKind.name).insert(&record{seq: s.nextSeqLocked(), doc: d})
	c.json(http.StatusCreated, map[string]any{"id": d["id"], "shareLink": d["shareLink"]})
}

// pushesLocked returns the pushes of the path's snapshot (404 for a snapshot
// the company does not have).
func (c *reqCtx) pushesLocked() ([]*record, bool) {
	co := c.s.st.companies[c.p.companyID]
	id := c.param("snapshotId")
	if co == nil || co.res.peek(snapshotKind.name).get(id) == nil {
		c.notFound(snapshotKind.notFound)
		return nil, false
	}
	return co.res.peek(snapshotPushKind.name).childrenOf(id), true
}

// listSnapshotPushes is GET /snapshots/snapshot-status/{snapshotId}: the
// snapshot's pushes whose dateAdded is within [from, to], oldest first,
// paged by lastDoc (the ID of the previous page's last push; any other
// value starts at the first) and limit →
// {"data":[{id, locationId, status, dateAdded}]}.
func (s *Server) listSnapshotPushes(c *reqCtx) {
	if !c.validQuery() || !queryCompany(c, nil) {
		return
	}
	q := c.q()
	from, okF := parseTimeLoose(q.Get("from"))
	to, okT := parseTimeLoose(q.Get("to"))
	var errs []string
	if !okF {
		errs = append(errs, "from must be a valid ISO 8601 date string")
	}
	if !okT {
		errs = append(errs, "to must be a valid ISO 8601 date string")
	}
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit < 1 {
		errs = append(errs, "limit must be a positive number string")
	}
	if errs != nil {
		c.unprocessable(errs...)
		return
	}
	if len(q.Get("to")) == len("2006-01-02") {
		to = to.AddDate(0, 0, 1).Add(-1) // a date "to" includes its whole day
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	pushes, ok := c.pushesLocked()
	if !ok {
		return
	}
	var in []*record
	for _, r := range pushes {
		if t, ok := parseTimeLoose(stringField(r.doc, "dateAdded")); ok && !t.Before(from) && !t.After(to) {
			in = append(in, r)
		}
	}
	// lastDoc is required; one that names no push of the range (the
	// first page) starts at the beginning.
	start := 0
	if i := slices.IndexFunc(in, func(r *record) bool { return r.id() == q.Get("lastDoc") }); i >= 0 {
		start = i + 1
	}
	page := in[start:min(start+limit, len(in))]
	out := make([]any, len(page))
	for i, r := range page {
		out[i] = project(r.doc, "id", "locationId", "status", "dateAdded")
	}
	c.json(http.StatusOK, map[string]any{"data": out})
}

// latestSnapshotPush is GET /snapshots/snapshot-status/{snapshotId}/
// location/{locationId}: the location's latest push of the snapshot, with
// its completed and pending assets → {"data":{...}}; 404 if the snapshot
// was never pushed there.
func (s *Server) latestSnapshotPush(c *reqCtx) {
	if !c.validQuery() || !queryCompany(c, nil) {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	pushes, ok := c.pushesLocked()
	if !ok {
		return
	}
	var latest *record
	for _, r := range pushes {
		if stringField(r.doc, "locationId") == c.param("locationId") &&
			(latest == nil || stringField(r.doc, "dateAdded") >= stringField(latest.doc, "dateAdded")) {
			latest = r
		}
	}
	if latest == nil {
		c.notFound(snapshotPushKind.notFound)
		return
	}
	c.json(http.StatusOK, map[string]any{"data": project(latest.doc, "id", "locationId", "status", "completed", "pending", "dateAdded")})
}
