package ghltest

import (
	"net/http/httptest"
	"slices"
	"testing"
)

func testRecords(ids ...string) *rtable {
	t := &rtable{kind: &kind{name: "things", links: func(d map[string]any) []string { return stringsOf(d["parents"]) }},
		byID: map[string]*record{}}
	for i, id := range ids {
		t.insert(&record{seq: uint64(i + 1), doc: map[string]any{"id": id}})
	}
	return t
}

func ids(recs []*record) []string {
	out := []string{}
	for _, r := range recs {
		out = append(out, r.id())
	}
	return out
}

func TestPagerSchemes(t *testing.T) {
	recs := testRecords("a", "b", "c", "d", "e").all()
	for _, tc := range []struct {
		p     pager
		query string
		want  []string
	}{
		{skipLimit(2), "", []string{"a", "b"}},
		{skipLimit(2), "skip=3", []string{"d", "e"}},
		{skipLimit(2), "skip=4&limit=5", []string{"e"}},
		{skipLimit(2), "skip=9", []string{}},
		{offsetLimit(10), "offset=1&limit=2", []string{"b", "c"}},
		{pageLimit(2), "page=2", []string{"c", "d"}},
		{pageLimit(2), "page=3&limit=2", []string{"e"}},
		{cursorLimit("startAfterId", 2), "startAfterId=b", []string{"c", "d"}},
		{cursorLimit("cursor", 2), "cursor=e", []string{}},
		{cursorLimit("cursor", 3), "", []string{"a", "b", "c"}},
	} {
		c := &reqCtx{s: NewHandler(), r: httptest.NewRequest("GET", "/x?"+tc.query, nil)}
		start, end, ok := tc.p.window(c, recs)
		if !ok || !slices.Equal(ids(recs[start:end]), tc.want) {
			t.Errorf("%+v %q: got %v (ok %v), want %v", tc.p, tc.query, ids(recs[start:end]), ok, tc.want)
		}
	}
	c := &reqCtx{s: NewHandler(), r: httptest.NewRequest("GET", "/x?skip=-1", nil)}
	if _, _, ok := skipLimit(2).window(c, recs); ok || c.status != 422 {
		t.Errorf("skip=-1: ok %v status %d", ok, c.status)
	}
	c = &reqCtx{s: NewHandler(), r: httptest.NewRequest("GET", "/x?limit=101", nil)}
	if _, _, ok := (pager{pageSkip, "skip", "limit", 10, 100}).window(c, recs); ok || string(c.out) == "" {
		t.Errorf("limit over max: ok %v body %s", ok, c.out)
	}
}

func TestTableOrderAndLinks(t *testing.T) {
	tb := testRecords("a", "b", "c")
	a, b := tb.get("a"), tb.get("b")
	tb.replace(a, map[string]any{"id": "a", "parents": []any{"p1", "p2"}})
	tb.replace(b, map[string]any{"id": "b", "parents": []any{"p1"}})
	if got := ids(tb.childrenOf("p1")); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("children of p1 %v", got)
	}
	tb.replace(a, map[string]any{"id": "a", "parents": []any{"p2"}})
	if got := ids(tb.childrenOf("p1")); !slices.Equal(got, []string{"b"}) {
		t.Errorf("children of p1 after the move %v", got)
	}
	if string(a.enc) != `{"id":"a","parents":["p2"]}` {
		t.Errorf("cached encoding %s", a.enc)
	}
	// A replacement by ID keeps the position; removal keeps the order.
	tb.insert(&record{seq: 99, doc: map[string]any{"id": "b"}})
	tb.remove(tb.get("a"))
	if got := ids(tb.all()); !slices.Equal(got, []string{"b", "c"}) || tb.get("b").seq != 2 {
		t.Errorf("order %v", got)
	}
	if len(tb.childrenOf("p1")) != 0 || len(tb.childrenOf("p2")) != 0 || len(tb.children) != 0 {
		t.Errorf("links left behind: %v", tb.children)
	}
	if after(tb.all(), "c") != 2 || after(tb.all(), "zz") != 2 {
		t.Error("after")
	}
}
