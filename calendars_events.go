package ghl

import (
	"context"
	"iter"
	"strconv"
	"time"
)

// EventsWindow is the span of one request of [CalendarsService.ListEventsIter].
// GET /calendars/events has no cursor: a range is read window by window.
const EventsWindow = 7 * 24 * time.Hour

// ListEventsIter yields the events (appointments) of a location's calendar,
// user or group (opts names which) from from up to to, reading the range in
// windows of [EventsWindow], one request each, in time order, lazily as the
// loop asks for more. An event that spans two windows is yielded once. It
// stops at the first error, which it yields; the page ceiling
// ([WithMaxPages]) ends it with a [*PageError]. opts is copied; it may be
// nil, but HighLevel requires one of its IDs.
//
// API docs: https://marketplace.gohighlevel.com/docs/ghl/calendars/get-calendar-events
func (s *CalendarsService) ListEventsIter(ctx context.Context, locationID string, from, to time.Time, opts *CalendarsListEventsOptions) iter.Seq2[*Event, error] {
	end := to.UnixMilli()
	var previous map[string]bool // the IDs of the last window, for events that span two
	return paginate(ctx, (*service)(s), opCalendarsListEvents, from.UnixMilli(), func(ctx context.Context, start int64) ([]Event, int64, bool, error) {
		if start >= end {
			return nil, start, false, &ArgError{Operation: opCalendarsListEvents.Name, Arg: "to", Reason: "must be after from"}
		}
		for {
			stop := min(start+EventsWindow.Milliseconds(), end)
			items, _, err := s.ListEvents(ctx, locationID, strconv.FormatInt(start, 10), strconv.FormatInt(stop, 10), opts)
			if err != nil {
				return nil, start, false, err
			}
			seen := make(map[string]bool, len(items))
			var fresh []Event
			for _, ev := range items {
				seen[ev.ID] = true
				if !previous[ev.ID] {
					fresh = append(fresh, ev)
				}
			}
			previous = seen
			// An empty window is no end of the range: read on to the next.
			if len(fresh) > 0 || stop >= end {
				return fresh, stop, stop < end, nil
			}
			start = stop
		}
	})
}
