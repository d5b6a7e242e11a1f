package ghl

import (
	"bytes"
	"encoding/json"
)

// OpenHours is a calendar's standard availability: the open hours of each
// weekday. HighLevel sends a list, or {} for a calendar without standard
// hours (live answers of GET /calendars/{calendarId} do), which reads as an
// empty list.
//
// API docs: https://marketplace.gohighlevel.com/docs/ghl/calendars/get-calendar
type OpenHours []OpenHour

// UnmarshalJSON reads a list of open hours, or an object (no hours).
func (h *OpenHours) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		*h = OpenHours{}
		return nil
	}
	var list []OpenHour
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	*h = list
	return nil
}
