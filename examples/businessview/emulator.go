package main

import (
	"time"

	"github.com/salesnexus/ghl-go/ghltest"
)

// startEmulator starts ghltest in-process and seeds a location with a
// business, four of its contacts, and for them tasks, notes, appointments on
// a calendar and opportunities in the seeded sales pipeline. Some records
// are there to be left out: a completed task, an old note, a past and a
// deleted appointment, a won opportunity, and a contact of no business.
func startEmulator() (*ghltest.Server, *ghltest.Location, string) {
	srv := ghltest.NewServer()
	loc := srv.CreateLocation("SalesNexus Demo")
	st := srv.Store(loc.ID)
	biz := st.Put("businesses", map[string]any{
		"name": "Acme Corp", "city": "Austin", "state": "TX", "phone": "+15125550100",
		"email": "hello@acme.example", "website": "https://acme.example",
		"description": "Industrial anvils, since 1949.",
	})
	cal := st.Put("calendars", map[string]any{"name": "Sales calls", "slotDuration": 30, "slotDurationUnit": "mins"})
	pipeline := srv.Pipelines(loc.ID)[0] // "Sales Pipeline"
	stages := pipeline["stages"].([]any)
	stage := func(i int) any { return stages[i].(map[string]any)["id"] }

	now := time.Now().UTC().Truncate(time.Minute)
	ago := func(d time.Duration) string { return now.Add(-d).Format(time.RFC3339) }
	contact := func(first, last, email string) string {
		return srv.AddContact(loc.ID, map[string]any{
			"firstName": first, "lastName": last, "email": email, "businessId": biz,
		})
	}
	appointment := func(contactID, title string, start time.Time, extra map[string]any) {
		f := map[string]any{"calendarId": cal, "title": title, "appointmentStatus": "confirmed",
			"startTime": start.Format(time.RFC3339), "endTime": start.Add(30 * time.Minute).Format(time.RFC3339)}
		for k, v := range extra {
			f[k] = v
		}
		srv.AddAppointment(loc.ID, contactID, f)
	}
	day := 24 * time.Hour

	jane := contact("Jane", "Doe", "jane.doe@acme.example")
	srv.AddTask(loc.ID, jane, map[string]any{"title": "Send the renewal quote", "dueDate": ago(-2 * day)})
	srv.AddTask(loc.ID, jane, map[string]any{"title": "Intro call", "completed": true})
	for i, body := range []string{"First contact at the trade fair.", "Asked for volume pricing.",
		"Discussed renewal pricing.", "Wants the quote before Friday."} {
		srv.AddNote(loc.ID, jane, map[string]any{"body": body, "dateAdded": ago(time.Duration(10-i) * day)})
	}
	appointment(jane, "Renewal review", now.Add(3*day), nil)
	appointment(jane, "Kickoff meeting", now.Add(-30*day), nil)
	srv.AddOpportunity(loc.ID, map[string]any{"name": "Renewal 2026", "contactId": jane, "monetaryValue": 12000,
		"pipelineId": pipeline["id"], "pipelineStageId": stage(2)})
	srv.AddOpportunity(loc.ID, map[string]any{"name": "First order", "contactId": jane, "monetaryValue": 3000,
		"pipelineId": pipeline["id"], "pipelineStageId": stage(4), "status": "won"})

	john := contact("John", "Smith", "john.smith@acme.example")
	srv.AddTask(loc.ID, john, map[string]any{"title": "Check the onboarding checklist", "dueDate": ago(-day)})
	srv.AddNote(loc.ID, john, map[string]any{"body": "Prefers email over calls.", "dateAdded": ago(day)})
	appointment(john, "Cancelled demo", now.Add(2*day), map[string]any{"deleted": true})

	ana := contact("Ana", "Lopez", "ana.lopez@acme.example")
	appointment(ana, "Site visit", now.Add(5*day), nil)
	srv.AddOpportunity(loc.ID, map[string]any{"name": "Second warehouse", "contactId": ana, "monetaryValue": 45000,
		"pipelineId": pipeline["id"], "pipelineStageId": stage(1)})

	contact("Li", "Wei", "li.wei@acme.example") // nothing yet

	srv.AddContact(loc.ID, map[string]any{"firstName": "Sam", "lastName": "Elsewhere", "email": "sam@other.example"})
	return srv, loc, biz
}
