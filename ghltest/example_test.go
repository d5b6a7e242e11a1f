package ghltest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/salesnexus/ghl-go/ghltest"
)

// This example starts an emulator, creates a location and calls the API
// with plain net/http, as any client would.
func Example() {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("Acme Plumbing")

	body := `{"locationId":"` + loc.ID + `","firstName":"Rosan","lastName":"Deo","email":"rosan@deos.com","phone":"+1 888-888-8888","tags":["VIP"]}`
	req, _ := http.NewRequest("POST", srv.URL+"/contacts/", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+loc.Token)
	req.Header.Set("Version", "2021-07-28")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()

	var out struct {
		Contact struct {
			ID    string   `json:"id"`
			Phone string   `json:"phone"`
			Tags  []string `json:"tags"`
		} `json:"contact"`
	}
	json.NewDecoder(resp.Body).Decode(&out)
	fmt.Println(resp.StatusCode, resp.Header.Get("X-RateLimit-Remaining"))
	fmt.Println(out.Contact.Phone, out.Contact.Tags)

	stored, _ := srv.Contact(loc.ID, out.Contact.ID)
	fmt.Println(stored["email"], len(srv.Requests()))
	// Output:
	// 201 99
	// +18888888888 [vip]
	// rosan@deos.com 1
}
