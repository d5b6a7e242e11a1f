package ghltest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

var (
	firstNames = []string{"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
		"William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Karen", "Daniel", "Nancy",
		"Matthew", "Lisa", "Anthony", "Betty", "Mark", "Sandra", "Priya", "Ashley", "Wei", "Emily", "Ahmed", "Olivia", "Lucas", "Sofia"}
	lastNames = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
		"Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez",
		"Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Patel", "Nguyen", "Kim", "Chen", "Okafor"}
	cities = []struct{ city, state, postal, tz string }{
		{"Austin", "TX", "78701", "America/Chicago"}, {"Denver", "CO", "80202", "America/Denver"},
		{"Seattle", "WA", "98101", "America/Los_Angeles"}, {"Miami", "FL", "33101", "America/New_York"},
		{"Chicago", "IL", "60601", "America/Chicago"}, {"Phoenix", "AZ", "85001", "America/Phoenix"},
		{"Boston", "MA", "02108", "America/New_York"}, {"Portland", "OR", "97201", "America/Los_Angeles"},
		{"Nashville", "TN", "37201", "America/Chicago"}, {"Atlanta", "GA", "30301", "America/New_York"},
	}
	streets   = []string{"Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Elm St", "Pine Rd", "1st St N", "Lakeview Blvd", "Sunset Ave"}
	companies = []string{"Acme Corp", "Globex", "Initech", "Umbrella LLC", "Stark Industries", "Wayne Enterprises", "Hooli", "Vandelay Industries", ""}
	seedTags  = []string{"lead", "customer", "vip", "newsletter", "webinar", "referral", "cold", "hot", "facebook-ad", "trial"}
	sources   = []string{"public api", "website form", "facebook", "referral", "import", "chat widget"}
)

func fakeAddress(r *rand.Rand) string {
	c := cities[r.IntN(len(cities))]
	return fmt.Sprintf("%d %s, %s, %s %s, USA", 10+r.IntN(9000), streets[r.IntN(len(streets))], c.city, c.state, c.postal)
}

// SeedContacts creates n realistic contacts in a location and returns their
// IDs in creation order. The data comes from the server's seeded generator
// (see [WithSeed]), so it is deterministic for a given seed and sequence of
// calls. Emails and phones are distinct (and distinct from the location's
// existing contacts); dateAdded strictly increases from about n minutes
// before now up to just before now, so seeded contacts sort before contacts
// created afterwards. Each contact has 0-3 tags from a small vocabulary
// ("lead", "customer", "vip", ...). It panics if the location is unknown.
func (s *Server) SeedContacts(locationID string, n int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	loc := s.mustLocationLocked(locationID)
	r := s.rng
	now := s.now()
	base := now.Add(-time.Duration(n+1) * time.Minute).UnixMilli()
	ids := make([]string, 0, n)
	for i := 0; i < n; i++ {
		first := firstNames[r.IntN(len(firstNames))]
		last := lastNames[r.IntN(len(lastNames))]
		email := fmt.Sprintf("%s.%s%d@example.com", strings.ToLower(first), strings.ToLower(last), i+1)
		for k := 2; loc.findByEmail(email) != nil; k++ {
			email = fmt.Sprintf("%s.%s%d.%d@example.com", strings.ToLower(first), strings.ToLower(last), i+1, k)
		}
		phone := fmt.Sprintf("+1555%07d", (i*7919+r.IntN(7919))%10000000)
		for loc.findByPhone(phone) != nil {
			phone = fmt.Sprintf("+1555%07d", r.IntN(10000000))
		}
		c := cities[r.IntN(len(cities))]
		var tags []string
		for k := r.IntN(4); k > 0; k-- {
			tags = addTags(tags, []string{seedTags[r.IntN(len(seedTags))]})
		}
		added := time.UnixMilli(base + int64(i)*60000 + int64(r.IntN(59000))).UTC()
		d := contactDoc{
			FirstName:   first,
			LastName:    last,
			Name:        first + " " + last,
			Email:       email,
			Phone:       phone,
			CompanyName: companies[r.IntN(len(companies))],
			Timezone:    c.tz,
			Source:      sources[r.IntN(len(sources))],
			Address1:    fmt.Sprintf("%d %s", 10+r.IntN(9000), streets[r.IntN(len(streets))]),
			City:        c.city,
			State:       c.state,
			Country:     "US",
			PostalCode:  c.postal,
			Tags:        tags,
			DateAdded:   formatTime(added),
		}
		d.FirstNameLowerCase = strings.ToLower(first)
		d.LastNameLowerCase = strings.ToLower(last)
		d.FullNameLowerCase = strings.ToLower(first + " " + last)
		d.EmailLowerCase = strings.ToLower(email)
		ids = append(ids, s.newContactLocked(loc, d, now).doc.ID)
	}
	return ids
}
