package simkittest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// cursorPage cuts one page out of items the way the Partner API's cursor
// pagination does: per_page (default def, 1..max) and an opaque cursor from
// a previous meta.next_cursor. It returns the page, the meta object and a
// non-empty message when the query is invalid (a 422 for the caller).
func cursorPage[T any](r *http.Request, items []T, def, max int) ([]T, map[string]any, string) {
	q := r.URL.Query()
	per := def
	if s := q.Get("per_page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > max {
			return nil, nil, fmt.Sprintf("The per page field must be between 1 and %d.", max)
		}
		per = n
	}
	off := 0
	if c := q.Get("cursor"); c != "" {
		var ok bool
		if off, ok = decodeCursor(c); !ok || off > len(items) {
			return nil, nil, "The cursor is invalid."
		}
	}
	end := min(off+per, len(items))
	meta := map[string]any{"per_page": per, "next_cursor": nil, "prev_cursor": nil}
	if end < len(items) {
		meta["next_cursor"] = encodeCursor(end, true)
	}
	if off > 0 {
		meta["prev_cursor"] = encodeCursor(max0(off-per), false)
	}
	return items[off:end], meta, ""
}

type cursorBody struct {
	Offset int  `json:"offset"`
	Next   bool `json:"_pointsToNextItems"`
}

// encodeCursor mimics Laravel's base64 JSON cursors, so clients that treat
// the cursor as opaque text (as they must) are exercised with a real shape.
func encodeCursor(off int, next bool) string {
	b, _ := json.Marshal(cursorBody{Offset: off, Next: next})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	var c cursorBody
	if json.Unmarshal(b, &c) != nil || c.Offset < 0 {
		return 0, false
	}
	return c.Offset, true
}

func max0(n int) int {
	if n < 0 {
		return 0
	}
	return n
}
