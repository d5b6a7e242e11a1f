package ghl

import (
	"context"
	"errors"
)

// ContactQuery identifies one contact for [ContactsService.Find]: by ID, or
// by email or phone within a location. Set ID, or LocationID with Email
// and/or Phone.
type ContactQuery struct {
	ID         string
	LocationID string
	Email      string
	// Phone is best sent in E.164 form, such as "+15555550123".
	Phone string
}

var opContactsFind = &operation{Name: "Contacts.Find"}

// Find returns the contact q identifies, or nil (with no error) when there is
// none. HighLevel has no single "find" endpoint: an ID is looked up with
// [ContactsService.Get] (a 404 becomes nil), an email or phone with
// [ContactsService.FindDuplicate], which follows the location's "Allow
// Duplicate Contact" setting (email first, then phone).
//
// API docs: https://marketplace.gohighlevel.com/docs/ghl/contacts/get-contact
// and https://marketplace.gohighlevel.com/docs/ghl/contacts/get-duplicate-contact
func (s *ContactsService) Find(ctx context.Context, q ContactQuery) (*Contact, *Response, error) {
	switch {
	case q.ID != "":
		c, resp, err := s.Get(ctx, q.ID)
		if errors.Is(err, ErrNotFound) {
			return nil, resp, nil
		}
		return c, resp, err
	case q.Email == "" && q.Phone == "":
		return nil, nil, &ArgError{Operation: opContactsFind.Name, Arg: "query", Reason: "needs an ID, an email or a phone"}
	case q.LocationID == "":
		return nil, nil, missing(opContactsFind, "locationId")
	}
	dup, resp, err := s.FindDuplicate(ctx, q.LocationID, &DuplicateSearchOptions{Email: q.Email, Number: q.Phone})
	if err != nil || dup == nil {
		return nil, resp, err
	}
	return dup.Contact, resp, nil
}
