package ghl

import (
	"encoding/json"
	"fmt"
)

// The Contacts answers below say "succeded" (the spelling of the spec) and,
// on the live API, "succeeded" as well (witness payloads
// nango_delete_contact, nango_add_to_workflow, nango_upsert_contact). They
// read either, so that neither spelling's absence looks like a failure.

// ContactActionResult is the answer of [ContactsService.Delete],
// [ContactsService.DeleteTask], [ContactsService.DeleteNote],
// [ContactsService.AddToCampaign], [ContactsService.RemoveFromCampaign],
// [ContactsService.RemoveFromAllCampaigns], [ContactsService.AddToWorkflow]
// and [ContactsService.RemoveFromWorkflow].
type ContactActionResult struct {
	// Succeeded is true when the answer's "succeded" or "succeeded" is.
	Succeeded bool `json:"succeeded"`
	// TraceID is HighLevel's id for the request, for its support.
	TraceID string `json:"traceId,omitempty"`
}

// UnmarshalJSON reads "succeded", "succeeded" and "traceId". An answer with
// neither spelling is an error matching [ErrEmptyResponse]: {} is not "not
// done".
func (r *ContactActionResult) UnmarshalJSON(data []byte) error {
	var w struct {
		succeededKeys
		TraceID string `json:"traceId"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	if w.Succeded == nil && w.Succeeded == nil {
		return fmt.Errorf("%w: no \"succeded\" or \"succeeded\" in the answer", ErrEmptyResponse)
	}
	*r = ContactActionResult{Succeeded: w.ok(), TraceID: w.TraceID}
	return nil
}

// ContactUpsertResult is the answer of [ContactsService.Upsert].
type ContactUpsertResult struct {
	// New is true when a contact was created, false when one was updated.
	New bool `json:"new,omitempty"`
	// Succeeded is true when the answer's "succeded" or "succeeded" is.
	Succeeded bool     `json:"succeeded,omitempty"`
	Contact   *Contact `json:"contact,omitempty"`
	// TraceID is HighLevel's id for the request, for its support.
	TraceID string `json:"traceId,omitempty"`
}

// UnmarshalJSON reads the answer, with "succeded" or "succeeded".
func (r *ContactUpsertResult) UnmarshalJSON(data []byte) error {
	var w struct {
		succeededKeys
		New     bool     `json:"new"`
		Contact *Contact `json:"contact"`
		TraceID string   `json:"traceId"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*r = ContactUpsertResult{New: w.New, Succeeded: w.ok(), Contact: w.Contact, TraceID: w.TraceID}
	return nil
}

// succeededKeys holds both spellings of the success flag.
type succeededKeys struct {
	Succeded  *bool `json:"succeded"`
	Succeeded *bool `json:"succeeded"`
}

func (k succeededKeys) ok() bool {
	return (k.Succeded != nil && *k.Succeded) || (k.Succeeded != nil && *k.Succeeded)
}
