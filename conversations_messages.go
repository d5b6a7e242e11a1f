package ghl

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
)

// MessagePage is one page of a conversation's messages, the answer of
// [ConversationsService.ListMessages]: the messages, the ID of the last one
// and whether more follow. HighLevel sends it flat, as its spec shows, or
// nested under "messages", as the live API does; both read the same.
//
// API docs: https://marketplace.gohighlevel.com/docs/ghl/conversations/get-messages
type MessagePage struct {
	// LastMessageID is the cursor of the next page (pass it as
	// ConversationsListMessagesOptions.LastMessageID).
	LastMessageID string `json:"lastMessageId"`
	// NextPage is true when more messages follow.
	NextPage bool `json:"nextPage"`
	// Messages are the messages of the page, newest first.
	Messages []Message `json:"messages"`
	// TraceID is HighLevel's ID of the request.
	TraceID string `json:"traceId,omitempty"`
}

// UnmarshalJSON reads the flat and the nested form.
func (p *MessagePage) UnmarshalJSON(b []byte) error {
	type flat MessagePage
	var outer struct {
		Messages json.RawMessage `json:"messages"`
		TraceID  string          `json:"traceId"`
	}
	if err := json.Unmarshal(b, &outer); err != nil {
		return err
	}
	if m := bytes.TrimSpace(outer.Messages); len(m) > 0 && m[0] == '{' {
		var inner flat
		if err := json.Unmarshal(m, &inner); err != nil {
			return err
		}
		*p = MessagePage(inner)
		p.TraceID = outer.TraceID
		return nil
	}
	var f flat
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*p = MessagePage(f)
	return nil
}

// ListMessagesIter yields every message of a conversation, newest first,
// fetching pages of opts.Limit lazily as the loop asks for more and
// following each page's lastMessageId while nextPage is true. It stops at
// the first error, which it yields; a repeated cursor or the page ceiling
// ([WithMaxPages]) ends it with a [*PageError]. opts is copied; it may be nil.
//
// API docs: https://marketplace.gohighlevel.com/docs/ghl/conversations/get-messages
func (s *ConversationsService) ListMessagesIter(ctx context.Context, conversationID string, opts *ConversationsListMessagesOptions) iter.Seq2[*Message, error] {
	base := ConversationsListMessagesOptions{}
	if opts != nil {
		base = *opts
	}
	return cursorPages(ctx, (*service)(s), opConversationsListMessages, base.LastMessageID, func(ctx context.Context, cursor string) ([]Message, *Response, error) {
		o := base
		o.LastMessageID = cursor
		page, resp, err := s.ListMessages(ctx, conversationID, &o)
		if err != nil {
			return nil, resp, err
		}
		if page.NextPage && resp != nil {
			resp.NextCursor = page.LastMessageID
		}
		return page.Messages, resp, nil
	})
}
