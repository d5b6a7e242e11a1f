package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"time"

	"github.com/salesnexus/ghl-go/ghltest"
)

// seedDemo fills a location with a small, realistic set of records of every
// category, linked as a real account's are: businesses and their contacts,
// users, contacts with tasks, notes, conversations and appointments,
// calendars in a group, opportunities in the seeded pipelines, workflows,
// campaigns, custom fields and values, tags, templates, a custom
// subscription subtype, an association with a relation, blogs, and
// snapshots (with a push to the location) in its company.
func seedDemo(srv *ghltest.Server, loc *ghltest.Location) {
	st, co := srv.Store(loc.ID), srv.Store(loc.CompanyID)
	acme := srv.AddBusiness(loc.ID, "Acme Corp")
	globex := srv.AddBusiness(loc.ID, "Globex")

	for _, u := range []struct{ first, last, email, role string }{
		{"Olivia", "Owner", "olivia@acme-plumbing.example", "admin"},
		{"Sam", "Sales", "sam@acme-plumbing.example", "user"},
		{"Dana", "Dispatch", "dana@acme-plumbing.example", "user"},
	} {
		co.Put("users", map[string]any{"firstName": u.first, "lastName": u.last, "email": u.email,
			"roles": map[string]any{"type": "account", "role": u.role, "locationIds": []any{loc.ID}}})
	}

	for _, t := range []string{"vip", "lead", "customer"} {
		st.Put("tags", map[string]any{"name": t})
	}
	st.Put("customFields", map[string]any{"name": "Pin Code", "dataType": "TEXT", "model": "contact"})
	st.Put("customFields", map[string]any{"name": "Budget", "dataType": "MONETORY", "model": "opportunity"})
	st.Put("customValues", map[string]any{"name": "Office Phone", "value": "+18885550100"})

	people := []map[string]any{
		{"firstName": "Rosa", "lastName": "Diaz", "email": "rosa.diaz@example.com", "phone": "+15125550101",
			"tags": []any{"vip", "customer"}, "businessId": acme, "companyName": "Acme Corp", "source": "referral"},
		{"firstName": "Ken", "lastName": "Adams", "email": "ken.adams@example.com", "phone": "+15125550102",
			"tags": []any{"lead"}, "businessId": acme, "companyName": "Acme Corp", "source": "website form"},
		{"firstName": "Mei", "lastName": "Chen", "email": "mei.chen@example.com", "phone": "+15125550103",
			"tags": []any{"customer"}, "businessId": globex, "companyName": "Globex", "source": "facebook"},
		{"firstName": "Tom", "lastName": "Okafor", "email": "tom.okafor@example.com", "phone": "+15125550104",
			"tags": []any{"lead"}, "source": "chat widget"},
	}
	contacts := make([]string, len(people))
	for i, p := range people {
		contacts[i] = srv.AddContact(loc.ID, p)
		srv.AddTask(loc.ID, contacts[i], map[string]any{"title": "Follow up with " + p["firstName"].(string)})
		srv.AddNote(loc.ID, contacts[i], map[string]any{"body": "Asked about a quote for " + []string{"a boiler", "a leak", "a bathroom", "gutters"}[i]})
	}
	srv.SeedConversation(loc.ID, contacts[0])
	srv.SeedConversation(loc.ID, contacts[1])

	group := st.Put("calendarGroups", map[string]any{"name": "Sales Team", "slug": "sales-team", "description": "Quotes and site visits"})
	weekdays := []any{map[string]any{"daysOfTheWeek": []any{1, 2, 3, 4, 5},
		"hours": []any{map[string]any{"openHour": 9, "openMinute": 0, "closeHour": 17, "closeMinute": 0}}}}
	cal := st.Put("calendars", map[string]any{"name": "Site Visits", "groupId": group, "slug": "site-visits",
		"slotDuration": 60, "slotInterval": 60, "openHours": weekdays})
	st.Put("calendars", map[string]any{"name": "Phone Consults", "groupId": group, "slug": "phone-consults", "openHours": weekdays})
	day := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
	for i, c := range contacts[:2] {
		start := day.Add(time.Duration(15+i) * time.Hour)
		srv.AddAppointment(loc.ID, c, map[string]any{"calendarId": cal, "title": "Site visit",
			"startTime": start.Format(time.RFC3339), "endTime": start.Add(time.Hour).Format(time.RFC3339)})
	}

	pipe := srv.Pipelines(loc.ID)[0]
	stages, _ := pipe["stages"].([]any)
	for i, o := range []struct {
		name, status string
		value        float64
	}{{"Boiler replacement", "open", 4200}, {"Leak repair", "won", 350}, {"Bathroom remodel", "lost", 12000}} {
		stage, _ := stages[min(i, len(stages)-1)].(map[string]any)
		srv.AddOpportunity(loc.ID, map[string]any{"name": o.name, "status": o.status, "monetaryValue": o.value,
			"pipelineId": pipe["id"], "pipelineStageId": stage["id"], "contactId": contacts[i]})
	}

	st.Put("workflows", map[string]any{"name": "New lead nurture", "status": "published"})
	st.Put("workflows", map[string]any{"name": "Review request", "status": "draft"})
	st.Put("campaigns", map[string]any{"name": "Spring tune-up", "status": "published"})
	st.Put("campaigns", map[string]any{"name": "Winter check", "status": "draft"})

	st.Put("templates", map[string]any{"name": "Appointment reminder", "type": "sms",
		"template": map[string]any{"body": "Hi {{contact.first_name}}, see you tomorrow!", "attachments": []any{}}})
	st.Put("templates", map[string]any{"name": "Quote follow-up", "type": "email",
		"template": map[string]any{"subject": "Your quote", "html": "<p>Here is your quote.</p>", "attachments": []any{}}})
	st.Put("customSubtypes", map[string]any{"name": "Newsletter", "channel": "email", "language": "en"})

	assoc := st.Put("associations", map[string]any{"key": "referred_by", "firstObjectLabel": "referrer", "firstObjectKey": "contact",
		"secondObjectLabel": "referral", "secondObjectKey": "contact"})
	st.Put("relations", map[string]any{"associationId": assoc, "firstRecordId": contacts[0], "secondRecordId": contacts[3]})

	snap := co.Put("snapshots", map[string]any{"name": "Home Services Starter"})
	co.Put("snapshots", map[string]any{"name": "Marketplace HVAC", "type": "imported"})
	co.Put("snapshotPushes", map[string]any{"snapshotId": snap, "locationId": loc.ID, "status": "completed",
		"completed": []any{"workflows", "funnels", "custom_fields"}})

	// Blogs are seeded by the emulator on a location's first blog request.
	req := httptest.NewRequest("GET", "/blogs/site/all?locationId="+loc.ID+"&skip=0&limit=10", nil)
	req.Header.Set("Authorization", "Bearer "+loc.Token)
	req.Header.Set("Version", "2021-07-28")
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		panic(fmt.Sprintf("seeding blogs: %d %s", rec.Code, rec.Body))
	}
}

// summary lists the records of every kind in a store, "kind=n" sorted by
// kind, for the printed location lines.
func summary(st *ghltest.Store) string {
	kinds := st.Kinds()
	sort.Strings(kinds)
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%s=%d", k, len(st.List(k))))
	}
	return strings.Join(parts, " ")
}
