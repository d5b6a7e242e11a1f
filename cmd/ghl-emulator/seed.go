package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"

	"github.com/salesnexus/ghl-go/ghltest"
)

// seedFileData is the seed file format (see the package documentation).
type seedFileData struct {
	Apps []struct {
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
	} `json:"apps"`
	Locations []seedLocation `json:"locations"`
}

type seedLocation struct {
	ID              string                  `json:"id"`
	Name            string                  `json:"name"`
	CompanyID       string                  `json:"companyId"`
	Token           string                  `json:"token"`
	AllowDuplicates bool                    `json:"allowDuplicates"`
	SeedContacts    int                     `json:"seedContacts"`
	Businesses      []struct{ Name string } `json:"businesses"`
	Contacts        []map[string]any        `json:"contacts"`
	// Records holds records of any kind of the generic store by kind
	// ("workflows", "campaigns", "customFields", "users", ...), as
	// ghltest's Store.Put takes them; users, snapshots and snapshotPushes
	// go to the location's company.
	Records map[string][]map[string]any `json:"records"`
}

// seeded is a location created from the seed, for printing.
type seeded struct {
	loc      *ghltest.Location
	contacts int
}

func loadSeed(path string) (*seedFileData, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var s seedFileData
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("seed file %s: %w", path, err)
	}
	if len(s.Locations) == 0 {
		return nil, fmt.Errorf("seed file %s: no locations", path)
	}
	for i, l := range s.Locations {
		if l.Name == "" {
			return nil, fmt.Errorf("seed file %s: locations[%d] has no name", path, i)
		}
		if l.SeedContacts < 0 {
			return nil, fmt.Errorf("seed file %s: locations[%d].seedContacts is negative", path, i)
		}
	}
	return &s, nil
}

// applySeed creates the seed's apps and locations. ghltest's seeding helpers
// panic on invalid input; the panics become errors here.
func applySeed(srv *ghltest.Server, s *seedFileData) (locs []seeded, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("seed: %v", r)
		}
	}()
	for _, a := range s.Apps {
		if a.ClientID == "" || a.ClientSecret == "" {
			return nil, errors.New("seed: apps need clientId and clientSecret")
		}
		srv.RegisterApp(a.ClientID, a.ClientSecret)
	}
	for _, sl := range s.Locations {
		loc := srv.AddLocation(ghltest.Location{ID: sl.ID, Name: sl.Name, CompanyID: sl.CompanyID, Token: sl.Token})
		srv.SetAllowDuplicates(loc.ID, sl.AllowDuplicates)
		businesses := map[string]string{}
		for _, b := range sl.Businesses {
			businesses[b.Name] = srv.AddBusiness(loc.ID, b.Name)
		}
		for _, kind := range slices.Sorted(maps.Keys(sl.Records)) {
			st := srv.Store(loc.ID)
			for _, rec := range sl.Records[kind] {
				switch kind {
				case "users":
					st = srv.Store(loc.CompanyID)
					if _, ok := rec["roles"]; !ok {
						rec["roles"] = map[string]any{"type": "account", "role": "user", "locationIds": []string{loc.ID}}
					}
				case "snapshots", "snapshotPushes":
					st = srv.Store(loc.CompanyID)
				}
				st.Put(kind, rec)
			}
		}
		if sl.SeedContacts > 0 {
			srv.SeedContacts(loc.ID, sl.SeedContacts)
		}
		for i, c := range sl.Contacts {
			fields := map[string]any{}
			var tasks, notes, appts []any
			for k, v := range c {
				switch k {
				case "tasks":
					tasks, _ = v.([]any)
				case "notes":
					notes, _ = v.([]any)
				case "appointments":
					appts, _ = v.([]any)
				case "businessName":
					name, _ := v.(string)
					id, ok := businesses[name]
					if !ok {
						return nil, fmt.Errorf("seed: location %q contact %d: unknown business %q", sl.Name, i, name)
					}
					fields["businessId"] = id
				default:
					fields[k] = v
				}
			}
			id := srv.AddContact(loc.ID, fields)
			for _, t := range tasks {
				m, _ := t.(map[string]any)
				srv.AddTask(loc.ID, id, m)
			}
			for _, n := range notes {
				m, _ := n.(map[string]any)
				srv.AddNote(loc.ID, id, m)
			}
			for _, a := range appts {
				m, _ := a.(map[string]any)
				srv.AddAppointment(loc.ID, id, m)
			}
		}
		locs = append(locs, seeded{loc: loc})
	}
	return locs, nil
}
